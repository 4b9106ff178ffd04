//! Writing output files without ever leaving a half-written one: write to a temporary file beside the target, then
//! rename it over the target. `-` means standard output.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Writes what `produce` writes to `path` atomically (or to standard output for `-`), returning its result.
pub fn write_atomically<T>(path: &Path, produce: impl FnOnce(&mut dyn Write) -> io::Result<T>) -> io::Result<T> {
    if path.as_os_str() == "-" {
        let stdout = io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        let value = produce(&mut out)?;
        out.flush()?;
        return Ok(value);
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".powkg-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    let value = {
        let mut out = BufWriter::new(temp.as_file_mut());
        let value = produce(&mut out)?;
        out.flush()?;
        value
    };
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(value)
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
