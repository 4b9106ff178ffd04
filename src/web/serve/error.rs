//! Why `powkg serve` could not start.

use std::io;

use crate::web::render::RenderError;

/// What stops `powkg serve` before or outside a request (requests themselves are answered, never failed).
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The store has no pages to serve (no dataset description under the base IRI), or reading them failed.
    #[error(transparent)]
    Pages(#[from] RenderError),
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
