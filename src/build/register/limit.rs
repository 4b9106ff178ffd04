//! Bounds on what one CSV row of a register may hold, enforced on the bytes as they are read, before the CSV reader
//! has gathered them: a field of at most [`MAX_FIELD_BYTES`], a row of at most [`MAX_ROW_BYTES`] and
//! [`MAX_FIELDS`] fields. The CSV reader keeps a whole row in memory, so without them one overlong field (a missing
//! closing quote, a file that is not CSV) would make a register's constant-memory stream take gigabytes.

use std::io::{self, Read};

/// The longest field powkg reads, in bytes as written in the file (quotes included): 1 MiB.
pub const MAX_FIELD_BYTES: usize = 1024 * 1024;

/// The longest row powkg reads, in bytes as written in the file: 16 MiB.
pub const MAX_ROW_BYTES: usize = 16 * 1024 * 1024;

/// The most fields one row may have.
pub const MAX_FIELDS: usize = 4096;

/// Where a row passed a bound: the position (1-based line, and column in characters) of the field that passed it,
/// that field's index in its row, and which bound.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct TooLarge {
    /// The line the field starts on.
    pub line: u64,
    /// The column its first character is at.
    pub column: u64,
    /// The field's index in its row (0-based).
    pub field: usize,
    /// Which bound it passed.
    pub bound: Bound,
}

/// A bound of [`TooLarge`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// [`MAX_FIELD_BYTES`].
    Field,
    /// [`MAX_ROW_BYTES`].
    Row,
    /// [`MAX_FIELDS`].
    Fields,
}

impl TooLarge {
    /// What is wrong, without the position.
    pub fn message(&self) -> String {
        match self.bound {
            Bound::Field => format!(
                "a field of more than {} MiB: powkg reads at most {} MiB ({MAX_FIELD_BYTES} bytes) per field, so \
                 that a register streams in bounded memory (is a closing quote missing?)",
                MAX_FIELD_BYTES >> 20,
                MAX_FIELD_BYTES >> 20
            ),
            Bound::Row => format!(
                "the row passes {} MiB here: powkg reads at most {} MiB per row, so that a register streams in \
                 bounded memory (is a closing quote missing?)",
                MAX_ROW_BYTES >> 20,
                MAX_ROW_BYTES >> 20
            ),
            Bound::Fields => {
                format!("the row has more than {MAX_FIELDS} fields here: powkg reads at most {MAX_FIELDS}")
            }
        }
    }

    /// The bound passed, if `error` is a CSV reader's error that this reader caused.
    pub fn of(error: &csv::Error) -> Option<&Self> {
        match error.kind() {
            csv::ErrorKind::Io(e) => e.get_ref().and_then(|inner| inner.downcast_ref::<Self>()),
            _ => None,
        }
    }
}

/// A reader of CSV bytes (comma-separated, `"`-quoted, as the register reader is set up) that fails with
/// [`TooLarge`] as soon as a field or a row passes its bound. It follows quoting as the CSV reader does: a quote
/// opens a quoted field only at the field's start, and `""` inside one is an escaped quote.
pub struct Bounded<R> {
    inner: R,
    quoted: bool,
    /// A quote was read inside a quoted field: the next byte says whether it closed the field or was escaped.
    quote_pending: bool,
    field_bytes: usize,
    row_bytes: usize,
    field: usize,
    line: u64,
    /// Characters read on the current line.
    column: u64,
    field_start: (u64, u64),
    failed: Option<TooLarge>,
}

impl<R> Bounded<R> {
    /// Bounds `inner`.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            quoted: false,
            quote_pending: false,
            field_bytes: 0,
            row_bytes: 0,
            field: 0,
            line: 1,
            column: 0,
            field_start: (1, 1),
            failed: None,
        }
    }

    /// Follows one byte; the bound it passes, if any.
    fn step(&mut self, b: u8) -> Option<Bound> {
        let mut unquoted = !self.quoted;
        if self.quoted {
            if self.quote_pending {
                self.quote_pending = false;
                if b == b'"' {
                    self.field_bytes += 1;
                } else {
                    self.quoted = false;
                    unquoted = true;
                }
            } else if b == b'"' {
                self.quote_pending = true;
                self.field_bytes += 1;
            } else {
                self.field_bytes += 1;
            }
        }
        self.row_bytes += 1;
        if unquoted {
            match b {
                b',' => {
                    self.field += 1;
                    self.field_bytes = 0;
                }
                b'\n' | b'\r' => {
                    self.field = 0;
                    self.field_bytes = 0;
                    self.row_bytes = 0;
                }
                b'"' if self.field_bytes == 0 => {
                    self.quoted = true;
                    self.field_bytes = 1;
                }
                _ => self.field_bytes += 1,
            }
        }
        // The position of the byte after this one, and the start of the next field.
        let at_field_start = unquoted && matches!(b, b',' | b'\n' | b'\r');
        if b == b'\n' {
            self.line += 1;
            self.column = 0;
        } else if b & 0xC0 != 0x80 {
            self.column += 1;
        }
        if at_field_start {
            self.field_start = (self.line, self.column + 1);
        }
        if self.field_bytes > MAX_FIELD_BYTES {
            Some(Bound::Field)
        } else if self.row_bytes > MAX_ROW_BYTES {
            Some(Bound::Row)
        } else if self.field >= MAX_FIELDS {
            Some(Bound::Fields)
        } else {
            None
        }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(e) = &self.failed {
            return Err(io::Error::new(io::ErrorKind::InvalidData, e.clone()));
        }
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if let Some(bound) = self.step(b) {
                let (line, column) = self.field_start;
                let e = TooLarge {
                    line,
                    column,
                    field: self.field,
                    bound,
                };
                self.failed = Some(e.clone());
                return Err(io::Error::new(io::ErrorKind::InvalidData, e));
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &[u8]) -> Result<Vec<Vec<String>>, String> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(Bounded::new(text));
        let mut rows = Vec::new();
        for record in reader.records() {
            match record {
                Ok(r) => rows.push(r.iter().map(str::to_owned).collect()),
                Err(e) => {
                    return Err(TooLarge::of(&e).map_or_else(
                        || format!("other: {e}"),
                        |t| format!("{}:{} field {} {:?}", t.line, t.column, t.field, t.bound),
                    ));
                }
            }
        }
        Ok(rows)
    }

    #[test]
    fn rows_within_the_bounds_read_as_without_them() {
        let text = b"a,b,c\n\"x, \"\"y\"\"\",\"multi\nline\",\xc3\xa9\r\n,,\n";
        let plain: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(&text[..])
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(read_all(text).unwrap(), plain);
        let full = format!("a,{}\n", "x".repeat(MAX_FIELD_BYTES));
        assert_eq!(read_all(full.as_bytes()).unwrap()[0][1].len(), MAX_FIELD_BYTES);
    }

    #[test]
    fn an_overlong_field_is_refused_at_its_start_quoted_or_not() {
        let text = format!("a,b\nxé,{},c\n", "y".repeat(MAX_FIELD_BYTES + 1));
        assert_eq!(read_all(text.as_bytes()).unwrap_err(), "2:4 field 1 Field");
        // A quote never closed: the rest of the file would be one field.
        let text = format!("a,b\n1,\"{}", "line,\n".repeat(MAX_FIELD_BYTES / 4));
        assert_eq!(read_all(text.as_bytes()).unwrap_err(), "2:3 field 1 Field");
    }

    #[test]
    fn an_overlong_row_and_too_many_fields_are_refused() {
        let field = "z".repeat(MAX_FIELD_BYTES - 1);
        let text = format!("{}\n", vec![field.as_str(); 17].join(","));
        let err = read_all(text.as_bytes()).unwrap_err();
        assert!(err.ends_with("field 16 Row"), "{err}");
        let text = format!("{}\n", ",".repeat(MAX_FIELDS));
        assert_eq!(
            read_all(text.as_bytes()).unwrap_err(),
            format!("1:{} field {MAX_FIELDS} Fields", MAX_FIELDS + 1)
        );
    }
}
