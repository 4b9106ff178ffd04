//! The one place where SPARQL text becomes a running query, for every caller: `powkg query` (bundled queries,
//! files, inline text), the endpoint, the pages of `powkg serve` and powkg's own reports.
//!
//! A query goes through the same steps whoever sends it:
//! 1. its brackets may nest at most [`syntax::MAX_NESTING`] deep (checked on the text, so the parser never
//!    recurses further);
//! 2. it is parsed with the graph's prologue (base IRI and predeclared prefixes), on a query thread with a stack of
//!    known size (`worker.rs`);
//! 3. its algebra is checked and rewritten: each of its lists (`ORDER BY` keys, `VALUES` rows, arguments, …) of
//!    bounded length before anything else walks it (`bounds.rs`; the few the parser is slow on, on the text before
//!    parsing); the label service answered by patterns (`labels.rs`); Wikidata items named by their `wd:` IRIs
//!    resolved to the entities linked to them (`aliases.rs`); then (`rewrite.rs`) at most [`MAX_DEPTH`] deep and of bounded size (the optimiser cannot be
//!    cancelled, so its work is bounded up front); `SERVICE` only to endpoints the user allowed (powkg makes no
//!    other request); a total order for `ORDER BY`; checkpoints in joins that read no quads and in sorts; memory
//!    guards before the string functions that build large values; and the outermost `ORDER BY` of a `SELECT` taken
//!    out, to be sorted after evaluation on values read once (`order.rs`);
//! 4. it is evaluated (and sorted) and its results consumed on that thread, under a deadline and a memory budget (`budget.rs`),
//!    so that a query that runs too long or takes too much is stopped and reported, and any panic is caught. Every
//!    stage checks: the evaluator at each quad it reads, the rewrite's checkpoints in joins that read none and in
//!    each comparison of a sort, and the results before each row a caller takes.

mod aliases;
mod bounds;
mod budget;
mod functions;
mod labels;
mod limits;
mod operators;
mod order;
mod reads;
mod rewrite;
mod search;
pub mod syntax;
mod worker;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, Term, Variable};
use oxigraph::sparql::{
    CancellationToken, QueryEvaluationError, QueryResults, QuerySolutionIter, QueryTripleIter, SparqlEvaluator,
};
use spargebra::SparqlParser;

pub use budget::Accounting;
pub use limits::{List, MAX_DEPTH, MAX_JOINS, MAX_PATTERNS, MAX_TRIPLE_PATTERNS, Refusal};
pub use reads::{Needs, Reads};
pub use worker::{Limits, Slots, Stopped};

use crate::files::diagnostic::Diagnostic;
use crate::rdf::iri::Minter;
use crate::store::GraphStore;

/// Why a query gave no results.
#[derive(Debug, thiserror::Error)]
pub enum SparqlError {
    /// The query is malformed or refused (syntax, nesting, a `SERVICE` not allowed): the user's to fix.
    #[error("{0}")]
    Invalid(Diagnostic),
    /// The query was stopped: deadline, memory budget, no free slot, or a bug.
    #[error("{0}")]
    Stopped(Stopped),
    /// The evaluator failed.
    #[error("query evaluation failed: {0}")]
    Evaluation(#[from] QueryEvaluationError),
}

/// `results` checking before each row whether the query was cancelled or went over its budget: rows that come from
/// a sort or a group need no more reading of the store, where the evaluator checks, and a caller writing many of
/// them would otherwise go on past the deadline.
fn stoppable<'a>(results: QueryResults<'a>, token: &CancellationToken) -> QueryResults<'a> {
    match results {
        QueryResults::Solutions(rows) => {
            let variables: Arc<[Variable]> = rows.variables().into();
            QuerySolutionIter::new(variables, until_stopped(rows, token.clone())).into()
        }
        QueryResults::Graph(triples) => QueryTripleIter::new(until_stopped(triples, token.clone())).into(),
        boolean @ QueryResults::Boolean(_) => boolean,
    }
}

/// The items of `inner` until the query is stopped, then one `Cancelled` error and nothing more.
fn until_stopped<T>(
    mut inner: impl Iterator<Item = Result<T, QueryEvaluationError>>,
    token: CancellationToken,
) -> impl Iterator<Item = Result<T, QueryEvaluationError>> {
    let mut stopped = false;
    std::iter::from_fn(move || {
        if stopped {
            return None;
        }
        stopped = token.is_cancelled() || budget::exceeded();
        if stopped {
            Some(Err(QueryEvaluationError::Cancelled))
        } else {
            inner.next()
        }
    })
}

/// A query as a caller hands it over.
#[derive(Debug, Clone, Default)]
pub struct Request<'a> {
    /// The name of the query's source in messages: a file path, `query` for the endpoint.
    pub path: &'a str,
    /// The SPARQL text.
    pub text: &'a str,
    /// Variables bound to terms before evaluation (parameters), never pasted into the text.
    pub bindings: Vec<(Variable, Term)>,
    /// The protocol's `default-graph-uri` values, if any.
    pub default_graphs: Vec<GraphName>,
    /// The protocol's `named-graph-uri` values, if any.
    pub named_graphs: Vec<NamedOrBlankNode>,
    /// The language `[AUTO_LANGUAGE]` stands for in the label service, when the request says (a page's or the
    /// client's language); the engine's otherwise.
    pub language: Option<&'a str>,
}

/// How queries are prepared and bounded: the prologue, the allowed `SERVICE` endpoints, the limits.
#[derive(Debug, Clone)]
pub struct Engine {
    base: String,
    prefixes: Vec<(String, String)>,
    services: Vec<NamedNode>,
    limits: Limits,
    slots: Option<Arc<Slots>>,
    /// What `[AUTO_LANGUAGE]` stands for in the label service when the request does not say.
    language: String,
    /// The search index `SERVICE pks:search` is answered from, and that service's namespace.
    search: search::Handle,
    search_ns: String,
    /// Queries already parsed, checked and rewritten, by language and text, with their order taken out
    /// (`order.rs`): a server answers the same few queries again and again, and a clone of the algebra costs a
    /// fraction of a parse.
    prepared: Arc<Mutex<HashMap<(String, String), Prepared>>>,
}

/// A query ready to run: its algebra, and how to sort its solutions if the algebra no longer does.
type Prepared = (spargebra::Query, Option<order::Sort>);

/// Most queries [`Engine`] keeps prepared; past it, it starts again from none.
const PREPARED_KEPT: usize = 256;

/// Longest query text [`Engine`] keeps prepared: the few queries a server answers again and again are short, and
/// 256 texts of a request's full size would hold 256 MiB.
const PREPARED_TEXT_BYTES: usize = 16 * 1024;

impl Default for Engine {
    /// The prologue of the graph under the default base IRI; no limits.
    fn default() -> Self {
        match Minter::new(crate::rdf::iri::DEFAULT_BASE_IRI) {
            Ok(minter) => Self::new(&minter),
            Err(_) => Self {
                base: crate::rdf::iri::DEFAULT_BASE_IRI.to_owned(),
                prefixes: Vec::new(),
                services: Vec::new(),
                limits: Limits::default(),
                slots: None,
                language: "en".to_owned(),
                search: search::Handle::default(),
                search_ns: format!("{}{}", crate::rdf::iri::DEFAULT_BASE_IRI, crate::rdf::vocab::pks::PATH),
                prepared: Arc::default(),
            },
        }
    }
}

impl Engine {
    /// Queries over the graph `minter` mints: its base IRI and prefixes predeclared; no `SERVICE` endpoint allowed;
    /// no limits.
    pub fn new(minter: &Minter) -> Self {
        let mut prefixes = minter.prefixes();
        prefixes.extend(
            crate::rdf::vocab::QUERY_PREFIXES
                .iter()
                .map(|(p, ns)| ((*p).to_owned(), (*ns).to_owned())),
        );
        let search_ns = minter.namespace(crate::rdf::vocab::pks::PATH);
        prefixes.push(("pks".to_owned(), search_ns.clone()));
        Self {
            base: minter.base().to_owned(),
            prefixes,
            services: Vec::new(),
            limits: Limits::default(),
            slots: None,
            language: "en".to_owned(),
            search: search::Handle::default(),
            search_ns,
            prepared: Arc::default(),
        }
    }

    /// The search index this engine answers `pks:search` from, or why there is none.
    pub fn search_index(&self) -> Result<&crate::search::SearchIndex, String> {
        match &self.search {
            search::Handle::Ready(index) => Ok(index),
            search::Handle::Unavailable(why) => Err(why.clone()),
            search::Handle::Missing => Err("no search index was opened for this graph".to_owned()),
        }
    }

    /// The same engine answering `SERVICE pks:search` from `index`: pass what
    /// [`SearchIndex::of_store`](crate::search::SearchIndex::of_store) gives for the store the engine queries (an
    /// index that could not be opened makes the service answer why, and nothing else).
    #[must_use]
    pub fn with_search(mut self, index: Result<crate::search::SearchIndex, crate::search::SearchError>) -> Self {
        self.search = match index {
            Ok(index) => search::Handle::Ready(Arc::new(index)),
            Err(e) => search::Handle::Unavailable(e.to_string()),
        };
        self.prepared = Arc::default();
        self
    }

    /// The same engine with `[AUTO_LANGUAGE]` standing for `language` when a request does not name one.
    #[must_use]
    pub fn with_language(mut self, language: &str) -> Self {
        language.clone_into(&mut self.language);
        self.prepared = Arc::default();
        self
    }

    /// The same engine with `limits` on each query.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The same engine running at most `n` queries at once (a query waits for a slot until its deadline).
    #[must_use]
    pub fn with_slots(mut self, n: usize) -> Self {
        self.slots = Some(Arc::new(Slots::new(n)));
        self
    }

    /// The same engine allowing `SERVICE` calls to exactly these endpoints.
    #[must_use]
    pub fn allowing_services(mut self, endpoints: Vec<NamedNode>) -> Self {
        self.services = endpoints;
        self.prepared = Arc::default();
        self
    }

    /// The limits on each query.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The prefixes predeclared for every query.
    pub fn prefixes(&self) -> &[(String, String)] {
        &self.prefixes
    }

    /// Checks queries (`(path, text)` each) without running them, together on one query thread: nesting, syntax
    /// and size. A problem for each, or `None`. (`SERVICE` calls are checked when a query runs, against the endpoints
    /// allowed then.)
    pub fn check(&self, queries: &[(&str, &str)]) -> Vec<Option<Diagnostic>> {
        let checked = worker::run(Limits::default(), None, |_| {
            queries
                .iter()
                .map(|(path, text)| self.prepare(path, text, &self.language, None).err())
                .collect()
        });
        checked.unwrap_or_else(|stopped| {
            queries
                .iter()
                .map(|(path, _)| Some(Diagnostic::file(path, stopped.to_string())))
                .collect()
        })
    }

    /// Runs `request` on `store` (the union of its graphs as the default graph unless the query or the request
    /// names a dataset) and hands the results to `consume`, on the query thread, within the limits.
    pub fn run<T: Send>(
        &self,
        request: &Request<'_>,
        store: &GraphStore,
        consume: impl FnOnce(QueryResults<'static>) -> T + Send,
    ) -> Result<T, SparqlError> {
        let ran = worker::run(self.limits, self.slots.as_deref(), |token| {
            let language = request.language.unwrap_or(&self.language);
            let (query, sort) = self
                .prepared(request.path, request.text, language)
                .map_err(SparqlError::Invalid)?;
            let mut evaluator = functions::register(SparqlEvaluator::new().with_cancellation_token(token.clone()));
            evaluator = if self.services.is_empty() {
                evaluator.without_default_http_service_handler()
            } else {
                evaluator.with_http_timeout(self.limits.timeout.unwrap_or(Duration::from_secs(60)))
            };
            let mut prepared = evaluator.for_query(query);
            for (variable, term) in &request.bindings {
                prepared = prepared.substitute_variable(variable.clone(), term.clone());
            }
            if !request.default_graphs.is_empty() || !request.named_graphs.is_empty() {
                prepared.dataset_mut().set_default_graph(request.default_graphs.clone());
                prepared
                    .dataset_mut()
                    .set_available_named_graphs(request.named_graphs.clone());
            }
            let mut results = stoppable(store.execute_on_dataset(prepared)?, token);
            if let Some(sort) = sort {
                results = stoppable(sort.apply(results), token);
            }
            Ok(consume(results))
        });
        ran.map_err(SparqlError::Stopped)?
    }

    /// What the query `text` may read ([`Reads`]), its label service rewritten for the engine's language.
    pub fn reads(&self, text: &str) -> Result<Reads, Diagnostic> {
        let query = self.prepare("", text, &self.language, None)?;
        Ok(Reads::of(&query))
    }

    /// The query prepared for a run: from the kept ones, or parsed, checked, rewritten, its order taken out, and
    /// kept.
    fn prepared(&self, path: &str, text: &str, language: &str) -> Result<Prepared, Diagnostic> {
        let key = (language.to_owned(), text.to_owned());
        let kept = self
            .prepared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        if let Some(query) = kept {
            return Ok(query);
        }
        let mut query = self.prepare(path, text, language, Some(&self.services))?;
        let sort = order::take_order(&mut query);
        let query = (query, sort);
        if text.len() > PREPARED_TEXT_BYTES {
            return Ok(query);
        }
        let mut kept = self.prepared.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() >= PREPARED_KEPT {
            // Dropped here, on the query thread: a kept algebra may be deep.
            kept.clear();
        }
        kept.insert(key, query.clone());
        Ok(query)
    }

    /// Parses, checks and rewrites a query; runs on a query thread (the algebra may be deep).
    fn prepare(
        &self,
        path: &str,
        text: &str,
        language: &str,
        services: Option<&[NamedNode]>,
    ) -> Result<spargebra::Query, Diagnostic> {
        if let Some(problem) = syntax::too_deep(path, text) {
            return Err(problem);
        }
        if let Some((list, at)) = syntax::too_long(text) {
            return Err(Diagnostic::at(path, text, at, Self::too_long(list)));
        }
        let mut parser = SparqlParser::new()
            .with_base_iri(self.base.as_str())
            .map_err(|e| Diagnostic::file(path, format!("invalid base IRI: {e}")))?;
        for (prefix, namespace) in &self.prefixes {
            parser = parser
                .with_prefix(prefix.as_str(), namespace.as_str())
                .map_err(|e| Diagnostic::file(path, format!("invalid prefix {prefix}: {e}")))?;
        }
        let mut query = parser.parse_query(text).map_err(|e| {
            let declared = self.prefixes.iter().map(|(p, _)| p.as_str());
            syntax::unknown_prefix(path, text, declared)
                .unwrap_or_else(|| syntax::syntax_diagnostic(path, text, &e.to_string()))
        })?;
        // Before anything else walks the algebra: the later stages turn some lists into chains.
        bounds::check(&query).map_err(|refusal| self.refused(path, text, &refusal))?;
        labels::rewrite(&mut query, &syntax::variables(text), language);
        aliases::rewrite(&mut query);
        // Only for a query about to run (a check leaves the service, which `rewrite` lets through when it checks
        // no endpoint).
        if services.is_some() {
            search::rewrite(&mut query, &self.search_ns, &self.search).map_err(|m| Diagnostic::file(path, m))?;
        }
        rewrite::rewrite(&mut query, services).map_err(|refusal| self.refused(path, text, &refusal))?;
        Ok(query)
    }

    /// The located message for a refused query.
    fn refused(&self, path: &str, text: &str, refusal: &Refusal) -> Diagnostic {
        match refusal {
            Refusal::TooDeep => Diagnostic::file(
                path,
                format!(
                    "the query nests patterns, expressions or paths deeper than {MAX_DEPTH} levels: powkg refuses \
                     such queries"
                ),
            ),
            Refusal::TooManyTriplePatterns => Diagnostic::file(
                path,
                format!(
                    "the query has more than {MAX_TRIPLE_PATTERNS} triple patterns (property paths count as the \
                     patterns they stand for): powkg refuses such queries, whose planning alone takes seconds"
                ),
            ),
            Refusal::TooManyPatterns => Diagnostic::file(
                path,
                format!(
                    "the query has more than {MAX_PATTERNS} graph patterns (groups, OPTIONAL, UNION, FILTER, BIND, \
                     subqueries): powkg refuses such queries, whose planning alone takes seconds"
                ),
            ),
            Refusal::TooManyJoins => Diagnostic::file(
                path,
                format!(
                    "the query joins more than {MAX_JOINS} groups (each group after the first, OPTIONAL, MINUS): \
                     powkg refuses such queries, whose planning alone takes seconds"
                ),
            ),
            Refusal::TooLong(list) => Diagnostic::file(path, Self::too_long(*list)),
            Refusal::Service(name) => {
                let why = "powkg sends no request to an endpoint its user did not allow \
                           (--allow-service URL allows one)";
                let (offset, message) = match name {
                    Some(iri) => (
                        syntax::services(text)
                            .into_iter()
                            .find(|(_, written)| self.names(written, iri))
                            .map(|(at, _)| at),
                        format!("SERVICE <{}> is not allowed: {why}", iri.as_str()),
                    ),
                    None => (
                        syntax::services(text)
                            .into_iter()
                            .find(|(_, written)| written.starts_with(['?', '$']))
                            .map(|(at, _)| at),
                        format!("SERVICE with a variable endpoint is not allowed: {why}"),
                    ),
                };
                match offset {
                    Some(at) => Diagnostic::at(path, text, at, message),
                    None => Diagnostic::file(path, message),
                }
            }
        }
    }

    /// Why a query with a list past its bound is refused.
    fn too_long(list: List) -> String {
        format!(
            "the query has more than {} {}: powkg refuses such queries, which no real query needs and whose \
             parsing, planning or evaluation could not be stopped",
            list.limit(),
            list.name()
        )
    }

    /// Whether `written` (an IRI reference or a prefixed name in the query) names `iri`.
    fn names(&self, written: &str, iri: &NamedNode) -> bool {
        if let Some(inner) = written.strip_prefix('<').and_then(|w| w.strip_suffix('>')) {
            return inner == iri.as_str() || iri.as_str().ends_with(inner);
        }
        written.split_once(':').is_some_and(|(prefix, local)| {
            self.prefixes
                .iter()
                .any(|(p, ns)| p == prefix && iri.as_str().strip_prefix(ns.as_str()) == Some(local))
                || iri.as_str().ends_with(local)
        })
    }
}
