//! Why writing a site stopped, and the writing of one file of it: inside the site's root, once in a new site, or
//! only where its bytes changed when an earlier site is brought up to date.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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

impl Written {
    /// The error of a site written at `out`.
    pub fn into_site_error(self, out: &Path) -> SiteError {
        match self {
            Self::Io(source) => SiteError::Output {
                path: out.to_owned(),
                source,
            },
            Self::File(path, source) => SiteError::Output {
                path: out.join(path.trim_start_matches('/')),
                source,
            },
            Self::Refused(e) => e,
            Self::Page(failure) => SiteError::Page(failure),
        }
    }
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

/// The files of one run of the site, under its root: written once each into a new site ([`Files::fresh`]), or, in
/// the copy of an earlier site being brought up to date ([`Files::update`]), replaced only where the bytes differ,
/// each through a file beside it renamed over it (the copy's files are links shared with the live site, never
/// written in place). An update records the paths it wrote and removed, so that they can be carried over.
pub(super) struct Files {
    root: PathBuf,
    update: bool,
    /// The site paths an update wrote or removed.
    touched: Mutex<Vec<Touched>>,
}

/// A file an update wrote or removed.
#[derive(Debug, Clone)]
pub(super) struct Touched {
    /// Its site path.
    pub path: String,
    /// Written (else removed).
    pub written: bool,
    /// Written where there was none.
    pub created: bool,
}

/// A file being streamed into the site: its handle, where it goes, and where it is written first.
pub(super) struct Pending {
    /// The file.
    pub file: io::BufWriter<fs::File>,
    target: PathBuf,
    path: String,
    /// The file beside the target it is written to, in an update.
    temporary: Option<tempfile::TempPath>,
}

impl Files {
    /// The files of a new site under `root`.
    pub fn fresh(root: PathBuf) -> Self {
        Self {
            root,
            update: false,
            touched: Mutex::default(),
        }
    }

    /// The files of a copy of an earlier site under `root`, brought up to date.
    pub fn update(root: PathBuf) -> Self {
        Self {
            update: true,
            ..Self::fresh(root)
        }
    }

    /// The site's root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether these are an update's.
    pub fn is_update(&self) -> bool {
        self.update
    }

    /// The paths written and removed.
    pub fn into_touched(self) -> Vec<Touched> {
        self.touched
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn touch(&self, path: &str, written: bool, created: bool) {
        self.touched
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(Touched {
                path: path.to_owned(),
                written,
                created,
            });
    }

    /// Writes `bytes` at the site path `path`; the files and bytes written (none when an update finds them there).
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(usize, u64), Written> {
        if !self.update {
            return write_file(&self.root, path, bytes);
        }
        let target = target::inside(&self.root, path)?;
        if fs::read(&target).is_ok_and(|old| old == bytes) {
            return Ok((0, 0));
        }
        let mut pending = self.create(path)?;
        pending.file.write_all(bytes).map_err(file_error(path))?;
        self.finish_unchecked(pending)
    }

    /// Starts the file at the site path `path`, to be streamed into and then [`Files::finish`]ed.
    pub fn create(&self, path: &str) -> Result<Pending, Written> {
        let target = target::inside(&self.root, path)?;
        let dir = target.parent().unwrap_or(&self.root).to_owned();
        fs::create_dir_all(&dir).map_err(file_error(path))?;
        let (file, temporary) = if self.update {
            let mut builder = tempfile::Builder::new();
            builder.prefix(".powkg-").suffix(".tmp");
            // A temporary file is private to its owner; a site's files are read by the web server's user, and
            // have the mode a new file gets (0666 less the umask), as a whole site's do.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                builder.permissions(fs::Permissions::from_mode(0o666));
            }
            let temporary = builder.tempfile_in(&dir).map_err(file_error(path))?;
            let (file, temporary) = temporary.into_parts();
            (file, Some(temporary))
        } else {
            (create_new(&target).map_err(file_error(path))?, None)
        };
        Ok(Pending {
            file: io::BufWriter::new(file),
            target,
            path: path.to_owned(),
            temporary,
        })
    }

    /// Finishes a file [`Files::create`] started: in an update, it replaces the file at its path unless that holds
    /// the same bytes. The files and bytes written.
    pub fn finish(&self, pending: Pending) -> Result<(usize, u64), Written> {
        self.finish_comparing(pending, true)
    }

    /// Finishes a file as [`Files::finish`] does, without comparing it with the one there: one known to differ.
    pub fn finish_unchecked(&self, pending: Pending) -> Result<(usize, u64), Written> {
        self.finish_comparing(pending, false)
    }

    fn finish_comparing(&self, pending: Pending, compare: bool) -> Result<(usize, u64), Written> {
        let Pending {
            file,
            target,
            path,
            temporary,
        } = pending;
        let file = file.into_inner().map_err(|e| file_error(&path)(e.into_error()))?;
        let size = file.metadata().map_err(file_error(&path))?.len();
        let Some(temporary) = temporary else {
            return Ok((1, size));
        };
        drop(file);
        if compare && same_bytes(&temporary, &target).map_err(file_error(&path))? {
            return Ok((0, 0));
        }
        let created = !target.exists();
        temporary.persist(&target).map_err(|e| file_error(&path)(e.error))?;
        self.touch(&path, true, created);
        Ok((1, size))
    }

    /// Removes the file at the site path `path` if there is one (an update's); whether there was.
    pub fn remove(&self, path: &str) -> Result<bool, Written> {
        let target = target::inside(&self.root, path)?;
        match fs::remove_file(&target) {
            Ok(()) => {
                self.touch(path, false, false);
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(file_error(path)(e)),
        }
    }
}

/// Whether the files at `a` and `b` hold the same bytes (false when `b` is missing).
fn same_bytes(new: &Path, old: &Path) -> io::Result<bool> {
    let Ok(mut right) = fs::File::open(old) else {
        return Ok(false);
    };
    let mut left = fs::File::open(new)?;
    if left.metadata()?.len() != right.metadata()?.len() {
        return Ok(false);
    }
    let (mut left_buffer, mut right_buffer) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let read = read_full(&mut left, &mut left_buffer)?;
        if read != read_full(&mut right, &mut right_buffer)? || left_buffer[..read] != right_buffer[..read] {
            return Ok(false);
        }
        if read == 0 {
            return Ok(true);
        }
    }
}

/// Reads until `buf` is full or the file ends; the bytes read.
fn read_full(file: &mut fs::File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

impl Write for Pending {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}
