//! Subject buckets: what lets a push send only the part of a large graph that changed.
//!
//! Each N-Triples line of a graph falls in one of [`BUCKETS`] buckets, named by the first three hex digits of the
//! SHA-256 of its subject IRI: the same digits SPARQL's `SUBSTR(SHA256(STR(?s)), 1, 3)` gives, so that a store can
//! find a bucket's triples by itself. A bucket's hash is the first 8 bytes of the SHA-256 of its lines, in the
//! graph's deterministic order. The record graph keeps the hashes of a graph's buckets as last pushed; the next push
//! compares them, and replaces only the buckets that differ, in one update: the store deletes every triple whose
//! subject falls in them and inserts their new lines.
//!
//! A graph with a blank node, or whose subject IRI holds an escape, cannot be split so (a blank node has no
//! `STR`, and an escaped IRI hashes otherwise than its text); it is then sent whole.

use sha2::{Digest, Sha256};

/// Buckets per graph: 16³, three hex digits.
pub const BUCKETS: usize = 4096;

/// Hex digits of a bucket's hash in the record.
const HASH_DIGITS: usize = 16;

/// The buckets of one graph's N-Triples, fed line by line.
pub struct Buckets {
    hashers: Vec<Sha256>,
    bytes: Vec<u64>,
    /// Whether every line can be placed (no blank node, no escaped subject).
    splittable: bool,
    /// The subject of the last line, and its bucket (a subject's lines come together).
    last: (Vec<u8>, usize),
    /// A subject IRI of the graph and its bucket, to check that the store computes buckets as powkg does.
    probe: Option<(String, usize)>,
}

impl Default for Buckets {
    fn default() -> Self {
        Self {
            hashers: vec![Sha256::new(); BUCKETS],
            bytes: vec![0; BUCKETS],
            splittable: true,
            last: (Vec::new(), 0),
            probe: None,
        }
    }
}

impl Buckets {
    /// Takes a piece of N-Triples that ends at a line's end.
    pub fn feed(&mut self, piece: &[u8]) {
        for line in piece.split_inclusive(|b| *b == b'\n') {
            if let Some(bucket) = self.place(line) {
                self.hashers[bucket].update(line);
                self.bytes[bucket] += line.len() as u64;
            }
        }
    }

    /// The bucket of a line, or `None` (and the graph marked unsplittable) when it cannot be placed.
    pub fn place(&mut self, line: &[u8]) -> Option<usize> {
        if !self.splittable {
            return None;
        }
        let subject = line.split(|b| *b == b' ').next().unwrap_or_default();
        // A blank node as object (or a literal holding " _:", which is then sent whole too).
        if line.windows(3).any(|w| w == b" _:") {
            self.splittable = false;
            return None;
        }
        if subject == self.last.0.as_slice() && !subject.is_empty() {
            return Some(self.last.1);
        }
        let iri = subject.strip_prefix(b"<").and_then(|s| s.strip_suffix(b">"));
        let Some(iri) = iri.filter(|iri| !iri.contains(&b'\\')) else {
            self.splittable = false;
            return None;
        };
        let bucket = bucket_of(iri);
        if self.probe.is_none() {
            self.probe = Some((String::from_utf8_lossy(iri).into_owned(), bucket));
        }
        self.last = (subject.to_vec(), bucket);
        Some(bucket)
    }

    /// The record of the buckets (16 hex digits each, in bucket order), or `None` for a graph that cannot be split.
    pub fn finish(self) -> Option<Record> {
        self.splittable.then(|| Record {
            hashes: self
                .hashers
                .into_iter()
                .map(|h| crate::rdf::hash::hex(&h.finalize()[..HASH_DIGITS / 2]))
                .collect(),
            bytes: self.bytes,
            probe: self.probe,
        })
    }
}

/// A graph's buckets, as recorded or as built now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Each bucket's hash.
    pub hashes: Vec<String>,
    /// Each bucket's bytes of N-Triples (not recorded: 0 when read back).
    pub bytes: Vec<u64>,
    /// A subject IRI and its bucket.
    pub probe: Option<(String, usize)>,
}

impl Record {
    /// The literal the record graph keeps.
    pub fn literal(&self) -> String {
        self.hashes.concat()
    }

    /// Reads the record graph's literal back; `None` when it is not one.
    pub fn parse(literal: &str) -> Option<Self> {
        let ok = literal.len() == BUCKETS * HASH_DIGITS && literal.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| Self {
            hashes: (0..BUCKETS)
                .map(|i| literal[i * HASH_DIGITS..(i + 1) * HASH_DIGITS].to_owned())
                .collect(),
            bytes: vec![0; BUCKETS],
            probe: None,
        })
    }

    /// The buckets whose hash differs from `earlier`'s.
    pub fn changed(&self, earlier: &Self) -> Vec<usize> {
        (0..BUCKETS).filter(|i| self.hashes[*i] != earlier.hashes[*i]).collect()
    }
}

/// The bucket of a subject IRI.
pub fn bucket_of(iri: &[u8]) -> usize {
    let h = Sha256::digest(iri);
    (usize::from(h[0]) << 4) | usize::from(h[1] >> 4)
}

/// A bucket's name, as `SUBSTR(SHA256(STR(?s)), 1, 3)` gives it.
pub fn name(bucket: usize) -> String {
    format!("{bucket:03x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_is_named_by_the_first_hex_digits_of_its_subjects_sha256() {
        // sha256("https://example.org/powkg/person/ü1") = a1e16b65…, as `sha256sum` and Virtuoso's SHA256 give it.
        let bucket = bucket_of("https://example.org/powkg/person/ü1".as_bytes());
        assert_eq!(name(bucket), "a1e");
        // sha256("abc") = ba7816bf…
        assert_eq!(name(bucket_of(b"abc")), "ba7");
    }

    #[test]
    fn a_changed_line_changes_its_bucket_alone_and_the_record_reads_back() {
        let lines = |changed: &str| -> Vec<u8> {
            let mut text = Vec::new();
            for i in 0..2000 {
                let object = if i == 777 {
                    changed.to_owned()
                } else {
                    format!("\"{i}\"")
                };
                text.extend_from_slice(format!("<urn:s{i}> <urn:p> {object} .\n").as_bytes());
            }
            text
        };
        let record = |text: Vec<u8>| {
            let mut b = Buckets::default();
            b.feed(&text);
            b.finish().unwrap()
        };
        let before = record(lines("\"777\""));
        let after = record(lines("\"seven hundred and seventy-seven\""));
        assert_eq!(after.changed(&before), vec![bucket_of(b"urn:s777")]);
        assert_eq!(Record::parse(&before.literal()).unwrap().hashes, before.hashes);
        assert!(Record::parse("abc").is_none());
    }

    #[test]
    fn blank_nodes_and_escaped_subjects_make_a_graph_unsplittable() {
        for line in [
            "_:b0 <urn:p> \"x\" .\n",
            "<urn:s> <urn:p> _:b1 .\n",
            "<urn:s\\u0041> <urn:p> \"x\" .\n",
        ] {
            let mut b = Buckets::default();
            b.feed(b"<urn:a> <urn:p> \"x\" .\n");
            b.feed(line.as_bytes());
            assert!(b.finish().is_none(), "{line}");
        }
    }
}
