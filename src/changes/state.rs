//! The state of a graph, subject by subject: what lets two builds be compared at a cost that grows with what
//! changed, not with the graph.
//!
//! Each subject of each graph has a hash: the wrapping sum of the first 8 bytes of the SHA-256 of each of its
//! N-Triples lines, so that it depends on its set of triples and not on their order. The subjects of a graph fall
//! in [`BUCKETS`] buckets (the first three hex digits of the SHA-256 of the subject's IRI, as `powkg push` places
//! them); a bucket's hash is the SHA-256 of its subjects' `hash<TAB>subject` lines, sorted by subject. Two states
//! are compared bucket by bucket, and only the subjects of the buckets that differ are read.
//!
//! A store built on disk keeps its state in `state/` beside its data ([`State::write`]): `index.tsv` lists each
//! non-empty bucket with its hash and the byte range of its subjects in `subjects.tsv`. A dump or an in-memory build
//! has its state computed when it is compared.
//!
//! Triples whose subject is a blank node are kept together as one pseudo-subject per graph, `_:`: blank node labels
//! are not stable from one store to another, so that part is compared whole.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use oxigraph::model::{NamedNode, NamedOrBlankNode, Quad};
use sha2::{Digest, Sha256};

use crate::rdf::ntriples;
use crate::store::{GraphStore, StoreError};

/// Buckets per graph: 16³, three hex digits.
pub const BUCKETS: usize = 4096;

/// The subdirectory of a store's directory that holds its state.
pub const DIRECTORY: &str = "state";

/// The first line of `index.tsv`.
const HEADER: &str = "powkg-state\t1";

/// The pseudo-subject of the triples whose subject is a blank node.
pub const BLANK: &str = "_:";

/// The name of the default graph in a state (no named graph has an empty IRI).
pub const DEFAULT_GRAPH: &str = "";

/// One subject of a graph: its IRI (or [`BLANK`]) and the hash of its triples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The subject's IRI, or [`BLANK`].
    pub iri: String,
    /// The hash of its triples.
    pub hash: u64,
}

/// One non-empty bucket of a graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// Its number, below [`BUCKETS`].
    pub number: usize,
    /// The hash of its subjects.
    pub hash: u64,
    /// Where its subjects are: in memory, or a byte range of a recorded `subjects.tsv`.
    subjects: Subjects,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Subjects {
    Held(Vec<Subject>),
    Recorded { offset: u64, length: u64, count: u64 },
}

impl Bucket {
    /// How many subjects it holds.
    pub fn len(&self) -> u64 {
        match &self.subjects {
            Subjects::Held(s) => s.len() as u64,
            Subjects::Recorded { count, .. } => *count,
        }
    }

    /// Whether it holds no subject (never, for a bucket of a state).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The state of a dataset: each graph's non-empty buckets, by bucket number.
#[derive(Debug, Default)]
pub struct State {
    /// Graph IRI ([`DEFAULT_GRAPH`] for the default graph) to its buckets.
    pub graphs: BTreeMap<String, BTreeMap<usize, Bucket>>,
    /// The recorded `subjects.tsv` the buckets' ranges point into, for a recorded state.
    subjects_file: Option<PathBuf>,
}

/// The bucket of a subject IRI: the first three hex digits of its SHA-256.
pub fn bucket_of(iri: &str) -> usize {
    if iri == BLANK {
        return 0;
    }
    let h = Sha256::digest(iri.as_bytes());
    (usize::from(h[0]) << 4) | usize::from(h[1] >> 4)
}

fn first_u64(digest: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(bytes)
}

/// The hash of one triple, as it adds to its subject's hash.
pub fn triple_hash(line: &[u8]) -> u64 {
    first_u64(&Sha256::digest(line))
}

/// The subject key of a quad: its IRI, or [`BLANK`].
pub fn subject_key(subject: &NamedOrBlankNode) -> &str {
    match subject {
        NamedOrBlankNode::NamedNode(n) => n.as_str(),
        NamedOrBlankNode::BlankNode(_) => BLANK,
    }
}

/// The graph key of a quad's graph: its IRI, or [`DEFAULT_GRAPH`].
pub fn graph_key(graph: &oxigraph::model::GraphName) -> &str {
    match graph {
        oxigraph::model::GraphName::NamedNode(n) => n.as_str(),
        _ => DEFAULT_GRAPH,
    }
}

/// Accumulates the subjects of one graph, quad after quad, then sorts them into buckets.
#[derive(Default)]
struct GraphBuilder {
    subjects: Vec<Subject>,
    blank: Option<u64>,
    line: Vec<u8>,
}

impl GraphBuilder {
    fn add(&mut self, quad: &Quad) {
        self.line.clear();
        ntriples::push_triple(&mut self.line, quad.as_ref().into());
        let hash = triple_hash(&self.line);
        match &quad.subject {
            NamedOrBlankNode::BlankNode(_) => {
                let sum = self.blank.get_or_insert(0);
                *sum = sum.wrapping_add(hash);
            }
            NamedOrBlankNode::NamedNode(n) => match self.subjects.last_mut() {
                Some(last) if last.iri == n.as_str() => last.hash = last.hash.wrapping_add(hash),
                _ => self.subjects.push(Subject {
                    iri: n.as_str().to_owned(),
                    hash,
                }),
            },
        }
    }

    fn finish(mut self) -> BTreeMap<usize, Bucket> {
        // The store groups a graph's quads by subject; sorting merges what another order would have split.
        self.subjects.sort_unstable_by(|a, b| a.iri.cmp(&b.iri));
        let mut merged: Vec<Subject> = Vec::with_capacity(self.subjects.len());
        for s in self.subjects {
            match merged.last_mut() {
                Some(last) if last.iri == s.iri => last.hash = last.hash.wrapping_add(s.hash),
                _ => merged.push(s),
            }
        }
        if let Some(hash) = self.blank {
            merged.push(Subject {
                iri: BLANK.to_owned(),
                hash,
            });
        }
        let mut by_bucket: BTreeMap<usize, Vec<Subject>> = BTreeMap::new();
        for s in merged {
            by_bucket.entry(bucket_of(&s.iri)).or_default().push(s);
        }
        by_bucket
            .into_iter()
            .map(|(number, mut subjects)| {
                subjects.sort_unstable_by(|a, b| a.iri.cmp(&b.iri));
                let hash = bucket_hash(&subjects);
                (
                    number,
                    Bucket {
                        number,
                        hash,
                        subjects: Subjects::Held(subjects),
                    },
                )
            })
            .collect()
    }
}

fn subject_line(s: &Subject) -> String {
    format!("{:016x}\t{}\n", s.hash, s.iri)
}

fn bucket_hash(subjects: &[Subject]) -> u64 {
    let mut h = Sha256::new();
    for s in subjects {
        h.update(subject_line(s).as_bytes());
    }
    first_u64(&h.finalize())
}

/// A state made from quads as they stream by, in any order and with repeats (a register repeats some triples): each
/// subject's triple hashes are kept, then deduplicated and summed. Made where the quads are made, so that a build
/// need not read its store back.
#[derive(Default)]
pub struct StateBuilder {
    graphs: std::collections::HashMap<String, std::collections::HashMap<String, Vec<u64>>>,
    blank: std::collections::HashMap<String, Vec<u64>>,
    line: Vec<u8>,
}

impl StateBuilder {
    /// Takes quads.
    pub fn add(&mut self, quads: &[Quad]) {
        for quad in quads {
            self.line.clear();
            ntriples::push_triple(&mut self.line, quad.as_ref().into());
            let hash = triple_hash(&self.line);
            let graph = graph_key(&quad.graph_name);
            let hashes = match &quad.subject {
                NamedOrBlankNode::NamedNode(n) => {
                    let subjects = match self.graphs.get_mut(graph) {
                        Some(s) => s,
                        None => self.graphs.entry(graph.to_owned()).or_default(),
                    };
                    match subjects.get_mut(n.as_str()) {
                        Some(h) => h,
                        None => subjects.entry(n.as_str().to_owned()).or_default(),
                    }
                }
                NamedOrBlankNode::BlankNode(_) => self.blank.entry(graph.to_owned()).or_default(),
            };
            hashes.push(hash);
        }
    }

    /// The state of the quads taken, each once.
    pub fn finish(self) -> State {
        let sum = |mut hashes: Vec<u64>| {
            hashes.sort_unstable();
            hashes.dedup();
            hashes.into_iter().fold(0u64, u64::wrapping_add)
        };
        let mut all: BTreeMap<String, GraphBuilder> = BTreeMap::new();
        for (graph, subjects) in self.graphs {
            let builder = all.entry(graph).or_default();
            builder.subjects = subjects
                .into_iter()
                .map(|(iri, hashes)| Subject { iri, hash: sum(hashes) })
                .collect();
        }
        for (graph, hashes) in self.blank {
            all.entry(graph).or_default().blank = Some(sum(hashes));
        }
        State {
            graphs: all
                .into_iter()
                .map(|(graph, builder)| (graph, builder.finish()))
                .collect(),
            subjects_file: None,
        }
    }
}

impl State {
    /// The state of every graph of `store`, read graph by graph.
    pub fn of_store(store: &GraphStore) -> Result<Self, StoreError> {
        let (named, default) = store.graph_names()?;
        let mut graphs = BTreeMap::new();
        for graph in &named {
            let mut builder = GraphBuilder::default();
            for quad in store.iter_graph(graph) {
                builder.add(&quad?);
            }
            graphs.insert(graph.as_str().to_owned(), builder.finish());
        }
        if default {
            let mut builder = GraphBuilder::default();
            for quad in store.iter_default_graph() {
                builder.add(&quad?);
            }
            graphs.insert(DEFAULT_GRAPH.to_owned(), builder.finish());
        }
        Ok(Self {
            graphs,
            subjects_file: None,
        })
    }

    /// The state of quads held in memory.
    pub fn of_quads(quads: &[Quad]) -> Self {
        let mut by_graph: BTreeMap<String, Vec<&Quad>> = BTreeMap::new();
        for q in quads {
            by_graph.entry(graph_key(&q.graph_name).to_owned()).or_default().push(q);
        }
        let graphs = by_graph
            .into_iter()
            .map(|(graph, quads)| {
                let mut builder = GraphBuilder::default();
                for q in quads {
                    builder.add(q);
                }
                (graph, builder.finish())
            })
            .collect();
        Self {
            graphs,
            subjects_file: None,
        }
    }

    /// The subjects of one bucket, read from the record when the state is recorded.
    pub fn subjects(&self, bucket: &Bucket) -> io::Result<Vec<Subject>> {
        match &bucket.subjects {
            Subjects::Held(s) => Ok(s.clone()),
            Subjects::Recorded { offset, length, .. } => {
                let path = self
                    .subjects_file
                    .as_ref()
                    .ok_or_else(|| io::Error::other("a recorded bucket without its subjects file"))?;
                let mut file = File::open(path)?;
                file.seek(SeekFrom::Start(*offset))?;
                let mut text = String::new();
                file.take(*length).read_to_string(&mut text)?;
                text.lines().map(|line| parse_subject(line, path)).collect()
            }
        }
    }

    /// Subjects in all, over every graph.
    pub fn subject_count(&self) -> u64 {
        self.graphs.values().flat_map(|b| b.values()).map(Bucket::len).sum()
    }

    /// Writes the state into `dir/state/` (which must not exist yet): `index.tsv` and `subjects.tsv`.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        let state = dir.join(DIRECTORY);
        fs::create_dir(&state)?;
        let mut subjects = BufWriter::new(File::create(state.join("subjects.tsv"))?);
        let mut index = BufWriter::new(File::create(state.join("index.tsv"))?);
        writeln!(index, "{HEADER}")?;
        let mut offset = 0u64;
        for (graph, buckets) in &self.graphs {
            for bucket in buckets.values() {
                let mut length = 0u64;
                for s in self.subjects(bucket)? {
                    let line = subject_line(&s);
                    subjects.write_all(line.as_bytes())?;
                    length += line.len() as u64;
                }
                writeln!(
                    index,
                    "{graph}\t{:03x}\t{:016x}\t{offset}\t{length}\t{}",
                    bucket.number,
                    bucket.hash,
                    bucket.len()
                )?;
                offset += length;
            }
        }
        subjects
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?
            .sync_all()?;
        index.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()?;
        Ok(())
    }

    /// Reads the state a store's directory records; `None` when it records none (a store built before powkg
    /// recorded states).
    pub fn read(dir: &Path) -> io::Result<Option<Self>> {
        let state = dir.join(DIRECTORY);
        let index_path = state.join("index.tsv");
        let file = match File::open(&index_path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut lines = BufReader::new(file).lines();
        if lines.next().transpose()?.as_deref() != Some(HEADER) {
            return Err(bad(&index_path, 1, "the header `powkg-state<TAB>1`"));
        }
        let mut graphs: BTreeMap<String, BTreeMap<usize, Bucket>> = BTreeMap::new();
        for (n, line) in lines.enumerate() {
            let line = line?;
            let expected = "graph, bucket, hash, offset, length and count, tab-separated";
            let fields: Vec<&str> = line.split('\t').collect();
            let [graph, number, hash, offset, length, count] = fields[..] else {
                return Err(bad(&index_path, n + 2, expected));
            };
            let parsed = (
                usize::from_str_radix(number, 16).ok().filter(|b| *b < BUCKETS),
                u64::from_str_radix(hash, 16).ok(),
                offset.parse().ok(),
                length.parse().ok(),
                count.parse().ok(),
            );
            let (Some(number), Some(hash), Some(offset), Some(length), Some(count)) = parsed else {
                return Err(bad(&index_path, n + 2, expected));
            };
            graphs.entry(graph.to_owned()).or_default().insert(
                number,
                Bucket {
                    number,
                    hash,
                    subjects: Subjects::Recorded { offset, length, count },
                },
            );
        }
        Ok(Some(Self {
            graphs,
            subjects_file: Some(state.join("subjects.tsv")),
        }))
    }
}

/// The error of a recorded file (the state's, the feed's) that does not read as powkg wrote it: its path and line,
/// and what was expected there.
pub(super) fn bad(path: &Path, line: usize, expected: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{}:{line}: expected {expected}", path.display()),
    )
}

fn parse_subject(line: &str, path: &Path) -> io::Result<Subject> {
    let parsed = line
        .split_once('\t')
        .and_then(|(hash, iri)| Some((u64::from_str_radix(hash, 16).ok()?, iri)));
    parsed
        .map(|(hash, iri)| Subject {
            iri: iri.to_owned(),
            hash,
        })
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: expected `hash<TAB>subject` lines, found {line:?}", path.display()),
            )
        })
}

/// One subject of one graph that differs between two states.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Changed {
    /// The graph's IRI, or [`DEFAULT_GRAPH`].
    pub graph: String,
    /// The subject's IRI, or [`BLANK`].
    pub subject: String,
    /// Whether the old state has it.
    pub in_old: bool,
    /// Whether the new state has it.
    pub in_new: bool,
}

/// What a comparison read: buckets compared, buckets that differ, subjects read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Effort {
    /// Buckets whose hashes were compared.
    pub buckets: u64,
    /// Buckets whose hashes differ.
    pub differing: u64,
    /// Subjects read from the buckets that differ.
    pub subjects_read: u64,
}

/// The subjects that differ between `old` and `new`, sorted by graph and subject, and what finding them read.
pub fn compare(old: &State, new: &State) -> io::Result<(Vec<Changed>, Effort)> {
    let mut changed = Vec::new();
    let mut effort = Effort::default();
    let empty = BTreeMap::new();
    let graphs: std::collections::BTreeSet<&String> = old.graphs.keys().chain(new.graphs.keys()).collect();
    for graph in graphs {
        let (before, after) = (
            old.graphs.get(graph).unwrap_or(&empty),
            new.graphs.get(graph).unwrap_or(&empty),
        );
        let numbers: std::collections::BTreeSet<&usize> = before.keys().chain(after.keys()).collect();
        for number in numbers {
            effort.buckets += 1;
            let (old_bucket, new_bucket) = (before.get(number), after.get(number));
            if let (Some(x), Some(y)) = (old_bucket, new_bucket)
                && x.hash == y.hash
            {
                continue;
            }
            effort.differing += 1;
            let old_subjects = old_bucket.map(|b| old.subjects(b)).transpose()?.unwrap_or_default();
            let new_subjects = new_bucket.map(|b| new.subjects(b)).transpose()?.unwrap_or_default();
            effort.subjects_read += (old_subjects.len() + new_subjects.len()) as u64;
            merge(graph, &old_subjects, &new_subjects, &mut changed);
        }
    }
    changed.sort();
    Ok((changed, effort))
}

/// The subjects of one bucket that differ between two sorted lists of it.
fn merge(graph: &str, old: &[Subject], new: &[Subject], changed: &mut Vec<Changed>) {
    let mut push = |subject: &str, in_old, in_new| {
        changed.push(Changed {
            graph: graph.to_owned(),
            subject: subject.to_owned(),
            in_old,
            in_new,
        });
    };
    let (mut at_old, mut at_new) = (0, 0);
    loop {
        match (old.get(at_old), new.get(at_new)) {
            (None, None) => break,
            (Some(before), None) => {
                push(&before.iri, true, false);
                at_old += 1;
            }
            (None, Some(after)) => {
                push(&after.iri, false, true);
                at_new += 1;
            }
            (Some(before), Some(after)) => match before.iri.cmp(&after.iri) {
                std::cmp::Ordering::Less => {
                    push(&before.iri, true, false);
                    at_old += 1;
                }
                std::cmp::Ordering::Greater => {
                    push(&after.iri, false, true);
                    at_new += 1;
                }
                std::cmp::Ordering::Equal => {
                    if before.hash != after.hash {
                        push(&before.iri, true, true);
                    }
                    at_old += 1;
                    at_new += 1;
                }
            },
        }
    }
}

/// The named graph of a state's graph key, `None` for the default graph.
pub fn graph_node(key: &str) -> Option<NamedNode> {
    (key != DEFAULT_GRAPH).then(|| NamedNode::new_unchecked(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{GraphName, Literal};

    fn quad(s: &str, o: &str, g: &str) -> Quad {
        Quad::new(
            NamedNode::new_unchecked(s),
            NamedNode::new_unchecked("urn:p"),
            Literal::new_simple_literal(o),
            GraphName::NamedNode(NamedNode::new_unchecked(g)),
        )
    }

    #[test]
    fn one_changed_triple_changes_one_subject_of_one_bucket_whatever_the_order() {
        let mut quads: Vec<Quad> = (0..3000).map(|i| quad(&format!("urn:s{i}"), "x", "urn:g")).collect();
        quads.push(quad("urn:s1", "y", "urn:g"));
        let old = State::of_quads(&quads);
        let mut reordered = quads.clone();
        reordered.reverse();
        let (same, _) = compare(&old, &State::of_quads(&reordered)).unwrap();
        assert!(same.is_empty(), "{same:?}");
        let at = reordered
            .iter()
            .position(|q| q.subject.to_string() == "<urn:s2989>")
            .unwrap();
        reordered[at] = quad("urn:s2989", "changed", "urn:g");
        reordered.push(quad("urn:new", "x", "urn:h"));
        let (changed, effort) = compare(&old, &State::of_quads(&reordered)).unwrap();
        let names: Vec<(&str, &str, bool, bool)> = changed
            .iter()
            .map(|c| (c.graph.as_str(), c.subject.as_str(), c.in_old, c.in_new))
            .collect();
        assert_eq!(
            names,
            [("urn:g", "urn:s2989", true, true), ("urn:h", "urn:new", false, true)]
        );
        assert_eq!(effort.differing, 2);
        assert!(effort.subjects_read < 20, "{effort:?}");
    }

    #[test]
    fn a_state_made_from_streamed_quads_with_repeats_equals_the_state_of_the_set() {
        let quads: Vec<Quad> = (0..800)
            .map(|i| quad(&format!("urn:s{}", i % 300), &i.to_string(), "urn:g"))
            .collect();
        let mut streamed = StateBuilder::default();
        streamed.add(&quads[..500]);
        streamed.add(&quads[200..]);
        let (diff, _) = compare(&State::of_quads(&quads), &streamed.finish()).unwrap();
        assert!(diff.is_empty(), "{diff:?}");
    }

    #[test]
    fn a_written_state_reads_back_and_compares_as_held() {
        let quads: Vec<Quad> = (0..500).map(|i| quad(&format!("urn:s{i}"), "x", "urn:g")).collect();
        let held = State::of_quads(&quads);
        let dir = tempfile::tempdir().unwrap();
        held.write(dir.path()).unwrap();
        let recorded = State::read(dir.path()).unwrap().unwrap();
        assert_eq!(recorded.subject_count(), 500);
        let mut changed = quads.clone();
        changed[7] = quad("urn:s7", "y", "urn:g");
        let (diff, _) = compare(&recorded, &State::of_quads(&changed)).unwrap();
        assert_eq!(diff.len(), 1);
        assert_eq!(diff[0].subject, "urn:s7");
        assert!(State::read(&dir.path().join("none")).unwrap().is_none());
        fs::write(dir.path().join("state/index.tsv"), "powkg-state\t1\nnot a line\n").unwrap();
        let err = State::read(dir.path()).unwrap_err().to_string();
        assert!(err.contains("index.tsv:2: expected graph, bucket"), "{err}");
    }
}
