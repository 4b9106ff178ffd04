//! Why a push stopped: the request failed, the store refused or answered something else, or the graph changed.

use super::http::HttpError;

/// Why a push stopped. The target graphs keep their previous content.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// The request failed.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The store answered with an error.
    #[error("{url} answered {status} to {what}{}", if .detail.is_empty() { String::new() } else { format!(": {}", .detail) })]
    Store {
        /// The endpoint.
        url: String,
        /// The status.
        status: u16,
        /// What was asked, and what the status means there.
        what: String,
        /// The first line of the store's answer.
        detail: String,
    },
    /// The store holds another number of triples than was sent.
    #[error(
        "{graph}: the store holds {found} triples in the staging graph after {sent} were sent; the target graph was left as it was (a register whose rows give the same triple twice cannot be told from a loss: remove the repeated rows)"
    )]
    Count {
        /// The graph.
        graph: String,
        /// Triples sent.
        sent: u64,
        /// Triples found.
        found: u64,
    },
    /// The store answered, but not with what was asked for.
    #[error("{url}: the store answered {status} with a body that is not {expected} ({what}): {detail}")]
    Answer {
        /// The endpoint, as shown.
        url: String,
        /// The status.
        status: u16,
        /// What the body should have been.
        expected: &'static str,
        /// What was asked.
        what: String,
        /// Why, quoting the body.
        detail: String,
    },
    /// The graph's content changed between its two readings.
    #[error("{0}: the graph changed while it was being pushed (a register file being written?); nothing was replaced")]
    Changed(String),
    /// Making the graph's N-Triples failed.
    #[error("{0}")]
    Produce(String),
}
