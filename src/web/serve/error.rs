//! Why `powkg serve` could not start.

use std::io;

/// What stops `powkg serve` before or outside a request (requests themselves are answered, never failed).
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The store has no pages to serve (no dataset description under the base IRI), or reading them failed.
    // Boxed: the renderer's error is the render layer's own, which may change without serve having to.
    #[error(transparent)]
    Pages(Box<dyn std::error::Error + Send + Sync>),
    /// A socket, the signal watch or the server's threads could not be set up.
    #[error("{what}: {source}")]
    Io {
        /// What was being set up (`cannot listen on 127.0.0.1:7878`).
        what: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
}
