//! The opt-in route of a first load (`powkg push --bulk`): a graph the store does not hold yet goes straight into
//! its target graph through the store's fastest write path (the Oxigraph server's bulk loader, `no_transaction`;
//! Graph Store Protocol `POST`s of large chunks elsewhere), without a staging graph or a replacement. It is not
//! atomic: a reader may see the graph partly loaded, and a push that fails midway leaves part of it, which the
//! next push (without a record of this one) replaces through the atomic routes. The push is recorded as any other,
//! so later pushes are incremental.

use std::time::Instant;

use super::route::{Context, Job, Outcome, Route, Sent};
use super::staging::upload;
use crate::publish::error::PushError;
use crate::publish::report::RouteKind;

/// Bytes of N-Triples per request in a bulk load, at least (the `--chunk-size` when larger): fewer, larger loads,
/// each held in memory while it is sent.
const BULK_CHUNK: usize = 64 << 20;

/// Bytes per request to the Oxigraph server's bulk loader, which writes as it reads.
const OXIGRAPH_BULK_CHUNK: usize = 256 << 20;

/// Straight into the target graph, for a graph the store does not hold, when asked for (on the Oxigraph server
/// through its bulk loader, as the staging route writes its staging graph).
pub(crate) struct Bulk;

impl Route for Bulk {
    fn send(&self, at: &mut Context<'_, '_>, job: &Job) -> Result<Outcome, PushError> {
        if !at.bulk || job.present > 0 {
            return Ok(Outcome::Passed {
                note: at
                    .bulk
                    .then(|| "the store holds the graph already: --bulk loads only new graphs".to_owned()),
            });
        }
        let Job { graph, digest, .. } = job;
        let (hash, triples) = (digest.hash.as_str(), digest.triples);
        let chunk_bytes = at.chunk_bytes;
        at.chunk_bytes = if at.remote.oxigraph() {
            chunk_bytes.max(OXIGRAPH_BULK_CHUNK)
        } else {
            chunk_bytes.max(BULK_CHUNK)
        };
        let uploading = Instant::now();
        let uploaded = upload(at, graph);
        at.chunk_bytes = chunk_bytes;
        let (sent_hash, sent_bytes, chunks) = uploaded?;
        let upload_seconds = uploading.elapsed().as_secs_f64();
        if sent_hash != hash {
            return Err(PushError::Changed(graph.to_string()));
        }
        let found = at.remote.count(graph)?;
        if found != triples {
            return Err(PushError::Count {
                graph: graph.to_string(),
                sent: triples,
                found,
            });
        }
        at.remote.update(
            &at.record.recording(graph, hash, found, digest.buckets.as_ref()),
            "recording the pushed graph's hash",
        )?;
        Ok(Outcome::Sent(Sent {
            bytes: sent_bytes,
            requests: chunks,
            upload_seconds,
            replace_seconds: 0.0,
            note: Some("loaded in bulk, not atomically (--bulk)".to_owned()),
        }))
    }

    fn kind(&self) -> RouteKind {
        RouteKind::Bulk
    }
}
