//! `powkg push`: hands each named graph of a build to a SPARQL store by the standard protocols, so that a portal's
//! Virtuoso, Fuseki, `GraphDB` or Oxigraph server holds what powkg built.
//!
//! Per graph: the graph's N-Triples are hashed (SHA-256 of the deterministic serialization) and compared with the
//! hash powkg recorded in the store's record graph (`{base}graph/push`) at the last push: an unchanged graph is not
//! sent. A changed one takes one of three routes, each of which a reader sees whole or not at all, and which a push
//! killed at any point leaves as it was:
//! - a large graph of which few subject buckets changed (see [`buckets`]): one update replaces those buckets and
//!   writes the record;
//! - else, on the Oxigraph server (told by its `Server` header), which carries out each Graph Store Protocol
//!   request in one transaction: the graph goes in one streamed request (`PUT`, or `POST` into an absent graph),
//!   then its record;
//! - else, on any other store: the graph is uploaded (`POST` of N-Triples, in chunks of bounded size, a 413 answered by
//!   halving the chunk) into a staging graph beside it, the staging graph's size is checked against what was sent,
//!   and one SPARQL 1.1 Update request replaces the target with it (`MOVE`) and records the new hash. The next
//!   push drops a staging graph that a killed push left.

mod auth;
mod buckets;
pub mod display;
mod http;
mod origin;

use std::io;
use std::time::Instant;

use oxigraph::model::NamedNode;
use sha2::{Digest as _, Sha256};

use buckets::{BUCKETS, Buckets};

pub use auth::{Credentials, Keyring};
pub use http::{Answer, Body, Client, ClientOptions, HttpError, MOST_PAUSE, Repeat};
pub use origin::Origin;

/// The store's endpoints.
#[derive(Debug, Clone)]
pub struct Store {
    /// The Graph Store Protocol endpoint (graphs named with `?graph=`).
    pub gsp: String,
    /// The SPARQL 1.1 Update endpoint.
    pub update: String,
    /// The SPARQL 1.1 Query endpoint (sizes and records are read there).
    pub query: String,
}

impl Store {
    /// The endpoints; the query endpoint defaults to the update endpoint, or to `…/query` beside `…/update` (as
    /// the Oxigraph server names them).
    pub fn new(gsp: &str, update: &str, query: Option<&str>) -> Self {
        let query = query.map_or_else(
            || match update.strip_suffix("/update") {
                Some(root) => format!("{root}/query"),
                None => update.to_owned(),
            },
            str::to_owned,
        );
        Self {
            gsp: gsp.to_owned(),
            update: update.to_owned(),
            query,
        }
    }
}

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

/// How a graph was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Into a staging graph in chunks, then one update replaced the target with it.
    Staging,
    /// In one request that the store carries out as one transaction (the Oxigraph server).
    Whole,
    /// Only the subject buckets that changed, in one update.
    Buckets,
}

impl Route {
    /// The word for reports.
    pub fn word(self) -> &'static str {
        match self {
            Self::Staging => "staging",
            Self::Whole => "one-request",
            Self::Buckets => "changed-buckets",
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
    pub route: Option<Route>,
    /// Seconds the graph took.
    pub seconds: f64,
    /// Of which sending the data (into the staging graph, or the one request).
    pub upload_seconds: f64,
    /// Of which the store's replacement of the target by the staging graph (0 for one request).
    pub replace_seconds: f64,
    /// SHA-256 of the graph's N-Triples.
    pub hash: String,
}

/// A graph's content: writes its N-Triples, in pieces that each end at a line's end, to the function it is given,
/// and says how many triples it wrote. It is called twice (to hash, then to send) and must write the same both times.
pub type Produce<'a> = dyn FnMut(&mut dyn FnMut(&[u8]) -> io::Result<()>) -> Result<u64, String> + 'a;

/// How a push runs.
#[derive(Debug, Clone)]
pub struct PushOptions {
    /// Bytes of N-Triples per Graph Store Protocol request (a 413 halves it).
    pub chunk_bytes: usize,
    /// Say what would be done, change nothing.
    pub dry_run: bool,
}

/// The terms of the push record.
#[derive(Debug, Clone)]
pub struct RecordTerms {
    /// The record graph (`{base}graph/push`).
    pub graph: NamedNode,
    /// `pk:contentHash`.
    pub content_hash: NamedNode,
    /// `void:triples`.
    pub triples: NamedNode,
    /// `pk:subjectBuckets`.
    pub buckets: NamedNode,
}

/// Pushes graphs to one store.
pub struct Pusher {
    client: Client,
    store: Store,
    record: RecordTerms,
    options: PushOptions,
    /// Whether the store said it is the Oxigraph server (its `Server` header), whose Graph Store Protocol takes
    /// `no_transaction`: the staging graph, which no reader uses, is then written by its bulk loader.
    oxigraph: bool,
}

/// What the record graph says of one graph: its hash and size at the last push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// `sha256:…`
    pub hash: String,
    /// Triples.
    pub triples: u64,
}

impl Pusher {
    /// A pusher for `store`.
    pub fn new(client: Client, store: Store, record: RecordTerms, options: PushOptions) -> Self {
        Self {
            client,
            store,
            record,
            options,
            oxigraph: false,
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
        let recorded = self.record_of(graph)?;
        let present = self.count(graph)?;
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
        let done = self.send_buckets(&job, produce, progress, &mut report)?
            || (self.oxigraph && self.send_whole(&job, produce, progress, &mut report)?);
        if !done {
            self.send_staged(&job, produce, progress, &mut report)?;
        }
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }

    /// A large graph that the store holds as recorded, of which few subject buckets changed: one update deletes
    /// every triple whose subject falls in those buckets (the store finds them with `SHA256`) and inserts their
    /// new lines, and writes the record. The store carries it out in one transaction, so a reader sees the old
    /// graph or the new one. Fills in the report; `false` when the graph does not qualify (then it is sent whole).
    fn send_buckets(
        &mut self,
        job: &Job,
        produce: &mut Produce<'_>,
        progress: &mut dyn FnMut(u64),
        report: &mut GraphReport,
    ) -> Result<bool, PushError> {
        let Job {
            graph,
            digest,
            present,
            recorded,
        } = job;
        let (Some(now), Some(recorded)) = (&digest.buckets, recorded) else {
            return Ok(false);
        };
        if digest.triples < SPLIT_FROM || recorded.triples != *present || *present == 0 {
            return Ok(false);
        }
        let Some(earlier) = self.buckets_of(graph)? else {
            return Ok(false);
        };
        let changed = now.changed(&earlier);
        let bytes: u64 = changed.iter().map(|b| now.bytes[*b]).sum();
        if changed.is_empty() || changed.len() > MOST_BUCKETS || bytes > MOST_BUCKET_BYTES || !self.agrees(now) {
            return Ok(false);
        }
        let sending = Instant::now();
        let (kept, ends) = changed_lines(produce, &changed, &digest.hash, graph)?;
        let mut update = bucket_update(graph, &changed, &kept, &ends);
        update.push_str(&self.recording(graph, &digest.hash, digest.triples, Some(now)));
        self.replace_once(
            &update,
            "replacing the changed subject buckets",
            graph,
            &digest.hash,
            digest.triples,
        )?;
        progress(update.len() as u64);
        let found = self.count(graph)?;
        if found != digest.triples {
            // The store placed some triple elsewhere than powkg did: the graph is sent whole to set it right.
            report.reason = format!(
                "{}; after replacing {} subject buckets the store held {found} triples, not {}: sent whole",
                report.reason,
                changed.len(),
                digest.triples
            );
            return Ok(false);
        }
        report.reason = format!(
            "{}; {} of {BUCKETS} subject buckets changed ({} triples sent)",
            report.reason,
            changed.len(),
            ends.len()
        );
        report.upload_seconds = sending.elapsed().as_secs_f64();
        report.bytes_sent = update.len() as u64;
        report.chunks = 1;
        report.route = Some(Route::Buckets);
        Ok(true)
    }

    /// The subject buckets recorded for `graph` at the last push.
    fn buckets_of(&mut self, graph: &NamedNode) -> Result<Option<buckets::Record>, PushError> {
        let RecordTerms {
            graph: record, buckets, ..
        } = self.record.clone();
        let row = self.select_row(
            &format!("SELECT ?b WHERE {{ GRAPH {record} {{ {graph} {buckets} ?b }} }} LIMIT 1"),
            "reading the subject buckets of the last push",
            &["b"],
        )?;
        Ok(row
            .into_iter()
            .next()
            .flatten()
            .and_then(|b| buckets::Record::parse(&b)))
    }

    /// Whether the store names a subject's bucket as powkg does (its `SHA256` and `SUBSTR`).
    fn agrees(&mut self, now: &buckets::Record) -> bool {
        let Some((iri, bucket)) = &now.probe else {
            return false;
        };
        let probe = NamedNode::new_unchecked(iri.clone());
        let row = self.select_row(
            &format!("SELECT (SUBSTR(SHA256(STR({probe})), 1, 3) AS ?b) WHERE {{}}"),
            "checking how the store hashes a subject",
            &["b"],
        );
        row.is_ok_and(|r| r.first().cloned().flatten() == Some(buckets::name(*bucket)))
    }

    /// Into a staging graph beside the target, in chunks, then one update that replaces the target with it and
    /// writes the record; fills in the report's route, bytes, requests and times.
    fn send_staged(
        &mut self,
        job: &Job,
        produce: &mut Produce<'_>,
        progress: &mut dyn FnMut(u64),
        report: &mut GraphReport,
    ) -> Result<(), PushError> {
        let Job { graph, digest, .. } = job;
        let (hash, triples) = (digest.hash.as_str(), digest.triples);
        let staging = staging(graph);
        self.update(
            &format!("DROP SILENT GRAPH {staging}"),
            "dropping a staging graph left by an earlier push",
        )?;
        let uploading = Instant::now();
        let (sent_hash, sent_bytes, chunks) = self.upload(&staging, produce, progress)?;
        report.upload_seconds = uploading.elapsed().as_secs_f64();
        if sent_hash != hash {
            let _ = self.update(&format!("DROP SILENT GRAPH {staging}"), "dropping the staging graph");
            return Err(PushError::Changed(graph.to_string()));
        }
        let found = self.count(&staging)?;
        if found != triples {
            let _ = self.update(&format!("DROP SILENT GRAPH {staging}"), "dropping the staging graph");
            return Err(PushError::Count {
                graph: graph.to_string(),
                sent: triples,
                found,
            });
        }
        let replace = if triples == 0 {
            format!("DROP SILENT GRAPH {graph}")
        } else {
            format!("MOVE SILENT GRAPH {staging} TO GRAPH {graph}")
        };
        let replacing = Instant::now();
        let update = format!(
            "{replace} ;\n{}",
            self.recording(graph, hash, triples, digest.buckets.as_ref())
        );
        self.replace_once(
            &update,
            "replacing the graph with its staging copy",
            graph,
            hash,
            triples,
        )?;
        report.replace_seconds = replacing.elapsed().as_secs_f64();
        report.bytes_sent = sent_bytes;
        report.chunks = chunks;
        report.route = Some(Route::Staging);
        Ok(())
    }

    /// On the Oxigraph server: the graph in one Graph Store Protocol request, which the server carries out in one
    /// transaction (`PUT` over an existing graph, `POST` into an absent one, about twice as fast), then its record.
    /// A reader sees the old graph or the new one, and nothing else: no staging graph shows in the union default
    /// graph. The last piece of the body is sent only once the whole graph is known to hash as it did before: a
    /// graph that changed meanwhile, or a push killed midway, leaves the store with less than the announced
    /// length, and it discards the request. The request is sent again (made again) after a 5xx or a dropped
    /// connection: either way it gives the same graph. Fills in the report; `false` if the store answered 413
    /// (then the graph takes the staging path, in chunks).
    fn send_whole(
        &mut self,
        job: &Job,
        produce: &mut Produce<'_>,
        progress: &mut dyn FnMut(u64),
        report: &mut GraphReport,
    ) -> Result<bool, PushError> {
        let sending = Instant::now();
        let Job { graph, digest, .. } = job;
        let (hash, bytes, triples) = (digest.hash.as_str(), digest.bytes, digest.triples);
        let mut stopped: Option<PushError> = None;
        let mut attempts = 0u64;
        let mut fill = |write: &mut dyn FnMut(&[u8]) -> io::Result<()>| -> io::Result<()> {
            attempts += 1;
            let mut hasher = Sha256::new();
            let mut held: Vec<u8> = Vec::new();
            let mut sent = 0u64;
            // Set when the store stopped reading: then its answer says why, not the producer.
            let mut refused = false;
            let mut longer = false;
            let produced = produce(&mut |piece: &[u8]| {
                hasher.update(piece);
                if !held.is_empty() {
                    if sent + (held.len() + piece.len()) as u64 > bytes {
                        longer = true;
                        return Err(io::Error::other("the graph changed"));
                    }
                    write(&held).inspect_err(|_| refused = true)?;
                    sent += held.len() as u64;
                    progress(sent);
                }
                held.clear();
                held.extend_from_slice(piece);
                Ok(())
            });
            match produced {
                Err(message) if !refused && !longer => {
                    stopped = Some(PushError::Produce(message.clone()));
                    return Err(io::Error::other(message));
                }
                Err(message) if refused => return Err(io::Error::other(message)),
                _ => {}
            }
            if longer || content_hash(hasher) != hash {
                stopped = Some(PushError::Changed(graph.to_string()));
                return Err(io::Error::other("the graph changed"));
            }
            write(&held)?;
            progress(sent + held.len() as u64);
            Ok(())
        };
        let url = gsp_url(&self.store.gsp, graph);
        let sent = self.client.send(
            if job.present > 0 { "PUT" } else { "POST" },
            &url,
            &[("Content-Type", "application/n-triples")],
            Body::Made {
                length: bytes,
                fill: &mut fill,
            },
            Repeat::Allowed,
        );
        let answer = match (sent, stopped) {
            // A write refused because the store stopped reading is the store's to explain, in its answer.
            (Ok(answer), _) => answer,
            (Err(_), Some(reason)) => return Err(reason),
            (Err(e), None) => return Err(e.into()),
        };
        if answer.status == 413 {
            return Ok(false);
        }
        if !answer.ok() {
            return Err(store_error(
                &url,
                &answer,
                "a Graph Store Protocol request of the whole graph's N-Triples",
            ));
        }
        let found = self.count(graph)?;
        self.update(
            &self.recording(graph, hash, found, digest.buckets.as_ref()),
            "recording the pushed graph's hash",
        )?;
        report.upload_seconds = sending.elapsed().as_secs_f64();
        if found != triples {
            report.reason = format!(
                "{}; the store holds {found} distinct triples of the {triples} sent (the register repeats some)",
                report.reason
            );
        }
        report.bytes_sent = bytes;
        report.chunks = attempts;
        report.route = Some(Route::Whole);
        Ok(true)
    }

    /// The update that records `graph`'s hash, size and subject buckets (for a graph large enough to be split) in
    /// the record graph, in place of the earlier record.
    fn recording(&self, graph: &NamedNode, hash: &str, triples: u64, split: Option<&buckets::Record>) -> String {
        let RecordTerms {
            graph: record,
            content_hash,
            triples: size,
            buckets,
        } = &self.record;
        let kept = split
            .filter(|_| triples >= SPLIT_FROM)
            .map(|b| format!(" ; {buckets} \"{}\"", b.literal()))
            .unwrap_or_default();
        format!(
            "DELETE WHERE {{ GRAPH {record} {{ {graph} {content_hash} ?hash }} }} ;\n\
             DELETE WHERE {{ GRAPH {record} {{ {graph} {size} ?size }} }} ;\n\
             DELETE WHERE {{ GRAPH {record} {{ {graph} {buckets} ?buckets }} }} ;\n\
             INSERT DATA {{ GRAPH {record} {{ {graph} {content_hash} \"{hash}\" ; {size} {triples}{kept} }} }}"
        )
    }

    /// Sends the graph's N-Triples into `staging`, chunk by chunk; their hash, bytes and number of requests.
    fn upload(
        &mut self,
        staging: &NamedNode,
        produce: &mut Produce<'_>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(String, u64, u64), PushError> {
        let chunk_bytes = self.options.chunk_bytes.max(1);
        let mut hasher = Sha256::new();
        let mut buffer: Vec<u8> = Vec::with_capacity(chunk_bytes + (1 << 16));
        let mut sent = 0u64;
        let mut chunks = 0u64;
        let mut failure: Option<PushError> = None;
        let mut url = gsp_url(&self.store.gsp, staging);
        if self.oxigraph {
            // The staging graph is powkg's alone until the one update that replaces the target: it need not be
            // written in transactions, and the Oxigraph server's bulk loader writes it about twice as fast. A push
            // killed midway leaves part of it, which the next push drops.
            url.push_str("&no_transaction");
        }
        let mut flush = |this: &mut Self, buffer: &mut Vec<u8>| -> Result<(), PushError> {
            if buffer.is_empty() {
                return Ok(());
            }
            chunks += this.post_lines(&url, buffer)?;
            sent += buffer.len() as u64;
            progress(sent);
            buffer.clear();
            Ok(())
        };
        let produced = produce(&mut |piece: &[u8]| {
            if failure.is_some() {
                return Err(io::Error::other("push stopped"));
            }
            hasher.update(piece);
            buffer.extend_from_slice(piece);
            // Whole lines of at most a chunk each (a longer line alone), the rest kept for the next request.
            while buffer.len() >= chunk_bytes {
                let cut = buffer[..chunk_bytes]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .or_else(|| buffer.iter().position(|b| *b == b'\n'))
                    .map_or(buffer.len(), |i| i + 1);
                let mut chunk: Vec<u8> = buffer.drain(..cut).collect();
                if let Err(e) = flush(self, &mut chunk) {
                    failure = Some(e);
                    return Err(io::Error::other("push stopped"));
                }
                if cut == 0 {
                    break;
                }
            }
            Ok(())
        });
        if let Some(e) = failure {
            return Err(e);
        }
        produced.map_err(PushError::Produce)?;
        flush(self, &mut buffer)?;
        Ok((content_hash(hasher), sent, chunks))
    }

    /// POSTs whole lines of N-Triples to a Graph Store Protocol URL; a 413 splits them in two halves at a line's
    /// end, each sent in turn. Returns the number of requests that carried data.
    fn post_lines(&mut self, url: &str, lines: &[u8]) -> Result<u64, PushError> {
        let answer = self.client.send(
            "POST",
            url,
            &[("Content-Type", "application/n-triples")],
            Body::Bytes(lines),
            Repeat::Allowed,
        )?;
        self.oxigraph |= answer.server.starts_with("Oxigraph/");
        if answer.status == 413 {
            let middle = lines.len() / 2;
            let cut = lines[..middle].iter().rposition(|b| *b == b'\n').map(|i| i + 1);
            if let Some(cut) = cut.filter(|c| *c > 0) {
                return Ok(self.post_lines(url, &lines[..cut])? + self.post_lines(url, &lines[cut..])?);
            }
        }
        if !answer.ok() {
            return Err(store_error(url, &answer, "a Graph Store Protocol POST of N-Triples"));
        }
        Ok(1)
    }

    /// Sends an update that replaces `graph` and writes its record in one transaction, once. It is not repeated (a
    /// second `MOVE` would move the now empty staging graph): when the answer is lost, the record says whether the
    /// store carried it out.
    fn replace_once(
        &mut self,
        update: &str,
        what: &str,
        graph: &NamedNode,
        hash: &str,
        triples: u64,
    ) -> Result<(), PushError> {
        match self.update_once(update, what) {
            Ok(()) => Ok(()),
            Err(failure) => {
                let done = self
                    .record_of(graph)?
                    .is_some_and(|r| r.hash == hash && r.triples == triples);
                if done { Ok(()) } else { Err(failure) }
            }
        }
    }

    /// Sends a SPARQL 1.1 Update request.
    fn update(&mut self, update: &str, what: &str) -> Result<(), PushError> {
        self.protocol("update", update, &format!("a SPARQL update ({what})"), Repeat::Allowed)
            .map(drop)
    }

    /// Sends the one update request that must not be repeated (see [`Repeat::Never`]).
    fn update_once(&mut self, update: &str, what: &str) -> Result<(), PushError> {
        self.protocol("update", update, &format!("a SPARQL update ({what})"), Repeat::Never)
            .map(drop)
    }

    /// A SPARQL 1.1 Protocol request, `query` or `update`, as a URL-encoded form POST to its endpoint; the answer
    /// when it is 2xx.
    fn protocol(&mut self, field: &str, text: &str, what: &str, repeat: Repeat) -> Result<Answer, PushError> {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair(field, text)
            .finish();
        let url = if field == "query" {
            &self.store.query
        } else {
            &self.store.update
        };
        let answer = self.client.send(
            "POST",
            url,
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "application/sparql-results+json"),
            ],
            Body::Bytes(body.as_bytes()),
            repeat,
        )?;
        self.oxigraph |= answer.server.starts_with("Oxigraph/");
        if !answer.ok() {
            return Err(store_error(url, &answer, what));
        }
        Ok(answer)
    }

    /// Runs a SELECT and gives the values of `variables` in its first row.
    fn select_row(&mut self, query: &str, what: &str, variables: &[&str]) -> Result<Vec<Option<String>>, PushError> {
        let answer = self.protocol("query", query, &format!("a SPARQL query ({what})"), Repeat::Allowed)?;
        let not_results = |detail: String| PushError::Answer {
            url: display::url(&self.store.query),
            status: answer.status,
            expected: "SPARQL query results in JSON",
            what: what.to_owned(),
            detail: if answer.truncated {
                format!("{detail} (its first {} bytes read)", http::MOST_BODY_BYTES)
            } else {
                detail
            },
        };
        let json: serde_json::Value = serde_json::from_str(&answer.body)
            .map_err(|e| not_results(format!("{e}: \"{}\"", display::remote(&excerpt(&answer.body)))))?;
        // Without `results.bindings` nothing says the store found no row: it did not answer the query.
        let Some(bindings) = json["results"]["bindings"].as_array() else {
            return Err(not_results(format!(
                "no results.bindings: \"{}\"",
                display::remote(&excerpt(&answer.body))
            )));
        };
        let row = bindings.first().unwrap_or(&serde_json::Value::Null);
        Ok(variables
            .iter()
            .map(|v| row[*v]["value"].as_str().map(str::to_owned))
            .collect())
    }

    /// The number of triples of a graph in the store (0 when it has none).
    fn count(&mut self, graph: &NamedNode) -> Result<u64, PushError> {
        let what = format!("counting the triples of {graph}");
        let row = self.select_row(
            &format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"),
            &what,
            &["n"],
        )?;
        let text = row.into_iter().next().flatten().unwrap_or_else(|| "0".to_owned());
        text.parse().map_err(|_| PushError::Answer {
            url: display::url(&self.store.query),
            status: 200,
            expected: "a count",
            what,
            detail: format!("\"{}\" is not a number of triples", display::remote(&text)),
        })
    }

    /// What the record graph says of `graph`.
    fn record_of(&mut self, graph: &NamedNode) -> Result<Option<Record>, PushError> {
        let RecordTerms {
            graph: record,
            content_hash,
            triples,
            ..
        } = self.record.clone();
        let row = self.select_row(
            &format!(
                "SELECT ?hash ?size WHERE {{ GRAPH {record} {{ {graph} {content_hash} ?hash ; {triples} ?size }} }} LIMIT 1"
            ),
            "reading the record of the last push",
            &["hash", "size"],
        )?;
        let mut values = row.into_iter();
        let (hash, size) = (values.next().flatten(), values.next().flatten());
        Ok(match (hash, size.and_then(|s| s.parse().ok())) {
            // The store's words: shown in the report when they differ from the graph's hash.
            (Some(hash), Some(triples)) => Some(Record {
                hash: display::remote(&hash),
                triples,
            }),
            _ => None,
        })
    }
}

/// One graph being pushed: what was read of it and of the store.
struct Job {
    graph: NamedNode,
    digest: Digest,
    /// Its triples in the store now.
    present: u64,
    /// What the record graph says of it.
    recorded: Option<Record>,
}

/// Graphs from this size on are recorded with their subject buckets, and may be sent in part.
pub const SPLIT_FROM: u64 = 20_000;

/// A push sends the changed buckets alone when they are at most this many of the [`BUCKETS`]…
const MOST_BUCKETS: usize = BUCKETS / 8;

/// …and at most these many bytes of N-Triples (held in memory and sent in one update).
const MOST_BUCKET_BYTES: u64 = 64 << 20;

/// Triples per `INSERT DATA` operation of that update (Virtuoso's SPARQL compiler runs out of memory on one
/// operation of 30,000 triples).
const INSERT_LINES: usize = 1000;

/// A finished hash as the record names it (`sha256:…`, `pk:contentHash`).
fn content_hash(hasher: Sha256) -> String {
    format!("sha256:{}", crate::rdf::hash::hex(&hasher.finalize()))
}

/// What one reading of a graph's N-Triples gives.
struct Digest {
    /// `sha256:…`
    hash: String,
    bytes: u64,
    triples: u64,
    /// Its subject buckets, when it can be split.
    buckets: Option<buckets::Record>,
}

/// The SHA-256, bytes, triples and subject buckets of a graph's N-Triples, read once without keeping them.
fn digest(produce: &mut Produce<'_>) -> Result<Digest, PushError> {
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    let mut buckets = Buckets::default();
    let triples = produce(&mut |piece: &[u8]| {
        hasher.update(piece);
        buckets.feed(piece);
        bytes += piece.len() as u64;
        Ok(())
    })
    .map_err(PushError::Produce)?;
    Ok(Digest {
        hash: content_hash(hasher),
        bytes,
        triples,
        buckets: buckets.finish(),
    })
}

/// The lines of the graph whose subject falls in one of `changed` buckets, read once more (one after another in
/// the bytes, with the end of each); the graph must hash as it did.
fn changed_lines(
    produce: &mut Produce<'_>,
    changed: &[usize],
    hash: &str,
    graph: &NamedNode,
) -> Result<(Vec<u8>, Vec<usize>), PushError> {
    let mut wanted = vec![false; BUCKETS];
    for b in changed {
        wanted[*b] = true;
    }
    let mut hasher = Sha256::new();
    let mut placer = Buckets::default();
    let mut kept: Vec<u8> = Vec::new();
    let mut ends: Vec<usize> = Vec::new();
    produce(&mut |piece: &[u8]| {
        hasher.update(piece);
        for line in piece.split_inclusive(|b| *b == b'\n') {
            if placer.place(line).is_some_and(|b| wanted[b]) {
                kept.extend_from_slice(line);
                ends.push(kept.len());
            }
        }
        Ok(())
    })
    .map_err(PushError::Produce)?;
    if content_hash(hasher) != hash {
        return Err(PushError::Changed(graph.to_string()));
    }
    Ok((kept, ends))
}

/// The update that replaces the `changed` buckets of `graph` with these lines: the store deletes every triple whose
/// subject hashes into them, then inserts the lines, [`INSERT_LINES`] to an operation.
fn bucket_update(graph: &NamedNode, changed: &[usize], kept: &[u8], ends: &[usize]) -> String {
    use std::fmt::Write as _;
    let names: Vec<String> = changed.iter().map(|b| format!("\"{}\"", buckets::name(*b))).collect();
    let mut update = format!(
        "DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} \
         FILTER(SUBSTR(SHA256(STR(?s)), 1, 3) IN ({})) }} ;\n",
        names.join(", ")
    );
    let mut start = 0;
    for group in ends.chunks(INSERT_LINES) {
        let end = group.last().copied().unwrap_or(start);
        let _ = write!(
            update,
            "INSERT DATA {{ GRAPH {graph} {{\n{}}} }} ;\n",
            String::from_utf8_lossy(&kept[start..end])
        );
        start = end;
    }
    update
}

/// The first 200 characters of a body, for a message (which [`display::remote`] then makes safe).
fn excerpt(body: &str) -> String {
    body.chars().take(200).collect()
}

/// The staging graph of `graph`: beside it, named so that no build mints it.
pub fn staging(graph: &NamedNode) -> NamedNode {
    NamedNode::new_unchecked(format!("{}.powkg-staging", graph.as_str()))
}

/// `gsp?graph=IRI`, the IRI percent-encoded.
fn gsp_url(gsp: &str, graph: &NamedNode) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("graph", graph.as_str())
        .finish();
    let separator = if gsp.contains('?') { '&' } else { '?' };
    format!("{gsp}{separator}{query}")
}

/// The store's error status as one line, with what it means for the request.
fn store_error(url: &str, answer: &Answer, what: &str) -> PushError {
    let meaning = match answer.status {
        404 => " (no such endpoint: check the URL)",
        405 => " (the endpoint does not take this method: is it the right endpoint?)",
        413 => " (the request is too large even for one line)",
        415 => " (the endpoint does not take this content type)",
        _ => "",
    };
    PushError::Store {
        url: display::url(url.split('?').next().unwrap_or(url)),
        status: answer.status,
        what: format!("{what}{meaning}"),
        detail: answer.quoted(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_default_as_the_stores_name_them() {
        let oxigraph = Store::new("http://127.0.0.1:7878/store", "http://127.0.0.1:7878/update", None);
        assert_eq!(oxigraph.query, "http://127.0.0.1:7878/query");
        let virtuoso = Store::new(
            "http://127.0.0.1:8890/sparql-graph-crud-auth",
            "http://127.0.0.1:8890/sparql-auth",
            None,
        );
        assert_eq!(virtuoso.query, "http://127.0.0.1:8890/sparql-auth");
    }

    #[test]
    fn a_bucket_update_deletes_the_buckets_and_inserts_their_lines_in_parsable_groups() {
        let graph = NamedNode::new_unchecked("https://example.org/powkg/graph/register/r");
        let mut kept = Vec::new();
        let mut ends = Vec::new();
        for i in 0..2500 {
            kept.extend_from_slice(format!("<urn:s{i}> <urn:p> \"{i}\\\"\"@en .\n").as_bytes());
            ends.push(kept.len());
        }
        let update = bucket_update(&graph, &[0x0a1, 0xfff], &kept, &ends);
        assert!(update.contains(r#"FILTER(SUBSTR(SHA256(STR(?s)), 1, 3) IN ("0a1", "fff"))"#));
        assert_eq!(update.matches("INSERT DATA").count(), 3);
        let parsed = spargebra::SparqlParser::new()
            .parse_update(&update)
            .expect("the update parses");
        let inserted: usize = parsed
            .operations
            .iter()
            .map(|op| match op {
                spargebra::GraphUpdateOperation::InsertData { data } => data.len(),
                _ => 0,
            })
            .sum();
        assert_eq!(inserted, 2500);
    }

    #[test]
    fn graph_names_are_percent_encoded_and_staging_sits_beside_the_target() {
        let g = NamedNode::new_unchecked("https://example.org/powkg/graph/data");
        assert_eq!(
            gsp_url("http://h/store", &g),
            "http://h/store?graph=https%3A%2F%2Fexample.org%2Fpowkg%2Fgraph%2Fdata"
        );
        assert_eq!(
            staging(&g).as_str(),
            "https://example.org/powkg/graph/data.powkg-staging"
        );
    }

    /// A store that answers every request (up to 8) with 200 and `body`; its root URL.
    fn answering(body: &'static [u8]) -> String {
        use std::io::{BufRead as _, BufReader, Read as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let root = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        std::thread::spawn(move || {
            for _ in 0..8 {
                let Ok((stream, _)) = listener.accept() else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0u64;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                        break;
                    }
                    if let Some((_, v)) = line
                        .split_once(':')
                        .filter(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                    {
                        length = v.trim().parse().unwrap();
                    }
                }
                let _ = reader.by_ref().take(length).read_to_end(&mut Vec::new());
                let mut stream = stream;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body);
            }
        });
        root
    }

    #[test]
    fn a_200_answer_that_is_not_query_results_is_named_as_such() {
        let graph = NamedNode::new_unchecked("https://example.org/powkg/graph/data");
        let term = |t: &str| NamedNode::new_unchecked(format!("https://example.org/powkg/{t}"));
        for body in [
            &b"\xff\xfe\x00garbage"[..],
            b"{}",
            b"<html>\x1b[2J\x1b]0;pwned\x07 oops</html>",
        ] {
            let root = answering(body);
            let query = root.replace("http://", "http://u:secret@") + "/query";
            let client = Client::new(
                ClientOptions {
                    timeout: std::time::Duration::from_secs(20),
                    retries: 0,
                    backoff: std::time::Duration::from_millis(10),
                    allow_insecure_auth: false,
                },
                Keyring::default(),
            );
            let store = Store::new(&format!("{root}/store"), &format!("{root}/update"), Some(&query));
            let record = RecordTerms {
                graph: term("graph/push"),
                content_hash: term("contentHash"),
                triples: term("triples"),
                buckets: term("subjectBuckets"),
            };
            let options = PushOptions {
                chunk_bytes: 1 << 20,
                dry_run: false,
            };
            let error = Pusher::new(client, store, record, options)
                .count(&graph)
                .unwrap_err()
                .to_string();
            let expected =
                format!("{root}/query: the store answered 200 with a body that is not SPARQL query results in JSON");
            assert!(error.starts_with(&expected), "{error}");
            assert!(
                !error.contains("secret") && !error.chars().any(char::is_control),
                "{error:?}"
            );
        }
    }
}
