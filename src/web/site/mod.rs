//! `powkg site`: the graph as a static linked-data site, for hosting with no process running. The pages are the
//! server's (one renderer, [`crate::web::render`]), written at the paths the server answers ([`crate::web::render::paths`]):
//!
//! - every thing minted under the base IRI (entity, statement, source, citation, reference and value node, register
//!   record, the ontology, the property families' predicates) as `{path}.html`, `.ttl`, `.jsonld`, `.nt`, `.rdf`;
//! - the landing page (`index.html`), the class indexes (`classes/{slug}/{n}.html`, paged), the bundled queries with
//!   their results (`query/index.html`, `query/{name}.html`), the ontology terms' pages (`describe/{slug}.html`);
//! - the dataset description (`void.ttl`, …) and the whole graph in every format (`dump.nq`, …);
//! - `sitemap.xml` (an index of `sitemap-N.xml` files of at most 50,000 addresses each), `404.html`, and the
//!   server configurations that give static hosting the server's content negotiation and 303 redirects: `.htaccess`
//!   for Apache and `nginx.conf` for nginx ([`config`]).
//!
//! The site is written into a staging directory beside the target and swapped in whole, so a killed run leaves the
//! previous site as it was. The target must be one a site may replace ([`target::Target`]: nothing, an empty folder
//! or an earlier site, never an input), and every file is written at a path proven inside the staging directory
//! ([`target::inside`]). Its files depend only on the store: two runs over the same store are byte-identical.
//! Things are rendered in batches on every core, and nothing that grows with the graph is held: the things are
//! streamed from the store, the sitemap written as it goes.

pub mod config;
mod dumps;
mod incremental;
pub mod target;
mod things;
mod written;

use std::collections::BTreeSet;
use std::fs;
use std::io;

use oxigraph::model::{GraphName, NamedNode};
use rayon::prelude::*;

use crate::files::output::{owner_has_ended, parent_and_name, remove_leftovers, swap_into_place};
use crate::query::Form;
use crate::web::render::{self, CLASS_PAGE, DOCUMENTS, Document, QueryForm, Renderer, View, paths};
pub use target::{SiteError, Target};

use things::{ThingWritten, first_graph, remove_stale, things, write_thing};
use written::{Files, Written};

/// Most addresses in one sitemap file (the sitemaps protocol's limit).
pub const SITEMAP_URLS: usize = 50_000;

/// Things rendered together, on every core, between two reads of the store.
const BATCH: usize = 512;

/// What a run of the site did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Things whose documents were rendered.
    pub things: usize,
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Sitemap files written (besides the index).
    pub sitemaps: usize,
    /// Files of the site left as they were.
    pub kept: u64,
    /// Files removed from the site.
    pub removed: usize,
    /// How the site was brought up to date.
    pub how: How,
}

/// How a run brought the site up to date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum How {
    /// Written whole, for the reason given (none: there was no earlier site).
    #[default]
    Whole,
    /// Written whole although an earlier site was there, for this reason.
    WholeBecause(String),
    /// The documents of the subjects that changed, and of what shows them, written over a copy of the earlier site
    /// that was then swapped in.
    Updated {
        /// Subjects (of any graph) that changed since the earlier site.
        subjects: usize,
    },
    /// Nothing changed since the earlier site: nothing written.
    Unchanged,
}

/// How `powkg site` may bring an earlier site up to date.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Write the whole site even over an earlier one that could be updated.
    pub whole: bool,
    /// The settings of the run that its pages depend on besides the store (the pages' query deadline): a site
    /// written with others is written whole.
    pub settings: String,
}

/// Writes the site of `renderer`'s store to `target`, calling `progress` with the number of things written so far.
/// Over an earlier site written from the same project with the same settings, only what changed since is written
/// (see `incremental.rs` beside this file), unless `options.whole`.
pub fn write(
    renderer: &Renderer,
    target: &Target,
    options: &Options,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Report, SiteError> {
    let out = target.path();
    let io_error = |e: io::Error| SiteError::Output {
        path: out.to_owned(),
        source: e,
    };
    let _lock = incremental::lock(out)?;
    let (parent, name) = parent_and_name(out, "site");
    let prefix = format!(".{name}.site-");
    // What killed runs left: their staging folders.
    remove_leftovers(&parent, &prefix, |_, rest| owner_has_ended(rest));
    let state = incremental::state_of(renderer).map_err(io_error)?;
    let fingerprint = incremental::fingerprint(renderer, &options.settings);
    let mut how = How::Whole;
    if !options.whole {
        match incremental::prepare(renderer, target, &state, &fingerprint)? {
            incremental::Outcome::Unchanged(kept) => {
                return Ok(Report {
                    kept,
                    how: How::Unchanged,
                    ..Report::default()
                });
            }
            incremental::Outcome::Update(mut update) => {
                let plan = std::mem::take(&mut update.plan);
                let feed = update.feed.take();
                let mut writer =
                    SiteWriter::new(renderer, Files::update(update.copy.clone()), feed, &state, Some(plan));
                writer.write_all(progress).map_err(|e| e.into_site_error(out))?;
                let SiteWriter {
                    files,
                    mut report,
                    ranges,
                    ..
                } = writer;
                let total = incremental::finish(out, &update, files, report.removed, &state, &fingerprint, &ranges)?;
                report.kept = total.saturating_sub(report.files as u64);
                report.how = How::Updated {
                    subjects: update.changed,
                };
                return Ok(report);
            }
            incremental::Outcome::Whole(Some(why)) => how = How::WholeBecause(why),
            incremental::Outcome::Whole(None) => {}
        }
    }
    let staging = tempfile::Builder::new()
        .prefix(&format!("{prefix}{}-", std::process::id()))
        .tempdir_in(&parent)
        .map_err(io_error)?;
    let feed = match renderer.store().directory() {
        Some(dir) => crate::changes::feed::Feed::read(dir).map_err(io_error)?,
        None => None,
    };
    let mut writer = SiteWriter::new(renderer, Files::fresh(staging.path().to_owned()), feed, &state, None);
    writer.write_all(progress).map_err(|e| e.into_site_error(out))?;
    let mut report = writer.report;
    report.how = how;
    incremental::record(
        staging.path(),
        &state,
        &fingerprint,
        report.files as u64,
        &writer.ranges,
    )
    .map_err(io_error)?;
    incremental::forget_copy(out);
    // A temporary directory is private to its owner; a site is read by the web server's user.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(staging.path(), fs::Permissions::from_mode(0o755)).map_err(io_error)?;
    }
    // The copy the next update writes into, linked now from the new site's files (a link per file), so that the
    // update pays only for what changed.
    incremental::link_copy(staging.path(), out);
    swap_into_place(staging, out).map_err(io_error)?;
    Ok(report)
}

/// The sitemap files, written as addresses come.
#[derive(Default)]
struct Sitemap {
    /// Addresses in the current file.
    urls: Vec<String>,
    /// Files finished.
    files: usize,
}

struct SiteWriter<'a> {
    files: Files,
    /// The change feed the store keeps, written as it is.
    feed: Option<crate::changes::feed::Feed>,
    renderer: &'a Renderer,
    origin: String,
    sitemap: Sitemap,
    report: Report,
    /// An update's plan; `None` for a new site.
    plan: Option<incremental::Plan>,
    /// The state of the store, whose buckets make the dumps' segments.
    state: &'a crate::changes::state::State,
    /// Where the dumps' segments were written.
    ranges: dumps::Ranges,
}

impl<'a> SiteWriter<'a> {
    fn new(
        renderer: &'a Renderer,
        files: Files,
        feed: Option<crate::changes::feed::Feed>,
        state: &'a crate::changes::state::State,
        plan: Option<incremental::Plan>,
    ) -> Self {
        Self {
            files,
            feed,
            renderer,
            origin: renderer.base_origin().to_owned(),
            sitemap: Sitemap::default(),
            report: Report::default(),
            plan,
            state,
            ranges: dumps::Ranges::default(),
        }
    }

    fn view(&self) -> View<'_> {
        View::new(self.renderer, Vec::new(), None)
    }

    /// Writes `bytes` at the site path `path` (which starts with `/`).
    fn file(&mut self, path: &str, bytes: &[u8]) -> Result<(), Written> {
        let (files, size) = self.files.write(path, bytes)?;
        self.report.files += files;
        self.report.bytes += size;
        Ok(())
    }

    /// Removes the file at the site path `path`, in an update, if it is there.
    fn removed(&mut self, path: &str) -> Result<bool, Written> {
        let removed = self.files.is_update() && self.files.remove(path)?;
        self.report.removed += usize::from(removed);
        Ok(removed)
    }

    /// Whether the sitemaps are written: always for a new site, for an update where things came or went.
    fn listing(&self) -> bool {
        self.plan.as_ref().is_none_or(|p| p.relist)
    }

    /// Adds the page at site path `path` to the sitemap.
    fn listed(&mut self, path: &str) -> Result<(), Written> {
        if !self.listing() {
            return Ok(());
        }
        self.sitemap.urls.push(format!("{}{path}", self.origin));
        if self.sitemap.urls.len() == SITEMAP_URLS {
            self.flush_sitemap()?;
        }
        Ok(())
    }

    fn flush_sitemap(&mut self) -> Result<(), Written> {
        if self.sitemap.urls.is_empty() {
            return Ok(());
        }
        self.sitemap.files += 1;
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for url in self.sitemap.urls.drain(..) {
            xml.push_str("  <url><loc>");
            xml.push_str(&xml_escape(&url));
            xml.push_str("</loc></url>\n");
        }
        xml.push_str("</urlset>\n");
        let path = format!("/sitemap-{}.xml", self.sitemap.files);
        self.file(&path, xml.as_bytes())
    }

    fn write_all(&mut self, progress: &(dyn Fn(usize) + Sync)) -> Result<(), Written> {
        let renderer = self.renderer;
        self.file(&format!("/{}", target::MARKER), target::MARKER_TEXT.as_bytes())?;
        self.file(paths::STYLE, render::STYLE.as_bytes())?;
        self.file(paths::QUERY_JS, render::QUERY_JS.as_bytes())?;
        let context = crate::rdf::jsonld::context_document(&renderer.minter().prefixes());
        self.file(paths::CONTEXT, &context)?;
        let landing = render::landing(&self.view(), None).into_string();
        self.file("/index.html", landing.as_bytes())?;
        self.listed(paths::HOME)?;
        let not_found = render::not_found("Nothing is published at this address.").into_string();
        self.file("/404.html", not_found.as_bytes())?;
        let search = render::search_unavailable(&self.view()).into_string();
        self.file(&format!("{}.html", paths::SEARCH), search.as_bytes())?;
        self.queries()?;
        self.classes()?;
        self.described()?;
        self.about_the_graph()?;
        self.feed_documents()?;
        self.things(progress)?;
        if self.listing() {
            self.sitemap_index()?;
        }
        let base_path = renderer.base_path().to_owned();
        self.file("/.htaccess", config::htaccess(&base_path).as_bytes())?;
        self.file("/nginx.conf", config::nginx(&base_path).as_bytes())?;
        Ok(())
    }

    /// The last sitemap file and the index of them all; an update removes the files past them.
    fn sitemap_index(&mut self) -> Result<(), Written> {
        self.flush_sitemap()?;
        self.report.sitemaps = self.sitemap.files;
        let mut stale = self.sitemap.files + 1;
        while self.removed(&format!("/sitemap-{stale}.xml"))? {
            stale += 1;
        }
        let mut index = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for n in 1..=self.sitemap.files {
            let loc = xml_escape(&format!("{}/sitemap-{n}.xml", self.origin));
            index.push_str("  <sitemap><loc>");
            index.push_str(&loc);
            index.push_str("</loc></sitemap>\n");
        }
        index.push_str("</sitemapindex>\n");
        self.file("/sitemap.xml", index.as_bytes())
    }

    /// `query/index.html` and each bundled query's page, with its results as of now, and beside the page of one
    /// without parameters its results as files in each download format. The queries run side by side, one per
    /// core; an update runs only those whose answer may have changed ([`Plan::may_change`]).
    fn queries(&mut self) -> Result<(), Written> {
        let renderer = self.renderer;
        let (index, _) = render::query_page(&self.view(), &example_form(None, &[]));
        self.file(&format!("{}/index.html", paths::QUERY), index.into_string().as_bytes())?;
        self.listed(&format!("{}/", paths::QUERY))?;
        let plan = self.plan.as_ref();
        let run: Vec<&crate::query::QueryDef> = renderer
            .queries()
            .iter()
            .filter(|def| plan.is_none_or(|p| p.may_change(renderer, def)))
            .collect();
        let files = &self.files;
        let pages: Vec<Result<(String, Counts), Written>> = run
            .par_iter()
            .map(|def| {
                let (written, counts) = if def.params.is_empty() {
                    results_files(files, renderer, def)?
                } else {
                    (Vec::new(), Counts::default())
                };
                // A failed query is shown on its page, as the server shows it.
                let view = View::new(renderer, Vec::new(), None);
                let (page, _) = render::query_page(&view, &example_form(Some(def), &written));
                Ok((page.into_string(), counts))
            })
            .collect();
        let mut pages = run.into_iter().zip(pages).peekable();
        for def in renderer.queries() {
            let path = paths::example(&def.name);
            if let Some((_, page)) = pages.next_if(|(ran, _)| std::ptr::eq(*ran, def)) {
                let (html, counts) = page?;
                self.report.files += counts.files;
                self.report.bytes += counts.bytes;
                self.report.removed += counts.removed;
                self.file(&path, html.as_bytes())?;
            }
            self.listed(&path)?;
        }
        Ok(())
    }

    /// The paged index of each class of entities, its members streamed from the store.
    fn classes(&mut self) -> Result<(), Written> {
        let renderer = self.renderer;
        for class in renderer.entity_classes() {
            if self.plan.as_ref().is_some_and(|p| !p.classes.contains(&class)) {
                continue;
            }
            // An update whose changed subjects stay members renders only the pages that list one of them; one that
            // adds or removes members, every page (the later ones shift).
            let only_showing = self
                .plan
                .as_ref()
                .filter(|p| !p.membership.contains(&class))
                .map(|p| p.subjects.clone());
            let mut members = renderer.store().instances(&class).peekable();
            let mut page = 1;
            loop {
                let mut chunk = Vec::with_capacity(CLASS_PAGE.min(1024));
                while chunk.len() < CLASS_PAGE {
                    match members.next() {
                        Some(m) => chunk.push(m?),
                        None => break,
                    }
                }
                if chunk.is_empty() && page > 1 {
                    break;
                }
                let has_next = members.peek().is_some();
                let path = paths::class(&class, page);
                if only_showing
                    .as_ref()
                    .is_none_or(|s| chunk.iter().any(|m| s.contains(m)))
                {
                    let html = render::class_page(&self.view(), &class, page, &chunk, has_next).into_string();
                    self.file(&path, html.as_bytes())?;
                }
                self.listed(&path)?;
                if !has_next {
                    break;
                }
                page += 1;
            }
            let mut stale = page + 1;
            while self.removed(&paths::class(&class, stale))? {
                stale += 1;
            }
        }
        Ok(())
    }

    /// The pages of the terms the graph describes outside the base IRI (the ontology's).
    fn described(&mut self) -> Result<(), Written> {
        let renderer = self.renderer;
        let mut terms: Vec<&NamedNode> = renderer.dataset().described.iter().collect();
        terms.sort();
        for iri in terms {
            let quads = renderer.describe(iri)?;
            if quads.is_empty() {
                continue;
            }
            let html = render::resource(&self.view(), iri, &quads)?.into_string();
            self.file(&paths::describe(iri), html.as_bytes())?;
        }
        Ok(())
    }

    /// The change feed's documents, as N-Quads: `{base path}feed.nq`, `feed/root.nq` and `feed/page/N.nq`, which the
    /// server configurations serve at the documents' IRIs.
    fn feed_documents(&mut self) -> Result<(), Written> {
        let Some(feed) = self.feed.take() else {
            return Ok(());
        };
        let minter = self.renderer.minter().clone();
        let base_path = self.renderer.base_path().to_owned();
        let root = feed.root(&minter);
        self.file(&format!("{base_path}feed.nq"), &root)?;
        self.file(&format!("{base_path}feed/root.nq"), &root)?;
        let mut numbers = BTreeSet::new();
        for page in &feed.pages {
            if let Some(bytes) = feed.page(&minter, page.number)? {
                self.file(&format!("{base_path}feed/page/{}.nq", page.number), &bytes)?;
                numbers.insert(page.number);
            }
        }
        self.feed = Some(feed);
        if self.files.is_update() {
            // Pages the retention dropped since the earlier site.
            let dir = format!("{base_path}feed/page");
            let listed = target::inside(self.files.root(), &dir)
                .ok()
                .and_then(|d| fs::read_dir(d).ok())
                .into_iter()
                .flatten()
                .flatten();
            let stale: Vec<String> = listed
                .filter_map(|e| {
                    let name = e.file_name().into_string().ok()?;
                    let number: u64 = name.strip_suffix(".nq")?.parse().ok()?;
                    (!numbers.contains(&number)).then(|| format!("{dir}/{name}"))
                })
                .collect();
            for path in stale {
                self.removed(&path)?;
            }
        }
        Ok(())
    }

    /// The dataset description and the whole graph, in every format.
    fn about_the_graph(&mut self) -> Result<(), Written> {
        let renderer = self.renderer;
        let stream = self
            .feed
            .as_ref()
            .map(|_| crate::changes::feed::Feed::stream(renderer.minter()));
        let void = renderer
            .dataset()
            .void_quads(Some(&self.origin), false, stream.as_ref());
        for document in DOCUMENTS {
            if let Document::Rdf(format) = document {
                let bytes = renderer.serialize(&void, format)?;
                self.file(&format!("{}.{}", paths::VOID, format.extension()), &bytes)?;
            }
        }
        let earlier = self.plan.as_ref().and_then(|p| p.dumps.as_ref());
        let earlier = earlier.map(|(root, ranges, changed)| dumps::Earlier { root, ranges, changed });
        let (ranges, files, bytes) = dumps::write(&self.files, renderer, self.state, earlier.as_ref())?;
        self.ranges = ranges;
        self.report.files += files;
        self.report.bytes += bytes;
        Ok(())
    }

    /// Every thing minted under the base: its page and its documents, in batches rendered on every core. An update
    /// renders the things of its plan, and lists every thing only when things came or went.
    fn things(&mut self, progress: &(dyn Fn(usize) + Sync)) -> Result<(), Written> {
        let renderer = self.renderer;
        let (named, default) = renderer.store().graph_names()?;
        let graphs: Vec<GraphName> = default
            .then_some(GraphName::DefaultGraph)
            .into_iter()
            .chain(named.into_iter().map(GraphName::NamedNode))
            .collect();
        if let Some(plan) = self.plan.take() {
            if plan.relist {
                for thing in things(renderer) {
                    let (iri, graph) = thing?;
                    if things::listed(renderer, &graphs, &iri, graph.as_ref())?
                        && let Some(path) = renderer.page_path(&iri)
                    {
                        self.listed(&format!("{path}.html"))?;
                    }
                }
            }
            let mut done = 0;
            for batch in plan.things.chunks(BATCH) {
                let written: Vec<Result<(String, ThingWritten), Written>> = batch
                    .par_iter()
                    .filter_map(|iri| renderer.page_path(iri).map(|path| (iri, path)))
                    .map(|(iri, path)| {
                        let graph = first_graph(renderer, &graphs, iri)?;
                        // Where the links to it stayed, only its pages of mentions that show a changed thing.
                        let mentions = (!plan.linked.contains(iri)).then_some(&plan.subjects);
                        let written = match graph {
                            Some(graph) => write_thing(&self.files, renderer, &graphs, iri, Some(&graph), mentions)?,
                            None => ThingWritten::default(),
                        };
                        Ok((path, written))
                    })
                    .collect();
                for result in written {
                    let (path, written) = result?;
                    self.report.things += usize::from(written.documented);
                    self.report.files += written.files;
                    self.report.bytes += written.bytes;
                    self.report.removed += remove_stale(&self.files, &path, written.documented, written.mention_pages)?;
                }
                done += batch.len();
                progress(done);
            }
            self.plan = Some(plan);
            return Ok(());
        }
        let mut batch: Vec<(NamedNode, Option<GraphName>)> = Vec::with_capacity(BATCH);
        let mut done = 0;
        let mut flush = |writer: &mut Self, batch: &mut Vec<(NamedNode, Option<GraphName>)>| -> Result<(), Written> {
            let written: Vec<Result<ThingWritten, Written>> = batch
                .par_iter()
                .map(|(iri, graph)| write_thing(&writer.files, renderer, &graphs, iri, graph.as_ref(), None))
                .collect();
            for ((iri, _), result) in batch.iter().zip(written) {
                let written = result?;
                if written.documented {
                    writer.report.things += 1;
                    writer.report.files += written.files;
                    writer.report.bytes += written.bytes;
                    if let Some(path) = renderer.page_path(iri) {
                        writer.listed(&format!("{path}.html"))?;
                    }
                }
            }
            done += batch.len();
            progress(done);
            batch.clear();
            Ok(())
        };
        for thing in things(renderer) {
            batch.push(thing?);
            if batch.len() == BATCH {
                flush(self, &mut batch)?;
            }
        }
        flush(self, &mut batch)
    }
}

/// Files written, bytes written and files removed.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    files: usize,
    bytes: u64,
    removed: usize,
}

/// The results of the bundled query `def` in each download format of its form, as files beside its page, from one
/// run; the extensions written. A query that fails writes none (its page shows the failure).
fn results_files(
    files: &Files,
    renderer: &Renderer,
    def: &crate::query::QueryDef,
) -> Result<(Vec<&'static str>, Counts), Written> {
    let mut made: Vec<&'static str> = Vec::new();
    let mut counts = Counts::default();
    // A file that cannot be made stops the site (as any other); the query's own failure only its downloads.
    let mut unmade: Option<Written> = None;
    let ran = renderer.write_example(def, |form| {
        let mut out = Vec::new();
        for download in render::downloads(form == Form::Graph) {
            let path = paths::example_results(&def.name, download.extension());
            match files.create(&path) {
                Ok(pending) => {
                    out.push((download.writing, pending));
                    made.push(download.extension());
                }
                Err(e) => {
                    unmade = Some(e);
                    return Err(io::Error::other("a file of the site cannot be made"));
                }
            }
        }
        Ok(out)
    });
    if let Some(e) = unmade {
        return Err(e);
    }
    let Ok(pending) = ran else {
        // What a new site made of them, or an earlier site holds, goes: the page says the query failed.
        for download in render::downloads(false).iter().chain(render::downloads(true).iter()) {
            let path = paths::example_results(&def.name, download.extension());
            counts.removed += usize::from(files.remove(&path)?);
        }
        return Ok((Vec::new(), counts));
    };
    for pending in pending {
        let (n, bytes) = files.finish(pending)?;
        counts.files += n;
        counts.bytes += bytes;
    }
    Ok((made, counts))
}

/// The query page of a bundled query (or the query index), as a static site shows it: no text sent, page 1.
fn example_form<'a>(example: Option<&'a crate::query::QueryDef>, written: &'a [&'a str]) -> QueryForm<'a> {
    QueryForm {
        example,
        sent: None,
        params: Vec::new(),
        page: 1,
        language: None,
        written,
    }
}

/// `text` with XML's five special characters escaped.
fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use oxigraph::model::{Literal, Quad};

    use super::written::write_file;
    use super::*;
    use crate::rdf::iri::{DEFAULT_BASE_IRI, Minter};
    use crate::store::GraphStore;
    use crate::web::render::{Links, Options};

    /// A renderer of the bundled graph with `extra` quads.
    fn renderer(extra: impl Fn(&Minter) -> Vec<Quad>) -> Renderer {
        let minter = Minter::new(DEFAULT_BASE_IRI).unwrap();
        let mut quads = crate::build::pipeline::build(&crate::build::pipeline::repository_project(), &minter)
            .unwrap()
            .quads;
        quads.extend(extra(&minter));
        let store = GraphStore::in_memory(&quads).unwrap();
        let engine = crate::query::sparql::Engine::new(&minter);
        let options = Options {
            links: Links::Static,
            page_rows: 1000,
            summary_wait: None,
        };
        Renderer::new(Arc::new(store), minter, engine, Vec::new(), options).unwrap()
    }

    fn label(iri: &str, text: &str, graph: NamedNode) -> Quad {
        Quad::new(
            NamedNode::new(iri).unwrap(),
            crate::rdf::vocab::rdfs::LABEL,
            Literal::new_simple_literal(text),
            graph,
        )
    }

    #[test]
    fn a_thing_whose_path_leads_out_stops_the_site_and_nothing_is_written_outside() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a/b/public");
        let renderer = renderer(|m| {
            vec![label(
                &format!("{}x/../../../../PWNED", m.base()),
                "dots",
                m.graph(crate::rdf::iri::GraphKind::Data),
            )]
        });
        let target = Target::check(&out, &[]).unwrap();
        let error = write(&renderer, &target, &super::Options::default(), &|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("/powkg/x/../../../../PWNED") && error.contains("\"..\" segment"),
            "{error}"
        );
        let written: Vec<_> = walk(dir.path())
            .into_iter()
            .filter(|p| p.to_string_lossy().contains("PWNED"))
            .collect();
        assert!(written.is_empty(), "{written:?}");
        assert!(!out.exists(), "a refused site leaves nothing at --out");
    }

    #[test]
    fn a_thing_in_several_graphs_is_written_once_and_the_site_is_marked() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let renderer = renderer(|m| {
            let other = NamedNode::new(format!("{}graph/other", m.base())).unwrap();
            let thing = m.entity("in-two-graphs");
            vec![
                label(thing.as_str(), "label-in-the-other-graph", other),
                label(
                    thing.as_str(),
                    "label-in-the-data-graph",
                    m.graph(crate::rdf::iri::GraphKind::Data),
                ),
            ]
        });
        let target = Target::check(&out, &[]).unwrap();
        // Written twice, the second write of its files would be refused as a name clash.
        write(&renderer, &target, &super::Options::default(), &|_| ()).unwrap();
        let page = fs::read_to_string(out.join("powkg/entity/in-two-graphs.html")).unwrap();
        assert!(page.contains("label-in-the-other-graph") && page.contains("label-in-the-data-graph"));
        assert_eq!(
            fs::read_to_string(out.join(target::MARKER)).unwrap(),
            target::MARKER_TEXT
        );
    }

    #[test]
    fn a_file_already_at_a_path_is_a_name_clash_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_file(dir.path(), "/powkg/entity/Ab.html", b"first").is_ok());
        // What a file system that does not tell case apart does with `ab.html` after `Ab.html`.
        let Err(Written::Refused(error)) = write_file(dir.path(), "/powkg/entity/Ab.html", b"second") else {
            panic!("a second file at one path is refused");
        };
        assert!(error.to_string().contains("differ only in case"), "{error}");
        assert_eq!(fs::read(dir.path().join("powkg/entity/Ab.html")).unwrap(), b"first");
    }

    fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            }
            out.push(path);
        }
        out
    }
}
