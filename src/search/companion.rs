//! The search index as a companion of an on-disk store: built in the store's staging directory from the quads the
//! store is loaded with, and carried into the store's private snapshots.

use std::path::Path;

use oxigraph::model::Quad;

use super::document::Extractor;
use super::index::{INDEX_DIR, IndexBuilder};
use crate::store::companion::{CarryError, Companion, CompanionBuilder, CompanionError, CompanionFiles};

/// The search index's files in a store's directory, as a snapshot of the store carries them over.
#[derive(Debug, Clone, Copy, Default)]
pub struct IndexFiles;

impl CompanionFiles for IndexFiles {
    /// The index's files are never rewritten (a build writes a new store and index beside them): linked, but for
    /// its small manifests, which are copied.
    fn carry_over(&self, store: &Path, snapshot: &Path) -> Result<(), CarryError> {
        let index = store.join(INDEX_DIR);
        if !index.is_dir() {
            return Ok(());
        }
        let listing = "cannot list the search index";
        let to_index = snapshot.join(INDEX_DIR);
        std::fs::create_dir(&to_index).map_err(|e| ("cannot create the snapshot's search index", e))?;
        for entry in std::fs::read_dir(&index).map_err(|e| (listing, e))? {
            let entry = entry.map_err(|e| (listing, e))?;
            let from = entry.path();
            let into = to_index.join(entry.file_name());
            if from.extension().is_some_and(|e| e == "json") {
                std::fs::copy(&from, &into).map_err(|e| ("cannot copy a file into the snapshot", e))?;
            } else if entry.file_type().map_err(|e| (listing, e))?.is_file() {
                std::fs::hard_link(&from, &into).map_err(|e| ("cannot link an index file into the snapshot", e))?;
            }
        }
        Ok(())
    }
}

/// The rules of a store's search index start it in the store's staging directory.
impl Companion for Extractor {
    fn name(&self) -> &'static str {
        "search index"
    }

    fn begin(self: Box<Self>, staging: &Path) -> Result<Box<dyn CompanionBuilder>, CompanionError> {
        Ok(Box::new(IndexBuilder::on_disk(staging, *self)?))
    }
}

impl CompanionBuilder for IndexBuilder {
    fn add_graph(&mut self, quads: &[Quad]) -> Result<(), CompanionError> {
        Ok(IndexBuilder::add_graph(self, quads)?)
    }

    fn add_batch(&mut self, batch: &[Quad]) -> Result<(), CompanionError> {
        Ok(IndexBuilder::add_batch(self, batch)?)
    }

    fn close(self: Box<Self>) -> Result<(), CompanionError> {
        Ok(IndexBuilder::close(*self)?)
    }
}
