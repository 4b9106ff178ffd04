//! Why a page could not be rendered, in the terms both front doors answer in: the reader's input, nothing known, try
//! later, or the server's fault.

use crate::query::QueryError;
use crate::query::sparql::{SparqlError, Stopped};

/// Why a page could not be rendered; each front door turns it into its own answer (an HTTP status, an error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// The reader asked for something malformed (a query with a syntax error).
    #[error("{0}")]
    BadInput(String),
    /// Nothing is known about what was asked for.
    #[error("{0}")]
    NotFound(String),
    /// A query the page needed was stopped (deadline, memory, busy): it may succeed later.
    #[error("{0}")]
    Unavailable(String),
    /// The store or the evaluator failed.
    #[error("{0}")]
    Internal(String),
}

impl Failure {
    /// The message for the reader.
    pub fn message(&self) -> &str {
        match self {
            Self::BadInput(m) | Self::NotFound(m) | Self::Unavailable(m) | Self::Internal(m) => m,
        }
    }

    /// How a failed query is reported.
    pub(crate) fn of_query(error: &SparqlError) -> Self {
        match error {
            SparqlError::Invalid(problem) => Self::BadInput(problem.to_string()),
            SparqlError::Evaluation(e) => Self::of_evaluation(e),
            SparqlError::Stopped(stopped) => match stopped {
                Stopped::Timeout(_) | Stopped::Memory(_) | Stopped::Busy(_) => Self::Unavailable(stopped.to_string()),
                Stopped::Panic(_) | Stopped::Thread(_) => Self::Internal(stopped.to_string()),
            },
        }
    }

    /// How an evaluation that failed while its results were read is reported.
    fn of_evaluation(e: &oxigraph::sparql::QueryEvaluationError) -> Self {
        match e {
            oxigraph::sparql::QueryEvaluationError::Cancelled => Self::Unavailable("query cancelled".to_owned()),
            oxigraph::sparql::QueryEvaluationError::Dataset(_)
            | oxigraph::sparql::QueryEvaluationError::Unexpected(_) => {
                Self::Internal(format!("query evaluation failed: {e}"))
            }
            _ => Self::BadInput(format!("query evaluation failed: {e}")),
        }
    }

    /// How a bundled query's failure is reported: its parameters' values are the reader's input; writing its
    /// results is the server's work.
    pub(crate) fn of_bundled(error: &QueryError) -> Self {
        match error {
            QueryError::Sparql(e) => Self::of_query(e),
            QueryError::Evaluation(e) => Self::of_evaluation(e),
            QueryError::UnknownParam { .. } | QueryError::BadParam { .. } | QueryError::BadFormat { .. } => {
                Self::BadInput(error.to_string())
            }
            QueryError::Io(_) | QueryError::Results(_) => Self::Internal(error.to_string()),
        }
    }
}

impl From<crate::store::StoreError> for Failure {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}
