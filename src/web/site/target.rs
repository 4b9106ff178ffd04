//! Where a site may write. `--out` is replaced whole, so it must be nothing yet, an empty folder, or an earlier site
//! (which holds the [`MARKER`] file every site gets), and never an input of the run, a folder holding one, or the
//! working directory or a folder holding it: a site can be pointed at any path without losing a byte that is not
//! an earlier site. Inside the staging directory, every file goes through [`inside`], which proves its path stays
//! there.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The file every site holds at its root, by which a later run knows the folder for a site it may replace.
pub const MARKER: &str = ".powkg-site";

/// The directory, at a site's root, of what a later run needs to bring the site up to date
/// (see `incremental.rs`); never served: the server configurations answer 404 for it.
pub const RECORD: &str = ".powkg-site.d";

/// What the marker file says (the same in every site, so that two runs stay byte-identical).
pub const MARKER_TEXT: &str = "This folder is a static site written by `powkg site`; the next `powkg site --out` \
                               naming it replaces it whole.\n";

/// The longest file name file systems take, in bytes.
const NAME_MAX: usize = 255;

/// Why a site was not written where it was asked to be, or a file of it was refused.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// `--out` names something a site may not replace.
    #[error("{}: refusing to write the site there: {why}", path.display())]
    Target {
        /// `--out` as given.
        path: PathBuf,
        /// What is there.
        why: String,
    },
    /// A thing's path would put a file outside the site, or where no file can be.
    #[error("refusing to write the site file \"{}\"{}: {why}", path.escape_debug(), thing.as_ref().map(|t| format!(" of <{t}>")).unwrap_or_default())]
    Path {
        /// The site path (`/powkg/entity/x.html`).
        path: String,
        /// The thing whose documents it holds, if one.
        thing: Option<String>,
        /// What is wrong with the path.
        why: String,
    },
    /// Writing a file of the site failed (a full disk, a file size limit).
    #[error("{}: cannot write: {source}", path.display())]
    Output {
        /// The file, or the site's folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// A page could not be rendered.
    #[error("cannot render the site: {0}")]
    Page(#[source] crate::web::render::Failure),
}

/// An `--out` checked by [`Target::check`]: the only way to name where [`super::write`] writes.
#[derive(Debug, Clone)]
pub struct Target {
    path: PathBuf,
}

impl Target {
    /// Accepts `out` if nothing is there, or an empty folder, or an earlier site; and if it is none of `inputs`
    /// (each with the option that named it, `--data`), inside none of them, holds none of them, and is not the
    /// working directory or a folder holding it.
    pub fn check(out: &Path, inputs: &[(&str, &Path)]) -> Result<Self, SiteError> {
        let refuse = |why: String| SiteError::Target {
            path: out.to_owned(),
            why,
        };
        let unreadable = |e: io::Error| refuse(format!("cannot tell what is there ({e})"));
        let resolved = resolve(out).map_err(unreadable)?;
        let cwd = std::env::current_dir().and_then(fs::canonicalize).map_err(unreadable)?;
        if cwd.starts_with(&resolved) {
            return Err(refuse(format!(
                "it is the working directory or holds it ({}), which the site would replace",
                cwd.display()
            )));
        }
        for (option, input) in inputs {
            let input_resolved = resolve(input).map_err(unreadable)?;
            if input_resolved.starts_with(&resolved) {
                return Err(refuse(format!(
                    "it is or holds the {option} input {}, which the site would replace",
                    input.display()
                )));
            }
            if resolved.starts_with(&input_resolved) {
                return Err(refuse(format!(
                    "it is inside the {option} input {}, where powkg never writes",
                    input.display()
                )));
            }
        }
        match fs::symlink_metadata(out) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(unreadable(e)),
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(refuse(
                    "it is a symbolic link, which the site would replace: name the folder itself".to_owned(),
                ));
            }
            Ok(meta) if !meta.is_dir() => {
                return Err(refuse(
                    "it exists and is not a folder; give a new folder, an empty one, or an earlier site to replace"
                        .to_owned(),
                ));
            }
            Ok(_) => {
                let empty = fs::read_dir(out).map_err(unreadable)?.next().is_none();
                let marked = fs::symlink_metadata(out.join(MARKER)).is_ok_and(|m| m.is_file());
                if !empty && !marked {
                    return Err(refuse(format!(
                        "it is a folder that holds files and no {MARKER}, so not an earlier powkg site; give a new \
                         folder, an empty one, or an earlier site to replace"
                    )));
                }
            }
        }
        Ok(Self { path: out.to_owned() })
    }

    /// The path as given.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// `path` made absolute with its symbolic links resolved, as far as it exists; what does not exist yet (and so holds
/// no link) is appended with its `.` and `..` applied.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    for existing in absolute.ancestors() {
        let Ok(mut resolved) = fs::canonicalize(existing) else {
            continue;
        };
        let rest = absolute.strip_prefix(existing).unwrap_or(Path::new(""));
        for component in rest.components() {
            match component {
                Component::ParentDir => {
                    resolved.pop();
                }
                Component::Normal(name) => resolved.push(name),
                _ => {}
            }
        }
        return Ok(resolved);
    }
    Err(io::Error::new(io::ErrorKind::NotFound, "no part of the path exists"))
}

/// The file at site path `path` (`/powkg/entity/x.html`) under `root`, the staging directory: every file of a site
/// is written at a path this returned, so none is written outside it. Refused: a path not starting with `/`, with
/// an empty, `.` or `..` segment (an absolute path has an empty one), a backslash or NUL, or a segment longer than
/// a file name can be.
pub fn inside(root: &Path, path: &str) -> Result<PathBuf, SiteError> {
    let refuse = |why: &str| SiteError::Path {
        path: path.to_owned(),
        thing: None,
        why: why.to_owned(),
    };
    let Some(relative) = path.strip_prefix('/') else {
        return Err(refuse("it does not start with /"));
    };
    if relative.contains(['\\', '\0']) {
        return Err(refuse("it holds a backslash or a NUL character"));
    }
    for segment in relative.split('/') {
        match segment {
            "" => {
                return Err(refuse(
                    "it has an empty segment (an absolute path, \"//\" or a trailing \"/\")",
                ));
            }
            "." | ".." => {
                return Err(refuse(
                    "it has a \".\" or \"..\" segment, which leads out of its folder",
                ));
            }
            s if s.len() > NAME_MAX => {
                return Err(refuse(&format!(
                    "it has a segment of {} bytes, longer than the {NAME_MAX} a file name may have",
                    s.len()
                )));
            }
            _ => {}
        }
    }
    Ok(root.join(relative))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_proven_inside_the_root_are_given() {
        let root = Path::new("/tmp/site");
        assert_eq!(
            inside(root, "/powkg/entity/x.html").unwrap(),
            Path::new("/tmp/site/powkg/entity/x.html")
        );
        assert_eq!(
            inside(root, "/.powkg-site").unwrap(),
            Path::new("/tmp/site/.powkg-site")
        );
        for bad in [
            "powkg/x.html",
            "//etc/passwd",
            "/powkg/../../PWNED.html",
            "/powkg/./x.html",
            "/powkg/x/",
            "/powkg//x",
            "/powkg/a\\..\\b",
            "/powkg/a\0b",
            "/",
            "/..",
        ] {
            assert!(inside(root, bad).is_err(), "{bad:?} refused");
        }
        let long = format!("/powkg/{}.html", "a".repeat(251));
        assert!(inside(root, &long).unwrap_err().to_string().contains("256 bytes"));
    }

    #[test]
    fn only_nothing_an_empty_folder_or_an_earlier_site_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let none: &[(&str, &Path)] = &[];
        assert!(Target::check(&dir.path().join("new"), none).is_ok());
        let empty = dir.path().join("empty");
        fs::create_dir(&empty).unwrap();
        assert!(Target::check(&empty, none).is_ok());
        let site = dir.path().join("site");
        fs::create_dir(&site).unwrap();
        fs::write(site.join(MARKER), MARKER_TEXT).unwrap();
        fs::write(site.join("index.html"), "old").unwrap();
        assert!(Target::check(&site, none).is_ok());
        let user = dir.path().join("user");
        fs::create_dir(&user).unwrap();
        fs::write(user.join("notes.txt"), "mine").unwrap();
        let refused = Target::check(&user, none).unwrap_err().to_string();
        assert!(refused.contains("no .powkg-site"), "{refused}");
        let file = dir.path().join("file");
        fs::write(&file, "mine").unwrap();
        assert!(
            Target::check(&file, none)
                .unwrap_err()
                .to_string()
                .contains("not a folder")
        );
        // An input, what holds one, and what is inside one.
        let data = dir.path().join("data");
        fs::create_dir(&data).unwrap();
        let inputs: &[(&str, &Path)] = &[("--data", &data)];
        for out in [
            data.clone(),
            dir.path().to_owned(),
            data.join("site"),
            data.join("a/../site"),
        ] {
            assert!(Target::check(&out, inputs).is_err(), "{} refused", out.display());
        }
        assert!(Target::check(&dir.path().join("x/../new"), inputs).is_ok());
        // The working directory's ancestors.
        assert!(Target::check(Path::new("/"), none).is_err());
        assert!(Target::check(Path::new("."), none).is_err());
        assert!(Target::check(Path::new(".."), none).is_err());
    }
}
