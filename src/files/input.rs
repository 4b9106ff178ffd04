//! Text inputs (curated data, ontology, queries): read from a directory the user names, or built into the binary.

use std::fs;
use std::path::Path;

use crate::files::diagnostic::{Diagnostic, Diagnostics};

/// One text file: the path to print in messages and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// The path as printed in messages (`data/claims.toml`).
    pub path: String,
    /// The whole text.
    pub text: String,
}

/// The files of one input directory, sorted by path so that every build reads them in the same order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputSet {
    /// The files, sorted by path.
    pub files: Vec<InputFile>,
}

impl InputSet {
    /// Files built into the binary (powkg's own queries and model), from `(path, text)` pairs.
    pub fn built_in(entries: &[(&str, &str)]) -> Self {
        let files = entries
            .iter()
            .map(|(path, text)| InputFile {
                path: (*path).to_owned(),
                text: (*text).to_owned(),
            })
            .collect();
        Self { files }
    }

    /// Every file directly in `dir` whose extension is one of `extensions`; none is no error (a project may have no
    /// ontology of its own), a missing directory neither.
    pub fn from_dir_any(dir: &Path, extensions: &[&str]) -> Result<Self, Diagnostics> {
        if !dir.exists() {
            return Ok(Self::default());
        }
        let mut files = Vec::new();
        let mut problems = Diagnostics::default();
        for extension in extensions {
            match Self::read_dir(dir, extension) {
                Ok(set) => files.extend(set.files),
                Err(d) => problems.0.extend(d.0),
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        problems.into_result(Self { files })
    }

    /// Every `*.{extension}` file directly in `dir`. A missing directory, an unreadable file or a file that is not
    /// UTF-8 is reported; all of them are, not only the first.
    pub fn from_dir(dir: &Path, extension: &str) -> Result<Self, Diagnostics> {
        let set = Self::read_dir(dir, extension)?;
        if set.files.is_empty() {
            return Err(Diagnostics(vec![Diagnostic::file(
                &dir.display().to_string(),
                format!("no *.{extension} file in this directory"),
            )]));
        }
        Ok(set)
    }

    fn read_dir(dir: &Path, extension: &str) -> Result<Self, Diagnostics> {
        let shown = dir.display().to_string();
        let entries = fs::read_dir(dir)
            .map_err(|e| Diagnostics(vec![Diagnostic::file(&shown, format!("cannot read directory: {e}"))]))?;
        let mut paths = Vec::new();
        let mut problems = Diagnostics::default();
        for entry in entries {
            match entry {
                Ok(entry) => {
                    let path = entry.path();
                    if path.extension().and_then(|e| e.to_str()) == Some(extension) {
                        paths.push(path);
                    }
                }
                Err(e) => problems.push(Diagnostic::file(&shown, format!("cannot list directory: {e}"))),
            }
        }
        paths.sort();
        let mut files = Vec::new();
        for path in paths {
            match read_text(&path) {
                Ok(file) => files.push(file),
                Err(d) => problems.push(d),
            }
        }
        problems.into_result(Self { files })
    }
}

/// Reads one UTF-8 text file, naming it in the error.
pub fn read_text(path: &Path) -> Result<InputFile, Diagnostic> {
    let shown = path.display().to_string();
    let bytes = fs::read(path).map_err(|e| Diagnostic::file(&shown, format!("cannot read file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        Diagnostic::at(&shown, &text, offset, "file is not valid UTF-8")
    })?;
    Ok(InputFile { path: shown, text })
}

/// The first character of `text` that XML 1.0 cannot carry, with its byte offset: the C0 control characters other
/// than tab, line feed and carriage return, and U+FFFE and U+FFFF. A literal holding one would make RDF/XML output
/// that no XML parser reads, so every text that becomes a literal is checked with this.
pub fn forbidden_character(text: &str) -> Option<(usize, char)> {
    // Bytes, not chars: this runs on every literal field of every register row. In UTF-8 the C0 characters are
    // their own bytes, and U+FFFE and U+FFFF are EF BF BE and EF BF BF.
    let bytes = text.as_bytes();
    bytes.iter().enumerate().find_map(|(i, &b)| match b {
        0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F => Some((i, char::from(b))),
        0xEF if bytes.get(i + 1) == Some(&0xBF) => match bytes.get(i + 2) {
            Some(0xBE) => Some((i, '\u{fffe}')),
            Some(0xBF) => Some((i, '\u{ffff}')),
            _ => None,
        },
        _ => None,
    })
}

/// The message for text holding `c`, a character [`forbidden_character`] found.
pub fn forbidden_character_message(c: char) -> String {
    format!(
        "the text holds U+{:04X}, which XML 1.0 cannot carry (RDF/XML output would not be \
         well-formed): remove it",
        u32::from(c)
    )
}

/// The longest curated text powkg takes (a label, a description, a quotation, any string of the curated TOML or the
/// ontology), in bytes: 64 KiB, far more than any such text needs, and a bound on what one text costs every later
/// stage (the SHACL check, the pages, the search index), which would otherwise fail far from the text's position.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// The message for a curated text of `bytes` bytes, over [`MAX_TEXT_BYTES`].
pub fn too_long_message(bytes: usize) -> String {
    format!(
        "a text of {bytes} bytes, longer than the {} KiB powkg takes for one curated text: shorten it (a long \
         document belongs in the source it comes from, cited by its URL)",
        MAX_TEXT_BYTES / 1024
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_characters_xml_cannot_carry_are_forbidden() {
        for ok in [
            "",
            "plain",
            "tab\there",
            "lines\n\r\n",
            "ăâî ș ț",
            "\u{7f}\u{85}\u{fffd}\u{10000}",
        ] {
            assert_eq!(forbidden_character(ok), None, "{ok:?}");
        }
        for (bad, c) in [
            ("a\u{0}", '\u{0}'),
            ("\u{8}", '\u{8}'),
            ("\u{b}", '\u{b}'),
            ("\u{c}", '\u{c}'),
            ("\u{e}", '\u{e}'),
            ("x\u{1f}", '\u{1f}'),
            ("\u{fffe}", '\u{fffe}'),
            ("é\u{ffff}", '\u{ffff}'),
        ] {
            assert_eq!(forbidden_character(bad).map(|(_, c)| c), Some(c), "{bad:?}");
        }
        assert_eq!(forbidden_character("é\u{0}"), Some((2, '\u{0}')));
    }
}
