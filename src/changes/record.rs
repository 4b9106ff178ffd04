//! What a build into a store records beside it: the store's state ([`super::state`]) and, unless switched off, the
//! members it appends to the change feed ([`super::feed`]). Both are written in the staging directory of the new
//! store and move into place with it.

use std::path::Path;
use std::sync::Mutex;

use super::feed::{self, Appended};
use oxigraph::model::Quad;

use super::state::{self, State, StateBuilder};
use crate::rdf::iri::Minter;
use crate::store::companion::{CarryError, CompanionError, CompanionFiles};
use crate::store::{GraphStore, Recorder};

/// The change record of a build into a store.
pub struct ChangeRecord {
    minter: Minter,
    feed: Option<feed::Options>,
    /// The state of the quads seen on their way to the loader.
    seen: Mutex<StateBuilder>,
    outcome: Mutex<Option<Recorded>>,
}

/// What a build recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// Subjects in the new state.
    pub subjects: u64,
    /// Subjects that differ from the previous store's (every subject when there was none).
    pub changed: u64,
    /// Whether there was a previous store to compare with.
    pub had_previous: bool,
    /// What was appended to the feed, if it is kept.
    pub appended: Option<Appended>,
}

impl ChangeRecord {
    /// A record of the graph `minter` mints, with a feed appended to as `feed` says (none when `None`).
    pub fn new(minter: Minter, feed: Option<feed::Options>) -> Self {
        Self {
            minter,
            feed,
            seen: Mutex::new(StateBuilder::default()),
            outcome: Mutex::new(None),
        }
    }

    /// What the build recorded, once it has.
    pub fn outcome(&self) -> Option<Recorded> {
        *lock(&self.outcome)
    }
}

impl Recorder for ChangeRecord {
    fn name(&self) -> &'static str {
        "change record"
    }

    fn observe(&self, quads: &[Quad]) {
        lock(&self.seen).add(quads);
    }

    fn record(&self, loaded: &GraphStore, staging: &Path, previous: Option<&Path>) -> Result<(), CompanionError> {
        let new = std::mem::take(&mut *lock(&self.seen)).finish();
        new.write(staging)?;
        let old = match previous {
            Some(dir) => match State::read(dir)? {
                Some(state) => Some(state),
                // A store recorded before states were: read whole.
                None => Some(State::of_store(&GraphStore::open(dir)?)?),
            },
            None => None,
        };
        let changed = match &old {
            Some(old) => state::compare(old, &new)?.0.len() as u64,
            None => new.subject_count(),
        };
        let appended = match &self.feed {
            Some(options) => Some(feed::append(
                &self.minter,
                previous,
                staging,
                old.as_ref(),
                &new,
                loaded,
                options,
            )?),
            None => None,
        };
        *lock(&self.outcome) = Some(Recorded {
            subjects: new.subject_count(),
            changed,
            had_previous: previous.is_some(),
            appended,
        });
        Ok(())
    }
}

/// A lock taken even after a panic elsewhere (what it guards stays consistent: each use is one call).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The state and feed files of a store, as a private snapshot carries them over: linked, since a build never
/// rewrites them in place (it writes new ones beside, in its staging directory).
pub struct ChangeFiles;

impl CompanionFiles for ChangeFiles {
    fn carry_over(&self, store: &Path, snapshot: &Path) -> Result<(), CarryError> {
        for dir in [state::DIRECTORY, feed::DIRECTORY] {
            link_tree(&store.join(dir), &snapshot.join(dir))?;
        }
        Ok(())
    }
}

fn link_tree(from: &Path, to: &Path) -> Result<(), CarryError> {
    if !from.is_dir() {
        return Ok(());
    }
    let listing = "cannot list the change record";
    std::fs::create_dir(to).map_err(|e| ("cannot create the snapshot's change record", e))?;
    for entry in std::fs::read_dir(from).map_err(|e| (listing, e))? {
        let entry = entry.map_err(|e| (listing, e))?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().map_err(|e| (listing, e))?.is_dir() {
            link_tree(&source, &target)?;
        } else {
            std::fs::hard_link(&source, &target)
                .map_err(|e| ("cannot link a change record file into the snapshot", e))?;
        }
    }
    Ok(())
}
