//! The push of one graph ([`Pusher::push`]): hash it, read what the store and its record graph hold, leave an
//! unchanged graph alone, and send a changed one by the first route that takes it, filling the report once.

use std::time::Instant;

use oxigraph::model::NamedNode;

use super::content::{Produce, digest};
use super::error::PushError;
use super::http::Client;
use super::record::RecordTerms;
use super::remote::{Remote, Store};
use super::report::{Action, GraphReport};
use super::routes::{Bulk, ChangedBuckets, Context, Job, OneRequest, Outcome, Route, Staging};

/// The routes in the order they are tried: a graph the store does not hold in bulk when asked for, else the changed
/// subject buckets alone, else the whole graph in one request (the Oxigraph server), else through a staging graph,
/// which takes every graph.
const ROUTES: [&dyn Route; 4] = [&Bulk, &ChangedBuckets, &OneRequest, &Staging];

/// How a push runs.
#[derive(Debug, Clone)]
pub struct PushOptions {
    /// Bytes of N-Triples per Graph Store Protocol request (a 413 halves it).
    pub chunk_bytes: usize,
    /// Say what would be done, change nothing.
    pub dry_run: bool,
    /// Load a graph the store does not hold through its fastest path, not atomically.
    pub bulk: bool,
}

/// Pushes graphs to one store.
pub struct Pusher {
    remote: Remote,
    record: RecordTerms,
    options: PushOptions,
}

impl Pusher {
    /// A pusher for `store`.
    pub fn new(client: Client, store: Store, record: RecordTerms, options: PushOptions) -> Self {
        Self {
            remote: Remote::new(client, store),
            record,
            options,
        }
    }

    /// Pushes one graph; `progress` hears the bytes sent so far.
    pub fn push(
        &mut self,
        graph: &NamedNode,
        produce: &mut Produce<'_>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<GraphReport, PushError> {
        let started = Instant::now();
        let digest = digest(produce)?;
        let (hash, triples) = (digest.hash.as_str(), digest.triples);
        let recorded = self.record.read(&mut self.remote, graph)?;
        let present = self.remote.count(graph)?;
        let mut report = GraphReport {
            graph: graph.clone(),
            action: Action::Unchanged,
            reason: String::new(),
            triples,
            bytes: digest.bytes,
            bytes_sent: 0,
            chunks: 0,
            route: None,
            seconds: 0.0,
            upload_seconds: 0.0,
            replace_seconds: 0.0,
            hash: hash.to_owned(),
        };
        report.reason = match &recorded {
            Some(r) if r.hash == hash && r.triples == present => {
                report.reason =
                    format!("{hash} as recorded at the last push, and the store holds its {present} triples");
                report.seconds = started.elapsed().as_secs_f64();
                return Ok(report);
            }
            Some(r) if r.hash == hash => {
                format!(
                    "recorded as pushed, but the store holds {present} of its {} triples",
                    r.triples
                )
            }
            Some(r) => format!("content changed: {} at the last push, now {hash}", r.hash),
            None if present > 0 => format!("not pushed by powkg before; the store holds {present} triples"),
            None => "not in the store".to_owned(),
        };
        report.action = match (present > 0, self.options.dry_run) {
            (true, true) => Action::WouldReplace,
            (false, true) => Action::WouldCreate,
            (true, false) => Action::Replaced,
            (false, false) => Action::Created,
        };
        if self.options.dry_run {
            report.seconds = started.elapsed().as_secs_f64();
            return Ok(report);
        }
        let job = Job {
            graph: graph.clone(),
            digest,
            present,
            recorded,
        };
        let mut at = Context {
            remote: &mut self.remote,
            record: &self.record,
            chunk_bytes: self.options.chunk_bytes,
            bulk: self.options.bulk,
            produce,
            progress,
        };
        for route in ROUTES {
            match route.send(&mut at, &job)? {
                Outcome::Passed { note } => add_note(&mut report.reason, note),
                Outcome::Sent(sent) => {
                    add_note(&mut report.reason, sent.note);
                    report.bytes_sent = sent.bytes;
                    report.chunks = sent.requests;
                    report.upload_seconds = sent.upload_seconds;
                    report.replace_seconds = sent.replace_seconds;
                    report.route = Some(route.kind());
                    break;
                }
            }
        }
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }
}

/// Adds a route's note to the report's reason (`…; note`).
fn add_note(reason: &mut String, note: Option<String>) {
    if let Some(note) = note {
        reason.push_str("; ");
        reason.push_str(&note);
    }
}
