//! Running SPARQL over the store: bundled or user queries, parameters bound as RDF terms (never pasted into the
//! query text), results in the W3C formats, a readable table, or any RDF format for graph results.

pub mod catalog;
pub mod coverage;
pub mod expected;
mod formats;
pub mod results;
pub mod select;
pub mod sparql;
mod table;

use std::io::{self, Write};

use oxigraph::model::{Literal, NamedNode, Term};
use oxigraph::sparql::results::QueryResultsFormat;
use oxigraph::sparql::{QueryEvaluationError, QueryResults, Variable};

use crate::query::sparql::{Engine, Request, SparqlError};

pub use catalog::{ParamDef, ParamKind, QueryDef};
pub use formats::{RESULTS_FORMATS, ResultFormat, ResultsFormatInfo};
pub use results::{Form, Outcome, Writing};

use crate::rdf::format::ExportFormat;
use crate::rdf::iri::Minter;
use crate::store::GraphStore;

/// Why a query could not be run.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// `--param` names no declared parameter.
    #[error("query {query}: unknown parameter \"{name}\"{}", expected_list(.declared))]
    UnknownParam {
        /// The query's name.
        query: String,
        /// The name given.
        name: String,
        /// The declared names.
        declared: Vec<String>,
    },
    /// A parameter value that does not fit its kind.
    #[error("query {query}: parameter {name}: {reason}")]
    BadParam {
        /// The query's name.
        query: String,
        /// The parameter.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The result format does not fit the query form.
    #[error("format \"{format}\" does not fit {form} results: expected one of {expected}")]
    BadFormat {
        /// The format given.
        format: String,
        /// "SELECT/ASK" or "CONSTRUCT/DESCRIBE".
        form: &'static str,
        /// Accepted names.
        expected: String,
    },
    /// The query was refused or stopped (syntax, nesting, `SERVICE`, deadline, memory), or its evaluation failed.
    #[error(transparent)]
    Sparql(#[from] SparqlError),
    /// Evaluation failed while the results were read.
    #[error("query evaluation failed: {0}")]
    Evaluation(#[from] QueryEvaluationError),
    /// Writing the results failed.
    #[error("cannot write results: {0}")]
    Io(#[from] io::Error),
    /// The results passed a size limit, or were handed to a writer of another form.
    #[error(transparent)]
    Results(results::WriteError),
}

impl From<results::WriteError> for QueryError {
    fn from(e: results::WriteError) -> Self {
        match e {
            results::WriteError::Evaluation(e) => Self::Evaluation(e),
            results::WriteError::Io(e) => Self::Io(e),
            other => Self::Results(other),
        }
    }
}

fn expected_list(declared: &[String]) -> String {
    if declared.is_empty() {
        ": this query declares no parameters".to_owned()
    } else {
        format!(": expected one of {}", declared.join(", "))
    }
}

/// Binds `--param NAME=VALUE` pairs, runs the query on the store with `engine` and hands the results to
/// `consume` (on the query thread: results are read within the engine's limits).
pub fn run<T: Send>(
    def: &QueryDef,
    params: &[(String, String)],
    store: &GraphStore,
    engine: &Engine,
    minter: &Minter,
    consume: impl FnOnce(QueryResults<'static>) -> Result<T, QueryError> + Send,
) -> Result<T, QueryError> {
    let mut bindings = Vec::new();
    for (name, value) in params {
        let Some(param) = def.param(name) else {
            return Err(QueryError::UnknownParam {
                query: def.name.clone(),
                name: name.clone(),
                declared: def.params.iter().map(|p| p.name.clone()).collect(),
            });
        };
        let term = bind(param, value, minter).map_err(|reason| QueryError::BadParam {
            query: def.name.clone(),
            name: name.clone(),
            reason,
        })?;
        bindings.push((Variable::new_unchecked(name.clone()), term));
    }
    let request = Request {
        path: &def.path,
        text: &def.text,
        bindings,
        ..Request::default()
    };
    engine.run(&request, store, consume)?
}

/// The RDF term a parameter value names.
fn bind(param: &ParamDef, value: &str, minter: &Minter) -> Result<Term, String> {
    let id_or_iri = |mint: &dyn Fn(&str) -> NamedNode| -> Result<Term, String> {
        if value.contains(':') {
            NamedNode::new(value)
                .map(Into::into)
                .map_err(|e| format!("invalid IRI \"{value}\": {e}"))
        } else if !value.is_empty()
            && value
                .split('-')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        {
            Ok(mint(value).into())
        } else {
            Err(format!(
                "\"{value}\" is neither an id of one of the graph's entities nor an absolute IRI"
            ))
        }
    };
    match param.kind {
        ParamKind::Entity => id_or_iri(&|id| minter.entity(id)),
        ParamKind::Source => id_or_iri(&|id| minter.source(id)),
        ParamKind::Iri => NamedNode::new(value)
            .map(Into::into)
            .map_err(|e| format!("invalid IRI \"{value}\": {e}")),
        ParamKind::String => Ok(Literal::new_simple_literal(value).into()),
        ParamKind::Integer => value
            .parse::<i64>()
            .map(|n| Literal::from(n).into())
            .map_err(|_| format!("\"{value}\" is not an integer")),
        ParamKind::Language => {
            if Literal::new_language_tagged_literal("", value).is_ok() {
                Ok(Literal::new_simple_literal(value.to_ascii_lowercase()).into())
            } else {
                Err(format!("\"{value}\" is not a BCP 47 language tag such as it"))
            }
        }
    }
}

/// How `powkg query` writes results of `form`: the `--format` name given, or without one a table on a terminal and
/// TSV otherwise for SELECT/ASK, Turtle for graph results.
pub fn writing(format: Option<&str>, terminal: bool, form: Form) -> Result<Writing, QueryError> {
    match form {
        Form::Solutions | Form::Boolean => match format {
            None if terminal => Ok(Writing::Table),
            None => Ok(Writing::Results(QueryResultsFormat::Tsv)),
            Some(name) => match ResultFormat::from_name(name) {
                Some(ResultFormat::Table) => Ok(Writing::Table),
                Some(ResultFormat::W3c(f)) => Ok(Writing::Results(f)),
                None => Err(QueryError::BadFormat {
                    format: name.to_owned(),
                    form: form.name(),
                    expected: ResultFormat::names().map(|(n, _)| n).collect::<Vec<_>>().join(", "),
                }),
            },
        },
        Form::Graph => match format {
            None => Ok(Writing::Graph(ExportFormat::Turtle)),
            Some(name) => ExportFormat::from_name(name)
                .map(Writing::Graph)
                .ok_or_else(|| QueryError::BadFormat {
                    format: name.to_owned(),
                    form: form.name(),
                    expected: ExportFormat::ALL.map(ExportFormat::name).join(", "),
                }),
        },
    }
}

/// Writes query results for `powkg query` (see [`writing`]) through the one results writer.
pub fn write_results(
    results: QueryResults<'static>,
    format: Option<&str>,
    terminal: bool,
    prefixes: &[(String, String)],
    out: &mut dyn Write,
) -> Result<Outcome, QueryError> {
    let writing = writing(format, terminal, Form::of(&results))?;
    Ok(results::write(results, writing, prefixes, None, out)?)
}
