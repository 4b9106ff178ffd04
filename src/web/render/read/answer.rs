//! What the query page shows for a query: a page of a SELECT's rows with what is known about the rest, an ASK's
//! answer, or a graph as Turtle.

use oxigraph::sparql::{QueryResults, QuerySolution, Variable};

use super::reader::Reader;
use crate::query::results::{self, Writing};
use crate::web::render::failure::Failure;

/// Most rows counted past a page of query results to give the total; beyond, the page says "more than".
pub(crate) const COUNTED: usize = 100_000;

/// One page of a SELECT's rows and what is known about the rest.
pub struct Table {
    pub variables: Vec<Variable>,
    pub rows: Vec<QuerySolution>,
    /// Rows before this page.
    pub skipped: usize,
    /// Rows after this page: counted up to [`COUNTED`]; `None` past that.
    pub after: Option<usize>,
}

/// What the query page shows for a query.
pub enum Answer {
    Table(Table),
    Boolean(bool),
    /// A graph result, as Turtle.
    Graph(String),
}

/// Runs `query` (the bundled query `def` with `params` bound, or any text) for a page, `[AUTO_LANGUAGE]`
/// standing for `language`; a SELECT's rows from page `page` (from 1) on, `rows` a page.
pub(crate) fn answer(
    reader: &Reader<'_>,
    query: &Asked<'_>,
    language: Option<&str>,
    page: usize,
    rows: usize,
) -> Result<Answer, Failure> {
    let consume = |results: QueryResults<'static>| -> Result<Answer, Failure> {
        let failed = |e: oxigraph::sparql::QueryEvaluationError| Failure::of_query(&e.into());
        match results {
            QueryResults::Solutions(solutions) => {
                let variables = solutions.variables().to_vec();
                let skipped = (page - 1) * rows;
                let mut kept = Vec::new();
                let mut after = Some(0);
                for (i, solution) in solutions.enumerate() {
                    let solution = solution.map_err(failed)?;
                    if i < skipped {
                        continue;
                    }
                    if kept.len() < rows {
                        kept.push(solution);
                    } else if let Some(n) = after.as_mut() {
                        *n += 1;
                        if *n > COUNTED {
                            after = None;
                            break;
                        }
                    }
                }
                Ok(Answer::Table(Table {
                    variables,
                    rows: kept,
                    skipped,
                    after,
                }))
            }
            QueryResults::Boolean(b) => Ok(Answer::Boolean(b)),
            graph @ QueryResults::Graph(_) => {
                let mut turtle = Vec::new();
                let writing = Writing::Graph(crate::rdf::format::ExportFormat::Turtle);
                match results::write(graph, writing, &reader.minter.prefixes(), None, &mut turtle) {
                    Ok(_) => {}
                    Err(results::WriteError::Evaluation(e)) => return Err(failed(e)),
                    Err(e) => return Err(Failure::Internal(e.to_string())),
                }
                Ok(Answer::Graph(String::from_utf8_lossy(&turtle).into_owned()))
            }
        }
    };
    match query {
        Asked::Text(text) => reader.run(text, language, consume),
        Asked::Bundled(def, params) => {
            let ran = crate::query::run(def, params, reader.store, reader.engine, reader.minter, |results| {
                Ok(consume(results))
            });
            ran.unwrap_or_else(|e| Err(Failure::of_bundled(&e)))
        }
    }
}

/// A query a page runs: any text, or a bundled query with parameter values.
pub enum Asked<'a> {
    /// SPARQL text sent by the reader.
    Text(&'a str),
    /// A bundled query and its parameters' values (the empty ones left out).
    Bundled(&'a crate::query::QueryDef, Vec<(String, String)>),
}
