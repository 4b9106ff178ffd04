//! What every reading of the pages goes through: the store, the minter of its IRIs and the one [`Engine`] (prologue,
//! checks, deadline, memory budget) that the endpoint and `powkg query` use too.

use oxigraph::model::Term;
use oxigraph::sparql::{QueryResults, QuerySolution};

use super::queries::PageQuery;
use crate::query::select::{self, Slice};
use crate::query::sparql::{Engine, Request};
use crate::rdf::iri::Minter;
use crate::store::GraphStore;
use crate::web::render::failure::Failure;

/// The store the pages are read from, its minter and the engine their queries run under.
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    pub(crate) store: &'a GraphStore,
    pub(crate) minter: &'a Minter,
    pub(crate) engine: &'a Engine,
}

impl Reader<'_> {
    /// Runs a query of the reader's through the engine and lets `consume` read its results on the query thread.
    pub(crate) fn run<T: Send>(
        &self,
        query: &str,
        language: Option<&str>,
        consume: impl FnOnce(QueryResults<'static>) -> Result<T, Failure> + Send,
    ) -> Result<T, Failure> {
        let request = Request {
            path: "query",
            text: query,
            language,
            ..Request::default()
        };
        match self.engine.run(&request, self.store, consume) {
            Ok(result) => result,
            Err(e) => Err(Failure::of_query(&e)),
        }
    }

    /// The rows `slice` takes of the page query `query` with `params` bound (each page bounds its lists).
    pub(crate) fn select(
        &self,
        query: PageQuery,
        params: &[(&str, Term)],
        slice: Slice,
    ) -> Result<Vec<QuerySolution>, Failure> {
        select::select(self.engine, self.store, query.def(), params, slice).map_err(|e| Failure::of_bundled(&e))
    }
}
