//! The one signature of the ways a changed graph goes to the store: a [`Route`] sends a [`Job`] and says what it
//! sent ([`Sent`]), or passes the graph on to the next route; the pusher fills the report from that, once.

use oxigraph::model::NamedNode;

use crate::publish::content::{Digest, Produce};
use crate::publish::error::PushError;
use crate::publish::record::{Record, RecordTerms};
use crate::publish::remote::Remote;
use crate::publish::report::RouteKind;

/// One graph being pushed: what was read of it and of the store.
pub(crate) struct Job {
    pub(crate) graph: NamedNode,
    pub(crate) digest: Digest,
    /// Its triples in the store now.
    pub(crate) present: u64,
    /// What the record graph says of it.
    pub(crate) recorded: Option<Record>,
}

/// What a route sends with: the store, the terms of the record graph, the bytes of N-Triples per Graph Store
/// Protocol request, the graph's content (written again as often as needed, each time the same, or the push stops
/// with [`PushError::Changed`]) and what hears the bytes sent so far.
pub(crate) struct Context<'a, 'p> {
    pub(crate) remote: &'a mut Remote,
    pub(crate) record: &'a RecordTerms,
    pub(crate) chunk_bytes: usize,
    /// Whether a graph the store does not hold goes in bulk, not atomically (`--bulk`).
    pub(crate) bulk: bool,
    pub(crate) produce: &'a mut Produce<'p>,
    pub(crate) progress: &'a mut dyn FnMut(u64),
}

/// What a route sent, for the report.
#[derive(Debug, Default)]
pub(crate) struct Sent {
    /// Bytes of N-Triples (or of the update) sent.
    pub(crate) bytes: u64,
    /// Requests that carried data.
    pub(crate) requests: u64,
    /// Seconds sending the data.
    pub(crate) upload_seconds: f64,
    /// Seconds of the store's replacement of the target by the staging graph.
    pub(crate) replace_seconds: f64,
    /// What the report's reason should add.
    pub(crate) note: Option<String>,
}

/// How a route dealt with a graph.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The graph is in the store, and its record with it.
    Sent(Sent),
    /// The route does not take this graph (or gave it up, leaving the store as a reader may see it): the next
    /// route sends it; `note` says why, when the report should.
    Passed { note: Option<String> },
}

/// A way to send a graph, each in a file of its own.
pub(crate) trait Route {
    /// Sends the graph of `job`, or passes it on.
    fn send(&self, at: &mut Context<'_, '_>, job: &Job) -> Result<Outcome, PushError>;

    /// How the report names it.
    fn kind(&self) -> RouteKind;
}
