//! `powkg push`: hands each named graph of a build to a SPARQL store by the standard protocols, so that a portal's
//! Virtuoso, Fuseki, `GraphDB` or Oxigraph server holds what powkg built.
//!
//! Per graph: the graph's N-Triples are hashed (SHA-256 of the deterministic serialization) and compared with the
//! hash powkg recorded in the store's record graph (`{base}graph/push`) at the last push: an unchanged graph is not
//! sent. A changed one is uploaded with the Graph Store Protocol (`POST` of N-Triples, in chunks of bounded size, a
//! 413 answered by halving the chunk) into a staging graph beside it, the staging graph's size is checked against
//! what was sent, and then one SPARQL 1.1 Update request replaces the target with the staging graph (`MOVE`) and
//! records the new hash (the Oxigraph server writes the staging graph with its bulk loader, `no_transaction`).
//! A reader of the store sees the old graph or the new one; a push killed at any point leaves
//! the target as it was, and the next push drops the staging graph it left.

mod auth;
mod http;

use std::io;
use std::time::Instant;

use oxigraph::model::NamedNode;
use sha2::{Digest, Sha256};

pub use auth::Credentials;
pub use http::{Answer, Client, ClientOptions, HttpError, Repeat};

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
    /// The store's answer could not be read.
    #[error("{url}: cannot read the answer to {what}: {detail}")]
    Answer {
        /// The endpoint.
        url: String,
        /// What was asked.
        what: String,
        /// Why.
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
    /// Seconds the graph took.
    pub seconds: f64,
    /// Of which uploading into the staging graph.
    pub upload_seconds: f64,
    /// Of which the store's replacement of the target by the staging graph.
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
        let (hash, bytes, triples) = digest(produce)?;
        let recorded = self.record_of(graph)?;
        let present = self.count(graph)?;
        let mut report = GraphReport {
            graph: graph.clone(),
            action: Action::Unchanged,
            reason: String::new(),
            triples,
            bytes,
            bytes_sent: 0,
            chunks: 0,
            seconds: 0.0,
            upload_seconds: 0.0,
            replace_seconds: 0.0,
            hash: hash.clone(),
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
        let RecordTerms {
            graph: record,
            content_hash,
            triples: size,
        } = &self.record;
        let replace = if triples == 0 {
            format!("DROP SILENT GRAPH {graph}")
        } else {
            format!("MOVE SILENT GRAPH {staging} TO GRAPH {graph}")
        };
        let replacing = Instant::now();
        let replaced = self.update_once(
            &format!(
                "{replace} ;\n\
                 DELETE WHERE {{ GRAPH {record} {{ {graph} {content_hash} ?hash }} }} ;\n\
                 DELETE WHERE {{ GRAPH {record} {{ {graph} {size} ?size }} }} ;\n\
                 INSERT DATA {{ GRAPH {record} {{ {graph} {content_hash} \"{hash}\" ; {size} {triples} }} }}"
            ),
            "replacing the graph with its staging copy",
        );
        if let Err(failure) = replaced {
            // The replacement is not repeated (a second MOVE would move the now empty staging graph): the record,
            // written in the same transaction, says whether the store carried it out before the answer was lost.
            let done = self
                .record_of(graph)?
                .is_some_and(|r| r.hash == hash && r.triples == triples);
            if !done {
                return Err(failure);
            }
        }
        report.replace_seconds = replacing.elapsed().as_secs_f64();
        report.bytes_sent = sent_bytes;
        report.chunks = chunks;
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
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
        Ok((format!("sha256:{}", crate::hash::hex(&hasher.finalize())), sent, chunks))
    }

    /// POSTs whole lines of N-Triples to a Graph Store Protocol URL; a 413 splits them in two halves at a line's
    /// end, each sent in turn. Returns the number of requests that carried data.
    fn post_lines(&mut self, url: &str, lines: &[u8]) -> Result<u64, PushError> {
        let answer = self.client.send(
            "POST",
            url,
            &[("Content-Type", "application/n-triples")],
            lines,
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
            body.as_bytes(),
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
        let json: serde_json::Value = serde_json::from_str(&answer.body).map_err(|e| PushError::Answer {
            url: self.store.query.clone(),
            what: what.to_owned(),
            detail: e.to_string(),
        })?;
        let row = &json["results"]["bindings"][0];
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
            url: self.store.query.clone(),
            what,
            detail: format!("\"{text}\" is not a count"),
        })
    }

    /// What the record graph says of `graph`.
    fn record_of(&mut self, graph: &NamedNode) -> Result<Option<Record>, PushError> {
        let RecordTerms {
            graph: record,
            content_hash,
            triples,
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
            (Some(hash), Some(triples)) => Some(Record { hash, triples }),
            _ => None,
        })
    }
}

/// The SHA-256, bytes and triples of a graph's N-Triples, read once without keeping them.
fn digest(produce: &mut Produce<'_>) -> Result<(String, u64, u64), PushError> {
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    let triples = produce(&mut |piece: &[u8]| {
        hasher.update(piece);
        bytes += piece.len() as u64;
        Ok(())
    })
    .map_err(PushError::Produce)?;
    Ok((
        format!("sha256:{}", crate::hash::hex(&hasher.finalize())),
        bytes,
        triples,
    ))
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
        url: url.split('?').next().unwrap_or(url).to_owned(),
        status: answer.status,
        what: format!("{what}{meaning}"),
        detail: answer.first_line().chars().take(300).collect(),
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
}
