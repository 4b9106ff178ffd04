//! Driving a register file through [`Register::map_row`] into a [`Sink`], one row at a time: rows that cannot be
//! mapped are counted, reported with their file, line and column, and written with their reason to the rejected-rows
//! file; more of them than the error budget stops the build. The outcome always reconciles: rows read = rows mapped
//! + rows rejected.

use std::io::{self, Write};

use std::path::{Path, PathBuf};

use csv::ByteRecord;
use oxigraph::model::{GraphName, NamedNode, Quad};

use super::compile::Register;
use super::limit::{Bounded, TooLarge};
use super::row::{MappedRow, Object};
use crate::rdf::ntriples::{self, LineChunks};
use crate::rdf::vocab::xsd;

/// Where mapped rows go.
pub trait Sink {
    /// Receives the register's own quads (its source node) before any row.
    fn header(&mut self, quads: &[Quad]) -> io::Result<()>;
    /// Receives one mapped row; returns how many triples it wrote.
    fn row(&mut self, row: &MappedRow<'_>) -> io::Result<usize>;
}

/// What a register's stream did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Data rows read (the header not counted).
    pub rows_read: u64,
    /// Rows turned into triples.
    pub rows_mapped: u64,
    /// Rows rejected, each with its reason.
    pub rows_rejected: u64,
    /// Triples (or quads) written, the register's own included.
    pub triples: u64,
    /// The first rejections, as `file:line: column NAME: reason`.
    pub first_errors: Vec<String>,
}

/// How many rejection messages an outcome keeps (all are counted, and all go to the rejected-rows file).
const KEPT_ERRORS: usize = 20;

/// Why a register could not be streamed.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// More rows were rejected than `--max-errors` allows.
    #[error("{}{}: {} of {} rows rejected, more than --max-errors {max} allows; nothing was written", list(&.outcome.first_errors), .path.display(), .outcome.rows_rejected, .outcome.rows_read)]
    TooManyErrors {
        /// The register file.
        path: PathBuf,
        /// The budget.
        max: u64,
        /// What happened.
        outcome: Outcome,
    },
    /// The CSV file could not be read.
    #[error("{}: {message}", .path.display())]
    Read {
        /// The register file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// A field or row passed a bound of [`super::limit`]; nothing was written.
    #[error("{}:{}:{}: {}{}; nothing was written", .path.display(), .bound.line, .bound.column, .column.as_ref().map(|c| format!("column {c}: ")).unwrap_or_default(), .bound.message())]
    TooLarge {
        /// The register file.
        path: PathBuf,
        /// The header of the field's column, where it has one.
        column: Option<String>,
        /// Where, and which bound.
        bound: TooLarge,
    },
    /// Writing failed.
    #[error("cannot write: {0}")]
    Io(#[from] io::Error),
}

fn list(errors: &[String]) -> String {
    errors.iter().fold(String::new(), |mut all, e| {
        all.push_str(e);
        all.push('\n');
        all
    })
}

/// The error budget, the rejected-rows file and progress reporting.
pub struct StreamOptions<'a> {
    /// Rows that may be rejected before the build fails.
    pub max_errors: u64,
    /// Where rejected rows go, as CSV: a header of the register's columns, `powkg_line` and `powkg_reason`, then
    /// each rejected row's own fields (however many it has), its line and the reason.
    pub rejected: Option<&'a mut dyn Write>,
    /// Called every few thousand rows with the rows read and the bytes read so far.
    pub progress: &'a mut dyn FnMut(u64, u64),
}

/// Opens a register file as CSV: its header and a reader positioned at the first row.
pub fn open_csv(path: &Path) -> Result<(Vec<String>, csv::Reader<Bounded<std::fs::File>>), RegisterError> {
    let read_error = |message: String| RegisterError::Read {
        path: path.to_owned(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| read_error(format!("cannot open: {e}")))?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(Bounded::new(file));
    let header = reader
        .headers()
        .map_err(|e| match TooLarge::of(&e) {
            Some(bound) => RegisterError::TooLarge {
                path: path.to_owned(),
                column: None,
                bound: bound.clone(),
            },
            None => read_error(format!("cannot read the header row: {e}")),
        })?
        .iter()
        .map(str::to_owned)
        .collect();
    Ok((header, reader))
}

/// Streams every row of `reader` (opened by [`open_csv`], positioned after the header) through `register` into
/// `sink`.
pub fn stream<R: io::Read>(
    register: &Register,
    mut reader: csv::Reader<R>,
    sink: &mut dyn Sink,
    options: StreamOptions<'_>,
) -> Result<Outcome, RegisterError> {
    let path = register.csv.display().to_string();
    let StreamOptions {
        max_errors,
        rejected,
        progress,
    } = options;
    let csv_error = |e: csv::Error| io::Error::other(e.to_string());
    let mut rejected = rejected.map(|w| csv::WriterBuilder::new().flexible(true).from_writer(w));
    if let Some(w) = rejected.as_mut() {
        let header = register.column_names().chain(["powkg_line", "powkg_reason"]);
        w.write_record(header).map_err(csv_error)?;
    }
    let mut outcome = Outcome::default();
    sink.header(register.header_quads())?;
    outcome.triples += register.header_quads().len() as u64;
    let mut record = ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(match TooLarge::of(&e) {
                    Some(bound) => RegisterError::TooLarge {
                        path: register.csv.clone(),
                        column: register.column_names().nth(bound.field).map(str::to_owned),
                        bound: bound.clone(),
                    },
                    None => RegisterError::Read {
                        path: register.csv.clone(),
                        message: e.to_string(),
                    },
                });
            }
        }
        outcome.rows_read += 1;
        let line = record.position().map_or(0, csv::Position::line);
        let fields: Vec<&[u8]> = record.iter().collect();
        let mut row = MappedRow::default();
        match register.map_row(&fields, &mut row) {
            Ok(()) => {
                outcome.triples += sink.row(&row)? as u64;
                outcome.rows_mapped += 1;
            }
            Err(error) => {
                outcome.rows_rejected += 1;
                if outcome.first_errors.len() < KEPT_ERRORS {
                    outcome.first_errors.push(format!("{path}:{line}: {error}"));
                }
                if let Some(w) = rejected.as_mut() {
                    let (line, reason) = (line.to_string(), error.to_string());
                    let extra = [line.as_bytes(), reason.as_bytes()];
                    w.write_record(fields.iter().copied().chain(extra)).map_err(csv_error)?;
                }
            }
        }
        if outcome.rows_read % 4096 == 0 {
            progress(outcome.rows_read, reader.position().byte());
        }
    }
    progress(outcome.rows_read, reader.position().byte());
    if let Some(mut w) = rejected {
        w.flush()?;
    }
    if outcome.rows_rejected > max_errors {
        return Err(RegisterError::TooManyErrors {
            path: register.csv.clone(),
            max: max_errors,
            outcome,
        });
    }
    Ok(outcome)
}

/// Writes rows as N-Triples, or as N-Quads in the register's graph, in chunks handed to `deliver` (see
/// [`crate::files::output::write_on_thread`]), as the one line writer writes every graph.
pub struct LineSink<'d> {
    chunks: LineChunks<'d>,
    /// ` <graph> .\n` for N-Quads, ` .\n` for N-Triples.
    end: String,
}

impl<'d> LineSink<'d> {
    /// N-Triples; N-Quads in `graph` when one is given.
    pub fn new(deliver: &'d mut dyn FnMut(Vec<u8>) -> io::Result<()>, graph: Option<&NamedNode>) -> Self {
        Self {
            chunks: LineChunks::new(deliver),
            end: ntriples::line_end(graph),
        }
    }

    /// Hands over what is left.
    pub fn finish(self) -> io::Result<()> {
        self.chunks.finish()
    }
}

impl Sink for LineSink<'_> {
    fn header(&mut self, quads: &[Quad]) -> io::Result<()> {
        let line = self.chunks.lines();
        for q in quads {
            let (s, p, o) = (q.subject.as_ref(), q.predicate.as_ref(), q.object.as_ref());
            ntriples::push_statement(line, s, p, o, self.end.as_bytes());
        }
        self.chunks.hand_over_if_full()
    }

    fn row(&mut self, row: &MappedRow<'_>) -> io::Result<usize> {
        let line = self.chunks.lines();
        for (predicate, object) in &row.pairs {
            ntriples::push_iri(line, &row.subject);
            line.push(b' ');
            ntriples::push_iri(line, predicate);
            line.push(b' ');
            match object {
                Object::Iri(iri) => ntriples::push_iri(line, iri),
                Object::Typed(value, datatype) => {
                    ntriples::push_string(line, value);
                    if *datatype != xsd::STRING.as_str() {
                        line.extend_from_slice(b"^^");
                        ntriples::push_iri(line, datatype);
                    }
                }
                Object::Tagged(value, lang) => {
                    ntriples::push_string(line, value);
                    line.push(b'@');
                    line.extend_from_slice(lang.as_bytes());
                }
            }
            line.extend_from_slice(self.end.as_bytes());
        }
        self.chunks.hand_over_if_full()?;
        Ok(row.pairs.len())
    }
}

/// Counts rows without writing them (a build that only checks a register).
pub struct CountSink;

impl Sink for CountSink {
    fn header(&mut self, _: &[Quad]) -> io::Result<()> {
        Ok(())
    }

    fn row(&mut self, row: &MappedRow<'_>) -> io::Result<usize> {
        Ok(row.pairs.len())
    }
}

/// Hands rows over as Oxigraph quads in the register's graph, in batches (for the store's bulk loader).
pub struct QuadSink<F: FnMut(Vec<Quad>) -> io::Result<()>> {
    graph: GraphName,
    batch: Vec<Quad>,
    deliver: F,
}

/// Quads per batch handed to the loader.
const BATCH: usize = 64 * 1024;

impl<F: FnMut(Vec<Quad>) -> io::Result<()>> QuadSink<F> {
    /// A sink that gives `deliver` batches of quads in `graph`.
    pub fn new(graph: &NamedNode, deliver: F) -> Self {
        Self {
            graph: graph.clone().into(),
            batch: Vec::with_capacity(BATCH),
            deliver,
        }
    }

    /// Delivers the last batch.
    pub fn finish(mut self) -> io::Result<()> {
        if !self.batch.is_empty() {
            (self.deliver)(std::mem::take(&mut self.batch))?;
        }
        Ok(())
    }
}

impl<F: FnMut(Vec<Quad>) -> io::Result<()>> Sink for QuadSink<F> {
    fn header(&mut self, quads: &[Quad]) -> io::Result<()> {
        self.batch.extend_from_slice(quads);
        Ok(())
    }

    fn row(&mut self, row: &MappedRow<'_>) -> io::Result<usize> {
        let subject = NamedNode::new_unchecked(row.subject.as_str());
        for (predicate, object) in &row.pairs {
            self.batch.push(Quad::new(
                subject.clone(),
                NamedNode::new_unchecked(*predicate),
                object.to_term(),
                self.graph.clone(),
            ));
        }
        if self.batch.len() >= BATCH {
            (self.deliver)(std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH)))?;
        }
        Ok(row.pairs.len())
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use oxigraph::model::Triple;

    use super::*;

    /// Regression: register rows escaped only quotes, backslashes and line breaks, so a tab in a field was written
    /// raw by `build --out` and as `\t` by `export` of the same graph.
    #[test]
    fn rows_are_written_as_every_other_graph_is() {
        let row = MappedRow {
            subject: "http://example.org/r/1".to_owned(),
            pairs: vec![
                (
                    "http://example.org/p",
                    Object::Typed("a\tb\u{7f}\"c\\", xsd::STRING.as_str()),
                ),
                ("http://example.org/p", Object::Tagged("x\ny".into(), "ro")),
                ("http://example.org/p", Object::Typed("12.5", xsd::DECIMAL.as_str())),
                ("http://example.org/p", Object::Iri("http://example.org/e".into())),
            ],
        };
        let mut written = Vec::new();
        let mut deliver = |chunk: Vec<u8>| {
            written.extend(chunk);
            Ok(())
        };
        let mut sink = LineSink::new(&mut deliver, None);
        assert_eq!(sink.row(&row).unwrap(), 4);
        sink.finish().unwrap();
        let subject = NamedNode::new_unchecked(row.subject.as_str());
        let mut expected = String::new();
        for (p, o) in &row.pairs {
            let triple = Triple::new(subject.clone(), NamedNode::new_unchecked(*p), o.to_term());
            writeln!(expected, "{triple} .").unwrap();
        }
        assert_eq!(String::from_utf8(written).unwrap(), expected);
    }
}
