//! What a push reports of each graph: what was done ([`Action`]), by which route ([`RouteKind`]) and why.

use oxigraph::model::NamedNode;

/// What a push did to one graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Same content as at the last push: nothing sent.
    Unchanged,
    /// The graph did not exist in the store: created.
    Created,
    /// The graph existed: replaced.
    Replaced,
    /// Dry run: would be created.
    WouldCreate,
    /// Dry run: would be replaced.
    WouldReplace,
}

impl Action {
    /// The word for reports.
    pub fn word(self) -> &'static str {
        match self {
            Self::Unchanged => "unchanged",
            Self::Created => "created",
            Self::Replaced => "replaced",
            Self::WouldCreate => "would create",
            Self::WouldReplace => "would replace",
        }
    }
}
/// How a graph was sent (each is a route of `routes/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    /// Into a staging graph in chunks, then one update replaced the target with it.
    Staging,
    /// In one request that the store carries out as one transaction (the Oxigraph server).
    Whole,
    /// Only the subject buckets that changed, in one update.
    Buckets,
    /// Straight into the target graph through the store's fastest path, not atomically (`--bulk`).
    Bulk,
}
impl RouteKind {
    /// The word for reports.
    pub fn word(self) -> &'static str {
        match self {
            Self::Staging => "staging",
            Self::Whole => "one-request",
            Self::Buckets => "changed-buckets",
            Self::Bulk => "bulk",
        }
    }
}

/// One graph's line of the push report.
#[derive(Debug, Clone)]
pub struct GraphReport {
    /// The graph.
    pub graph: NamedNode,
    /// What was done.
    pub action: Action,
    /// Why (the hashes compared, the size found).
    pub reason: String,
    /// Triples of the graph.
    pub triples: u64,
    /// Bytes of the graph's N-Triples.
    pub bytes: u64,
    /// Bytes of N-Triples sent (0 when nothing was).
    pub bytes_sent: u64,
    /// Requests that carried data.
    pub chunks: u64,
    /// How it was sent (`None` when it was not).
    pub route: Option<RouteKind>,
    /// Seconds the graph took.
    pub seconds: f64,
    /// Of which sending the data (into the staging graph, or the one request).
    pub upload_seconds: f64,
    /// Of which the store's replacement of the target by the staging graph (0 for one request).
    pub replace_seconds: f64,
    /// SHA-256 of the graph's N-Triples.
    pub hash: String,
}
