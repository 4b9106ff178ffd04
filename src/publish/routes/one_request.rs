//! The route of the Oxigraph server, which carries out each Graph Store Protocol request in one transaction: the
//! graph goes in one streamed request, then its record.

use std::io;
use std::time::Instant;

use sha2::{Digest as _, Sha256};

use super::route::{Context, Job, Outcome, Route, Sent};
use crate::publish::content::content_hash;
use crate::publish::error::PushError;
use crate::publish::http::Body;
use crate::publish::remote::store_error;
use crate::publish::report::RouteKind;

/// On the Oxigraph server: the graph in one Graph Store Protocol request, which the server carries out in one
/// transaction (`PUT` over an existing graph, `POST` into an absent one, about twice as fast), then its record.
/// A reader sees the old graph or the new one, and nothing else: no staging graph shows in the union default
/// graph. The last piece of the body is sent only once the whole graph is known to hash as it did before: a
/// graph that changed meanwhile, or a push killed midway, leaves the store with less than the announced
/// length, and it discards the request. The request is sent again (made again) after a 5xx or a dropped
/// connection: either way it gives the same graph. Passes a graph on any other store, and one the store
/// answered 413 for (then the graph takes the staging path, in chunks).
pub(crate) struct OneRequest;

impl Route for OneRequest {
    fn send(&self, at: &mut Context<'_, '_>, job: &Job) -> Result<Outcome, PushError> {
        let Context {
            remote,
            record,
            produce,
            progress,
            ..
        } = at;
        if !remote.oxigraph() {
            return Ok(Outcome::Passed { note: None });
        }
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
        let url = remote.graph_url(graph);
        let sent = remote.send_triples(
            if job.present > 0 { "PUT" } else { "POST" },
            &url,
            Body::Made {
                length: bytes,
                fill: &mut fill,
            },
        );
        let answer = match (sent, stopped) {
            // A write refused because the store stopped reading is the store's to explain, in its answer.
            (Ok(answer), _) => answer,
            (Err(_), Some(reason)) => return Err(reason),
            (Err(e), None) => return Err(e.into()),
        };
        if answer.status == 413 {
            return Ok(Outcome::Passed { note: None });
        }
        if !answer.ok() {
            return Err(store_error(
                &url,
                &answer,
                "a Graph Store Protocol request of the whole graph's N-Triples",
            ));
        }
        let found = remote.count(graph)?;
        remote.update(
            &record.recording(graph, hash, found, digest.buckets.as_ref()),
            "recording the pushed graph's hash",
        )?;
        Ok(Outcome::Sent(Sent {
            bytes,
            requests: attempts,
            upload_seconds: sending.elapsed().as_secs_f64(),
            replace_seconds: 0.0,
            note: (found != triples).then(|| {
                format!("the store holds {found} distinct triples of the {triples} sent (the register repeats some)")
            }),
        }))
    }

    fn kind(&self) -> RouteKind {
        RouteKind::Whole
    }
}
