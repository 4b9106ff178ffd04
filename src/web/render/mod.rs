//! The pages of the graph, rendered without HTTP: `powkg serve` answers requests with them (see `serve/`) and
//! `powkg site` writes them as files (see `site/`). Both front doors hand a [`Renderer`] what the reader asked for
//! (languages, a query, a page number) and get markup or a [`Failure`] back; neither status codes nor headers are
//! known here.
//!
//! Every SPARQL query a page runs goes through the one [`Engine`] (prologue, checks, deadline, memory budget), the
//! same the endpoint and `powkg query` use.

mod charts;
mod dataset;
mod describe;
mod pages;
mod schema_org;

use std::sync::Arc;
use std::time::Duration;

use oxigraph::model::{NamedNode, Quad, Term};
use oxigraph::sparql::{QueryResults, QuerySolution};

pub use dataset::{Dataset, Role};
pub(crate) use dataset::{Summary, SummaryCell};
pub use describe::{DOCUMENTS, Document};
pub use pages::{
    Asked, CLASS_PAGE, Download, MENTIONS, MENTIONS_PAGE, QueryForm, View, class_page, downloads, landing,
    language_rank, linkable, mentions_page, not_found, query_page, resource, search_page, search_unavailable,
};

use crate::error::Error;
use crate::query::results::{Form, Output, Writing};
use crate::query::sparql::{Engine, Request, SparqlError, Stopped};
use crate::query::{QueryDef, QueryError};
use crate::rdf::iri::Minter;
use crate::store::GraphStore;

/// The pages' stylesheet.
pub const STYLE: &str = include_str!("assets/style.css");
/// The query page's script (keyboard shortcuts only).
pub const QUERY_JS: &str = include_str!("assets/query.js");

/// Where pages live and how they link to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// Served by `powkg serve`: queries run on request, links may carry a `lang` parameter.
    Server,
    /// Written as files by `powkg site`: no query runs after the build, so query links become the query's text.
    Static,
}

/// Why a page could not be rendered; each front door turns it into its own answer (an HTTP status, an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The reader asked for something malformed (a query with a syntax error).
    BadInput(String),
    /// Nothing is known about what was asked for.
    NotFound(String),
    /// A query the page needed was stopped (deadline, memory, busy): it may succeed later.
    Unavailable(String),
    /// The store or the evaluator failed.
    Internal(String),
}

impl Failure {
    /// The message for the reader.
    pub fn message(&self) -> &str {
        match self {
            Self::BadInput(m) | Self::NotFound(m) | Self::Unavailable(m) | Self::Internal(m) => m,
        }
    }

    /// How a failed query is reported.
    pub(crate) fn of_query(error: &SparqlError) -> Self {
        match error {
            SparqlError::Invalid(problem) => Self::BadInput(problem.to_string()),
            SparqlError::Evaluation(e) => Self::of_evaluation(e),
            SparqlError::Stopped(stopped) => match stopped {
                Stopped::Timeout(_) | Stopped::Memory(_) | Stopped::Busy(_) => Self::Unavailable(stopped.to_string()),
                Stopped::Panic(_) | Stopped::Thread(_) => Self::Internal(stopped.to_string()),
            },
        }
    }

    /// How an evaluation that failed while its results were read is reported.
    fn of_evaluation(e: &oxigraph::sparql::QueryEvaluationError) -> Self {
        match e {
            oxigraph::sparql::QueryEvaluationError::Cancelled => Self::Unavailable("query cancelled".to_owned()),
            oxigraph::sparql::QueryEvaluationError::Dataset(_)
            | oxigraph::sparql::QueryEvaluationError::Unexpected(_) => {
                Self::Internal(format!("query evaluation failed: {e}"))
            }
            _ => Self::BadInput(format!("query evaluation failed: {e}")),
        }
    }

    /// How a bundled query's failure is reported: its parameters' values are the reader's input; writing its
    /// results is the server's work.
    pub(crate) fn of_bundled(error: &QueryError) -> Self {
        match error {
            QueryError::Sparql(e) => Self::of_query(e),
            QueryError::Evaluation(e) => Self::of_evaluation(e),
            QueryError::UnknownParam { .. } | QueryError::BadParam { .. } | QueryError::BadFormat { .. } => {
                Self::BadInput(error.to_string())
            }
            QueryError::Io(_) | QueryError::Results(_) => Self::Internal(error.to_string()),
        }
    }
}

impl From<crate::store::StoreError> for Failure {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

/// Options of a renderer.
#[derive(Debug, Clone)]
pub struct Options {
    /// How pages link.
    pub links: Links,
    /// Most rows one page of query results shows.
    pub page_rows: usize,
    /// Longest a page waits for the landing page's counts (computed once, on first need); `None` waits for them.
    pub summary_wait: Option<Duration>,
}

/// Everything a page needs: the store, the minter, the engine and what the graph says about itself.
#[derive(Clone)]
pub struct Renderer {
    pub(crate) store: Arc<GraphStore>,
    pub(crate) minter: Minter,
    pub(crate) engine: Engine,
    pub(crate) dataset: Dataset,
    pub(crate) queries: Arc<Vec<QueryDef>>,
    summary: Arc<SummaryCell>,
    /// Scheme and authority of the base IRI (`https://example.org`).
    pub(crate) base_origin: String,
    /// The path part of the base IRI (`/powkg/`): the pages of the graph's IRIs are under it.
    pub(crate) base_path: String,
    pub(crate) options: Options,
}

impl Renderer {
    /// A renderer of `store`, whose IRIs `minter` made, running its queries through `engine`; `queries` are the
    /// query page's examples. Reads only what does not grow with the data (see [`Dataset::load`]).
    pub fn new(
        store: Arc<GraphStore>,
        minter: Minter,
        engine: Engine,
        queries: Vec<QueryDef>,
        options: Options,
    ) -> Result<Self, Error> {
        let dataset = Dataset::load(&store, &minter, &engine)?;
        let (base_origin, base_path) = split_base(minter.base());
        Ok(Self {
            store,
            minter,
            engine,
            dataset,
            queries: Arc::new(queries),
            summary: Arc::default(),
            base_origin,
            base_path,
            options,
        })
    }

    /// The store pages are read from.
    pub fn store(&self) -> &Arc<GraphStore> {
        &self.store
    }

    /// The minter of the graph's IRIs.
    pub fn minter(&self) -> &Minter {
        &self.minter
    }

    /// What the graph says about itself.
    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// The classes of entities, sorted.
    pub fn entity_classes(&self) -> Vec<NamedNode> {
        self.dataset.entity_classes.clone()
    }

    /// The bundled queries.
    pub fn queries(&self) -> &[QueryDef] {
        &self.queries
    }

    /// The path under which the graph's IRIs have pages (`/powkg/`).
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// The origin of the base IRI (`https://example.org`).
    pub fn base_origin(&self) -> &str {
        &self.base_origin
    }

    /// How pages link.
    pub fn links(&self) -> Links {
        self.options.links
    }

    /// Whether the landing page's counts and lists are computed yet.
    pub fn summary_ready(&self) -> bool {
        self.summary.ready().is_some()
    }

    /// The landing page's counts and lists: computed once on a thread of their own, started on first need, then
    /// kept (the store never changes while rendered). `None` if they are not ready within the wait.
    pub(crate) fn summary(&self) -> Option<Arc<Summary>> {
        // "No limit" as a day: a deadline must be a point in time.
        let wait = self.options.summary_wait.unwrap_or(Duration::from_secs(24 * 3600));
        self.summary.get(wait, || {
            let detached = self.clone();
            move || Summary::compute(&detached)
        })
    }

    /// Runs a query of the pages through the engine and lets `consume` read its results on the query thread.
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
        match self.engine.run(&request, &self.store, consume) {
            Ok(result) => result,
            Err(e) => Err(Failure::of_query(&e)),
        }
    }

    /// Runs the bundled query `def` unbound once and writes its results through the one results writer into the
    /// outputs `open` gives for their form (a static site's downloads), each its way; the outputs, to be flushed.
    pub fn write_example<W: std::io::Write + Send>(
        &self,
        def: &QueryDef,
        open: impl FnOnce(Form) -> std::io::Result<Vec<(Writing, W)>> + Send,
    ) -> Result<Vec<W>, Failure> {
        let prefixes = self.minter.prefixes();
        let ran = crate::query::run(def, &[], &self.store, &self.engine, &self.minter, |results| {
            let mut files = open(Form::of(&results))?;
            let mut outputs: Vec<Output<'_>> = files
                .iter_mut()
                .map(|(writing, out)| Output { writing: *writing, out })
                .collect();
            crate::query::results::write_each(results, &mut outputs, &prefixes, None)?;
            drop(outputs);
            Ok(files.into_iter().map(|(_, out)| out).collect())
        });
        ran.map_err(|e| Failure::of_bundled(&e))
    }

    /// The rows of a SELECT of the pages' own (each bounds its queries with LIMIT).
    pub(crate) fn select(&self, query: &str) -> Result<Vec<QuerySolution>, Failure> {
        self.run(query, None, |results| match results {
            QueryResults::Solutions(solutions) => solutions
                .map(|s| s.map_err(|e| Failure::of_query(&SparqlError::Evaluation(e))))
                .collect(),
            _ => Ok(Vec::new()),
        })
    }

    /// The path of the pages of a thing minted under the base (`/powkg/entity/karlag`); `None` for other IRIs.
    pub fn page_path(&self, iri: &NamedNode) -> Option<String> {
        iri.as_str()
            .strip_prefix(&self.base_origin)
            .filter(|path| {
                path.starts_with(&self.base_path) && path.len() > self.base_path.len() && !path.contains('#')
            })
            .map(str::to_owned)
    }

    /// The IRI of the thing whose pages are at `path`, if it is one under the base.
    pub fn thing_at(&self, path: &str) -> Option<NamedNode> {
        NamedNode::new(format!("{}{path}", self.base_origin))
            .ok()
            .filter(|iri| self.page_path(iri).is_some())
    }

    /// Page `page` (from 1) of the links to `iri` (each subject and predicate once), in the store's order, as
    /// [`crate::store::GraphStore::links_to`] streams them for a static site; and whether there are more. One query
    /// with `OFFSET`: the evaluator skips on encoded terms, without reading the strings of the rows it passes (page
    /// 450 of a camp's 459,861 links in about half a second). No filter on the subjects' kind: a filter makes the
    /// evaluator read every row it skips (eight times slower), and the graph powkg builds has no blank nodes, so
    /// no row is dropped after the query there for a blank subject.
    pub fn links_to(&self, iri: &NamedNode, page: usize) -> Result<(Vec<(NamedNode, NamedNode)>, bool), Failure> {
        self.page_of(
            &format!("SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {iri} }}"),
            page,
            pages::MENTIONS_PAGE,
            |row| match (row.get("s"), row.get("p")) {
                (Some(Term::NamedNode(s)), Some(Term::NamedNode(p))) => Some((s.clone(), p.clone())),
                _ => None,
            },
        )
    }

    /// Page `page` (from 1) of the entities of `class` in the store's order, as
    /// [`crate::store::GraphStore::instances`] streams them for a static site; and whether there are more. One
    /// query with `OFFSET`, as [`Self::links_to`].
    pub fn members(&self, class: &NamedNode, page: usize) -> Result<(Vec<NamedNode>, bool), Failure> {
        self.page_of(
            &format!("SELECT DISTINCT ?s WHERE {{ ?s a {class} }}"),
            page,
            pages::CLASS_PAGE,
            |row| match row.get("s") {
                Some(Term::NamedNode(s)) => Some(s.clone()),
                _ => None,
            },
        )
    }

    /// Page `page` (from 1) of `per_page` rows of `select`, each read by `row` (`None` drops it), and whether
    /// there are more: the query with `OFFSET` and one row more than a page.
    fn page_of<T>(
        &self,
        select: &str,
        page: usize,
        per_page: usize,
        row: impl Fn(&QuerySolution) -> Option<T>,
    ) -> Result<(Vec<T>, bool), Failure> {
        let query = format!(
            "{select} OFFSET {} LIMIT {}",
            (page.max(1) - 1) * per_page,
            per_page + 1
        );
        let mut rows: Vec<T> = self.select(&query)?.iter().filter_map(row).collect();
        let has_next = rows.len() > per_page;
        rows.truncate(per_page);
        Ok((rows, has_next))
    }

    /// The quads describing `iri` (see [`describe`]); empty when the graph knows nothing about it.
    pub fn describe(&self, iri: &NamedNode) -> Result<Vec<Quad>, Failure> {
        describe::describe(self, iri)
    }

    /// `quads` in an RDF `format` with the graph's prefixes, sorted and without duplicates; JSON-LD compact, with
    /// the context published at [`paths::CONTEXT`].
    pub fn serialize(&self, quads: &[Quad], format: crate::rdf::format::ExportFormat) -> std::io::Result<Vec<u8>> {
        let mut quads = quads.to_vec();
        quads.sort_by_cached_key(ToString::to_string);
        quads.dedup();
        let mut out = Vec::new();
        if format == crate::rdf::format::ExportFormat::JsonLd {
            // A document is compact JSON-LD with the published context (see `jsonld`).
            crate::rdf::jsonld::write(&quads, &self.minter.prefixes(), &mut out)?;
        } else {
            crate::rdf::format::write(&quads, format, &self.minter.prefixes(), &mut out)?;
        }
        Ok(out)
    }
}

/// Splits a base IRI into its origin (`https://example.org`) and its path (`/powkg/`).
pub(crate) fn split_base(base: &str) -> (String, String) {
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    match base[after_scheme..].find('/') {
        Some(i) => (base[..after_scheme + i].to_owned(), base[after_scheme + i..].to_owned()),
        None => (base.to_owned(), "/".to_owned()),
    }
}

/// The paths of the pages, one table for both front doors: the server answers them and a static site is written
/// at them, so that every link works in both. Things minted under the base IRI have their documents at their own
/// path plus an extension (see [`DOCUMENTS`]).
pub mod paths {
    use oxigraph::model::NamedNode;
    use sha2::{Digest, Sha256};

    /// The landing page.
    pub const HOME: &str = "/";
    /// The stylesheet.
    pub const STYLE: &str = "/assets/style.css";
    /// The query page's script.
    pub const QUERY_JS: &str = "/assets/query.js";
    /// The query page (a form on the server; the bundled queries' list on a static site).
    pub const QUERY: &str = "/query";
    /// The SPARQL endpoint (server only).
    pub const SPARQL: &str = "/sparql";
    /// The dataset description, negotiated.
    pub const VOID: &str = "/void";
    /// The whole graph, negotiated.
    pub const DUMP: &str = "/dump";
    /// The search page.
    pub const SEARCH: &str = "/search";
    /// The JSON-LD context of the documents: the graph's prefixes.
    pub const CONTEXT: &str = "/context.jsonld";

    /// A short, stable name for an IRI in a path: 16 hex digits of its SHA-256.
    pub fn slug(iri: &NamedNode) -> String {
        crate::rdf::hash::hex(&Sha256::digest(iri.as_str().as_bytes())[..8])
    }

    /// The page of a term the graph describes outside the base IRI (an ontology class, a Wikidata property).
    pub fn describe(iri: &NamedNode) -> String {
        format!("/describe/{}.html", slug(iri))
    }

    /// Page `page` (from 1) of the links to the thing whose page is at `thing_path` (`/powkg/entity/karlag`).
    pub fn mentions(thing_path: &str, page: usize) -> String {
        format!("/mentions{thing_path}/{page}.html")
    }

    /// Page `page` (from 1) of the entities of `class`.
    pub fn class(class: &NamedNode, page: usize) -> String {
        format!("/classes/{}/{page}.html", slug(class))
    }

    /// The page of the bundled query `name`, with its results.
    pub fn example(name: &str) -> String {
        format!("/query/{name}.html")
    }

    /// A file of the bundled query `name`'s results, in the format whose extension is `extension` (a static site's
    /// downloads; the server answers it too).
    pub fn example_results(name: &str, extension: &str) -> String {
        format!("/query/{name}.{extension}")
    }

    /// A path of the table that carries names, read back.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Named<'a> {
        /// [`describe`]: the slug.
        Describe(&'a str),
        /// [`example`] (extension `html`) or [`example_results`].
        Example {
            /// The bundled query's name.
            name: &'a str,
            /// `html`, or a results format's extension.
            extension: &'a str,
        },
        /// [`mentions`]: the thing's path and the page, as written.
        Mentions {
            /// The thing's path (`/powkg/entity/karlag`).
            thing: &'a str,
            /// The page number, as written.
            page: &'a str,
        },
        /// [`class`]: the class's slug and the page, as written.
        Class {
            /// The class's slug.
            slug: &'a str,
            /// The page number, as written.
            page: &'a str,
        },
    }

    /// Which of the named paths `path` is, if any: the inverse of the functions above.
    pub fn named(path: &str) -> Option<Named<'_>> {
        if let Some(slug) = path.strip_prefix("/describe/").and_then(|p| p.strip_suffix(".html")) {
            return Some(Named::Describe(slug));
        }
        if let Some((name, extension)) = path.strip_prefix("/query/").and_then(|p| p.rsplit_once('.')) {
            return Some(Named::Example { name, extension });
        }
        if let Some((thing, page)) = path
            .strip_prefix("/mentions")
            .and_then(|p| p.strip_suffix(".html"))
            .and_then(|p| p.rsplit_once('/'))
        {
            return Some(Named::Mentions { thing, page });
        }
        path.strip_prefix("/classes/")
            .and_then(|p| p.strip_suffix(".html"))
            .and_then(|p| p.split_once('/'))
            .map(|(slug, page)| Named::Class { slug, page })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_named_paths_read_back_as_they_are_made() {
            let camp = NamedNode::new_unchecked("https://example.org/powkg/ontology#Camp");
            let made = class(&camp, 3);
            let slug = slug(&camp);
            assert_eq!(named(&made), Some(Named::Class { slug: &slug, page: "3" }));
            let mentions = mentions("/powkg/entity/karlag", 2);
            assert_eq!(
                named(&mentions),
                Some(Named::Mentions {
                    thing: "/powkg/entity/karlag",
                    page: "2"
                })
            );
            assert_eq!(named(&describe(&camp)), Some(Named::Describe(&slug)));
            let page = example("camps");
            assert_eq!(
                named(&page),
                Some(Named::Example {
                    name: "camps",
                    extension: "html"
                })
            );
            let csv = example_results("camps", "csv");
            assert_eq!(
                named(&csv),
                Some(Named::Example {
                    name: "camps",
                    extension: "csv"
                })
            );
            assert_eq!(named("/powkg/entity/karlag"), None);
            assert_eq!(named(HOME), None);
        }
    }
}
