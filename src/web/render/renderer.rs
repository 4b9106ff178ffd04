//! The renderer: everything a page needs (the store, the minter, the engine, what the graph says about itself, the
//! bundled queries) and the readings the front doors ask of it directly.

use std::sync::Arc;
use std::time::Duration;

use oxigraph::model::{NamedNode, Quad};

use super::error::RenderError;
use super::failure::Failure;
use super::read::answer::{self, Answer, Asked};
use super::read::dataset::Dataset;
use super::read::describe;
use super::read::paged;
use super::read::reader::Reader;
use super::read::search;
use super::read::summary::{Summary, SummaryCell};
use crate::query::QueryDef;
use crate::query::results::{Form, Output, Writing};
use crate::query::sparql::Engine;
use crate::rdf::iri::Minter;
use crate::store::GraphStore;

/// Where pages live and how they link to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// Served by `powkg serve`: queries run on request, links may carry a `lang` parameter.
    Server,
    /// Written as files by `powkg site`: no query runs after the build, so query links become the query's text.
    Static,
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
    /// query page's examples. Reads only what does not grow with the data (see `Dataset::load`).
    pub fn new(
        store: Arc<GraphStore>,
        minter: Minter,
        engine: Engine,
        queries: Vec<QueryDef>,
        options: Options,
    ) -> Result<Self, RenderError> {
        let dataset = Dataset::load(&Reader {
            store: &store,
            minter: &minter,
            engine: &engine,
        })?;
        let (base_origin, base_path) = (minter.origin().to_owned(), minter.base_path().to_owned());
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

    /// The engine the pages' queries run on.
    pub fn engine(&self) -> &Engine {
        &self.engine
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
            move || Summary::compute(&detached.reader(), &detached.dataset.entity_classes)
        })
    }

    /// What the pages' reading goes through.
    pub(crate) fn reader(&self) -> Reader<'_> {
        Reader {
            store: &self.store,
            minter: &self.minter,
            engine: &self.engine,
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

    /// The path of the pages of a thing minted under the base (`/powkg/entity/riverside`); `None` for other IRIs.
    pub fn page_path(&self, iri: &NamedNode) -> Option<String> {
        self.minter.page_path(iri.as_str()).map(str::to_owned)
    }

    /// The IRI of the thing whose pages are at `path`, if it is one under the base.
    pub fn thing_at(&self, path: &str) -> Option<NamedNode> {
        NamedNode::new(format!("{}{path}", self.base_origin))
            .ok()
            .filter(|iri| self.page_path(iri).is_some())
    }

    /// Page `page` (from 1) of the links to `iri` (each subject and predicate once), in the store's order, as
    /// [`crate::store::GraphStore::links_to`] streams them for a static site; and whether there are more.
    pub fn links_to(&self, iri: &NamedNode, page: usize) -> Result<(Vec<(NamedNode, NamedNode)>, bool), Failure> {
        paged::links_to(&self.reader(), iri, page)
    }

    /// Page `page` (from 1) of the entities of `class` in the store's order, as
    /// [`crate::store::GraphStore::instances`] streams them for a static site; and whether there are more.
    pub fn members(&self, class: &NamedNode, page: usize) -> Result<(Vec<NamedNode>, bool), Failure> {
        paged::members(&self.reader(), class, page)
    }

    /// The hits of the search index for `query`, only things of `class` (a name the search reads, see
    /// [`crate::search::class_iri`]) when one is given; a bad query or class is the reader's to fix.
    pub fn search(
        &self,
        query: &str,
        class: Option<&str>,
        language: Option<&str>,
        limit: usize,
    ) -> Result<Vec<crate::search::Hit>, Failure> {
        search::search(&self.reader(), query, class, language, limit)
    }

    /// Runs `query` (the bundled query `def` with `params` bound, or any text) for a page, `[AUTO_LANGUAGE]`
    /// standing for `language`; a SELECT's rows from page `page` (from 1) on.
    pub(crate) fn answer(&self, query: &Asked<'_>, language: Option<&str>, page: usize) -> Result<Answer, Failure> {
        answer::answer(&self.reader(), query, language, page, self.options.page_rows)
    }

    /// The quads describing `iri` (see `describe`); empty when the graph knows nothing about it.
    pub fn describe(&self, iri: &NamedNode) -> Result<Vec<Quad>, Failure> {
        describe::describe(&self.reader(), iri)
    }

    /// `quads` in an RDF `format` with the graph's prefixes, sorted and without duplicates; JSON-LD compact, with
    /// the context published at [`super::paths::CONTEXT`].
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
