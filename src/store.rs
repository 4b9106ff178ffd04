//! The embedded Oxigraph store: in memory, or on disk (RocksDB, cargo feature `rocksdb`). The only module that
//! touches Oxigraph's store. Loads are transactional in memory; an on-disk store is rebuilt in a fresh directory
//! beside the old one and swapped in with one atomic rename, so a failed or killed build leaves the previous store
//! intact and openable.

use std::path::{Path, PathBuf};

use oxigraph::model::{NamedNodeRef, Quad};
use oxigraph::sparql::{PreparedSparqlQuery, QueryEvaluationError, QueryResults};
use oxigraph::store::{StorageError, Store};

/// Why the store could not be built, opened or read.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Oxigraph's storage failed.
    #[error("store error: {0}")]
    Storage(#[from] StorageError),
    /// A file-system step of an on-disk rebuild failed.
    #[error("{path}: {message}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The step that failed.
        message: &'static str,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The directory exists and does not look like an Oxigraph store, so it is not replaced.
    #[error("{0}: exists and is not an Oxigraph store; refusing to replace it (choose another --store directory)")]
    NotAStore(PathBuf),
    /// No store at the path given for reading.
    #[error("{0}: no Oxigraph store here (build one with `powkg build --store {0}`)")]
    Missing(PathBuf),
    /// This binary has no on-disk store.
    #[error("--store needs the on-disk store, and this powkg was built without the `rocksdb` feature")]
    NoDiskSupport,
}

/// A loaded graph store.
pub struct GraphStore {
    store: Store,
}

impl GraphStore {
    /// A new in-memory store holding `quads`, loaded in one transaction.
    pub fn in_memory(quads: &[Quad]) -> Result<Self, StoreError> {
        let store = Store::new()?;
        store.extend(quads.iter().cloned())?;
        Ok(Self { store })
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
            })
        }
        #[cfg(not(feature = "rocksdb"))]
        {
            Err(StoreError::NoDiskSupport)
        }
    }

    /// Builds an on-disk store at `path` holding exactly `quads`, replacing any store there atomically.
    pub fn rebuild_on_disk(path: &Path, quads: &[Quad]) -> Result<Self, StoreError> {
        if path.exists() && !looks_like_store(path) && !is_empty_dir(path) {
            return Err(StoreError::NotAStore(path.to_owned()));
        }
        #[cfg(not(feature = "rocksdb"))]
        {
            let _ = quads;
            Err(StoreError::NoDiskSupport)
        }
        #[cfg(feature = "rocksdb")]
        {
            let parent = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
                _ => PathBuf::from("."),
            };
            let io = |message| {
                move |source| StoreError::Io {
                    path: path.to_owned(),
                    message,
                    source,
                }
            };
            std::fs::create_dir_all(&parent).map_err(io("cannot create the parent directory"))?;
            let name = path
                .file_name()
                .map_or_else(|| "store".into(), |n| n.to_string_lossy().into_owned());
            remove_stale_staging(&parent, &name);
            let staging = tempfile::Builder::new()
                .prefix(&format!(".{name}.building-"))
                .tempdir_in(&parent)
                .map_err(io("cannot create a staging directory beside the store"))?;
            {
                let store = Store::open(staging.path())?;
                let mut loader = store.bulk_loader();
                loader.load_quads(quads.iter().cloned())?;
                loader.commit()?;
                store.flush()?;
            }
            if std::env::var_os("POWKG_TEST_ABORT_BEFORE_SWAP").is_some() {
                // Test hook: die the way a killed build would, at the worst moment.
                std::process::abort();
            }
            swap_into_place(staging, path).map_err(io("cannot move the new store into place"))?;
            Ok(Self {
                store: Store::open_read_only(path)?,
            })
        }
    }

    /// Every quad, sorted (the order every writer uses, so that output is deterministic).
    pub fn quads(&self) -> Result<Vec<Quad>, StoreError> {
        let mut quads = self.store.iter().collect::<Result<Vec<_>, _>>()?;
        quads.sort_by_cached_key(ToString::to_string);
        Ok(quads)
    }

    /// Number of quads.
    pub fn quad_count(&self) -> Result<usize, StoreError> {
        Ok(self.store.len()?)
    }

    /// Runs a prepared query with the union of all graphs as the default graph.
    pub fn execute(&self, mut query: PreparedSparqlQuery) -> Result<QueryResults<'static>, QueryEvaluationError> {
        query.dataset_mut().set_default_graph_as_union();
        query.on_store(&self.store).execute()
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

    /// The quads of named graph `graph`.
    pub fn in_graph(&self, graph: NamedNodeRef<'_>) -> Result<Vec<Quad>, StoreError> {
        Ok(self
            .store
            .quads_for_pattern(None, None, None, Some(graph.into()))
            .collect::<Result<_, _>>()?)
    }

    /// The quads, in any graph, whose object is `object`.
    pub fn pointing_at(&self, object: NamedNodeRef<'_>) -> Result<Vec<Quad>, StoreError> {
        Ok(self
            .store
            .quads_for_pattern(None, None, Some(object.into()), None)
            .collect::<Result<_, _>>()?)
    }
}

/// Removes staging directories that killed builds of the same store left behind. Two builds into one store at the
/// same time are not supported: the later would remove the earlier's staging directory.
#[cfg(feature = "rocksdb")]
fn remove_stale_staging(parent: &Path, name: &str) {
    let prefix = format!(".{name}.building-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn looks_like_store(path: &Path) -> bool {
    path.join("CURRENT").is_file()
}

fn is_empty_dir(path: &Path) -> bool {
    std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_none())
}

/// Moves the staging directory to `target`. Where an old store exists, Linux's `renameat2(RENAME_EXCHANGE)` swaps
/// the two in one step, so there is no moment without a store at `target`; the old one is then deleted with the
/// staging directory.
#[cfg(feature = "rocksdb")]
fn swap_into_place(staging: tempfile::TempDir, target: &Path) -> std::io::Result<()> {
    if !target.exists() {
        std::fs::rename(staging.path(), target)?;
        let _ = staging.keep();
        return Ok(());
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        renameat_with(CWD, staging.path(), CWD, target, RenameFlags::EXCHANGE)?;
        // `staging` now holds the old store and is removed when dropped.
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let old = staging.path().with_extension("old");
        std::fs::rename(target, &old)?;
        std::fs::rename(staging.path(), target)?;
        std::fs::remove_dir_all(&old)?;
        Ok(())
    }
}
