//! The one writer of query results, shared by `powkg query`, the endpoint and the static site: SELECT and ASK in
//! the W3C results formats (or a table for people), CONSTRUCT and DESCRIBE in any RDF format, within an optional
//! size limit. Each caller chooses the format its own way (a `--format` name, `Accept`, a file's extension) from
//! the results' [`Form`]; what is written, and how a failure late in the results is reported, is the same for all.

use std::io::{self, Write};

use oxigraph::model::{GraphName, Quad};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{QueryEvaluationError, QueryResults};

use super::formats::RESULTS_FORMATS;
use super::table;
use crate::rdf::format::{self, ExportFormat};

/// What a query produced, for the exit code and the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// SELECT: number of rows.
    Rows(usize),
    /// ASK: the answer.
    Boolean(bool),
    /// CONSTRUCT/DESCRIBE: number of triples.
    Triples(usize),
}

/// The form of a query's results, known once it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// SELECT: rows of bindings.
    Solutions,
    /// ASK: a boolean.
    Boolean,
    /// CONSTRUCT or DESCRIBE: triples.
    Graph,
}

impl Form {
    /// The form of `results`.
    pub fn of(results: &QueryResults<'_>) -> Self {
        match results {
            QueryResults::Solutions(_) => Self::Solutions,
            QueryResults::Boolean(_) => Self::Boolean,
            QueryResults::Graph(_) => Self::Graph,
        }
    }

    /// The query forms that give it, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Solutions | Self::Boolean => "SELECT/ASK",
            Self::Graph => "CONSTRUCT/DESCRIBE",
        }
    }
}

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writing {
    /// Aligned columns for people (SELECT, ASK).
    Table,
    /// A W3C SPARQL results format (SELECT, ASK).
    Results(QueryResultsFormat),
    /// An RDF format (CONSTRUCT, DESCRIBE).
    Graph(ExportFormat),
}

impl Writing {
    /// Whether results of `form` can be written this way.
    pub fn fits(self, form: Form) -> bool {
        matches!(
            (self, form),
            (Self::Table | Self::Results(_), Form::Solutions | Form::Boolean) | (Self::Graph(_), Form::Graph)
        )
    }

    /// The `Content-Type` of what is written, with the charset of a textual format.
    pub fn content_type(self) -> String {
        let media_type = match self {
            Self::Table => "text/plain",
            Self::Results(format) => format.media_type(),
            Self::Graph(format) => format.content_type(),
        };
        if media_type.starts_with("text/") && !media_type.contains("charset") {
            format!("{media_type}; charset=utf-8")
        } else {
            media_type.to_owned()
        }
    }
}

/// The extension of a results file in `format` (`srj`, `srx`, `csv`, `tsv`), from the results format table.
pub fn extension(format: QueryResultsFormat) -> &'static str {
    RESULTS_FORMATS
        .iter()
        .find(|i| i.format == format)
        .map_or("txt", |i| i.extension)
}

/// Why results could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The chosen way does not fit the results' form (a caller's mistake).
    #[error("{writing:?} cannot write {} results", .form.name())]
    Unfit {
        /// The results' form.
        form: Form,
        /// The way chosen.
        writing: Writing,
    },
    /// Evaluation failed while the results were read (a deadline or memory budget met late, a type error, ...).
    #[error("query evaluation failed: {0}")]
    Evaluation(#[from] QueryEvaluationError),
    /// The results passed the size limit.
    #[error("the results exceed the limit of {0} bytes; add LIMIT to the query or narrow it")]
    TooLarge(usize),
    /// Writing failed.
    #[error("cannot write results: {0}")]
    Io(io::Error),
}

/// Writes `results` the way chosen, at most `limit` bytes when one is given (the output fails as soon as it
/// would pass it, so a huge result never fills memory). SELECT rows are streamed, except for a table, which
/// measures its columns first; graph results are sorted and deduplicated, so that the same graph is written the same
/// way each time.
pub fn write(
    results: QueryResults<'static>,
    writing: Writing,
    prefixes: &[(String, String)],
    limit: Option<usize>,
    out: &mut dyn Write,
) -> Result<Outcome, WriteError> {
    write_to(results, vec![(writing, out)], prefixes, limit)
}

/// One of the outputs [`write_each`] writes.
pub struct Output<'a> {
    /// How the results are written there.
    pub writing: Writing,
    /// Where (a file, sent with the results to the query's thread).
    pub out: &'a mut (dyn Write + Send),
}

/// Writes `results` into each output its own way, reading them once (a static site's downloads of a query in every
/// format), as `write` does for one; `limit` bounds each output.
pub fn write_each(
    results: QueryResults<'static>,
    outputs: &mut [Output<'_>],
    prefixes: &[(String, String)],
    limit: Option<usize>,
) -> Result<Outcome, WriteError> {
    let outputs = outputs
        .iter_mut()
        .map(|o| (o.writing, &mut *o.out as &mut dyn Write))
        .collect();
    write_to(results, outputs, prefixes, limit)
}

/// Writes `results` into each output its way.
fn write_to(
    results: QueryResults<'static>,
    mut outputs: Vec<(Writing, &mut dyn Write)>,
    prefixes: &[(String, String)],
    limit: Option<usize>,
) -> Result<Outcome, WriteError> {
    let form = Form::of(&results);
    if let Some((unfit, _)) = outputs.iter().find(|(w, _)| !w.fits(form)) {
        return Err(WriteError::Unfit { form, writing: *unfit });
    }
    let limit = limit.unwrap_or(usize::MAX);
    let io_error = io_error(limit);
    let mut outs: Vec<(Writing, Limited<'_>)> = outputs
        .iter_mut()
        .map(|(writing, out)| {
            let limited = Limited {
                inner: &mut **out,
                written: 0,
                limit,
            };
            (*writing, limited)
        })
        .collect();
    match results {
        // A table measures its columns first: the rows are read, then written each way.
        QueryResults::Solutions(solutions) if outs.iter().any(|(w, _)| *w == Writing::Table) => {
            let variables = solutions.variables().to_vec();
            let rows = solutions.collect::<Result<Vec<_>, _>>()?;
            for (writing, out) in &mut outs {
                match writing {
                    Writing::Results(format) => {
                        let mut serializer = QueryResultsSerializer::from_format(*format)
                            .serialize_solutions_to_writer(out, variables.clone())
                            .map_err(io_error)?;
                        for row in &rows {
                            serializer.serialize(row).map_err(io_error)?;
                        }
                        serializer.finish().map_err(io_error)?;
                    }
                    _ => table::write(&variables, &rows, prefixes, out).map_err(io_error)?,
                }
            }
            Ok(Outcome::Rows(rows.len()))
        }
        QueryResults::Solutions(solutions) => {
            let variables = solutions.variables().to_vec();
            let mut serializers = Vec::with_capacity(outs.len());
            for (writing, out) in &mut outs {
                if let Writing::Results(format) = writing {
                    let serializer = QueryResultsSerializer::from_format(*format)
                        .serialize_solutions_to_writer(out, variables.clone())
                        .map_err(io_error)?;
                    serializers.push(serializer);
                }
            }
            let mut rows = 0;
            for solution in solutions {
                let solution = solution?;
                for serializer in &mut serializers {
                    serializer.serialize(&solution).map_err(io_error)?;
                }
                rows += 1;
            }
            for serializer in serializers {
                serializer.finish().map_err(io_error)?;
            }
            Ok(Outcome::Rows(rows))
        }
        QueryResults::Boolean(answer) => {
            for (writing, out) in &mut outs {
                match writing {
                    Writing::Results(format) => {
                        QueryResultsSerializer::from_format(*format)
                            .serialize_boolean_to_writer(out, answer)
                            .map_err(io_error)?;
                    }
                    _ => writeln!(out, "{answer}").map_err(io_error)?,
                }
            }
            Ok(Outcome::Boolean(answer))
        }
        QueryResults::Graph(triples) => graph(triples, &mut outs, prefixes, limit),
    }
}

/// Graph results: held to be sorted and deduplicated, their size counted as they come against the limit.
fn graph(
    triples: oxigraph::sparql::QueryTripleIter<'static>,
    outs: &mut [(Writing, Limited<'_>)],
    prefixes: &[(String, String)],
    limit: usize,
) -> Result<Outcome, WriteError> {
    let io_error = io_error(limit);
    let mut quads: Vec<Quad> = Vec::new();
    // The triples are held to be sorted: count their size as they come, against the same limit.
    let mut size = 0usize;
    for triple in triples {
        let triple = triple?;
        if limit != usize::MAX {
            size += triple.to_string().len() + 3;
            if size > limit {
                return Err(WriteError::TooLarge(limit));
            }
        }
        quads.push(triple.in_graph(GraphName::DefaultGraph));
    }
    quads.sort_by_cached_key(ToString::to_string);
    quads.dedup();
    let mut n = 0;
    for (writing, out) in outs.iter_mut() {
        if let Writing::Graph(format) = writing {
            n = format::write(&quads, *format, prefixes, out).map_err(io_error)?;
        }
    }
    Ok(Outcome::Triples(n))
}

/// How an output's failure is reported: past the limit, or the writer's own error.
fn io_error(limit: usize) -> impl Fn(io::Error) -> WriteError + Copy {
    move |e: io::Error| {
        if e.get_ref()
            .is_some_and(<dyn std::error::Error + Send + Sync>::is::<PastLimit>)
        {
            WriteError::TooLarge(limit)
        } else {
            WriteError::Io(e)
        }
    }
}

/// A writer that fails once more than `limit` bytes would have passed through it.
struct Limited<'a> {
    inner: &'a mut dyn Write,
    written: usize,
    limit: usize,
}

impl Write for Limited<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written.saturating_add(buf.len()) > self.limit {
            return Err(io::Error::other(PastLimit));
        }
        let n = self.inner.write(buf)?;
        self.written += n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("results past the size limit")]
struct PastLimit;

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::sparql::{QueryResults, SparqlEvaluator};
    use oxigraph::store::Store;

    fn store() -> Store {
        let store = Store::new().expect("store");
        store
            .load_from_reader(
                oxigraph::io::RdfFormat::NTriples,
                "<http://e/a> <http://e/p> \"1\" .\n<http://e/b> <http://e/p> \"2\" .\n".as_bytes(),
            )
            .expect("load");
        store
    }

    fn run(store: &Store, query: &str) -> QueryResults<'static> {
        SparqlEvaluator::new()
            .parse_query(query)
            .expect("query")
            .on_store(store)
            .execute()
            .expect("results")
    }

    #[test]
    fn rows_are_written_in_the_chosen_format_and_counted() {
        let store = store();
        let mut out = Vec::new();
        let query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s";
        let writing = Writing::Results(QueryResultsFormat::Csv);
        let outcome = write(run(&store, query), writing, &[], None, &mut out).expect("written");
        assert_eq!(outcome, Outcome::Rows(2));
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "s,o\r\nhttp://e/a,1\r\nhttp://e/b,2\r\n"
        );
    }

    #[test]
    fn a_limit_stops_the_output_with_its_own_error() {
        let store = store();
        let mut out = Vec::new();
        let query = "SELECT ?s ?o WHERE { ?s ?p ?o }";
        let writing = Writing::Results(QueryResultsFormat::Json);
        let error = write(run(&store, query), writing, &[], Some(40), &mut out).expect_err("too large");
        assert!(matches!(error, WriteError::TooLarge(40)), "{error}");
        assert!(out.len() <= 40);
        let graph = write(
            run(&store, "CONSTRUCT WHERE { ?s ?p ?o }"),
            Writing::Graph(ExportFormat::NTriples),
            &[],
            Some(30),
            &mut Vec::new(),
        );
        assert!(matches!(graph, Err(WriteError::TooLarge(30))));
    }

    #[test]
    fn a_way_that_does_not_fit_the_form_is_refused_before_anything_is_written() {
        let store = store();
        let mut out = Vec::new();
        let error = write(
            run(&store, "CONSTRUCT WHERE { ?s ?p ?o }"),
            Writing::Results(QueryResultsFormat::Csv),
            &[],
            None,
            &mut out,
        )
        .expect_err("unfit");
        assert!(matches!(error, WriteError::Unfit { form: Form::Graph, .. }));
        assert!(out.is_empty());
        assert_eq!(extension(QueryResultsFormat::Json), "srj");
        assert_eq!(
            Writing::Results(QueryResultsFormat::Tsv).content_type(),
            "text/tab-separated-values; charset=utf-8"
        );
    }

    #[test]
    fn results_read_once_are_written_each_way() {
        let store = store();
        let query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s";
        let (mut csv, mut tsv, mut json) = (Vec::new(), Vec::new(), Vec::new());
        let outcome = write_each(
            run(&store, query),
            &mut [
                Output {
                    writing: Writing::Results(QueryResultsFormat::Csv),
                    out: &mut csv,
                },
                Output {
                    writing: Writing::Results(QueryResultsFormat::Tsv),
                    out: &mut tsv,
                },
                Output {
                    writing: Writing::Results(QueryResultsFormat::Json),
                    out: &mut json,
                },
            ],
            &[],
            None,
        )
        .expect("written");
        assert_eq!(outcome, Outcome::Rows(2));
        for (format, bytes) in [
            (QueryResultsFormat::Csv, &csv),
            (QueryResultsFormat::Tsv, &tsv),
            (QueryResultsFormat::Json, &json),
        ] {
            let mut alone = Vec::new();
            write(run(&store, query), Writing::Results(format), &[], None, &mut alone).expect("written");
            assert_eq!(&alone, bytes, "{format:?} written alone and beside others");
        }
    }

    #[test]
    fn graph_results_are_sorted_and_deduplicated() {
        let store = store();
        let mut out = Vec::new();
        let query = "CONSTRUCT { ?s <http://e/q> \"x\" } WHERE { ?s ?p ?o } ";
        let outcome = write(
            run(&store, query),
            Writing::Graph(ExportFormat::NTriples),
            &[],
            None,
            &mut out,
        )
        .expect("written");
        assert_eq!(outcome, Outcome::Triples(2));
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "<http://e/a> <http://e/q> \"x\" .\n<http://e/b> <http://e/q> \"x\" .\n"
        );
    }
}
