//! Why the store could not be built, opened or read.

use std::path::PathBuf;

use oxigraph::store::StorageError;

use super::companion::CompanionError;

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
    /// Building the new store beside the old one failed (a full disk, for one).
    #[error("{}: cannot build the new store beside it, so the previous one is left as it was: {source}", .path.display())]
    Build {
        /// The store.
        path: PathBuf,
        /// The cause.
        #[source]
        source: StorageError,
    },
    /// The directory exists and does not look like an Oxigraph store, so it is not replaced.
    #[error("{0}: exists and is not an Oxigraph store; refusing to replace it (choose another --store directory)")]
    NotAStore(PathBuf),
    /// Another build holds the store's build lock.
    #[error(
        "{}: another powkg build is writing this store now (it holds the lock {}); wait for it to end, then build again",
        store.display(),
        lock.display()
    )]
    Busy {
        /// The store.
        store: PathBuf,
        /// Its lock file.
        lock: PathBuf,
    },
    /// No store at the path given for reading.
    #[error("{0}: no Oxigraph store here (build one with `powkg build --store {0}`)")]
    Missing(PathBuf),
    /// Building a companion index of the store failed; the previous store and its companions are left as they were.
    #[error("{}: cannot build the {name} of the new store, so the previous store is left as it was: {source}", .path.display())]
    Companion {
        /// The store.
        path: PathBuf,
        /// What the companion is ("search index").
        name: &'static str,
        /// The cause.
        #[source]
        source: CompanionError,
    },
    /// This binary has no on-disk store.
    #[error("--store needs the on-disk store, and this powkg was built without the `rocksdb` feature")]
    NoDiskSupport,
}
