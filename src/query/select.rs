//! Running a SELECT of powkg's own for its rows: the pages' queries, the dataset's description read at start, the
//! coverage report. The one place where such a query runs under the engine and its solutions are collected.

use oxigraph::model::{Term, Variable};
use oxigraph::sparql::{QueryResults, QuerySolution};

use crate::query::QueryError;
use crate::query::catalog::QueryDef;
use crate::query::sparql::{Engine, Request, SparqlError};
use crate::store::GraphStore;

/// The rows of `request` (a SELECT) run on `store` under `engine`: every row, read on the query thread; none for
/// another form of query.
pub fn rows(engine: &Engine, store: &GraphStore, request: &Request<'_>) -> Result<Vec<QuerySolution>, SparqlError> {
    let ran = engine.run(request, store, |results| match results {
        QueryResults::Solutions(solutions) => solutions.collect::<Result<Vec<_>, _>>(),
        _ => Ok(Vec::new()),
    });
    Ok(ran??)
}

/// Which rows of a query to take: SPARQL binds no variable in `OFFSET` and `LIMIT`, so they are the one thing
/// written after a query's text, and only as numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Slice {
    /// Rows skipped first.
    pub offset: usize,
    /// Most rows taken; `None` takes them all.
    pub limit: Option<usize>,
}

impl Slice {
    /// At most `limit` rows from the first.
    pub fn first(limit: usize) -> Self {
        Self {
            offset: 0,
            limit: Some(limit),
        }
    }

    /// The solution modifiers that take these rows, to follow a query's text.
    fn modifiers(self) -> String {
        let offset = (self.offset > 0).then(|| format!("\nOFFSET {}", self.offset));
        let limit = self.limit.map(|limit| format!("\nLIMIT {limit}"));
        offset.into_iter().chain(limit).collect()
    }
}

/// The rows `slice` takes of the query `def` (a SELECT of the catalog's syntax) with its parameters bound to
/// `params` as RDF terms; a name `def` does not declare is refused.
pub fn select(
    engine: &Engine,
    store: &GraphStore,
    def: &QueryDef,
    params: &[(&str, Term)],
    slice: Slice,
) -> Result<Vec<QuerySolution>, QueryError> {
    let mut bindings = Vec::with_capacity(params.len());
    for (name, term) in params {
        if def.param(name).is_none() {
            return Err(QueryError::UnknownParam {
                query: def.name.clone(),
                name: (*name).to_owned(),
                declared: def.params.iter().map(|p| p.name.clone()).collect(),
            });
        }
        bindings.push((Variable::new_unchecked(*name), term.clone()));
    }
    let text = format!("{}{}", def.text, slice.modifiers());
    let request = Request {
        path: &def.path,
        text: &text,
        bindings,
        ..Request::default()
    };
    Ok(rows(engine, store, &request)?)
}
