//! The files of an on-disk store beside its own: private snapshots of it for long-lived readers, the staging
//! directories of rebuilds, and the build lock that lets one build at a time replace it.

use std::path::Path;
#[cfg(feature = "rocksdb")]
use std::path::PathBuf;

#[cfg(feature = "rocksdb")]
use super::companion::{self, CompanionFiles};
#[cfg(feature = "rocksdb")]
use super::error::StoreError;
#[cfg(feature = "rocksdb")]
use crate::files::output::{owner_has_ended, remove_leftovers};

/// Copies the store at `path` into the empty directory `to` for a private snapshot: table files hard-linked, the
/// rest copied; the files of `companions` as they carry them over. On the failure, the step that failed.
///
/// Every file is read through one handle of the store's directory, opened first, never by the store's path again:
/// a build that swaps another store in at the path meanwhile would otherwise give the copy some files of each
/// store, which RocksDB then reads as a corrupted manifest (or, worse, as one graph).
#[cfg(feature = "rocksdb")]
pub(super) fn copy_snapshot(
    path: &Path,
    to: &Path,
    companions: &[&dyn CompanionFiles],
) -> Result<(), companion::CarryError> {
    let listing = "cannot list the store";
    let handle = std::fs::File::open(path).map_err(|e| (listing, e))?;
    let store = directory_through(&handle, path);
    for entry in std::fs::read_dir(&store).map_err(|e| (listing, e))? {
        let entry = entry.map_err(|e| (listing, e))?;
        let from = entry.path();
        let into = to.join(entry.file_name());
        let immutable = from.extension().is_some_and(|e| e == "sst" || e == "blob");
        if entry.file_type().map_err(|e| (listing, e))?.is_file() {
            if immutable {
                std::fs::hard_link(&from, &into).map_err(|e| ("cannot link a table file into the snapshot", e))?;
            } else {
                std::fs::copy(&from, &into).map_err(|e| ("cannot copy a file into the snapshot", e))?;
            }
        }
    }
    for companion in companions {
        companion.carry_over(&store, to)?;
    }
    // A build that swapped its store in meanwhile deletes the old one's files, its companions' among them, under the
    // copy: a copy of a directory no longer at `path` may lack some of them, and is made again.
    if !is_at(&handle, path) {
        return Err((
            "the store was replaced while it was copied",
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
    }
    Ok(())
}

/// Whether `file` is the file or directory at `path`.
#[cfg(feature = "rocksdb")]
pub(super) fn is_at(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// A path that names the directory `handle` has open, whatever is renamed to its path since: on Linux the handle's
/// entry in `/proc/self/fd`; elsewhere (or without `/proc`) the path itself.
#[cfg(feature = "rocksdb")]
pub(super) fn directory_through(handle: &std::fs::File, path: &Path) -> PathBuf {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let through = PathBuf::from(format!("/proc/self/fd/{}", handle.as_raw_fd()));
        if through.is_dir() {
            return through;
        }
    }
    let _ = handle;
    path.to_owned()
}

/// Removes the snapshots of readers that no longer run (their process id starts the rest of the name).
#[cfg(feature = "rocksdb")]
pub(super) fn remove_dead_snapshots(parent: &Path, name: &str) {
    remove_leftovers(parent, &format!(".{name}.serving-"), |_, rest| owner_has_ended(rest));
}

/// Removes staging directories that killed builds of the same store left behind. Only the holder of the store's
/// build lock calls this, so no other build is using one.
#[cfg(feature = "rocksdb")]
pub(super) fn remove_stale_staging(parent: &Path, name: &str) {
    remove_leftovers(parent, &format!(".{name}.building-"), |_, _| true);
}

/// The build lock of a store: an advisory lock on `.NAME.lock` beside it, taken with [`BuildLock::take`]. The
/// operating system releases it when the process ends, however it ends, so a killed build never leaves a stale
/// lock (only the empty file, which the next build takes over). A build that ends removes the file.
#[cfg(feature = "rocksdb")]
pub(super) struct BuildLock {
    file: std::fs::File,
    path: PathBuf,
}

#[cfg(feature = "rocksdb")]
impl BuildLock {
    /// Takes the lock of the store `name` in `parent`, or says that another build holds it.
    pub(super) fn take(parent: &Path, name: &str, store: &Path) -> Result<Self, StoreError> {
        let path = parent.join(format!(".{name}.lock"));
        let io = |source| StoreError::Io {
            path: path.clone(),
            message: "cannot take the build lock of the store",
            source,
        };
        loop {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(io)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(StoreError::Busy {
                        store: store.to_owned(),
                        lock: path,
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
            // A build that ended in between removed the file this one locked: lock the new one instead.
            if is_at(&file, &path) {
                return Ok(Self { file, path });
            }
        }
    }
}

#[cfg(feature = "rocksdb")]
impl Drop for BuildLock {
    fn drop(&mut self) {
        // Removed while still locked, so that no other build can hold a lock on this file once it is gone.
        #[cfg(unix)]
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

pub(super) fn looks_like_store(path: &Path) -> bool {
    path.join("CURRENT").is_file()
}

pub(super) fn is_empty_dir(path: &Path) -> bool {
    std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_none())
}
