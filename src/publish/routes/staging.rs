//! The route of any store: the graph is uploaded (`POST` of N-Triples, in chunks of bounded size, a 413 answered by
//! halving the chunk) into a staging graph beside it, the staging graph's size is checked against what was sent,
//! and one SPARQL 1.1 Update request replaces the target with it (`MOVE`) and records the new hash. The next push
//! drops a staging graph that a killed push left.

use std::io;
use std::time::Instant;

use oxigraph::model::NamedNode;
use sha2::{Digest as _, Sha256};

use super::route::{Context, Job, Outcome, Route, Sent};
use crate::publish::content::content_hash;
use crate::publish::error::PushError;
use crate::publish::remote::Remote;
use crate::publish::report::RouteKind;

/// Into a staging graph beside the target, in chunks, then one update that replaces the target with it and writes
/// the record. It takes every graph: the last route.
pub(crate) struct Staging;

impl Route for Staging {
    fn send(&self, at: &mut Context<'_, '_>, job: &Job) -> Result<Outcome, PushError> {
        let Job { graph, digest, .. } = job;
        let (hash, triples) = (digest.hash.as_str(), digest.triples);
        let staging = staging(graph);
        at.remote.update(
            &format!("DROP SILENT GRAPH {staging}"),
            "dropping a staging graph left by an earlier push",
        )?;
        let uploading = Instant::now();
        let (sent_hash, sent_bytes, chunks) = upload(at, &staging)?;
        let upload_seconds = uploading.elapsed().as_secs_f64();
        if sent_hash != hash {
            let _ = at
                .remote
                .update(&format!("DROP SILENT GRAPH {staging}"), "dropping the staging graph");
            return Err(PushError::Changed(graph.to_string()));
        }
        let found = at.remote.count(&staging)?;
        if found != triples {
            let _ = at
                .remote
                .update(&format!("DROP SILENT GRAPH {staging}"), "dropping the staging graph");
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
            at.record.recording(graph, hash, triples, digest.buckets.as_ref())
        );
        at.record.replace_once(
            at.remote,
            &update,
            "replacing the graph with its staging copy",
            graph,
            hash,
            triples,
        )?;
        Ok(Outcome::Sent(Sent {
            bytes: sent_bytes,
            requests: chunks,
            upload_seconds,
            replace_seconds: replacing.elapsed().as_secs_f64(),
            note: None,
        }))
    }

    fn kind(&self) -> RouteKind {
        RouteKind::Staging
    }
}

/// The staging graph of `graph`: beside it, named so that no build mints it.
pub fn staging(graph: &NamedNode) -> NamedNode {
    NamedNode::new_unchecked(format!("{}.powkg-staging", graph.as_str()))
}

/// Uploads the graph's N-Triples to the graph `staging` in `POST`s of whole lines of at most the chunk size each;
/// gives the hash of what was sent, its bytes and the requests made. The graph is made on this thread while the
/// chunk before is sent from another (the next chunk waits until the one before is taken), so that making and sending overlap:
/// the store parses one chunk while the next is made.
pub(super) fn upload(at: &mut Context<'_, '_>, staging: &NamedNode) -> Result<(String, u64, u64), PushError> {
    let Context {
        remote,
        produce,
        progress,
        chunk_bytes,
        ..
    } = at;
    let chunk_bytes = (*chunk_bytes).max(1);
    let mut url = remote.graph_url(staging);
    if remote.oxigraph() {
        // The staging graph is powkg's alone until the one update that replaces the target: it need not be
        // written in transactions, and the Oxigraph server's bulk loader writes it about twice as fast. A push
        // killed midway leaves part of it, which the next push drops.
        url.push_str("&no_transaction");
    }
    let remote: &mut Remote = remote;
    std::thread::scope(|scope| {
        let (chunks_out, chunks_in) = std::sync::mpsc::sync_channel::<Vec<u8>>(0);
        let sender = scope.spawn(move || -> Result<u64, PushError> {
            let mut requests = 0u64;
            for chunk in chunks_in {
                requests += remote.post_lines(&url, &chunk)?;
            }
            Ok(requests)
        });
        let mut hasher = Sha256::new();
        let mut buffer: Vec<u8> = Vec::with_capacity(chunk_bytes + (1 << 16));
        let mut sent = 0u64;
        // Hands a chunk to the sending thread; `false` once that thread has stopped (its error is read below).
        let mut hand = |chunk: Vec<u8>| -> bool {
            sent += chunk.len() as u64;
            let ok = chunks_out.send(chunk).is_ok();
            progress(sent);
            ok
        };
        let produced = produce(&mut |piece: &[u8]| {
            hasher.update(piece);
            buffer.extend_from_slice(piece);
            // Whole lines of at most a chunk each (a longer line alone), the rest kept for the next request.
            while buffer.len() >= chunk_bytes {
                let cut = buffer[..chunk_bytes]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .or_else(|| buffer.iter().position(|b| *b == b'\n'))
                    .map_or(buffer.len(), |i| i + 1);
                let chunk: Vec<u8> = buffer.drain(..cut).collect();
                if !chunk.is_empty() && !hand(chunk) {
                    return Err(io::Error::other("push stopped"));
                }
                if cut == 0 {
                    break;
                }
            }
            Ok(())
        });
        if produced.is_ok() && !buffer.is_empty() {
            hand(std::mem::take(&mut buffer));
        }
        drop(chunks_out);
        // The sender's error first: a stopped sender is why the making stopped.
        let requests = sender
            .join()
            .map_err(|_| PushError::Produce("the thread sending the graph stopped".to_owned()))??;
        produced.map_err(PushError::Produce)?;
        Ok((content_hash(hasher), sent, requests))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::remote::gsp_url;

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
