//! The record graph (`{base}graph/push`): what powkg writes on the store to remember what it pushed there, each
//! graph's hash, size and (for a large graph) subject buckets, read back at the next push to send only what changed.

use oxigraph::model::NamedNode;

use super::buckets;
use super::display;
use super::error::PushError;
use super::remote::Remote;

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

/// What the record graph says of one graph: its hash and size at the last push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// `sha256:…`
    pub hash: String,
    /// Triples.
    pub triples: u64,
}

/// Graphs from this size on are recorded with their subject buckets, and may be sent in part.
pub const SPLIT_FROM: u64 = 20_000;

impl RecordTerms {
    /// What the record graph says of `graph`.
    pub(crate) fn read(&self, remote: &mut Remote, graph: &NamedNode) -> Result<Option<Record>, PushError> {
        let RecordTerms {
            graph: record,
            content_hash,
            triples,
            ..
        } = self;
        let row = remote.select_row(
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

    /// The subject buckets recorded for `graph` at the last push.
    pub(crate) fn buckets_of(
        &self,
        remote: &mut Remote,
        graph: &NamedNode,
    ) -> Result<Option<buckets::Record>, PushError> {
        let RecordTerms {
            graph: record, buckets, ..
        } = self;
        let row = remote.select_row(
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

    /// The update that records `graph`'s hash, size and subject buckets (for a graph large enough to be split) in
    /// the record graph, in place of the earlier record.
    pub(crate) fn recording(
        &self,
        graph: &NamedNode,
        hash: &str,
        triples: u64,
        split: Option<&buckets::Record>,
    ) -> String {
        let RecordTerms {
            graph: record,
            content_hash,
            triples: size,
            buckets,
        } = self;
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

    /// Sends an update that replaces `graph` and writes its record in one transaction, once. It is not repeated (a
    /// second `MOVE` would move the now empty staging graph): when the answer is lost, the record says whether the
    /// store carried it out.
    pub(crate) fn replace_once(
        &self,
        remote: &mut Remote,
        update: &str,
        what: &str,
        graph: &NamedNode,
        hash: &str,
        triples: u64,
    ) -> Result<(), PushError> {
        match remote.update_once(update, what) {
            Ok(()) => Ok(()),
            Err(failure) => {
                let done = self
                    .read(remote, graph)?
                    .is_some_and(|r| r.hash == hash && r.triples == triples);
                if done { Ok(()) } else { Err(failure) }
            }
        }
    }
}
