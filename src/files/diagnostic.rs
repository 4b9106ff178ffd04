//! Located error messages for user input: `path:line:column: message`, 1-based, as editors understand them.

use std::fmt;

/// A position in a text file, 1-based; the column counts characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Line number, starting at 1.
    pub line: usize,
    /// Column number in characters, starting at 1; 0 for a problem with a whole line (printed `path:line:`).
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text` (clamped to the text's end).
    pub fn of_offset(text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Self { line, column }
    }
}

/// Where the lines of a text start, found once, so that the positions of many offsets (every error of a large file)
/// cost a binary search each instead of a scan of the text each. Long lines get a checkpoint every few kilobytes, so
/// that counting a column's characters never walks more than that either.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// (byte offset, line, characters from the start of that line to the offset), in offset order: one at the start
    /// of every line, and more within long lines.
    checkpoints: Vec<(usize, usize, usize)>,
}

/// Bytes between two checkpoints within a line.
const CHECKPOINT_BYTES: usize = 4096;

impl LineIndex {
    /// Indexes `text` (one pass).
    pub fn new(text: &str) -> Self {
        let mut checkpoints = Vec::new();
        let mut start: usize = 0;
        let mut lines: usize = 0;
        for line in text.split_inclusive('\n') {
            lines += 1;
            checkpoints.push((start, lines, 0));
            if line.len() > CHECKPOINT_BYTES {
                let mut at: usize = start;
                let mut chars = 0;
                while let Some(mut next) = at.checked_add(CHECKPOINT_BYTES).filter(|n| *n < start + line.len()) {
                    while !text.is_char_boundary(next) {
                        next += 1;
                    }
                    chars += text[at..next].chars().count();
                    checkpoints.push((next, lines, chars));
                    at = next;
                }
            }
            start += line.len();
        }
        if text.is_empty() || text.ends_with('\n') {
            checkpoints.push((text.len(), lines + 1, 0));
        }
        Self { checkpoints }
    }

    /// The position of byte `offset` of `text`, the text this index was built from (clamped to its end).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let i = self
            .checkpoints
            .partition_point(|(at, _, _)| *at <= offset)
            .saturating_sub(1);
        let (at, line, chars) = self.checkpoints[i];
        Position {
            line,
            column: chars + text[at..offset].chars().count() + 1,
        }
    }
}

/// One problem found in user input, with the file and position it was found at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as the user named it (or its bundled path).
    pub path: String,
    /// Where in the file, when known.
    pub position: Option<Position>,
    /// What is wrong and, where it helps, what was expected.
    pub message: String,
}

impl Diagnostic {
    /// A problem located at byte `offset` of `text`, the contents of `path`.
    pub fn at(path: &str, text: &str, offset: usize, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            position: Some(Position::of_offset(text, offset)),
            message: message.into(),
        }
    }

    /// A problem with line `line` of `path` as a whole (a CSV header, a CSV row).
    pub fn at_line(path: &str, line: usize, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            position: Some(Position { line, column: 0 }),
            message: message.into(),
        }
    }

    /// A problem with a whole file (unreadable, missing) or with no position.
    pub fn file(path: &str, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            position: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(Position { line, column: 0 }) => write!(f, "{}:{line}: {}", self.path, self.message),
            Some(p) => write!(f, "{}:{}:{}: {}", self.path, p.line, p.column, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Every problem found in a set of inputs, in file and position order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was found, else the problems sorted by file and position.
    pub fn into_result<T>(mut self, value: T) -> Result<T, Self> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            self.0.sort_by(|a, b| (&a.path, a.position).cmp(&(&b.path, b.position)));
            self.0.dedup();
            Err(self)
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "a = 1\nș = \"x\"\n";
        assert_eq!(Position::of_offset(text, 0), Position { line: 1, column: 1 });
        let offset = text.find('=').unwrap();
        assert_eq!(Position::of_offset(text, offset), Position { line: 1, column: 3 });
        let second = text.rfind('=').unwrap();
        assert_eq!(Position::of_offset(text, second), Position { line: 2, column: 3 });
    }

    #[test]
    fn the_line_index_finds_the_same_positions_as_a_scan() {
        let long_line: String = "ș".repeat(5000) + "x" + &"a".repeat(9000);
        for text in [
            "",
            "\n",
            "a",
            "a = 1\nș = \"x\"\n",
            "\n\nab\n",
            long_line.as_str(),
            &format!("one\n{long_line}\nthree"),
        ] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    index.position(text, offset),
                    Position::of_offset(text, offset),
                    "offset {offset} of {:?}",
                    &text[..text.len().min(20)]
                );
            }
        }
    }

    #[test]
    fn diagnostics_print_sorted_editor_locations() {
        let mut d = Diagnostics::default();
        d.push(Diagnostic::at("b.toml", "x\ny", 2, "second"));
        d.push(Diagnostic::at("a.toml", "x", 0, "first"));
        let err = d.into_result(()).unwrap_err();
        assert_eq!(err.to_string(), "a.toml:1:1: first\nb.toml:2:1: second");
    }
}
