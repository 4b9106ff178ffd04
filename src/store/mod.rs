//! The embedded Oxigraph store: in memory, or on disk (RocksDB, cargo feature `rocksdb`). The only module that
//! touches Oxigraph's store. Loads are transactional in memory; an on-disk store is rebuilt in a fresh directory
//! beside the old one and swapped in with one atomic rename, so a failed or killed build leaves the previous store
//! intact and openable.

pub mod companion;
mod disk;
pub mod dump;
mod error;

pub use error::StoreError;

use std::path::{Path, PathBuf};

use oxigraph::model::{GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term};
use oxigraph::sparql::{PreparedSparqlQuery, QueryEvaluationError, QueryResults};
use oxigraph::store::Store;

use companion::{Companion, CompanionError, CompanionFiles};
#[cfg(feature = "rocksdb")]
use disk::{BuildLock, copy_snapshot, remove_dead_snapshots, remove_stale_staging};
use disk::{is_empty_dir, looks_like_store};

#[cfg(feature = "rocksdb")]
use crate::files::output::{parent_and_name, swap_into_place};
use crate::rdf::vocab::rdf;

/// Work done on a freshly loaded store before it is swapped in (see
/// [`GraphStore::rebuild_on_disk_with`](GraphStore::rebuild_on_disk_with)): it reads the loaded store and
/// writes its own subdirectories of the staging directory, which move into place with the store. The change
/// record and feed are one.
pub trait Recorder: Sync {
    /// What it is, for messages ("change record").
    fn name(&self) -> &'static str;

    /// Sees quads as they go to the loader: the curated graph first, then each streamed batch (on the producer's
    /// thread). Quads may repeat; the store keeps each once.
    fn observe(&self, quads: &[Quad]);

    /// Records what it keeps of `loaded`, the store built in `staging`; `previous` is the directory of the store it
    /// replaces, if there is one (read only: it stays in place until the swap).
    fn record(&self, loaded: &GraphStore, staging: &Path, previous: Option<&Path>) -> Result<(), CompanionError>;
}

/// Shows `quads` to `recorder`, if there is one.
#[cfg(feature = "rocksdb")]
fn observe(recorder: Option<&dyn Recorder>, quads: &[Quad]) {
    if let Some(recorder) = recorder {
        recorder.observe(quads);
    }
}

/// A loaded graph store.
pub struct GraphStore {
    // Field order matters: the store is closed before its snapshot directory is removed.
    store: Store,
    /// The private snapshot a long-lived reader opened (see [`GraphStore::open_snapshot`]).
    snapshot: Option<tempfile::TempDir>,
    /// The directory of an on-disk store (its snapshot's, for a snapshot).
    directory: Option<PathBuf>,
    /// The directory as its user named it (the store's, for a snapshot), for messages.
    named: Option<PathBuf>,
}

impl GraphStore {
    /// A new in-memory store holding `quads`, loaded in one transaction.
    pub fn in_memory(quads: &[Quad]) -> Result<Self, StoreError> {
        let store = Store::new()?;
        store.extend(quads.iter().cloned())?;
        Ok(Self {
            store,
            snapshot: None,
            directory: None,
            named: None,
        })
    }

    /// Opens an existing on-disk store for reading.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if !looks_like_store(path) {
            return Err(StoreError::Missing(path.to_owned()));
        }
        #[cfg(feature = "rocksdb")]
        {
            Ok(Self {
                store: Store::open_read_only(path)?,
                snapshot: None,
                directory: Some(path.to_owned()),
                named: Some(path.to_owned()),
            })
        }
        #[cfg(not(feature = "rocksdb"))]
        {
            Err(StoreError::NoDiskSupport)
        }
    }

    /// Opens a private snapshot of the on-disk store at `path`, for a reader that lives long (`powkg serve`).
    ///
    /// RocksDB never rewrites a table file, and a build never writes into the store directory: it builds beside
    /// it, swaps the directories and deletes the old one. A reader opened on the directory itself would lose the
    /// table files it had not opened yet. So the snapshot hard-links the table files (no data is copied) and copies
    /// the small rest into a fresh directory beside the store; the reader keeps the graph as it was when it
    /// started, whatever builds happen meanwhile. Each of `companions` carries its own files over. The snapshot is
    /// removed when the store is dropped; snapshots of processes that no longer run are removed by the next open.
    pub fn open_snapshot(path: &Path, companions: &[&dyn CompanionFiles]) -> Result<Self, StoreError> {
        if !looks_like_store(path) {
            return Err(StoreError::Missing(path.to_owned()));
        }
        #[cfg(not(feature = "rocksdb"))]
        {
            let _ = companions;
            Err(StoreError::NoDiskSupport)
        }
        #[cfg(feature = "rocksdb")]
        {
            let io = |message| {
                move |source| StoreError::Io {
                    path: path.to_owned(),
                    message,
                    source,
                }
            };
            let (parent, name) = parent_and_name(path, "store");
            remove_dead_snapshots(&parent, &name);
            // A build that swaps a new store in while this one is copied deletes the old store's files under the
            // copy: then the copy fails, and is made again from the new store.
            let mut attempt = 0;
            let snapshot = loop {
                let snapshot = tempfile::Builder::new()
                    .prefix(&format!(".{name}.serving-{}-", std::process::id()))
                    .tempdir_in(&parent)
                    .map_err(io("cannot create a snapshot directory beside the store"))?;
                match copy_snapshot(path, snapshot.path(), companions) {
                    Ok(()) => break snapshot,
                    Err((_, e)) if attempt < 10 && e.kind() == std::io::ErrorKind::NotFound => attempt += 1,
                    Err((message, e)) => return Err(io(message)(e)),
                }
            };
            let directory = Some(snapshot.path().to_owned());
            Ok(Self {
                store: Store::open_read_only(snapshot.path())?,
                snapshot: Some(snapshot),
                directory,
                named: Some(path.to_owned()),
            })
        }
    }

    /// Opens the on-disk store at `path` for a command that reads it once (`query`, `search`, `export`, `report`,
    /// `validate`): a private snapshot, as [`GraphStore::open_snapshot`] makes, so that a build swapping in a new
    /// store meanwhile cannot pull files from under the reader. Where no snapshot can be made beside the store, the
    /// store itself is read: a directory this user cannot write (in which no build of this user can run either), or
    /// a store that is a mount point of its own (whose files cannot be linked beside it, and which no build can
    /// swap).
    pub fn open_for_reading(path: &Path, companions: &[&dyn CompanionFiles]) -> Result<Self, StoreError> {
        match Self::open_snapshot(path, companions) {
            Err(StoreError::Io { source, .. })
                if matches!(
                    source.kind(),
                    std::io::ErrorKind::PermissionDenied
                        | std::io::ErrorKind::ReadOnlyFilesystem
                        | std::io::ErrorKind::CrossesDevices
                ) =>
            {
                Self::open(path)
            }
            other => other,
        }
    }

    /// Removes the private snapshot's directory now, for a reader about to exit while other threads still hold
    /// the store (open files stay readable until the process ends).
    pub fn discard_snapshot(&self) {
        if let Some(dir) = &self.snapshot {
            let _ = std::fs::remove_dir_all(dir.path());
        }
    }

    /// The directory of an on-disk store (of its private snapshot, for one opened with
    /// [`GraphStore::open_snapshot`]); `None` for an in-memory store.
    pub fn directory(&self) -> Option<&Path> {
        self.directory.as_deref()
    }

    /// The directory of an on-disk store as its user named it (the store's own, for a snapshot of it); `None` for
    /// an in-memory store.
    pub fn named_path(&self) -> Option<&Path> {
        self.named.as_deref()
    }

    /// Builds an on-disk store at `path` holding exactly `quads`, replacing any store there atomically; with
    /// `companion` beside it, if given.
    pub fn rebuild_on_disk(
        path: &Path,
        quads: &[Quad],
        companion: Option<Box<dyn Companion>>,
        recorder: Option<&dyn Recorder>,
    ) -> Result<Self, StoreError> {
        Self::rebuild_on_disk_with(path, quads, companion, recorder, |_| Ok::<(), StoreError>(()))
            .map(|(store, ())| store)
    }

    /// [`rebuild_on_disk`](Self::rebuild_on_disk), then more quads from `produce`, which runs on its own thread and
    /// hands batches to the bulk loader as it makes them (so that mapping and loading use two cores). When
    /// `produce` fails, nothing is committed and the previous store stays in place.
    ///
    /// With `companion`, that index is built in the same staging directory (in a subdirectory of its own, which
    /// RocksDB ignores) and moved into place by the same rename: the curated quads first, then each batch on the
    /// producer's thread before it goes to the loader.
    ///
    /// With `recorder`, the loaded store is handed to it before the swap, with the directory of the store it replaces.
    pub fn rebuild_on_disk_with<T: Send, E: From<StoreError> + Send>(
        path: &Path,
        quads: &[Quad],
        companion: Option<Box<dyn Companion>>,
        recorder: Option<&dyn Recorder>,
        produce: impl FnOnce(&mut dyn FnMut(Vec<Quad>) -> std::io::Result<()>) -> Result<T, E> + Send,
    ) -> Result<(Self, T), E> {
        if path.exists() && !looks_like_store(path) && !is_empty_dir(path) {
            return Err(StoreError::NotAStore(path.to_owned()).into());
        }
        #[cfg(not(feature = "rocksdb"))]
        {
            let _ = (quads, companion, recorder, produce);
            Err(StoreError::NoDiskSupport.into())
        }
        #[cfg(feature = "rocksdb")]
        {
            let (parent, name) = parent_and_name(path, "store");
            let io = |message| {
                move |source| StoreError::Io {
                    path: path.to_owned(),
                    message,
                    source,
                }
            };
            std::fs::create_dir_all(&parent).map_err(io("cannot create the parent directory"))?;
            // Held until this build has swapped its store in (or failed): a second build is refused at once.
            let _lock = BuildLock::take(&parent, &name, path)?;
            remove_stale_staging(&parent, &name);
            let staging = tempfile::Builder::new()
                .prefix(&format!(".{name}.building-"))
                .tempdir_in(&parent)
                .map_err(io("cannot create a staging directory beside the store"))?;
            let failed = |source| StoreError::Build {
                path: path.to_owned(),
                source,
            };
            let name = companion.as_ref().map_or("", |c| c.name());
            let companion_failed = |source: CompanionError| StoreError::Companion {
                path: path.to_owned(),
                name,
                source,
            };
            let mut index = match companion {
                Some(companion) => {
                    let mut builder = companion.begin(staging.path()).map_err(companion_failed)?;
                    builder.add_graph(quads).map_err(companion_failed)?;
                    Some(builder)
                }
                None => None,
            };
            observe(recorder, quads);
            let output = {
                let store = Store::open(staging.path()).map_err(failed)?;
                let mut loader = store.bulk_loader();
                loader.load_quads(quads.iter().cloned()).map_err(failed)?;
                let output = std::thread::scope(|scope| {
                    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Quad>>(2);
                    let producer = scope.spawn(move || {
                        let mut index_error = None;
                        let mut deliver = |batch: Vec<Quad>| {
                            observe(recorder, &batch);
                            if let Some(builder) = &mut index
                                && let Err(e) = builder.add_batch(&batch)
                            {
                                let message = e.to_string();
                                index_error = Some(e);
                                return Err(std::io::Error::other(message));
                            }
                            send.send(batch)
                                .map_err(|_| std::io::Error::other("the store loader stopped"))
                        };
                        let made = produce(&mut deliver);
                        if let Some(e) = index_error {
                            return Err(E::from(companion_failed(e)));
                        }
                        let made = made?;
                        if let Some(builder) = index {
                            builder.close().map_err(companion_failed)?;
                        }
                        Ok(made)
                    });
                    let load_result = loader.load_quads(receive.iter().flatten());
                    // A failed load must not leave the producer blocked on a full channel.
                    drop(receive);
                    let made = producer.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                    // A storage error (a full disk) explains the producer's "the store loader stopped", so it goes
                    // first.
                    load_result.map_err(failed)?;
                    made
                })?;
                loader.commit().map_err(failed)?;
                store.flush().map_err(failed)?;
                if let Some(recorder) = recorder {
                    Self::record(recorder, &store, staging.path(), path)?;
                }
                output
            };
            crate::files::fault::before_swap();
            swap_into_place(staging, path).map_err(io("cannot move the new store into place"))?;
            let store = Self {
                store: Store::open_read_only(path).map_err(StoreError::from)?,
                snapshot: None,
                directory: Some(path.to_owned()),
                named: Some(path.to_owned()),
            };
            Ok((store, output))
        }
    }

    /// Hands the store just built in `staging` to `recorder`, with the store at `path` it replaces, if any.
    #[cfg(feature = "rocksdb")]
    fn record(recorder: &dyn Recorder, built: &Store, staging: &Path, path: &Path) -> Result<(), StoreError> {
        let staged = Self {
            store: built.clone(),
            snapshot: None,
            directory: Some(staging.to_owned()),
            named: Some(path.to_owned()),
        };
        let previous = looks_like_store(path).then_some(path);
        recorder
            .record(&staged, staging, previous)
            .map_err(|source| StoreError::Companion {
                path: path.to_owned(),
                name: recorder.name(),
                source,
            })
    }

    /// Every quad, sorted (the order every writer uses, so that output is deterministic).
    pub fn quads(&self) -> Result<Vec<Quad>, StoreError> {
        let mut quads = self.store.iter().collect::<Result<Vec<_>, _>>()?;
        quads.sort_by_cached_key(ToString::to_string);
        Ok(quads)
    }

    /// Every quad, in the store's own order, read lazily: for writers that stream the whole graph without holding
    /// it (`powkg serve`'s dump).
    pub fn iter(&self) -> impl Iterator<Item = Result<Quad, StoreError>> + '_ {
        self.store.iter().map(|quad| quad.map_err(StoreError::from))
    }

    /// The named graphs, sorted, and whether the default graph holds any quad.
    pub fn graph_names(&self) -> Result<(Vec<NamedNode>, bool), StoreError> {
        let mut named = Vec::new();
        for graph in self.store.named_graphs() {
            if let NamedOrBlankNode::NamedNode(node) = graph? {
                named.push(node);
            }
        }
        named.sort();
        let default = self
            .store
            .quads_for_pattern(None, None, None, Some(GraphNameRef::DefaultGraph))
            .next()
            .is_some();
        Ok((named, default))
    }

    /// The quads of one named graph, in the store's own order, read lazily.
    pub fn iter_graph<'a>(&'a self, graph: &'a NamedNode) -> impl Iterator<Item = Result<Quad, StoreError>> + 'a {
        self.store
            .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
            .map(|quad| quad.map_err(StoreError::from))
    }

    /// The quads of the default graph, in the store's own order, read lazily.
    pub fn iter_default_graph(&self) -> impl Iterator<Item = Result<Quad, StoreError>> + '_ {
        self.store
            .quads_for_pattern(None, None, None, Some(GraphNameRef::DefaultGraph))
            .map(|quad| quad.map_err(StoreError::from))
    }

    /// The quads of `graph` (`None`: the default graph) whose subject is `subject`, or every quad of it whose subject
    /// is a blank node when `subject` is `None`.
    pub fn subject_in(
        &self,
        subject: Option<NamedNodeRef<'_>>,
        graph: Option<NamedNodeRef<'_>>,
    ) -> Result<Vec<Quad>, StoreError> {
        let graph = graph.map_or(GraphNameRef::DefaultGraph, GraphNameRef::from);
        let quads = self
            .store
            .quads_for_pattern(subject.map(Into::into), None, None, Some(graph));
        let mut out = Vec::new();
        for quad in quads {
            let quad = quad?;
            if subject.is_some() || quad.subject.is_blank_node() {
                out.push(quad);
            }
        }
        Ok(out)
    }

    /// Number of quads.
    pub fn quad_count(&self) -> Result<usize, StoreError> {
        Ok(self.store.len()?)
    }

    /// Runs a prepared query on the dataset it names (`FROM`, or one set by the caller), the union of all graphs as
    /// the default graph when it names none.
    pub fn execute_on_dataset(
        &self,
        mut query: PreparedSparqlQuery,
    ) -> Result<QueryResults<'static>, QueryEvaluationError> {
        if query.dataset().is_default_dataset() {
            query.dataset_mut().set_default_graph_as_union();
        }
        query.on_store(&self.store).execute()
    }

    /// The quads, in any graph, whose subject is `subject`.
    pub fn about(&self, subject: NamedNodeRef<'_>) -> Result<Vec<Quad>, StoreError> {
        Ok(self
            .store
            .quads_for_pattern(Some(subject.into()), None, None, None)
            .collect::<Result<_, _>>()?)
    }

    /// Whether `subject` has a quad in `graph`: one seek, no quad read back.
    pub fn is_subject_in(&self, subject: NamedNodeRef<'_>, graph: GraphNameRef<'_>) -> Result<bool, StoreError> {
        Ok(self
            .store
            .quads_for_pattern(Some(subject.into()), None, None, Some(graph))
            .next()
            .transpose()?
            .is_some())
    }

    /// The objects of `subject`'s `predicate`, in any graph.
    pub fn objects(&self, subject: NamedNodeRef<'_>, predicate: NamedNodeRef<'_>) -> Result<Vec<Term>, StoreError> {
        self.store
            .quads_for_pattern(Some(subject.into()), Some(predicate), None, None)
            .map(|q| q.map(|q| q.object).map_err(StoreError::from))
            .collect()
    }

    /// The quads of named graph `graph`.
    pub fn in_graph(&self, graph: NamedNodeRef<'_>) -> Result<Vec<Quad>, StoreError> {
        Ok(self
            .store
            .quads_for_pattern(None, None, None, Some(graph.into()))
            .collect::<Result<_, _>>()?)
    }

    /// The things typed `class` in any graph, each once, in the store's own order, read lazily (a class of a register
    /// has a million members): the paged class indexes of `powkg serve` and `powkg site`.
    pub fn instances<'a>(&'a self, class: &'a NamedNode) -> impl Iterator<Item = Result<NamedNode, StoreError>> + 'a {
        let mut last: Option<NamedNode> = None;
        self.store
            .quads_for_pattern(None, Some(rdf::TYPE), Some(class.as_ref().into()), None)
            .filter_map(move |quad| match quad {
                // The index is ordered by subject after the class, so a thing typed in two graphs comes twice in a row.
                Ok(Quad {
                    subject: NamedOrBlankNode::NamedNode(s),
                    ..
                }) if last.as_ref() != Some(&s) => {
                    last = Some(s.clone());
                    Some(Ok(s))
                }
                Ok(_) => None,
                Err(e) => Some(Err(StoreError::from(e))),
            })
    }

    /// The links to `object`: each subject (with an IRI) and predicate once, in the store's own order, read lazily
    /// (the index is ordered by subject and predicate after the object, so a link stated in two graphs comes twice
    /// in a row). The pages of "links to this" list them.
    pub fn links_to<'a>(
        &'a self,
        object: &'a NamedNode,
    ) -> impl Iterator<Item = Result<(NamedNode, NamedNode), StoreError>> + 'a {
        let mut last: Option<(NamedNode, NamedNode)> = None;
        self.pointing_at_lazily(object).filter_map(move |quad| match quad {
            Ok(Quad {
                subject: NamedOrBlankNode::NamedNode(s),
                predicate,
                ..
            }) => {
                let link = (s, predicate);
                if last.as_ref() == Some(&link) {
                    return None;
                }
                last = Some(link.clone());
                Some(Ok(link))
            }
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
    }

    /// The quads, in any graph, whose object is `object`, in the store's own order, read lazily (a place a register
    /// is pointed at by hundreds of thousands of records).
    pub fn pointing_at_lazily<'a>(
        &'a self,
        object: &'a NamedNode,
    ) -> impl Iterator<Item = Result<Quad, StoreError>> + 'a {
        self.store
            .quads_for_pattern(None, None, Some(object.as_ref().into()), None)
            .map(|quad| quad.map_err(StoreError::from))
    }

    /// The quads, in any graph, whose object is `object`.
    pub fn pointing_at(&self, object: NamedNodeRef<'_>) -> Result<Vec<Quad>, StoreError> {
        Ok(self
            .store
            .quads_for_pattern(None, None, Some(object.into()), None)
            .collect::<Result<_, _>>()?)
    }
}
