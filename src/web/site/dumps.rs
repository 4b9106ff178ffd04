//! The site's dumps of the whole graph, one per format, written bucket by bucket: the quads whose subjects fall in
//! each of the store state's buckets ([`crate::changes::state`]) make one segment of each dump, sorted, so that a
//! dump depends only on the graph, and an update renders the segments of the buckets that changed and copies the
//! others from the earlier site's dump, whose segments' byte ranges the site records ([`Ranges`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use oxigraph::model::{NamedNode, Quad};
use rayon::prelude::*;

use super::written::{Files, Written, file_error};
use crate::changes::state::{self, BUCKETS, State};
use crate::rdf::format::{DUMP_FORMATS, Segments};
use crate::web::render::{Renderer, paths};

/// The file, in the site's record, of the dumps' segment ranges.
pub(super) const RANGES: &str = "dumps.tsv";

/// Buckets rendered together, on every core.
const CHUNK: usize = 64;

/// Where each bucket's segment is in each dump: by extension, a (start, length) per bucket.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Ranges {
    dumps: BTreeMap<String, Vec<(u64, u64)>>,
}

impl Ranges {
    /// Reads the ranges recorded in `dir`; `None` where there are none or they do not read as written.
    pub fn read(dir: &Path) -> Option<Self> {
        let text = fs::read_to_string(dir.join(RANGES)).ok()?;
        let mut dumps: BTreeMap<String, Vec<(u64, u64)>> = BTreeMap::new();
        for line in text.lines() {
            let mut fields = line.split('\t');
            let (Some(extension), Some(start), Some(length), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return None;
            };
            dumps
                .entry(extension.to_owned())
                .or_default()
                .push((start.parse().ok()?, length.parse().ok()?));
        }
        let whole = DUMP_FORMATS
            .iter()
            .all(|f| dumps.get(f.extension()).is_some_and(|r| r.len() == BUCKETS));
        whole.then_some(Self { dumps })
    }

    /// Writes the ranges into `dir`.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        let mut out = io::BufWriter::new(fs::File::create(dir.join(RANGES))?);
        for (extension, ranges) in &self.dumps {
            for (start, length) in ranges {
                writeln!(out, "{extension}\t{start}\t{length}")?;
            }
        }
        out.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()
    }
}

/// The buckets an update renders again, and the earlier site's dumps it copies the others from.
pub(super) struct Earlier<'a> {
    /// The earlier site's root.
    pub root: &'a Path,
    /// Its dumps' ranges.
    pub ranges: &'a Ranges,
    /// The buckets whose subjects changed.
    pub changed: &'a BTreeSet<usize>,
}

/// Writes every dump of the graph whose state is `state`, rendering every bucket, or only the changed ones of
/// `earlier`; the ranges of the segments written, the files and the bytes.
pub(super) fn write(
    files: &Files,
    renderer: &Renderer,
    state: &State,
    earlier: Option<&Earlier<'_>>,
) -> Result<(Ranges, usize, u64), Written> {
    let prefixes = renderer.minter().prefixes();
    let segments: Vec<Segments> = DUMP_FORMATS
        .iter()
        .map(|f| Segments::new(*f, &prefixes))
        .collect::<io::Result<_>>()?;
    let paths: Vec<String> = DUMP_FORMATS
        .iter()
        .map(|f| format!("{}.{}", paths::DUMP, f.extension()))
        .collect();
    let mut outputs = Vec::with_capacity(DUMP_FORMATS.len());
    for (path, segment) in paths.iter().zip(&segments) {
        let mut pending = files.create(path)?;
        pending.write_all(segment.prelude()).map_err(file_error(path))?;
        outputs.push(Output {
            written: segment.prelude().len() as u64,
            bodies: 0,
            ranges: Vec::with_capacity(BUCKETS),
            old: match earlier {
                Some(e) => Some(fs::File::open(super::target::inside(e.root, path)?).map_err(file_error(path))?),
                None => None,
            },
            pending,
        });
    }
    let buckets: Vec<usize> = (0..BUCKETS).collect();
    for chunk in buckets.chunks(CHUNK) {
        let bodies_of_chunk: Vec<Result<Option<Vec<Vec<u8>>>, Written>> = chunk
            .par_iter()
            .map(|bucket| {
                if earlier.is_some_and(|e| !e.changed.contains(bucket)) {
                    return Ok(None);
                }
                let quads = bucket_quads(renderer, state, *bucket)?;
                let bodies = segments.iter().map(|s| s.body(&quads)).collect::<io::Result<_>>()?;
                Ok(Some(bodies))
            })
            .collect();
        for (bucket, bodies) in chunk.iter().zip(bodies_of_chunk) {
            let bodies = bodies?;
            for (n, output) in outputs.iter_mut().enumerate() {
                let path = &paths[n];
                let extension = DUMP_FORMATS[n].extension();
                if let Some(bodies) = &bodies {
                    output.body(&bodies[n], &segments[n]).map_err(file_error(path))?;
                } else {
                    let (start, length) = earlier
                        .and_then(|e| e.ranges.dumps.get(extension))
                        .map_or((0, 0), |r| r[*bucket]);
                    output.copy(start, length, &segments[n]).map_err(file_error(path))?;
                }
            }
        }
    }
    let mut ranges = Ranges::default();
    let (mut count, mut bytes) = (0, 0);
    for ((output, segment), (path, format)) in outputs.into_iter().zip(&segments).zip(paths.iter().zip(DUMP_FORMATS)) {
        let Output {
            mut pending, ranges: r, ..
        } = output;
        pending.write_all(segment.ending()).map_err(file_error(path))?;
        // A dump whose buckets changed has changed: it is not compared with the earlier one.
        let (n, size) = files.finish_unchecked(pending)?;
        count += n;
        bytes += size;
        ranges.dumps.insert(format.extension().to_owned(), r);
    }
    Ok((ranges, count, bytes))
}

/// One dump being written.
struct Output {
    pending: super::written::Pending,
    /// Bytes written so far.
    written: u64,
    /// Non-empty bodies written so far.
    bodies: u64,
    /// Each bucket's (start, length).
    ranges: Vec<(u64, u64)>,
    /// The earlier site's dump, to copy from.
    old: Option<fs::File>,
}

impl Output {
    /// Starts the next bucket's body, with the separator where it follows another; its start.
    fn start(&mut self, length: u64, segment: &Segments) -> io::Result<u64> {
        if length > 0 && self.bodies > 0 {
            self.pending.write_all(segment.separator())?;
            self.written += segment.separator().len() as u64;
        }
        Ok(self.written)
    }

    fn body(&mut self, body: &[u8], segment: &Segments) -> io::Result<()> {
        let start = self.start(body.len() as u64, segment)?;
        self.pending.write_all(body)?;
        self.finish_bucket(start, body.len() as u64);
        Ok(())
    }

    fn copy(&mut self, from: u64, length: u64, segment: &Segments) -> io::Result<()> {
        let start = self.start(length, segment)?;
        if length > 0 {
            let old = self
                .old
                .as_mut()
                .ok_or_else(|| io::Error::other("no earlier dump to copy a segment from"))?;
            old.seek(SeekFrom::Start(from))?;
            let copied = io::copy(&mut old.take(length), &mut self.pending)?;
            if copied != length {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the earlier site's dump is shorter than its recorded segments",
                ));
            }
        }
        self.finish_bucket(start, length);
        Ok(())
    }

    fn finish_bucket(&mut self, start: u64, length: u64) {
        self.written += length;
        self.bodies += u64::from(length > 0);
        self.ranges.push((start, length));
    }
}

/// The quads whose subjects fall in `bucket`, in every graph, sorted by graph, subject, predicate and object.
fn bucket_quads(renderer: &Renderer, state: &State, bucket: usize) -> Result<Vec<Quad>, Written> {
    let store = renderer.store();
    let mut quads = Vec::new();
    for (graph, buckets) in &state.graphs {
        let Some(b) = buckets.get(&bucket) else {
            continue;
        };
        let graph = state::graph_node(graph);
        for subject in state.subjects(b)? {
            let subject = (subject.iri != state::BLANK).then(|| NamedNode::new_unchecked(subject.iri));
            quads.extend(store.subject_in(
                subject.as_ref().map(NamedNode::as_ref),
                graph.as_ref().map(NamedNode::as_ref),
            )?);
        }
    }
    quads.sort_by_cached_key(|q| {
        (
            crate::changes::state::graph_key(&q.graph_name).to_owned(),
            q.subject.to_string(),
            q.predicate.as_str().to_owned(),
            q.object.to_string(),
        )
    });
    Ok(quads)
}
