//! The route of a large graph of which few subject buckets changed (see [`crate::publish::buckets`]): one update
//! deletes every triple whose subject falls in those buckets (the store finds them with `SHA256`), inserts their new
//! lines and writes the record. The store carries it out in one transaction, so a reader sees the old graph or the
//! new one.

use std::time::Instant;

use oxigraph::model::NamedNode;
use sha2::{Digest as _, Sha256};

use super::route::{Context, Job, Outcome, Route, Sent};
use crate::publish::buckets::{self, BUCKETS, Buckets};
use crate::publish::content::{Produce, content_hash};
use crate::publish::error::PushError;
use crate::publish::record::SPLIT_FROM;
use crate::publish::remote::Remote;
use crate::publish::report::RouteKind;

/// A push sends the changed buckets alone when they are at most this many of the [`BUCKETS`]…
const MOST_BUCKETS: usize = BUCKETS / 8;

/// …and at most these many bytes of N-Triples (held in memory and sent in one update).
const MOST_BUCKET_BYTES: u64 = 64 << 20;

/// Triples per `INSERT DATA` operation of that update (Virtuoso's SPARQL compiler runs out of memory on one
/// operation of 30,000 triples).
const INSERT_LINES: usize = 1000;

/// Only the subject buckets that changed, in one update; passes a graph that does not qualify (small, not as
/// recorded, too many changes, a store that hashes otherwise), and one the store then holds otherwise than powkg
/// placed it (the next route sends it whole, which sets it right).
pub(crate) struct ChangedBuckets;

impl Route for ChangedBuckets {
    fn send(&self, at: &mut Context<'_, '_>, job: &Job) -> Result<Outcome, PushError> {
        let passed = Ok(Outcome::Passed { note: None });
        let Job {
            graph,
            digest,
            present,
            recorded,
        } = job;
        let (Some(now), Some(recorded)) = (&digest.buckets, recorded) else {
            return passed;
        };
        if digest.triples < SPLIT_FROM || recorded.triples != *present || *present == 0 {
            return passed;
        }
        let Some(earlier) = at.record.buckets_of(at.remote, graph)? else {
            return passed;
        };
        let changed = now.changed(&earlier);
        let bytes: u64 = changed.iter().map(|b| now.bytes[*b]).sum();
        if changed.is_empty() || changed.len() > MOST_BUCKETS || bytes > MOST_BUCKET_BYTES || !agrees(at.remote, now) {
            return passed;
        }
        let sending = Instant::now();
        let (kept, ends) = changed_lines(at.produce, &changed, &digest.hash, graph)?;
        let mut update = bucket_update(graph, &changed, &kept, &ends);
        update.push_str(&at.record.recording(graph, &digest.hash, digest.triples, Some(now)));
        at.record.replace_once(
            at.remote,
            &update,
            "replacing the changed subject buckets",
            graph,
            &digest.hash,
            digest.triples,
        )?;
        (at.progress)(update.len() as u64);
        let found = at.remote.count(graph)?;
        if found != digest.triples {
            // The store placed some triple elsewhere than powkg did: the graph is sent whole to set it right.
            return Ok(Outcome::Passed {
                note: Some(format!(
                    "after replacing {} subject buckets the store held {found} triples, not {}: sent whole",
                    changed.len(),
                    digest.triples
                )),
            });
        }
        Ok(Outcome::Sent(Sent {
            bytes: update.len() as u64,
            requests: 1,
            upload_seconds: sending.elapsed().as_secs_f64(),
            replace_seconds: 0.0,
            note: Some(format!(
                "{} of {BUCKETS} subject buckets changed ({} triples sent)",
                changed.len(),
                ends.len()
            )),
        }))
    }

    fn kind(&self) -> RouteKind {
        RouteKind::Buckets
    }
}

/// Whether the store names a subject's bucket as powkg does (its `SHA256` and `SUBSTR`).
fn agrees(remote: &mut Remote, now: &buckets::Record) -> bool {
    let Some((iri, bucket)) = &now.probe else {
        return false;
    };
    let probe = NamedNode::new_unchecked(iri.clone());
    let row = remote.select_row(
        &format!("SELECT (SUBSTR(SHA256(STR({probe})), 1, 3) AS ?b) WHERE {{}}"),
        "checking how the store hashes a subject",
        &["b"],
    );
    row.is_ok_and(|r| r.first().cloned().flatten() == Some(buckets::name(*bucket)))
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
