//! Sharded dumps for bulk loaders (`powkg export --shards N --out DIR`): each named graph is written as a family of
//! N-Triples or N-Quads files, `DIR/NAME.K.nt[.gz]` (or `.nq`), one graph per family, each file beside the `.graph`
//! file Virtuoso's `ld_dir` reads (the file's name without `.gz`, plus `.graph`: the graph IRI) and listed in
//! `DIR/manifest.tsv` with its graph, triples, bytes and the SHA-256 of its bytes as written.
//!
//! A graph arrives as chunks of whole lines (one statement each). The thread that makes them (reading the store, or
//! mapping a register's rows) only cuts them between lines and hands the pieces to writer threads, which compress
//! (gzip), hash and write their shards; the channels between them are bounded, so memory does not grow with the
//! graph. The whole directory is built beside the target and swapped into place at the end: a failed or killed run
//! leaves the previous directory as it was.

use std::collections::BTreeMap;

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use flate2::Compression;
use flate2::write::GzEncoder;
use oxigraph::model::{NamedNode, Quad};
use sha2::{Digest, Sha256};

use crate::files::output::{owner_has_ended, parent_and_name, remove_leftovers, swap_into_place};
use crate::rdf::format::ExportFormat;
use crate::rdf::iri::Minter;
use crate::rdf::ntriples;

/// How a graph is split into files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// This many files per graph, of nearly equal numbers of statements (fewer files for a graph of fewer
    /// statements).
    Count(usize),
    /// Files of at most this many statements each.
    Statements(u64),
}

/// What a sharded dump is written as.
#[derive(Debug, Clone, Copy)]
pub struct ShardOptions {
    /// N-Triples or N-Quads.
    pub format: ExportFormat,
    /// How each graph is split.
    pub split: Split,
    /// Whether each file is gzip-compressed.
    pub gzip: bool,
}

/// One file of a sharded dump, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    /// The file's name in the directory.
    pub file: String,
    /// The graph its statements belong to.
    pub graph: String,
    /// Statements (lines) in the file.
    pub triples: u64,
    /// The file's size as written (compressed, with gzip).
    pub bytes: u64,
    /// The SHA-256 of the file as written, in hexadecimal.
    pub sha256: String,
}

/// The name of the manifest in a dump's directory.
pub const MANIFEST: &str = "manifest.tsv";

/// The manifest's header line.
pub const MANIFEST_HEADER: &str = "file\tgraph\ttriples\tbytes\tsha256";

/// A sharded dump being written into a staging directory beside its target.
pub struct ShardedDump {
    target: PathBuf,
    staging: tempfile::TempDir,
    options: ShardOptions,
    entries: Vec<ManifestEntry>,
    names: Vec<String>,
    minter: Minter,
}

impl ShardedDump {
    /// Starts a dump that will replace the directory `target`; the graphs `minter` mints (`{base}graph/data`) give
    /// the files their names (`data`). `target` must be absent, empty, or an earlier dump (it holds a manifest), so
    /// that no other directory is ever replaced.
    pub fn create(target: &Path, minter: &Minter, options: ShardOptions) -> io::Result<Self> {
        if !matches!(options.format, ExportFormat::NTriples | ExportFormat::NQuads) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("sharded dumps are N-Triples or N-Quads, not {}", options.format.name()),
            ));
        }
        if matches!(options.split, Split::Count(0) | Split::Statements(0)) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a dump needs at least one file per graph",
            ));
        }
        if let Ok(meta) = fs::symlink_metadata(target) {
            let refuse = |why: &str| {
                Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{why}; give a new directory, an empty one, or an earlier dump to replace"),
                ))
            };
            if !meta.is_dir() {
                return refuse("it exists and is not a directory");
            }
            let empty = fs::read_dir(target)?.next().is_none();
            if !empty && !target.join(MANIFEST).is_file() {
                return refuse("it is a directory that holds no manifest.tsv, so not a powkg dump");
            }
        }
        let (parent, name) = parent_and_name(target, "dump");
        fs::create_dir_all(&parent)?;
        let prefix = format!(".{name}.dump-");
        remove_leftovers(&parent, &prefix, |_, rest| owner_has_ended(rest));
        let staging = tempfile::Builder::new()
            .prefix(&format!("{prefix}{}-", std::process::id()))
            .tempdir_in(&parent)?;
        Ok(Self {
            target: target.to_owned(),
            staging,
            options,
            entries: Vec::new(),
            names: Vec::new(),
            minter: minter.clone(),
        })
    }

    /// The end of every line of `graph`: ` <graph> .\n` in N-Quads, ` .\n` in N-Triples.
    pub fn line_end(&self, graph: &NamedNode) -> String {
        ntriples::line_end(self.keeps_graphs().then_some(graph))
    }

    /// Whether lines carry their graph (N-Quads).
    pub fn keeps_graphs(&self) -> bool {
        self.options.format == ExportFormat::NQuads
    }

    /// Writes the quads of `graph` (which all belong to it) into its files.
    pub fn write_quads(&mut self, graph: &NamedNode, quads: impl Iterator<Item = io::Result<Quad>>) -> io::Result<u64> {
        let end = self.line_end(graph);
        self.write_graph(graph, |deliver| ntriples::line_chunks(quads, &end, deliver))
    }

    /// Writes one graph: `produce` hands chunks of whole lines (each ending with `\n`, one statement each, ended
    /// as [`ShardedDump::line_end`] says) to the function it is given. Returns what `produce` returned.
    pub fn write_graph<T>(
        &mut self,
        graph: &NamedNode,
        produce: impl FnOnce(&mut dyn FnMut(Vec<u8>) -> io::Result<()>) -> io::Result<T>,
    ) -> io::Result<T> {
        let name = file_stem(graph.as_str(), &self.minter);
        if self.names.contains(&name) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("graph <{}> is written twice (as {name})", graph.as_str()),
            ));
        }
        self.names.push(name.clone());
        let extension = if self.options.gzip {
            format!("{}.gz", self.options.format.extension())
        } else {
            self.options.format.extension().to_owned()
        };
        let file_name = |k: usize| format!("{name}.{k}.{extension}");
        let dir = self.staging.path();
        let parallel = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let writers = match self.options.split {
            Split::Count(n) => n.min(parallel).max(1),
            Split::Statements(_) => parallel.clamp(1, 2),
        };
        let gzip = self.options.gzip;
        let split = self.options.split;
        let (produced, written) = std::thread::scope(|scope| {
            let mut senders = Vec::with_capacity(writers);
            let mut handles = Vec::with_capacity(writers);
            for _ in 0..writers {
                let (send, receive) = sync_channel::<Piece>(4);
                senders.push(send);
                let file_name = &file_name;
                handles.push(scope.spawn(move || write_shards(&receive, dir, file_name, gzip)));
            }
            let mut cutter = Cutter::new(split, senders);
            let produced = produce(&mut |chunk| cutter.cut(chunk));
            drop(cutter);
            let mut written = Vec::new();
            for handle in handles {
                match handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)) {
                    Ok(shards) => written.extend(shards),
                    Err(e) => return (produced, Err(e)),
                }
            }
            (produced, Ok(written))
        });
        // A write error explains a "writer stopped" error of the producer, so it goes first.
        let mut written = written?;
        let value = produced?;
        written.sort_by_key(|s| s.index);
        for shard in written {
            let file = file_name(shard.index);
            let graph_file = format!("{}.graph", file.strip_suffix(".gz").unwrap_or(&file));
            fs::write(dir.join(graph_file), format!("{}\n", graph.as_str()))?;
            self.entries.push(ManifestEntry {
                file,
                graph: graph.as_str().to_owned(),
                triples: shard.triples,
                bytes: shard.bytes,
                sha256: shard.sha256,
            });
        }
        Ok(value)
    }

    /// Writes the manifest and puts the directory in place of the target, replacing an earlier dump there.
    pub fn commit(self) -> io::Result<Vec<ManifestEntry>> {
        let mut manifest = String::from(MANIFEST_HEADER);
        manifest.push('\n');
        for e in &self.entries {
            let row = [
                &e.file,
                &e.graph,
                &e.triples.to_string(),
                &e.bytes.to_string(),
                &e.sha256,
            ];
            manifest.push_str(&row.map(String::as_str).join("\t"));
            manifest.push('\n');
        }
        let path = self.staging.path().join(MANIFEST);
        let mut file = File::create(&path)?;
        file.write_all(manifest.as_bytes())?;
        file.sync_all()?;
        File::open(self.staging.path())?.sync_all()?;
        crate::files::fault::before_swap();
        swap_into_place(self.staging, &self.target)?;
        Ok(self.entries)
    }
}

/// Reads a dump's manifest back: its entries, in order.
pub fn read_manifest(dir: &Path) -> io::Result<Vec<ManifestEntry>> {
    let text = fs::read_to_string(dir.join(MANIFEST))?;
    let bad = |line: usize| io::Error::new(io::ErrorKind::InvalidData, format!("{MANIFEST}:{line}: malformed"));
    let mut lines = text.lines().enumerate();
    if lines.next().map(|(_, l)| l) != Some(MANIFEST_HEADER) {
        return Err(bad(1));
    }
    lines
        .map(|(i, line)| {
            let f: Vec<&str> = line.split('\t').collect();
            let [file, graph, triples, bytes, sha256] = f.as_slice() else {
                return Err(bad(i + 1));
            };
            Ok(ManifestEntry {
                file: (*file).to_owned(),
                graph: (*graph).to_owned(),
                triples: triples.parse().map_err(|_| bad(i + 1))?,
                bytes: bytes.parse().map_err(|_| bad(i + 1))?,
                sha256: (*sha256).to_owned(),
            })
        })
        .collect()
}

/// The file name a graph's family takes: the graph's name under `minter`'s base with `/` as `-` (`data`,
/// `register-sites`), else its last segment; anything but letters, digits, `-` and `_` becomes `_`.
pub fn file_stem(graph: &str, minter: &Minter) -> String {
    let rest = minter.graph_name(graph).map_or_else(
        || {
            graph
                .trim_end_matches(['/', '#'])
                .rsplit(['/', '#', ':'])
                .next()
                .unwrap_or(graph)
                .to_owned()
        },
        |r| r.replace('/', "-"),
    );
    let stem: String = rest
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() { "graph".to_owned() } else { stem }
}

/// What the cutting thread sends a writer thread.
enum Piece {
    /// Lines for shard `shard`: `chunk[range]`, holding `lines` statements.
    Lines {
        shard: usize,
        chunk: Arc<Vec<u8>>,
        range: Range<usize>,
        lines: u64,
    },
    /// Shard `shard` is complete.
    Close(usize),
}

/// Cuts chunks between lines and sends the pieces to the writers: shard `k` is always written by writer
/// `k % writers`, so its pieces stay in order.
struct Cutter {
    split: Split,
    senders: Vec<SyncSender<Piece>>,
    /// [`Split::Count`]: the shard the next chunk's first piece goes to (so that remainders go round).
    next: usize,
    /// [`Split::Statements`]: the shard being filled and the statements it holds.
    current: usize,
    filled: u64,
}

impl Cutter {
    fn new(split: Split, senders: Vec<SyncSender<Piece>>) -> Self {
        Self {
            split,
            senders,
            next: 0,
            current: 0,
            filled: 0,
        }
    }

    fn send(&self, piece: Piece) -> io::Result<()> {
        let shard = match &piece {
            Piece::Lines { shard, .. } | Piece::Close(shard) => *shard,
        };
        self.senders[shard % self.senders.len()]
            .send(piece)
            .map_err(|_| io::Error::other("a writer of the dump stopped"))
    }

    fn cut(&mut self, chunk: Vec<u8>) -> io::Result<()> {
        if chunk.is_empty() {
            return Ok(());
        }
        // Offsets just past each line's `\n`.
        let ends: Vec<usize> = chunk
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i + 1)
            .collect();
        if ends.last() != Some(&chunk.len()) {
            return Err(io::Error::other("a chunk of a dump does not end a line"));
        }
        let chunk = Arc::new(chunk);
        let lines = ends.len();
        let piece = |shard, from: usize, to: usize| {
            let start = if from == 0 { 0 } else { ends[from - 1] };
            Piece::Lines {
                shard,
                chunk: Arc::clone(&chunk),
                range: start..ends[to - 1],
                lines: (to - from) as u64,
            }
        };
        match self.split {
            Split::Count(n) => {
                // Piece i gets lines/n lines, one more for the first lines % n pieces; the shards they go to
                // start where the last chunk's pieces stopped.
                let (each, extra) = (lines / n, lines % n);
                let mut from = 0;
                for i in 0..n.min(lines) {
                    let size = each + usize::from(i < extra);
                    self.send(piece((self.next + i) % n, from, from + size))?;
                    from += size;
                }
                self.next = (self.next + extra) % n;
            }
            Split::Statements(max) => {
                let mut from = 0;
                while from < lines {
                    if self.filled == max {
                        self.send(Piece::Close(self.current))?;
                        self.current += 1;
                        self.filled = 0;
                    }
                    let room = usize::try_from(max - self.filled).unwrap_or(usize::MAX);
                    let to = lines.min(from.saturating_add(room));
                    self.send(piece(self.current, from, to))?;
                    self.filled += (to - from) as u64;
                    from = to;
                }
            }
        }
        Ok(())
    }
}

/// A shard as written.
struct Written {
    index: usize,
    triples: u64,
    bytes: u64,
    sha256: String,
}

/// A writer that hashes and counts what passes through it.
struct Hashing<W: Write> {
    inner: W,
    sha: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// One shard's file being written.
enum ShardFile {
    Plain(Hashing<BufWriter<File>>),
    Gzip(GzEncoder<Hashing<BufWriter<File>>>),
}

impl ShardFile {
    fn create(path: &Path, gzip: bool) -> io::Result<Self> {
        let out = Hashing {
            inner: BufWriter::with_capacity(256 * 1024, File::create(path)?),
            sha: Sha256::new(),
            bytes: 0,
        };
        Ok(if gzip {
            Self::Gzip(GzEncoder::new(out, Compression::default()))
        } else {
            Self::Plain(out)
        })
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Self::Plain(w) => w.write_all(bytes),
            Self::Gzip(w) => w.write_all(bytes),
        }
    }

    /// Finishes the file (the gzip trailer), syncs it, and returns its size and SHA-256.
    fn finish(self) -> io::Result<(u64, String)> {
        let mut out = match self {
            Self::Plain(w) => w,
            Self::Gzip(w) => w.finish()?,
        };
        out.flush()?;
        let file = out.inner.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        Ok((out.bytes, crate::rdf::hash::hex(&out.sha.finalize())))
    }
}

/// A writer thread: writes the pieces it receives into their shards' files until the cutter hangs up.
fn write_shards(
    receive: &Receiver<Piece>,
    dir: &Path,
    file_name: &dyn Fn(usize) -> String,
    gzip: bool,
) -> io::Result<Vec<Written>> {
    let mut open: BTreeMap<usize, (ShardFile, u64)> = BTreeMap::new();
    let mut written = Vec::new();
    let close = |index: usize, file: ShardFile, triples: u64| -> io::Result<Written> {
        let (bytes, sha256) = file.finish()?;
        Ok(Written {
            index,
            triples,
            bytes,
            sha256,
        })
    };
    for piece in receive {
        match piece {
            Piece::Lines {
                shard,
                chunk,
                range,
                lines,
            } => {
                let entry = match open.entry(shard) {
                    std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::btree_map::Entry::Vacant(e) => {
                        e.insert((ShardFile::create(&dir.join(file_name(shard)), gzip)?, 0))
                    }
                };
                entry.0.write_all(&chunk[range])?;
                entry.1 += lines;
            }
            Piece::Close(shard) => {
                if let Some((file, triples)) = open.remove(&shard) {
                    written.push(close(shard, file, triples)?);
                }
            }
        }
    }
    for (shard, (file, triples)) in open {
        written.push(close(shard, file, triples)?);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: usize) -> Vec<u8> {
        (0..n)
            .flat_map(|i| format!("<s> <p> \"{i}\" .\n").into_bytes())
            .collect()
    }

    fn dump(dir: &Path, split: Split, gzip: bool, chunks: &[usize]) -> Vec<ManifestEntry> {
        let options = ShardOptions {
            format: ExportFormat::NTriples,
            split,
            gzip,
        };
        let mut dump = ShardedDump::create(dir, &Minter::new("https://example.org/").unwrap(), options).unwrap();
        let graph = NamedNode::new_unchecked("https://example.org/graph/data");
        dump.write_graph(&graph, |deliver| {
            for n in chunks {
                deliver(lines(*n))?;
            }
            Ok(())
        })
        .unwrap();
        dump.commit().unwrap()
    }

    #[test]
    fn count_splits_evenly_and_small_graphs_get_fewer_files() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("d");
        let entries = dump(&out, Split::Count(4), false, &[10, 3, 1]);
        let counts: Vec<u64> = entries.iter().map(|e| e.triples).collect();
        assert_eq!(counts, vec![4, 4, 3, 3], "{entries:?}");
        assert_eq!(entries[0].file, "data.0.nt");
        let entries = dump(&out, Split::Count(8), true, &[3]);
        let files: Vec<&str> = entries.iter().map(|e| e.file.as_str()).collect();
        assert_eq!(files, ["data.0.nt.gz", "data.1.nt.gz", "data.2.nt.gz"]);
        assert_eq!(
            fs::read_to_string(out.join("data.1.nt.graph")).unwrap(),
            "https://example.org/graph/data\n"
        );
        assert_eq!(read_manifest(&out).unwrap(), entries);
    }

    #[test]
    fn statements_fill_each_file_in_turn() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("d");
        let entries = dump(&out, Split::Statements(4), false, &[3, 3, 5]);
        let counts: Vec<u64> = entries.iter().map(|e| e.triples).collect();
        assert_eq!(counts, vec![4, 4, 3]);
        let text: String = entries
            .iter()
            .map(|e| fs::read_to_string(out.join(&e.file)).unwrap())
            .collect();
        let expected = [lines(3), lines(3), lines(5)].concat();
        assert_eq!(text.as_bytes(), expected.as_slice(), "order kept");
    }

    #[test]
    fn a_directory_that_is_not_a_dump_is_never_replaced() {
        let root = tempfile::tempdir().unwrap();
        fs::write(root.path().join("notes.txt"), "mine").unwrap();
        let options = ShardOptions {
            format: ExportFormat::NQuads,
            split: Split::Count(2),
            gzip: false,
        };
        let error = ShardedDump::create(root.path(), &Minter::new("https://example.org/").unwrap(), options)
            .err()
            .unwrap();
        assert!(error.to_string().contains("no manifest.tsv"), "{error}");
    }

    #[test]
    fn file_stems() {
        let base = &Minter::new("https://example.org/kg/").unwrap();
        assert_eq!(file_stem("https://example.org/kg/graph/data", base), "data");
        assert_eq!(
            file_stem("https://example.org/kg/graph/register/sites", base),
            "register-sites"
        );
        assert_eq!(file_stem("http://other.example/g/x.y", base), "x_y");
    }
}
