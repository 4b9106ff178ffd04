//! Writing output files without ever leaving a half-written one: write to a temporary file beside the target, then
//! rename it over the target. `-` means standard output.

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
        let temp = tempfile::Builder::new()
            .prefix(".powkg-")
            .suffix(".tmp")
            .tempfile_in(dir)?;
        Ok(Self {
            path: path.to_owned(),
            out: BufWriter::new(temp),
        })
    }

    /// Flushes, syncs and renames the file over its target.
    pub fn commit(self) -> io::Result<()> {
        let temp = self.out.into_inner().map_err(io::IntoInnerError::into_error)?;
        temp.as_file().sync_all()?;
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
}
