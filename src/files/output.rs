//! Writing output files without ever leaving a half-written one: write to a temporary file beside the target, then
//! rename it over the target. `-` means standard output. What a killed run leaves beside its outputs (temporary
//! files here, staging directories of the store) is removed by the next run that writes there.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// Writes what `produce` writes to `path` atomically (or to standard output for `-`), returning its result.
pub fn write_atomically<T>(
    path: &Path,
    produce: impl FnOnce(&mut (dyn Write + Send)) -> io::Result<T>,
) -> io::Result<T> {
    if path.as_os_str() == "-" {
        let mut out = BufWriter::new(io::stdout());
        let value = produce(&mut out)?;
        out.flush()?;
        return Ok(value);
    }
    let mut file = AtomicFile::create(path)?;
    let value = produce(&mut file)?;
    file.commit()?;
    Ok(value)
}

/// A file written beside its target and renamed over it by [`AtomicFile::commit`]; dropped without a commit, it
/// is removed and the target stays as it was. A new file gets the usual `rw-r--r--`, not the temporary file's
/// owner-only mode; a replaced one keeps its mode.
///
/// The temporary file is named `.powkg-PID-RANDOM.tmp` and locked (an advisory lock) while it is written, so that
/// the one a killed run left behind can be told from one being written: its process has ended and nobody holds its
/// lock. Such files are removed when the next atomic file is created in the same directory.
pub struct AtomicFile {
    path: PathBuf,
    out: BufWriter<NamedTempFile>,
}

impl AtomicFile {
    /// Starts writing `path` (its directory is created if need be).
    pub fn create(path: &Path) -> io::Result<Self> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        fs::create_dir_all(dir)?;
        remove_leftovers(dir, TEMP_PREFIX, |path, rest| {
            rest.ends_with(TEMP_SUFFIX) && owner_has_ended(rest) && !in_use(path)
        });
        let temp = tempfile::Builder::new()
            .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
            .suffix(TEMP_SUFFIX)
            .tempfile_in(dir)?;
        temp.as_file().lock()?;
        Ok(Self {
            path: path.to_owned(),
            out: BufWriter::new(temp),
        })
    }

    /// Flushes, syncs and renames the file over its target.
    pub fn commit(self) -> io::Result<()> {
        let temp = self.out.into_inner().map_err(io::IntoInnerError::into_error)?;
        temp.as_file().sync_all()?;
        crate::files::fault::before_swap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&self.path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
            fs::set_permissions(temp.path(), fs::Permissions::from_mode(mode))?;
        }
        temp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// How the temporary files of atomic outputs are named: `.powkg-PID-RANDOM.tmp`.
const TEMP_PREFIX: &str = ".powkg-";
const TEMP_SUFFIX: &str = ".tmp";

/// Removes the entries of `dir` (files or directories) named `PREFIX REST` for which `stale(path, REST)` holds:
/// what earlier runs left behind. Errors are ignored: a leftover that cannot be removed now is tried again next time.
pub(crate) fn remove_leftovers(dir: &Path, prefix: &str, stale: impl Fn(&Path, &str) -> bool) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(prefix)) else {
            continue;
        };
        let path = entry.path();
        if stale(&path, rest) {
            let _ = match entry.file_type() {
                Ok(t) if t.is_dir() => remove_tree(&path),
                _ => fs::remove_file(&path),
            };
        }
    }
}

/// Removes the directory tree at `path`, all of it powkg's to remove (a staging directory, an old store swapped out).
/// Where a directory's permissions stop that (a store its owner made read-only), the tree's directories are made
/// writable by their owner first.
pub(crate) fn remove_tree(path: &Path) -> io::Result<()> {
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            make_writable(path);
            fs::remove_dir_all(path)
        }
        other => other,
    }
}

/// Gives the owner of every directory of the tree at `path` write and search permission (symbolic links are not
/// followed).
fn make_writable(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = fs::symlink_metadata(path) else {
            return;
        };
        if meta.is_dir() {
            let _ = fs::set_permissions(path, fs::Permissions::from_mode(meta.permissions().mode() | 0o700));
            for entry in fs::read_dir(path).into_iter().flatten().flatten() {
                make_writable(&entry.path());
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Whether the process whose id starts `rest` (`PID-…`) has ended. False where that cannot be told (no `/proc`), so
/// that nothing is removed there.
pub(crate) fn owner_has_ended(rest: &str) -> bool {
    if !Path::new("/proc/self").exists() {
        return false;
    }
    rest.split('-').next().is_some_and(|pid| {
        !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && !Path::new("/proc").join(pid).exists()
    })
}

/// Whether someone holds the advisory lock of the file at `path` (a run in another process namespace writing it).
fn in_use(path: &Path) -> bool {
    fs::File::open(path).is_ok_and(|file| file.try_lock().is_err())
}

/// Runs `produce` with a function that hands chunks of bytes to a thread writing them to `out`, so that making the
/// bytes and the system calls that write them use two cores. Returns what `produce` returned, or the first write
/// error.
pub fn write_on_thread<T>(
    out: &mut (dyn Write + Send),
    produce: impl FnOnce(&mut dyn FnMut(Vec<u8>) -> io::Result<()>) -> io::Result<T>,
) -> io::Result<T> {
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let writer = scope.spawn(move || -> io::Result<()> {
            for chunk in receive {
                out.write_all(&chunk)?;
            }
            Ok(())
        });
        let mut deliver = |chunk: Vec<u8>| {
            send.send(chunk)
                .map_err(|_| io::Error::other("the writing thread stopped"))
        };
        let produced = produce(&mut deliver);
        drop(send);
        let written = writer.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        // A write error explains a "writing thread stopped" error, so it goes first.
        written?;
        produced
    })
}

/// The directory holding `path` (`.` for a bare name) and `path`'s own name (`default` when it has none): where a
/// store, a dump or a site is staged beside its target, and the name its staging directory starts with.
pub(crate) fn parent_and_name(path: &Path, default: &str) -> (PathBuf, String) {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| default.to_owned(), |n| n.to_string_lossy().into_owned());
    (parent, name)
}

/// Moves the staging directory to `target`. Where an old directory exists (a store, a dump), Linux's
/// `renameat2(RENAME_EXCHANGE)` swaps the two in one step, so there is no moment without one at `target`; the old
/// one is then deleted from the staging path. When the move fails, the staging directory is deleted here and the
/// error returned. What cannot be deleted now (the old store of a directory its owner made read-only is made writable
/// first) is deleted by the next run.
pub(crate) fn swap_into_place(staging: tempfile::TempDir, target: &Path) -> std::io::Result<()> {
    let staging = staging.keep();
    match exchange_or_rename(&staging, target) {
        Ok(true) => {
            let _ = remove_tree(&staging);
            Ok(())
        }
        Ok(false) => Ok(()),
        Err(e) => {
            let _ = remove_tree(&staging);
            Err(e)
        }
    }
}

/// Puts `staging` at `target`: exchanged with the directory there (true, and `staging` holds the old store), or renamed
/// to it where there is none (false).
pub(crate) fn exchange_or_rename(staging: &Path, target: &Path) -> std::io::Result<bool> {
    if !target.exists() {
        std::fs::rename(staging, target)?;
        return Ok(false);
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        renameat_with(CWD, staging, CWD, target, RenameFlags::EXCHANGE)?;
        Ok(true)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let old = staging.with_extension("old");
        std::fs::rename(target, &old)?;
        if let Err(e) = std::fs::rename(staging, target) {
            let _ = std::fs::rename(&old, target);
            return Err(e);
        }
        std::fs::rename(&old, staging)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.ttl");
        fs::write(&path, "old").unwrap();
        let result = write_atomically(&path, |w| {
            w.write_all(b"half")?;
            Err::<(), _>(io::Error::other("boom"))
        });
        assert!(result.is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left behind"
        );
        write_atomically(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
    }

    #[test]
    fn only_temporary_files_of_ended_runs_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // A process id that no process has: above the kernel's maximum.
        let ended = dir.path().join(".powkg-99999999-abc.tmp");
        let running = dir.path().join(format!(".powkg-{}-def.tmp", std::process::id()));
        let locked = dir.path().join(".powkg-99999998-ghi.tmp");
        let foreign = dir.path().join(".powkg-notes.tmp");
        for path in [&ended, &running, &locked, &foreign] {
            fs::write(path, "x").unwrap();
        }
        let holder = fs::File::open(&locked).unwrap();
        holder.lock().unwrap();
        write_atomically(&dir.path().join("out.nt"), |w| w.write_all(b"new")).unwrap();
        assert!(!ended.exists(), "the file of an ended run is removed");
        assert!(running.exists(), "a running process's file is kept");
        assert!(locked.exists(), "a locked file is kept");
        assert!(foreign.exists(), "a file powkg cannot prove its own is kept");
    }
}
