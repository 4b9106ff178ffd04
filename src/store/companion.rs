//! Companion indexes: indexes kept beside an on-disk store, each in a subdirectory of the store's directory (which
//! RocksDB ignores), built from the quads the store is loaded with. The store stages a companion in its own staging
//! directory and moves it into place by the same rename as itself, so that the two are always of one build; the
//! companion owns its subdirectory, its files and how a snapshot carries them over. The search index is one.

use std::path::Path;

use oxigraph::model::Quad;

/// Why a companion index could not be built: the companion's own error, boxed so that the store need not know it.
pub type CompanionError = Box<dyn std::error::Error + Send + Sync>;

/// Why a companion's files could not be carried into a snapshot: the step that failed, and its cause. A cause of
/// kind [`std::io::ErrorKind::NotFound`] means that a build swapped the store away meanwhile, and the snapshot is
/// made again.
pub type CarryError = (&'static str, std::io::Error);

/// A kind of companion index, as a private snapshot of a store sees it (see
/// [`GraphStore::open_snapshot`](super::GraphStore::open_snapshot)).
pub trait CompanionFiles: Sync {
    /// Carries the companion's files of the store directory `store`, if it has any, into the snapshot directory
    /// `snapshot`, without copying what is never rewritten. `store` is read as given, never through the store's
    /// path again.
    fn carry_over(&self, store: &Path, snapshot: &Path) -> Result<(), CarryError>;
}

/// A companion index to build beside a store that is being rebuilt on disk (see
/// [`GraphStore::rebuild_on_disk_with`](super::GraphStore::rebuild_on_disk_with)).
pub trait Companion: Send {
    /// What it is, for messages ("search index").
    fn name(&self) -> &'static str;

    /// Starts the index in `staging`, the directory in which the new store is built.
    fn begin(self: Box<Self>, staging: &Path) -> Result<Box<dyn CompanionBuilder>, CompanionError>;
}

/// A companion index being built: the quads the store is loaded with, in the order it loads them.
pub trait CompanionBuilder: Send {
    /// Indexes a whole graph held in memory (the curated one), loaded first.
    fn add_graph(&mut self, quads: &[Quad]) -> Result<(), CompanionError>;

    /// Indexes a batch of streamed quads (register rows), before the store's loader gets it.
    fn add_batch(&mut self, batch: &[Quad]) -> Result<(), CompanionError>;

    /// Writes out what was added and closes the index, ready to be moved into place with its store.
    fn close(self: Box<Self>) -> Result<(), CompanionError>;
}
