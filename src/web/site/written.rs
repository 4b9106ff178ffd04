//! Why writing a site stopped, and the writing of one file of it: inside the staging root, once.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use super::target::{self, SiteError};
use crate::web::render;

/// Why writing stopped.
pub(super) enum Written {
    Io(io::Error),
    /// Writing the file at this site path failed (a full disk, a file size limit).
    File(String, io::Error),
    /// A path that would lead out of the site, or where no file can be.
    Refused(SiteError),
    Page(render::Failure),
}

impl From<SiteError> for Written {
    fn from(e: SiteError) -> Self {
        Self::Refused(e)
    }
}

impl From<io::Error> for Written {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

impl From<render::Failure> for Written {
    fn from(f: render::Failure) -> Self {
        Self::Page(f)
    }
}

impl From<crate::store::StoreError> for Written {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Page(e.into())
    }
}

/// Writes `bytes` at the site path `path` under `root`, making its directories. Each file of a site is written
/// once: a file already there is another's whose name the file system does not tell apart from this one's (case,
/// Unicode normalization), and is refused rather than overwritten.
pub(super) fn write_file(root: &Path, path: &str, bytes: &[u8]) -> Result<(usize, u64), Written> {
    let target = target::inside(root, path)?;
    let write = || -> io::Result<()> {
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir)?;
        }
        create_new(&target)?.write_all(bytes)
    };
    write().map_err(file_error(path))?;
    Ok((1, bytes.len() as u64))
}

/// Creates the file at `target`, which must not exist yet (see [`write_file`]).
pub(super) fn create_new(target: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new().write(true).create_new(true).open(target)
}

/// An error writing the site's file at `path`, which names it; a file already there is a name clash.
pub(super) fn file_error(path: &str) -> impl FnOnce(io::Error) -> Written + '_ {
    move |e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            Written::Refused(SiteError::Path {
                path: path.to_owned(),
                thing: None,
                why: "another file of the site is already there: this file system does not tell their names apart \
                      (their IRIs differ only in case or Unicode normalization); write the site on one that does, \
                      or give the records IRIs that differ otherwise"
                    .to_owned(),
            })
        } else {
            Written::File(path.to_owned(), e)
        }
    }
}
