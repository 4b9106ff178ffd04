//! The HTML pages: plain, accessible markup (landmarks, headings, captioned tables, `lang` on every literal), no
//! JavaScript needed. Labels come in the languages the reader asked for (`?lang=`, then `Accept-Language`), falling
//! back to English, then to any. The query page is a form that the server answers with a table; its small script
//! only adds keyboard shortcuts.

use std::collections::{BTreeMap, HashMap, HashSet};

use maud::{DOCTYPE, Markup, html};
use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Quad, Term, Variable};
use oxigraph::sparql::{QueryResults, QuerySolution};

use super::dataset::{Figure, Listing, Role, Summary};
use super::describe::{DOCUMENTS, Document};
use super::{Failure, Links, Renderer, paths};
use crate::build::model::Date;
use crate::query::results::{self, Writing};
use crate::rdf::iri::IriKind;
use crate::rdf::vocab::{dcterms, owl, pk, pkpr, pr, prov, rdf, rdfs, schema, skos, wd, wikibase, xsd};

/// The query the query page opens with.
const STARTER_QUERY: &str = "# The entities and their English labels. The graph's prefixes (wikibase:, pk:, wd:, \
rdfs:, …) are predeclared.\nSELECT ?entity ?label WHERE {\n  ?entity a wikibase:Item ;\n          rdfs:label ?label .\n  \
FILTER(LANG(?label) = \"en\")\n}\nORDER BY ?label\n";

/// Most links into a thing that its page follows ("Mentioned by"); the others are counted and left to a query.
pub const MENTIONS: usize = 300;

/// Predicates that name a thing, in order of preference.
const NAMING: [oxigraph::model::NamedNodeRef<'static>; 3] = [rdfs::LABEL, skos::PREF_LABEL, dcterms::TITLE];

/// What one page is rendered for: the renderer, the reader's languages and the `lang` parameter links carry on.
pub struct View<'a> {
    r: &'a Renderer,
    languages: Vec<String>,
    lang_query: String,
}

impl<'a> View<'a> {
    /// A view for a reader who wants `languages` (most wanted first), asked for with a `lang` parameter that the
    /// server's links carry on (a static site has one page per thing, in the languages the site was built for).
    pub fn new(r: &'a Renderer, languages: Vec<String>, lang_param: Option<&str>) -> Self {
        let lang_query = match (r.links(), lang_param) {
            (Links::Server, Some(l)) => format!(
                "?lang={}",
                form_urlencoded::byte_serialize(l.as_bytes()).collect::<String>()
            ),
            _ => String::new(),
        };
        Self {
            r,
            languages,
            lang_query,
        }
    }

    /// The literal that best fits the reader's languages.
    fn best<'l>(&self, literals: impl IntoIterator<Item = &'l Literal>) -> Option<&'l Literal> {
        literals
            .into_iter()
            .min_by_key(|l| (language_rank(l.language().unwrap_or(""), &self.languages), l.value()))
    }

    /// A thing's name: its label, preferred label or title; a family predicate's is its property's.
    fn name(&self, iri: &NamedNode) -> Option<Literal> {
        let subject = self.r.dataset.roles.get(iri).map_or(iri, |(property, _)| property);
        // Only the naming triples are read: a page of a thousand links reads a thousand names.
        NAMING.iter().find_map(|p| {
            let names: Vec<Literal> = self
                .r
                .store
                .objects(subject.as_ref(), *p)
                .ok()?
                .into_iter()
                .filter_map(|o| match o {
                    Term::Literal(l) => Some(l),
                    _ => None,
                })
                .collect();
            self.best(&names).cloned()
        })
    }

    /// `prefix:local` for a known namespace, else the IRI.
    fn short(&self, iri: &NamedNode) -> String {
        crate::rdf::iri::shorten(iri.as_str(), &self.r.minter.prefixes()).unwrap_or_else(|| iri.as_str().to_owned())
    }

    /// Where a link to `iri` goes: its page here when the graph describes it, else the IRI itself when it is an
    /// http(s) IRI; `None` for any other scheme (`javascript:`, `data:`, …), which is shown, never linked.
    fn href(&self, iri: &NamedNode) -> Option<String> {
        let s = self.r;
        if let Some(path) = iri.as_str().strip_prefix(&s.base_origin)
            && path.starts_with(&s.base_path)
            && !path.contains('#')
        {
            return Some(format!("{path}.html{}", self.lang_query));
        }
        if s.dataset.described.contains(iri) {
            return Some(format!("{}{}", paths::describe(iri), self.lang_query));
        }
        linkable(iri.as_str()).then(|| iri.as_str().to_owned())
    }

    fn link(&self, iri: &NamedNode) -> Markup {
        let text = self.name(iri);
        let shown = html! {
            @match &text {
                Some(l) => span lang=[l.language()] { (l.value()) },
                None => (self.short(iri)),
            }
        };
        anchor(self.href(iri).as_deref(), iri.as_str(), &shown)
    }

    fn literal(&self, literal: &Literal) -> Markup {
        let datatype = literal.datatype();
        let numeric = [crate::rdf::vocab::xsd::DECIMAL, crate::rdf::vocab::xsd::INTEGER].contains(&datatype);
        let shown = if numeric {
            group_digits(literal.value())
        } else {
            literal.value().to_owned()
        };
        html! { span class=[numeric.then_some("number")] lang=[literal.language()] title=[(!numeric && literal.language().is_none()).then(|| self.short(&datatype.into_owned()))] { (shown) } }
    }

    // Blank nodes (and, with RDF 1.2, triple terms) are shown as written.
    #[allow(clippy::match_wildcard_for_single_variants)]
    fn term(&self, term: &Term) -> Markup {
        match term {
            Term::NamedNode(n) => self.link(n),
            Term::Literal(l) => self.literal(l),
            other => html! { (other.to_string()) },
        }
    }

    fn layout(&self, title: &str, title_lang: Option<&str>, body: &Markup) -> Markup {
        self.layout_with(title, title_lang, &html! {}, body)
    }

    /// The search form of every page's header: the server answers it; a static site has no search (yet) and says
    /// so on the page it links to.
    fn search_box() -> Markup {
        html! {
            form.search role="search" method="get" action=(paths::SEARCH) {
                label for="search-q" { "Search names" }
                input #search-q type="search" name="q" placeholder="e.g. Lascar, Karlag";
                button type="submit" { "Search" }
            }
        }
    }

    /// The page frame, with `head` added to the document's head (alternate links, JSON-LD).
    fn layout_with(&self, title: &str, title_lang: Option<&str>, head: &Markup, body: &Markup) -> Markup {
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title lang=[title_lang] { (title) " — powkg" }
                    link rel="stylesheet" href=(paths::STYLE);
                    link rel="icon" href="data:,";
                    (head)
                }
                body {
                    a.skip href="#main" { "Skip to content" }
                    header {
                        nav aria-label="Site" {
                            ul {
                                li { a href={ (paths::HOME) (self.lang_query) } { "Dataset" } }
                                li { a href=(paths::QUERY) { "Query" } }
                                @if self.r.links() == Links::Server { li { a href=(paths::SPARQL) { "SPARQL endpoint" } } }
                                li { a href=(paths::VOID) { "VoID" } }
                                li { a href=(paths::DUMP) { "Dump" } }
                            }
                        }
                        (Self::search_box())
                    }
                    main #main { (body) }
                    footer {
                        p {
                            @if let Some(licence) = &self.r.dataset.licence {
                                "Licence: " (external(licence.as_str(), "license", &html! { (licence.as_str()) })) ". "
                            }
                            @for rights in &self.r.dataset.rights { (rights.value()) }
                        }
                        @if self.r.links() == Links::Server {
                            p { "Languages: "
                                @for (i, lang) in ["en", "it", "ro"].iter().enumerate() {
                                    @if i > 0 { " · " }
                                    a href={ "?lang=" (lang) } hreflang=(lang) { (lang) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// How well a literal's language `tag` serves the wanted languages: a lower rank is better. An exact match of the
/// n-th wanted tag ranks 2n, a match of its primary subtag (`it` for `it-CH`, or `it-CH` for `it`) 2n+1; then
/// English; then anything.
pub fn language_rank(tag: &str, wanted: &[String]) -> usize {
    let primary = |t: &str| t.split('-').next().unwrap_or(t).to_ascii_lowercase();
    for (n, w) in wanted.iter().enumerate() {
        if tag.eq_ignore_ascii_case(w) {
            return 2 * n;
        }
        if primary(tag) == primary(w) {
            return 2 * n + 1;
        }
    }
    if primary(tag) == "en" {
        2 * wanted.len()
    } else {
        2 * wanted.len() + 1
    }
}

/// Whether `iri` may be a link's target: only `http:` and `https:` IRIs are. An IRI of the graph or of a query's
/// results can have any scheme, and a `javascript:` one made clickable would run script on this origin.
pub fn linkable(iri: &str) -> bool {
    iri.split_once(':').is_some_and(|(scheme, rest)| {
        (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) && rest.starts_with("//")
    })
}

/// `shown` as a link to `href` (titled `title`), or as plain text titled with it when there is no safe target:
/// every IRI a page renders goes through here or [`external`].
fn anchor(href: Option<&str>, title: &str, shown: &Markup) -> Markup {
    html! {
        @match href {
            Some(href) => a href=(href) title=(title) { (shown) },
            None => span.iri title=(title) { (shown) },
        }
    }
}

/// A link to an IRI outside this server (a licence, Wikidata), shown as `shown`; plain text unless http(s).
fn external(iri: &str, rel: &str, shown: &Markup) -> Markup {
    html! {
        @if linkable(iri) { a rel=(rel) href=(iri) { (shown) } } @else { span.iri { (shown) } }
    }
}

/// `12345.0` as `12,345.0`.
fn group_digits(value: &str) -> String {
    let (sign, rest) = value.strip_prefix('-').map_or(("", value), |r| ("-", r));
    let (whole, fraction) = rest.split_once('.').map_or((rest, None), |(w, f)| (w, Some(f)));
    if !whole.bytes().all(|b| b.is_ascii_digit()) {
        return value.to_owned();
    }
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A count as shown: grouped digits, or why it is missing.
fn figure(n: &Figure) -> Markup {
    match n {
        Ok(n) => html! { (group_digits(&n.to_string())) },
        Err(why) => html! { span.detail title=(why) { "not counted" } },
    }
}

/// Most rows counted past a page of query results to give the total; beyond, the page says "more than".
const COUNTED: usize = 100_000;

/// The query page running `query`.
fn query_href(query: &str) -> String {
    format!(
        "{}?query={}",
        paths::QUERY,
        form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
    )
}

impl View<'_> {
    /// A link that runs `query` on the query page; on a static site, where no query runs, the query's text.
    fn query_link(&self, query: &str, text: &str) -> Markup {
        match self.r.links() {
            Links::Server => html! { a href=(query_href(query)) { (text) } },
            Links::Static => html! { (text) " (" code { (query) } ")" },
        }
    }

    /// After a bounded list: how many more there are, and where the rest are (`rest`: a page of their own, or a
    /// query listing them).
    fn more(&self, listing: &Listing, rest: &Rest<'_>) -> Markup {
        let shown = listing.members.len();
        let link = |text: &str| match rest {
            Rest::Page(href) => html! { a href=(href) { (text) } },
            Rest::Query(query) => self.query_link(query, text),
        };
        html! {
            @match &listing.count {
                Ok(n) if *n > shown => p.more { "… and " (group_digits(&(n - shown).to_string())) " more: "
                    (link("list them all")) "." },
                Ok(_) => {},
                Err(why) => p.more { "Not counted (" (why) "): " (link("list them")) "." },
            }
        }
    }
}

/// Where the rest of a bounded list is.
enum Rest<'q> {
    /// A page listing them all, paged.
    Page(String),
    /// A query listing them all.
    Query(&'q str),
}

/// The page of something unknown.
pub fn not_found(message: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head { meta charset="utf-8"; title { "Not found — powkg" } link rel="stylesheet" href=(paths::STYLE); link rel="icon" href="data:,"; }
            body { main { h1 { "Not found" } p { (message) } p { a href=(paths::HOME) { "The dataset's home page" } } } }
        }
    }
}

/// The landing page; `endpoint` is the SPARQL endpoint's absolute address when there is one (the server's).
pub fn landing(view: &View<'_>, endpoint: Option<&str>) -> Markup {
    let r = view.r;
    let site = &r.dataset;
    let summary = r.summary();
    let title = view.best(&site.titles).map_or("powkg", Literal::value);
    let body = html! {
        h1 lang=[view.best(&site.titles).and_then(Literal::language)] { (title) }
        @if let Some(d) = view.best(&site.descriptions) { p.lead lang=[d.language()] { (d.value()) } }
        section aria-labelledby="licence" {
            h2 #licence { "Licence and attribution" }
            @if let Some(licence) = &site.licence {
                p { "The data is published under " (external(licence.as_str(), "license", &html! { (licence.as_str()) })) "." }
            }
            @for rights in &site.rights { p { (rights.value()) } }
            @if let Some(created) = &site.created { p { "Curated set dated " (created) "." } }
        }
        section aria-labelledby="use" {
            h2 #use { "Use the data" }
            ul {
                @if let Some(endpoint) = endpoint {
                    li { a href=(paths::QUERY) { "Query page" } ": write SPARQL and see the results as a table, with the bundled queries as examples." }
                    li { "SPARQL 1.1 endpoint: " code { (endpoint) } " (GET or POST; results in JSON, XML, CSV, TSV; graphs in Turtle, N-Triples, JSON-LD, RDF/XML)." }
                } @else {
                    li { a href=(paths::QUERY) { "The bundled queries" } ", with their results as of this site's build." }
                }
                li { a href=(paths::DUMP) { "The whole graph" } ": Turtle by default; N-Quads, TriG, N-Triples, JSON-LD or RDF/XML by " code { "Accept" } ", or as files: "
                    @for (i, format) in crate::rdf::format::DUMP_FORMATS.iter().enumerate() {
                        @if i > 0 { ", " }
                        a href={ (paths::DUMP) "." (format.extension()) } type=(format.media_type()) { (format.info().title) }
                    }
                    "." }
                li { a href=(paths::VOID) { "Dataset description" } " (VoID and DCAT)." }
            }
        }
        @if let Some(summary) = &summary {
            (summary_sections(view, summary))
        } @else {
            section aria-labelledby="counts" {
                h2 #counts { "Counts" }
                p { "The counts and the lists of entities and sources are being computed (the graph is large): "
                    "reload this page in a moment." }
            }
        }
    };
    let head = super::schema_org::block(&super::schema_org::dataset(r, &site.sources()));
    view.layout_with(title, None, &head, &body)
}

/// The landing page's counts, entities by class and sources.
fn summary_sections(view: &View<'_>, summary: &Summary) -> Markup {
    let sources_query = format!(
        "SELECT ?source WHERE {{ ?source a {} }}",
        view.r.minter.term(pk::SOURCE)
    );
    html! {
        section aria-labelledby="counts" {
            h2 #counts { "Counts" }
            table {
                caption { "What the graph holds" }
                thead { tr { th scope="col" { "What" } th scope="col" class="num" { "Number" } } }
                tbody {
                    @for (name, n) in &summary.counts {
                        tr { th scope="row" { (name) } td.num { (figure(n)) } }
                    }
                }
            }
        }
        @if let Ok(events) = &summary.timeline {
            @if !events.is_empty() {
                section aria-labelledby="timeline" {
                    h2 #timeline { "Timeline" }
                    @let charted: Vec<super::charts::Event> = events.iter().map(|(_, label, date)| super::charts::Event {
                        label: label.clone(),
                        date: *date,
                    }).collect();
                    figure.chart {
                        (super::charts::timeline("The dated statements, 1940 to 1956", &charted, super::dataset::TIMELINE.0, super::dataset::TIMELINE.1))
                        figcaption { "Each statement over the span its date gives: a day, a month or a year." }
                    }
                    details {
                        summary { "The same as a table" }
                        table {
                            caption { "The dated statements, 1940 to 1956" }
                            thead { tr { th scope="col" { "When" } th scope="col" { "Statement" } } }
                            tbody {
                                @for (statement, label, date) in events {
                                    tr { td { time datetime=(date.to_string()) { (date.in_words()) } } td { (anchor(view.href(statement).as_deref(), statement.as_str(), &html! { (label) })) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="entities" {
            h2 #entities { "Entities" }
            @match &summary.classes {
                Err(why) => p { "The entities could not be listed: " (why) },
                Ok(classes) => {
                    @for group in classes {
                        h3 { (view.link(&group.class)) " (" (figure(&group.entities.count)) ")" }
                        ul.columns {
                            @for member in &group.entities.members {
                                li { (view.link(member)) }
                            }
                        }
                        (view.more(&group.entities, &Rest::Page(paths::class(&group.class, 1))))
                    }
                },
            }
        }
        section aria-labelledby="sources" {
            h2 #sources { "Sources" }
            ul {
                @for source in &summary.sources.members {
                    li { (view.link(source)) }
                }
            }
            (view.more(&summary.sources, &Rest::Query(&sources_query)))
        }
    }
}

/// The search page of a static site, which has no server to search with.
pub fn search_unavailable(view: &View<'_>) -> Markup {
    let body = html! {
        h1 { "Search" }
        p { "This copy of the dataset is a static site: it has no server to search with. Search names with "
            code { "powkg search" } " or on a " code { "powkg serve" } " endpoint, or browse the "
            a href=(paths::HOME) { "entities by class" } "." }
    };
    view.layout("Search", None, &body)
}

impl Renderer {
    /// The hits of the search index for `query`, only things of `class` (a name the search reads, see
    /// [`crate::search::class_iri`]) when one is given; a bad query or class is the reader's to fix.
    pub fn search(
        &self,
        query: &str,
        class: Option<&str>,
        language: Option<&str>,
        limit: usize,
    ) -> Result<Vec<crate::search::Hit>, Failure> {
        let index = self.engine.search_index().map_err(Failure::Unavailable)?;
        let class = class
            .filter(|c| !c.trim().is_empty())
            .map(|c| crate::search::class_iri(c, &self.minter))
            .transpose()
            .map_err(|e| Failure::BadInput(format!("class {e}")))?;
        index
            .search(&crate::search::Request {
                query,
                limit,
                class: class.as_deref(),
                language,
            })
            .map_err(|e| match e {
                crate::search::SearchError::Query(m) => Failure::BadInput(m),
                other => Failure::Internal(other.to_string()),
            })
    }
}

/// Most hits the search page shows.
pub const SEARCH_HITS: usize = 50;

/// The search page: the form and, when a query was given, its hits (label, class, the matched text with the
/// words marked, the IRI), or why there are none.
pub fn search_page(view: &View<'_>, query: Option<&str>, class: Option<&str>) -> (Markup, Option<Failure>) {
    let r = view.r;
    let asked = query.map(str::trim).filter(|q| !q.is_empty());
    let language = view.languages.first().map(String::as_str);
    let hits = asked.map(|q| r.search(q, class, language, SEARCH_HITS));
    let failure = match &hits {
        Some(Err(f)) => Some(f.clone()),
        _ => None,
    };
    let body = html! {
        h1 { "Search" }
        form.search-page role="search" method="get" action=(paths::SEARCH) {
            label for="search-page-q" { "Names, places, units, sources or quoted words" }
            input #search-page-q type="search" name="q" value=[asked] aria-describedby="search-help";
            label for="search-class" { "Class (optional)" }
            input #search-class name="class" value=[class] placeholder="e.g. Person, Camp, MilitaryUnit";
            button type="submit" { "Search" }
            p #search-help.help { "Case, diacritics (ș and ş alike) and punctuation do not matter; a word of five letters or more may have one typo. Every word must match." }
        }
        @if let Some(hits) = &hits {
            section aria-labelledby="hits" aria-live="polite" {
                h2 #hits { "Results" }
                @match hits {
                    Err(failure) => div.error role="alert" { p { (failure.message()) } },
                    Ok(hits) if hits.is_empty() => p { "Nothing matches." },
                    Ok(hits) => {
                        p { (hits.len()) " thing" @if hits.len() != 1 { "s" } " found" @if hits.len() == SEARCH_HITS { " (the best " (SEARCH_HITS) ")" } "." }
                        ol.hits {
                            @for hit in hits {
                                @let iri = NamedNode::new_unchecked(hit.iri.clone());
                                @let class = NamedNode::new_unchecked(hit.class.clone());
                                li {
                                    p.hit { (view.link(&iri)) " " span.detail { "(" (view.link(&class)) ")" } }
                                    p.snippet { @for (piece, marked) in hit.snippet.pieces() { @if marked { mark { (piece) } } @else { (piece) } } }
                                }
                            }
                        }
                    },
                }
            }
        }
    };
    (view.layout("Search", None, &body), failure)
}

/// Links listed on one page of what points at a thing.
pub const MENTIONS_PAGE: usize = 1000;

/// One page (from 1) of the links to `iri`: who points at it and with which predicate, in the store's order, read
/// by the caller; with the count of all when known and links to the pages before and after.
pub fn mentions_page(
    view: &View<'_>,
    iri: &NamedNode,
    page: usize,
    links: &[(NamedNode, NamedNode)],
    has_next: bool,
) -> Markup {
    let name = view.name(iri).map_or_else(|| view.short(iri), |l| l.value().to_owned());
    let path = view.r.page_path(iri).unwrap_or_default();
    let first = (page - 1) * MENTIONS_PAGE + 1;
    let body = html! {
        h1 { "Links to " (view.link(iri)) ", page " (page) }
        p { "Links " (group_digits(&first.to_string())) " to " (group_digits(&(first + links.len()).saturating_sub(1).to_string())) ", in the store's order." }
        (pager(page > 1, has_next, &|n| paths::mentions(&path, n), page))
        ul.links { @for (who, how) in links { li { (view.link(who)) " — " (view.link(how)) } } }
        (pager(page > 1, has_next, &|n| paths::mentions(&path, n), page))
    };
    view.layout(&format!("Links to {name}: page {page}"), None, &body)
}

/// Entities listed on one page of a class's index.
pub const CLASS_PAGE: usize = 1000;

/// One page (from 1) of a class's index: its entities in the store's order, with links to the pages before and
/// after. The members are read by the caller (the server skips to the page; a static site streams them once).
pub fn class_page(view: &View<'_>, class: &NamedNode, page: usize, members: &[NamedNode], has_next: bool) -> Markup {
    let name = view
        .name(class)
        .map_or_else(|| view.short(class), |l| l.value().to_owned());
    let title = format!("{name}: page {page}");
    let first = (page - 1) * CLASS_PAGE + 1;
    let body = html! {
        h1 { (view.link(class)) ", page " (page) }
        p { "Entities " (group_digits(&first.to_string())) " to " (group_digits(&(first + members.len()).saturating_sub(1).to_string())) ", in the store's order." }
        (pager(page > 1, has_next, &|n| paths::class(class, n), page))
        ul.columns { @for m in members { li { (view.link(m)) } } }
        (pager(page > 1, has_next, &|n| paths::class(class, n), page))
    };
    view.layout(&title, None, &body)
}

/// Previous and next links between numbered pages.
fn pager(has_previous: bool, has_next: bool, href: &dyn Fn(usize) -> String, page: usize) -> Markup {
    html! {
        @if has_previous || has_next {
            nav.pager aria-label="Pages" {
                @if has_previous { a rel="prev" href=(href(page - 1)) { "← previous" } " " }
                span { "page " (page) }
                @if has_next { " " a rel="next" href=(href(page + 1)) { "next →" } }
            }
        }
    }
}

/// One page of a SELECT's rows and what is known about the rest.
pub(crate) struct Table {
    pub variables: Vec<Variable>,
    pub rows: Vec<QuerySolution>,
    /// Rows before this page.
    pub skipped: usize,
    /// Rows after this page: counted up to [`COUNTED`]; `None` past that.
    pub after: Option<usize>,
}

/// What the query page shows for a query.
pub(crate) enum Answer {
    Table(Table),
    Boolean(bool),
    /// A graph result, as Turtle.
    Graph(String),
}

impl Renderer {
    /// Runs `query` (the bundled query `def` with `params` bound, or any text) for a page, `[AUTO_LANGUAGE]`
    /// standing for `language`; a SELECT's rows from page `page` (from 1) on.
    pub(crate) fn answer(&self, query: &Asked<'_>, language: Option<&str>, page: usize) -> Result<Answer, Failure> {
        let rows = self.options.page_rows;
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
                    match results::write(graph, writing, &self.minter.prefixes(), None, &mut turtle) {
                        Ok(_) => {}
                        Err(results::WriteError::Evaluation(e)) => return Err(failed(e)),
                        Err(e) => return Err(Failure::Internal(e.to_string())),
                    }
                    Ok(Answer::Graph(String::from_utf8_lossy(&turtle).into_owned()))
                }
            }
        };
        match query {
            Asked::Text(text) => self.run(text, language, consume),
            Asked::Bundled(def, params) => {
                let ran = crate::query::run(def, params, &self.store, &self.engine, &self.minter, |results| {
                    Ok(consume(results))
                });
                ran.unwrap_or_else(|e| Err(Failure::of_bundled(&e)))
            }
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

/// What the query page was asked for.
pub struct QueryForm<'a> {
    /// The bundled query the page is about, if any.
    pub example: Option<&'a crate::query::QueryDef>,
    /// The text sent by the reader, if any.
    pub sent: Option<&'a str>,
    /// The values given for the bundled query's parameters.
    pub params: Vec<(String, String)>,
    /// The page of rows (from 1).
    pub page: usize,
    /// The language `[AUTO_LANGUAGE]` stands for.
    pub language: Option<&'a str>,
    /// On a static site, the extensions of the example's results files written beside its page.
    pub written: &'a [&'a str],
}

/// A way to download query results: its label, the endpoint's `format` name, and how results are written (a static
/// site's file takes the extension of the format).
pub struct Download {
    /// What the link says (`CSV`, `Turtle`).
    pub label: String,
    /// The `format` parameter that asks the endpoint for it.
    pub name: &'static str,
    /// How the results are written.
    pub writing: Writing,
}

impl Download {
    /// The extension of a results file written this way.
    pub fn extension(&self) -> &'static str {
        match self.writing {
            Writing::Results(format) => results::extension(format),
            Writing::Graph(format) => format.extension(),
            Writing::Table => "txt",
        }
    }
}

/// The downloads offered for results of a SELECT or ASK (the W3C results formats), or of a CONSTRUCT or DESCRIBE
/// (`graph`: the documents' RDF formats).
pub fn downloads(graph: bool) -> Vec<Download> {
    if graph {
        DOCUMENTS
            .iter()
            .filter_map(|d| match d {
                Document::Rdf(format) => Some(Download {
                    label: format.title().to_owned(),
                    name: format.extension(),
                    writing: Writing::Graph(*format),
                }),
                Document::Html => None,
            })
            .collect()
    } else {
        crate::query::RESULTS_FORMATS
            .iter()
            .map(|i| Download {
                label: i.names[0].to_uppercase(),
                name: i.names[0],
                writing: Writing::Results(i.format),
            })
            .collect()
    }
}

/// The query page: the form (on the server), the example's description and parameters, and the results of the
/// query asked (the example's on a static site, run when the site was written), paged; with the failure when the
/// query failed.
pub fn query_page(view: &View<'_>, form: &QueryForm<'_>) -> (Markup, Option<Failure>) {
    let r = view.r;
    let server = r.links() == Links::Server;
    let text = form
        .sent
        .map(str::to_owned)
        .or_else(|| form.example.map(|q| q.text.clone()))
        .unwrap_or_else(|| STARTER_QUERY.to_owned());
    let asked = match (form.sent, form.example) {
        (Some(sent), _) => Some(Asked::Text(sent)),
        // A static site runs a bundled query once, when it is written: one with parameters would run for every value
        // at once (a description of every record of a register), so its page gives its text and how to run it.
        (None, Some(def)) if !server && !def.params.is_empty() => None,
        (None, Some(def)) => Some(Asked::Bundled(def, form.params.clone())),
        (None, None) => None,
    };
    let answer = asked.as_ref().map(|q| r.answer(q, form.language, form.page.max(1)));
    let failure = match &answer {
        Some(Err(f)) => Some(f.clone()),
        _ => None,
    };
    // Downloads: the endpoint runs a text sent; a bundled query's results are at their own path (its parameters'
    // values in the query string), which a static site has as files.
    let encoded: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
    let bound: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form.params.iter())
        .finish();
    let offered: Vec<(String, String)> = match &answer {
        Some(Ok(answer)) => downloads(matches!(answer, Answer::Graph(_)))
            .into_iter()
            .filter_map(|d| match (form.sent, form.example) {
                (Some(_), _) if server => {
                    Some((d.label, format!("{}?format={}&query={encoded}", paths::SPARQL, d.name)))
                }
                (None, Some(def)) if server || form.written.contains(&d.extension()) => {
                    let mut href = paths::example_results(&def.name, d.extension());
                    if server && !bound.is_empty() {
                        href = format!("{href}?{bound}");
                    }
                    Some((d.label, href))
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let page_href = |n: usize| -> String {
        let mut query: Vec<(String, String)> = match (form.sent, form.example) {
            (Some(sent), _) => vec![("query".to_owned(), sent.to_owned())],
            (None, Some(def)) => vec![("example".to_owned(), def.name.clone())],
            (None, None) => Vec::new(),
        };
        query.extend(form.params.iter().cloned());
        query.push(("page".to_owned(), n.to_string()));
        let encoded: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(query)
            .finish();
        format!("{}?{encoded}", paths::QUERY)
    };
    let title = form.example.map_or_else(|| "Query".to_owned(), |d| d.title.clone());
    let body = html! {
        h1 { (title) }
        @if let Some(def) = form.example {
            p.lead { (def.description) }
        }
        (query_editor(form, &text, server))
        @if let Some(answer) = &answer {
            section aria-labelledby="results" aria-live="polite" {
                h2 #results { "Results" }
                @match answer {
                    Err(failure) => div.error role="alert" { pre { (failure.message()) } },
                    Ok(Answer::Boolean(b)) => p.boolean { "ASK answered " strong { (b) } "." },
                    Ok(Answer::Graph(turtle)) => pre.turtle { (turtle) },
                    Ok(Answer::Table(table)) => (view.result_table(table, server.then_some(&page_href as &dyn Fn(usize) -> String))),
                }
                @if !offered.is_empty() {
                    p { "Download these results: "
                        @for (i, (label, href)) in offered.iter().enumerate() {
                            @if i > 0 { ", " }
                            a href=(href) download { (label) }
                        }
                        "." }
                }
            }
        }
        @if form.example.is_none() || !server {
            section aria-labelledby="examples" {
                h2 #examples { "Examples: the bundled queries" }
                (examples(r))
            }
        }
        @if server { script src=(paths::QUERY_JS) defer {} }
    };
    (view.layout(&title, None, &body), failure)
}

/// The query page's form (on the server: the text, or a bundled query's parameters), or on a static site the
/// bundled query's text with a note on where to run it.
fn query_editor(form: &QueryForm<'_>, text: &str, server: bool) -> Markup {
    html! {
        @if server {
            form method="get" action=(paths::QUERY) {
                @if let (Some(def), None) = (form.example, form.sent) {
                    input type="hidden" name="example" value=(def.name);
                    @if !def.params.is_empty() {
                        fieldset {
                            legend { "Parameters (leave one empty to run for all values)" }
                            @for p in &def.params {
                                @let value = form.params.iter().find(|(n, _)| *n == p.name).map(|(_, v)| v.as_str());
                                div.param {
                                    label for={ "param-" (p.name) } { code { "?" (p.name) } " (" (p.kind.name()) ")" }
                                    input id={ "param-" (p.name) } name=(p.name) value=[value] aria-describedby={ "param-" (p.name) "-help" };
                                    span.help id={ "param-" (p.name) "-help" } { (p.description) }
                                }
                            }
                        }
                    }
                    details { summary { "The query" } pre.query { (text) } }
                } @else {
                    label for="query" { "SPARQL query" }
                    textarea #query name="query" rows="16" spellcheck="false" aria-describedby="query-help" { (text) }
                    p #query-help.help {
                        "The graph's prefixes are predeclared (wikibase:, wd:, p:, ps:, pq:, pr:, pk:, pkp:, rdfs:, schema:, …). "
                        "The default graph is the union of all named graphs. Ctrl+Enter runs the query."
                    }
                }
                button type="submit" { "Run query" }
            }
        } @else {
            @if let Some(def) = form.example {
                pre.query { (text) }
                @if def.params.is_empty() {
                    p.help { "These results were computed when this site was written. Run the query yourself with "
                        code { "powkg query " (def.name) } " or against a " code { "powkg serve" } " endpoint." }
                } @else {
                    p.help { "This query takes parameters, so this page does not run it: run it with "
                        code { "powkg query " (def.name) " --param NAME=VALUE" } " or on the query page of "
                        code { "powkg serve" } ", which has a field for each." }
                }
            }
        }
    }
}

/// The bundled queries, each linked to its page.
fn examples(r: &Renderer) -> Markup {
    html! {
        dl.examples {
            @for q in r.queries.iter() {
                dt { a href=(paths::example(&q.name)) { (q.title) } " " code { (q.name) } }
                dd { (q.description)
                    @if !q.params.is_empty() {
                        " Parameters: "
                        @for (i, p) in q.params.iter().enumerate() { @if i > 0 { ", " } code { "?" (p.name) } }
                        "."
                    }
                }
            }
        }
    }
}

impl View<'_> {
    /// A page of a SELECT's rows in a table that scrolls sideways when wide, with the count and, on the server,
    /// links to the pages before and after.
    fn result_table(&self, table: &Table, page_href: Option<&dyn Fn(usize) -> String>) -> Markup {
        let rows = self.r.options.page_rows.max(1);
        let page = table.skipped / rows + 1;
        let first = table.skipped + 1;
        let last = table.skipped + table.rows.len();
        let total = table.after.map(|after| last + after);
        html! {
            p.count {
                @if table.rows.is_empty() { "No rows" @if table.skipped > 0 { " on this page" } "." }
                @else {
                    "Rows " (group_digits(&first.to_string())) " to " (group_digits(&last.to_string()))
                    " of " @match total { Some(n) => (group_digits(&n.to_string())), None => { "more than " (group_digits(&(last + COUNTED).to_string())) } } "."
                }
            }
            @if let Some(href) = page_href {
                (pager(table.skipped > 0, table.after != Some(0), href, page))
            } @else if table.after != Some(0) {
                p.more { "The rest are left out here: run the query with " code { "powkg query" } "." }
            }
            div.scroll role="region" aria-labelledby="result-caption" tabindex="0" {
                table #result-table {
                    caption #result-caption { "Query results" }
                    thead { tr { @for v in &table.variables { th scope="col" { (v.as_str()) } } } }
                    tbody {
                        @for row in &table.rows {
                            tr { @for v in &table.variables { td { @if let Some(t) = row.get(v) { (self.term(t)) } } } }
                        }
                    }
                }
            }
        }
    }
}

/// The subject-keyed triples of a description, graphs merged.
type Facts = BTreeMap<String, Vec<(NamedNode, Term)>>;

fn facts(quads: &[Quad]) -> Facts {
    let mut by_subject: Facts = BTreeMap::new();
    let mut seen = HashSet::new();
    for q in quads {
        if let NamedOrBlankNode::NamedNode(s) = &q.subject
            && seen.insert((s.clone(), q.predicate.clone(), q.object.clone()))
        {
            by_subject
                .entry(s.as_str().to_owned())
                .or_default()
                .push((q.predicate.clone(), q.object.clone()));
        }
    }
    for pairs in by_subject.values_mut() {
        pairs.sort_by_cached_key(|(p, o)| (p.as_str().to_owned(), o.to_string()));
    }
    by_subject
}

fn objects<'f>(facts: &'f Facts, subject: &str, predicate: oxigraph::model::NamedNodeRef<'_>) -> Vec<&'f Term> {
    facts
        .get(subject)
        .into_iter()
        .flatten()
        .filter(|(p, _)| *p == predicate)
        .map(|(_, o)| o)
        .collect()
}

fn as_iri(term: &Term) -> Option<&NamedNode> {
    match term {
        Term::NamedNode(n) => Some(n),
        _ => None,
    }
}

/// One statement, read from the description.
struct Statement {
    iri: NamedNode,
    property: Option<NamedNode>,
    value: Option<Term>,
    value_node: Option<NamedNode>,
    qualifiers: Vec<(NamedNode, Term)>,
    /// The qualifiers' value nodes (`pqv:`), where dates keep their precision.
    qualifier_nodes: Vec<NamedNode>,
    rank: Option<NamedNode>,
    best: bool,
    references: Vec<NamedNode>,
    conflicts: Vec<NamedNode>,
}

impl Statement {
    fn read(service: &Renderer, facts: &Facts, iri: &NamedNode) -> Self {
        let pairs = facts.get(iri.as_str()).map(Vec::as_slice).unwrap_or_default();
        let mut s = Self {
            iri: iri.clone(),
            property: None,
            value: None,
            value_node: None,
            qualifiers: Vec::new(),
            qualifier_nodes: Vec::new(),
            rank: None,
            best: false,
            references: Vec::new(),
            conflicts: Vec::new(),
        };
        let conflicts_with = service.minter.term(pk::CONFLICTS_WITH);
        for (p, o) in pairs {
            match service.dataset.roles.get(p) {
                Some((property, Role::StatementProperty)) => {
                    s.property = Some(property.clone());
                    s.value = Some(o.clone());
                }
                Some((_, Role::StatementValue)) => s.value_node = as_iri(o).cloned(),
                Some((property, Role::Qualifier)) => s.qualifiers.push((property.clone(), o.clone())),
                Some((_, Role::QualifierValue)) => s.qualifier_nodes.extend(as_iri(o).cloned()),
                _ if *p == wikibase::RANK => s.rank = as_iri(o).cloned(),
                _ if *p == rdf::TYPE && as_iri(o).is_some_and(|t| *t == wikibase::BEST_RANK) => s.best = true,
                _ if *p == prov::WAS_DERIVED_FROM => s.references.extend(as_iri(o).cloned()),
                _ if *p == conflicts_with => s.conflicts.extend(as_iri(o).cloned()),
                _ => {}
            }
        }
        s
    }
}

impl View<'_> {
    /// A statement's value in words: "up to 100,000 (upper bound 100,000)", "1945 (precision: year)", a link.
    fn value(&self, facts: &Facts, s: &Statement) -> Markup {
        let node = s.value_node.as_ref().map(NamedNode::as_str).unwrap_or_default();
        let minter = &self.r.minter;
        let bound = objects(facts, node, minter.term(pk::BOUND_KIND).as_ref())
            .first()
            .and_then(|t| as_iri(t))
            .cloned();
        let lower = objects(facts, node, wikibase::QUANTITY_LOWER_BOUND).first().copied();
        let upper = objects(facts, node, wikibase::QUANTITY_UPPER_BOUND).first().copied();
        let precision = objects(facts, node, wikibase::TIME_PRECISION).first().copied();
        html! {
            @if let Some(bound) = &bound {
                @if *bound != minter.term(pk::EXACT) {
                    @if let Some(l) = self.name(bound) { span lang=[l.language()] { (l.value()) } " " }
                }
            }
            @if let Some(v) = &s.value { strong { (self.time_or_term(facts, v, s.value_node.iter())) } }
            @if lower.is_some() || upper.is_some() {
                " " span.detail {
                    "("
                    @if let Some(l) = lower { "lower bound " (self.term(l)) }
                    @if lower.is_some() && upper.is_some() { ", " }
                    @if let Some(u) = upper { "upper bound " (self.term(u)) }
                    ")"
                }
            }
            @if let Some(Term::Literal(p)) = precision {
                " " span.detail { "(precision: " (match p.value() { "9" => "year", "10" => "month", "11" => "day", other => other }) ")" }
            }
        }
    }

    /// A value; a time value in words at the precision its value node gives ("July 1941", never 1 July 1941),
    /// with the `xsd:dateTime` it is stored as in the `datetime` attribute.
    fn time_or_term<'n>(&self, facts: &Facts, value: &Term, nodes: impl Iterator<Item = &'n NamedNode>) -> Markup {
        if let Term::Literal(l) = value
            && l.datatype() == xsd::DATE_TIME
        {
            for node in nodes {
                let node = node.as_str();
                let same = objects(facts, node, wikibase::TIME_VALUE_PROP).first() == Some(&value);
                let precision = objects(facts, node, wikibase::TIME_PRECISION)
                    .first()
                    .and_then(|p| match p {
                        Term::Literal(p) => p.value().parse::<u8>().ok(),
                        _ => None,
                    });
                if let (true, Some(date)) = (same, precision.and_then(|p| Date::from_time_value(l.value(), p))) {
                    return html! { time datetime=(date.to_string()) { (date.in_words()) } };
                }
            }
        }
        self.term(value)
    }

    /// The works a statement's references name (the article it was read in, else the project), in words: what a
    /// table comparing two statements is headed by.
    fn sources_of(&self, facts: &Facts, s: &Statement) -> Markup {
        let works = self.works_of(facts, s);
        html! {
            @if works.is_empty() { (local_id(&s.iri)) }
            @for (i, w) in works.iter().enumerate() {
                @if i > 0 { "; " }
                @match self.name(w) { Some(l) => span lang=[l.language()] { (l.value()) }, None => (self.short(w)) }
            }
        }
    }

    /// The same in plain text, for a chart.
    fn source_text(&self, facts: &Facts, s: &Statement) -> String {
        let works = self.works_of(facts, s);
        if works.is_empty() {
            return local_id(&s.iri).to_owned();
        }
        works
            .iter()
            .map(|w| self.name(w).map_or_else(|| self.short(w), |l| l.value().to_owned()))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The articles (else the projects) a statement's references name.
    fn works_of<'f>(&self, facts: &'f Facts, s: &Statement) -> Vec<&'f NamedNode> {
        let article = self.r.minter.term(pkpr::ARTICLE);
        let mut works: Vec<&NamedNode> = s
            .references
            .iter()
            .flat_map(|r| {
                let named = objects(facts, r.as_str(), article.as_ref());
                let named = if named.is_empty() {
                    objects(facts, r.as_str(), pr::IMPORTED_FROM)
                } else {
                    named
                };
                named.into_iter().filter_map(as_iri)
            })
            .collect();
        works.sort();
        works.dedup();
        works
    }

    /// A statement's quantity as a chart's bar: its value, bounds and words ("up to 100,000"); `None` unless its
    /// value is a number.
    fn bar(&self, facts: &Facts, s: &Statement) -> Option<super::charts::Bar> {
        let Some(Term::Literal(value)) = &s.value else {
            return None;
        };
        let amount: f64 = value.value().parse().ok()?;
        let node = s.value_node.as_ref().map(NamedNode::as_str).unwrap_or_default();
        let number = |p| match objects(facts, node, p).first() {
            Some(Term::Literal(l)) => l.value().parse::<f64>().ok(),
            _ => None,
        };
        let minter = &self.r.minter;
        let bound = objects(facts, node, minter.term(pk::BOUND_KIND).as_ref())
            .first()
            .and_then(|t| as_iri(t))
            .filter(|b| **b != minter.term(pk::EXACT))
            .and_then(|b| self.name(b))
            .map(|l| format!("{} ", l.value()))
            .unwrap_or_default();
        // The project the article belongs to ("English Wikipedia") names the source in few words.
        let projects: Vec<String> = s
            .references
            .iter()
            .flat_map(|r| objects(facts, r.as_str(), pr::IMPORTED_FROM))
            .filter_map(as_iri)
            .map(|p| self.name(p).map_or_else(|| self.short(p), |l| l.value().to_owned()))
            .collect();
        let source = if projects.is_empty() {
            self.source_text(facts, s)
        } else {
            projects.join("; ")
        };
        Some(super::charts::Bar {
            source,
            words: format!("{bound}{}", group_digits(value.value())),
            amount,
            lower: number(wikibase::QUANTITY_LOWER_BOUND),
            upper: number(wikibase::QUANTITY_UPPER_BOUND),
        })
    }

    /// A reference: each of its facts, the quotation as a block quote.
    fn reference(&self, facts: &Facts, reference: &NamedNode) -> Markup {
        let pairs = facts.get(reference.as_str()).map(Vec::as_slice).unwrap_or_default();
        html! {
            ul.reference {
                @for (p, o) in pairs {
                    @if *p != rdf::TYPE {
                        @match o {
                            Term::Literal(l) if l.language().is_some() => li { (self.link(p)) ": " blockquote lang=[l.language()] { (l.value()) } },
                            _ => li { (self.link(p)) ": " (self.term(o)) },
                        }
                    }
                }
            }
        }
    }

    fn statement_cells(&self, facts: &Facts, s: &Statement) -> Markup {
        html! {
            td { (self.value(facts, s)) }
            td {
                @if !s.qualifiers.is_empty() {
                    ul.qualifiers { @for (p, v) in &s.qualifiers { li { (self.link(p)) ": " (self.time_or_term(facts, v, s.qualifier_nodes.iter())) } } }
                }
            }
            td {
                @if let Some(rank) = &s.rank {
                    (anchor(self.href(rank).as_deref(), rank.as_str(), &html! { (rank_name(rank)) }))
                }
                @if s.best { br; span.detail { "best rank" } }
            }
            td {
                @for r in &s.references { (self.reference(facts, r)) }
                @for c in &s.conflicts {
                    p.conflict { "Disagrees with " a href={ "#" (local_id(c)) } { (local_id(c)) } }
                }
            }
        }
    }

    /// The statements of `subject`, one table per property; conflicting pairs again side by side above them.
    fn statements(&self, facts: &Facts, subject: &NamedNode) -> Markup {
        let service = self.r;
        let mut by_property: BTreeMap<String, (NamedNode, Vec<Statement>)> = BTreeMap::new();
        for (p, o) in facts.get(subject.as_str()).map(Vec::as_slice).unwrap_or_default() {
            if let (Some((property, Role::Claim)), Some(stmt)) = (service.dataset.roles.get(p), as_iri(o)) {
                let name = self
                    .name(property)
                    .map_or_else(|| self.short(property), |l| l.value().to_owned());
                by_property
                    .entry(format!("{name}\u{0}{}", property.as_str()))
                    .or_insert_with(|| (property.clone(), Vec::new()))
                    .1
                    .push(Statement::read(service, facts, stmt));
            }
        }
        if by_property.is_empty() {
            return html! {};
        }
        let all: HashMap<&str, &Statement> = by_property
            .values()
            .flat_map(|(_, ss)| ss.iter())
            .map(|s| (s.iri.as_str(), s))
            .collect();
        let mut pairs: Vec<(&Statement, &Statement)> = Vec::new();
        for s in all.values() {
            for c in &s.conflicts {
                if let Some(other) = all.get(c.as_str())
                    && s.iri.as_str() < other.iri.as_str()
                {
                    pairs.push((s, other));
                }
            }
        }
        pairs.sort_by_key(|(a, _)| a.iri.as_str());
        html! {
            @if !pairs.is_empty() {
                section aria-labelledby="disagreements" {
                    h2 #disagreements { "Where the sources disagree" }
                    @for (a, b) in &pairs {
                        @if let (Some(bar_a), Some(bar_b)) = (self.bar(facts, a), self.bar(facts, b)) {
                            @let title = a.property.as_ref().and_then(|p| self.name(p)).map_or_else(|| "The figure each source gives".to_owned(), |l| l.value().to_owned());
                            figure.chart {
                                (super::charts::figures(&format!("figure-{}", local_id(&a.iri)), &title, &[bar_a, bar_b]))
                                figcaption { (title) ", as each source gives it: the dot is the figure, the bar its bounds." }
                            }
                        }
                        table.side-by-side {
                            caption { @if let Some(p) = &a.property { (self.link(p)) } }
                            thead { tr {
                                th scope="col" { a href={ "#" (local_id(&a.iri)) } { (self.sources_of(facts, a)) } }
                                th scope="col" { a href={ "#" (local_id(&b.iri)) } { (self.sources_of(facts, b)) } }
                            } }
                            tbody {
                                tr { td { (self.value(facts, a)) } td { (self.value(facts, b)) } }
                                @if !a.qualifiers.is_empty() || !b.qualifiers.is_empty() {
                                    tr {
                                        td { @if !a.qualifiers.is_empty() { ul.qualifiers { @for (p, v) in &a.qualifiers { li { (self.link(p)) ": " (self.term(v)) } } } } }
                                        td { @if !b.qualifiers.is_empty() { ul.qualifiers { @for (p, v) in &b.qualifiers { li { (self.link(p)) ": " (self.term(v)) } } } } }
                                    }
                                }
                                @if !a.references.is_empty() || !b.references.is_empty() {
                                    tr {
                                        td { @for r in &a.references { (self.reference(facts, r)) } }
                                        td { @for r in &b.references { (self.reference(facts, r)) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="statements" {
                h2 #statements { "Statements" }
                @for (property, statements) in by_property.values() {
                    table.statements {
                        caption { (self.link(property)) }
                        thead { tr { th scope="col" { "Value" } th scope="col" { "Qualifiers" } th scope="col" { "Rank" } th scope="col" { "Sources" } } }
                        tbody {
                            @for s in statements {
                                tr #(local_id(&s.iri)) .conflicting[!s.conflicts.is_empty()] {
                                    (self.statement_cells(facts, s))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A table of `subject`'s facts not shown elsewhere on the page.
    fn other_facts(&self, facts: &Facts, subject: &NamedNode, shown: &[oxigraph::model::NamedNodeRef<'_>]) -> Markup {
        let pairs: Vec<&(NamedNode, Term)> = facts
            .get(subject.as_str())
            .into_iter()
            .flatten()
            .filter(|(p, _)| !shown.contains(&p.as_ref()))
            .filter(|(p, _)| !matches!(self.r.dataset.roles.get(p), Some((_, Role::Claim | Role::Direct))))
            .collect();
        html! {
            @if !pairs.is_empty() {
                table.facts {
                    caption { "Facts" }
                    thead { tr { th scope="col" { "Property" } th scope="col" { "Value" } } }
                    tbody { @for (p, o) in pairs { tr { th scope="row" { (self.link(p)) } td { (self.term(o)) } } } }
                }
            }
        }
    }

    /// The things whose statements, references or facts point at `iri`: those of its first [`MENTIONS`] incoming
    /// links (a camp of a large register has hundreds of thousands), then how many links there are in all and the
    /// query that lists them.
    fn mentions(&self, iri: &NamedNode) -> Result<Markup, Failure> {
        let service = self.r;
        let mut found: BTreeMap<String, (NamedNode, NamedNode)> = BTreeMap::new();
        let owner = |statement: &NamedNode| -> Option<(NamedNode, NamedNode)> {
            // A statement is pointed at by its subject's claim and by the few statements that conflict with it.
            service
                .store
                .pointing_at(statement.as_ref())
                .ok()?
                .into_iter()
                .find_map(|q| match (&q.subject, service.dataset.roles.get(&q.predicate)) {
                    (NamedOrBlankNode::NamedNode(s), Some((property, Role::Claim))) => {
                        Some((s.clone(), property.clone()))
                    }
                    _ => None,
                })
        };
        let links = service.select(&format!(
            "SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {iri} }} LIMIT {MENTIONS}"
        ))?;
        for link in &links {
            let (Some(Term::NamedNode(s)), Some(Term::NamedNode(predicate))) = (link.get("s"), link.get("p")) else {
                continue;
            };
            let kind = service.minter.kind(s.as_str());
            let statements: Vec<NamedNode> = if kind == Some(IriKind::Statement) {
                vec![s.clone()]
            } else if kind == Some(IriKind::Reference) {
                // A reference node is shared by every statement citing the same words: bounded too.
                let rows = service.select(&format!(
                    "SELECT ?statement WHERE {{ ?statement {} {s} }} LIMIT {MENTIONS}",
                    prov::WAS_DERIVED_FROM
                ))?;
                rows.iter()
                    .filter_map(|row| match row.get("statement") {
                        Some(Term::NamedNode(n)) => Some(n.clone()),
                        _ => None,
                    })
                    .collect()
            } else if kind == Some(IriKind::Value) || s.as_str().starts_with(&format!("{}/", iri.as_str())) {
                Vec::new()
            } else {
                found.insert(
                    format!("{}\u{0}{}", s.as_str(), predicate.as_str()),
                    (s.clone(), predicate.clone()),
                );
                Vec::new()
            };
            // One line per thing and property, however many of its statements point here.
            for statement in statements {
                if let Some((entity, property)) = owner(&statement) {
                    found.insert(
                        format!("{}\u{0}{}", entity.as_str(), property.as_str()),
                        (entity, property),
                    );
                }
            }
        }
        let all = if links.len() < MENTIONS {
            Ok(links.len())
        } else {
            let counted = service.select(&format!("SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p {iri} }}"));
            match counted {
                Ok(rows) => match rows.first().and_then(|row| row.get("n")) {
                    Some(Term::Literal(n)) => n.value().parse().map_err(|_| n.value().to_owned()),
                    _ => Ok(0),
                },
                Err(failure) => Err(failure.message().to_owned()),
            }
        };
        let query = format!("SELECT ?subject ?predicate WHERE {{ ?subject ?predicate {iri} }}");
        Ok(html! {
            @if !found.is_empty() {
                section aria-labelledby="mentions" {
                    h2 #mentions { "Mentioned by" }
                    ul { @for (who, how) in found.values() { li { (self.link(who)) " — " (self.link(how)) } } }
                    @match &all {
                        Ok(n) if *n > links.len() => p.more {
                            "These are the things behind the first " (group_digits(&links.len().to_string()))
                            " of the " (group_digits(&n.to_string())) " links to this: "
                            @if let Some(path) = service.page_path(iri) {
                                a href=(paths::mentions(&path, 1)) { "all the links, page by page" } ", or "
                            }
                            (self.query_link(&query, "list them with a query")) "."
                        },
                        Ok(_) => {},
                        Err(why) => p.more {
                            "These are the things behind the first " (group_digits(&links.len().to_string()))
                            " links to this; the rest were not counted (" (why) "): "
                            (self.query_link(&query, "list them with a query")) "."
                        },
                    }
                }
            }
        })
    }
}

impl View<'_> {
    /// A statement's own page: what it is about, the claim in full, and each statement it disagrees with beside it.
    fn statement_section(&self, facts: &Facts, iri: &NamedNode, s: &Statement) -> Markup {
        let (service, view) = (self.r, self);
        let subject_of_statement = service
            .store
            .pointing_at(iri.as_ref())
            .unwrap_or_default()
            .into_iter()
            .find_map(|q| match (q.subject, service.dataset.roles.get(&q.predicate)) {
                (NamedOrBlankNode::NamedNode(s), Some((_, Role::Claim))) => Some(s),
                _ => None,
            });
        html! {
        section aria-labelledby="statement" {
            h2 #statement { "Statement" }
            @if let Some(subject) = &subject_of_statement { p { "About " (view.link(subject)) @if let Some(p) = &s.property { ", property " (view.link(p)) } "." } }
            table.statements {
                caption { "The claim, its qualifiers, rank and sources" }
                thead { tr { th scope="col" { "Value" } th scope="col" { "Qualifiers" } th scope="col" { "Rank" } th scope="col" { "Sources" } } }
                tbody { tr #(local_id(iri)) { (view.statement_cells(facts, s)) } }
            }
            @for c in &s.conflicts {
                p.conflict { "Disagrees with " (view.link(c)) ":" }
                @let other_facts = facts_of(service, c);
                @let other = Statement::read(service, &other_facts, c);
                table.side-by-side {
                    caption { "This statement and the one it disagrees with" }
                    thead { tr { th scope="col" { (view.sources_of(facts, s)) } th scope="col" { (view.sources_of(&other_facts, &other)) } } }
                    tbody { tr { td { (view.value(facts, s)) } td { (view.value(&other_facts, &other)) } } }
                }
            }
        }
        }
    }
}

/// `normal`, `preferred` or `deprecated` for a Wikibase rank.
fn rank_name(rank: &NamedNode) -> String {
    let local = rank.as_str().strip_prefix(wikibase::NS).unwrap_or(rank.as_str());
    local.strip_suffix("Rank").unwrap_or(local).to_ascii_lowercase()
}

/// The last segment of an IRI, used as an anchor.
fn local_id(iri: &NamedNode) -> &str {
    iri.as_str().rsplit(['/', '#']).next().unwrap_or(iri.as_str())
}

/// The page of a thing: entity, statement, source, or any other described node.
pub fn resource(view: &View<'_>, iri: &NamedNode, quads: &[Quad]) -> Result<Markup, Failure> {
    let service = view.r;
    let facts = facts(quads);
    let own: Vec<(NamedNode, Term)> = facts.get(iri.as_str()).cloned().unwrap_or_default();
    let name = view.name(iri);
    let title = name.as_ref().map_or_else(|| view.short(iri), |l| l.value().to_owned());
    let types: Vec<&NamedNode> = own
        .iter()
        .filter(|(p, _)| *p == rdf::TYPE)
        .filter_map(|(_, o)| as_iri(o))
        .collect();
    let literals = |predicate: oxigraph::model::NamedNodeRef<'_>| -> Vec<Literal> {
        own.iter()
            .filter(|(p, _)| *p == predicate)
            .filter_map(|(_, o)| match o {
                Term::Literal(l) => Some(l.clone()),
                _ => None,
            })
            .collect()
    };
    let descriptions = literals(schema::DESCRIPTION);
    let description = view.best(&descriptions);
    let wikidata: Vec<&NamedNode> = own
        .iter()
        .filter(|(p, _)| *p == owl::SAME_AS)
        .filter_map(|(_, o)| as_iri(o))
        .filter(|o| o.as_str().starts_with(wd::NS))
        .collect();
    let is_statement = types.iter().any(|t| **t == wikibase::STATEMENT);
    let statement = is_statement.then(|| Statement::read(service, &facts, iri));
    let beneath = format!("{}/", iri.as_str());
    let children: Vec<NamedNode> = facts
        .keys()
        .filter(|s| s.starts_with(&beneath))
        .map(|s| NamedNode::new_unchecked(s.clone()))
        .collect();
    let mentions = view.mentions(iri)?;
    let thing_path = iri
        .as_str()
        .strip_prefix(&service.base_origin)
        .unwrap_or(iri.as_str())
        .to_owned();
    let body = html! {
        article {
            h1 lang=[name.as_ref().and_then(Literal::language)] { (title) }
            p.iri { "IRI: " code { (iri.as_str()) } }
            @if !types.is_empty() {
                p { "Type: " @for (i, t) in types.iter().enumerate() { @if i > 0 { ", " } (view.link(t)) } }
            }
            @if let Some(d) = description { p.lead lang=[d.language()] { (d.value()) } }
            @if !wikidata.is_empty() {
                p { "On Wikidata: " @for w in &wikidata { (external(w.as_str(), "external", &html! { (view.short(w)) })) " " } }
            }
            @if let Some(s) = &statement {
                (view.statement_section(&facts, iri, s))
            } @else {
                (view.statements(&facts, iri))
            }
            section aria-labelledby="facts" {
                h2 #facts { "Description" }
                (view.other_facts(&facts, iri, &[schema::DESCRIPTION, owl::SAME_AS]))
                @for child in &children {
                    h3 #(local_id(child)) { (view.link(child)) }
                    (view.other_facts(&facts, child, &[]))
                }
            }
            (mentions)
            @if service.minter.is_own(iri.as_str()) { section aria-labelledby="downloads" {
                h2 #downloads { "This description as data" }
                ul {
                    @for document in DOCUMENTS {
                        @if document != Document::Html {
                            li { a href={ (thing_path) "." (document.extension()) } type=(document.media_type()) { (document.media_type()) } }
                        }
                    }
                }
            } }
        }
    };
    let is_entity = types.iter().any(|t| **t == wikibase::ITEM);
    let head = html! {
        @if is_entity {
            (super::schema_org::block(&super::schema_org::thing(service, iri, &literals(rdfs::LABEL), &descriptions, &types, &wikidata)))
        }
        @if service.minter.is_own(iri.as_str()) {
            @for document in DOCUMENTS {
                @if document != Document::Html {
                    link rel="alternate" type=(document.media_type()) href={ (thing_path) "." (document.extension()) };
                }
            }
        }
    };
    Ok(view.layout_with(&title, name.as_ref().and_then(Literal::language), &head, &body))
}

/// The description of another node, for a statement shown beside the one on the page.
fn facts_of(service: &Renderer, iri: &NamedNode) -> Facts {
    facts(&service.describe(iri).unwrap_or_default())
}
