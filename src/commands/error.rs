//! The error of a command, wrapping each layer's, and the exit code each maps to (the library returns its layers' own
//! errors; only the binary gathers them).

use std::io;
use std::path::PathBuf;

use powkg::files::diagnostic::Diagnostics;
use powkg::query::QueryError;
use powkg::rdf::iri::BaseIriError;
use powkg::store::StoreError;

/// Anything that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in user input, each with its location.
    #[error("{0}")]
    Input(#[from] Diagnostics),
    /// A bad `--base-iri`.
    #[error(transparent)]
    BaseIri(#[from] BaseIriError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Two graphs could not be compared.
    #[error(transparent)]
    Diff(#[from] powkg::changes::diff::DiffError),
    /// A register could not be streamed.
    #[error(transparent)]
    Register(#[from] powkg::build::register::RegisterError),
    /// A query failed.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// A search failed, or its query was refused.
    #[error(transparent)]
    Search(#[from] powkg::search::SearchError),
    /// Validation could not run.
    #[cfg(feature = "shacl")]
    #[error(transparent)]
    Validate(#[from] powkg::build::validate::ValidateError),
    /// No query of that name, built in or the project's.
    #[error("no query named \"{name}\" (run `powkg queries` to list them: {available})")]
    UnknownQuery {
        /// The name asked for.
        name: String,
        /// The bundled names.
        available: String,
    },
    /// A push to a store stopped (the store's target graphs keep their previous content).
    #[error(transparent)]
    Push(#[from] powkg::publish::PushError),
    /// The server could not start.
    #[error(transparent)]
    Serve(#[from] powkg::web::serve::ServeError),
    /// A site refused its `--out`, or one of its files' paths.
    #[error(transparent)]
    Site(#[from] powkg::web::site::SiteError),
    /// The pages could not be made ready (the store describes no dataset under the base IRI).
    #[error(transparent)]
    Render(#[from] powkg::web::render::RenderError),
    /// A command-line combination that cannot work.
    #[error("{0}")]
    Usage(String),
    /// Writing an output failed.
    #[error("{}: cannot write: {source}", path.display())]
    Output {
        /// The output path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

impl Error {
    /// Whether the error is a closed pipe on standard output, which is not a failure (`powkg query … | head`).
    pub fn is_broken_pipe(&self) -> bool {
        let io_error = match self {
            Self::Output { source, .. } | Self::Query(QueryError::Io(source)) => Some(source),
            _ => None,
        };
        io_error.is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    }
}
