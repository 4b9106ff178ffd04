//! The pages' chrome and link helpers: the frame every page shares (header, navigation, search box, footer), links
//! to things in the reader's languages, literals and counts as shown, and the pager of numbered pages. Plain,
//! accessible markup (landmarks, headings, `lang` on every literal), no JavaScript needed.

use maud::{DOCTYPE, Markup, html};
use oxigraph::model::{Literal, NamedNode, Term};

use crate::web::render::paths;
use crate::web::render::read::names;
use crate::web::render::read::summary::{Figure, Listing};
use crate::web::render::renderer::{Links, Renderer};

/// What one page is rendered for: the renderer, the reader's languages and the `lang` parameter links carry on.
pub struct View<'a> {
    pub(super) r: &'a Renderer,
    pub(super) languages: Vec<String>,
    pub(super) lang_query: String,
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
    pub(super) fn best<'l>(&self, literals: impl IntoIterator<Item = &'l Literal>) -> Option<&'l Literal> {
        names::best(literals, &self.languages)
    }

    /// A thing's name: its label, preferred label or title; a family predicate's is its property's.
    pub(super) fn name(&self, iri: &NamedNode) -> Option<Literal> {
        names::name(&self.r.reader(), &self.r.dataset, iri, &self.languages)
    }

    /// `prefix:local` for a known namespace, else the IRI.
    pub(super) fn short(&self, iri: &NamedNode) -> String {
        crate::rdf::iri::shorten(iri.as_str(), &self.r.minter.prefixes()).unwrap_or_else(|| iri.as_str().to_owned())
    }

    /// Where a link to `iri` goes: its page here when the graph describes it, else the IRI itself when it is an
    /// http(s) IRI; `None` for any other scheme (`javascript:`, `data:`, …), which is shown, never linked.
    pub(super) fn href(&self, iri: &NamedNode) -> Option<String> {
        let s = self.r;
        if let Some(path) = s.minter.page_path(iri.as_str()) {
            return Some(format!("{path}.html{}", self.lang_query));
        }
        if s.dataset.described.contains(iri) {
            return Some(format!("{}{}", paths::describe(iri), self.lang_query));
        }
        linkable(iri.as_str()).then(|| iri.as_str().to_owned())
    }

    pub(super) fn link(&self, iri: &NamedNode) -> Markup {
        let text = self.name(iri);
        let shown = html! {
            @match &text {
                Some(l) => span lang=[l.language()] { (l.value()) },
                None => (self.short(iri)),
            }
        };
        anchor(self.href(iri).as_deref(), iri.as_str(), &shown)
    }

    pub(super) fn literal(&self, literal: &Literal) -> Markup {
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
    pub(super) fn term(&self, term: &Term) -> Markup {
        match term {
            Term::NamedNode(n) => self.link(n),
            Term::Literal(l) => self.literal(l),
            other => html! { (other.to_string()) },
        }
    }

    pub(super) fn layout(&self, title: &str, title_lang: Option<&str>, body: &Markup) -> Markup {
        self.layout_with(title, title_lang, &html! {}, body)
    }

    /// The search form of every page's header: the server answers it; a static site has no search (yet) and says
    /// so on the page it links to.
    pub(super) fn search_box(&self) -> Markup {
        html! {
            form.search role="search" method="get" action=(paths::SEARCH) {
                label for="search-q" { "Search names" }
                input #search-q type="search" name="q" placeholder=(search_placeholder(&self.r.dataset.search_examples));
                button type="submit" { "Search" }
            }
        }
    }

    /// The page frame, with `head` added to the document's head (alternate links, JSON-LD).
    pub(super) fn layout_with(&self, title: &str, title_lang: Option<&str>, head: &Markup, body: &Markup) -> Markup {
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
                        (self.search_box())
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
                                @for (i, lang) in self.r.dataset.languages().iter().enumerate() {
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

/// Whether `iri` may be a link's target: only `http:` and `https:` IRIs are. An IRI of the graph or of a query's
/// results can have any scheme, and a `javascript:` one made clickable would run script on this origin.
pub fn linkable(iri: &str) -> bool {
    iri.split_once(':').is_some_and(|(scheme, rest)| {
        (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) && rest.starts_with("//")
    })
}

/// `shown` as a link to `href` (titled `title`), or as plain text titled with it when there is no safe target:
/// every IRI a page renders goes through here or [`external`].
pub(super) fn anchor(href: Option<&str>, title: &str, shown: &Markup) -> Markup {
    html! {
        @match href {
            Some(href) => a href=(href) title=(title) { (shown) },
            None => span.iri title=(title) { (shown) },
        }
    }
}

/// A link to an IRI outside this server (a licence, Wikidata), shown as `shown`; plain text unless http(s).
pub(super) fn external(iri: &str, rel: &str, shown: &Markup) -> Markup {
    html! {
        @if linkable(iri) { a rel=(rel) href=(iri) { (shown) } } @else { span.iri { (shown) } }
    }
}

/// `12345.0` as `12,345.0`.
pub(super) fn group_digits(value: &str) -> String {
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
pub(super) fn figure(n: &Figure) -> Markup {
    match n {
        Ok(n) => html! { (group_digits(&n.to_string())) },
        Err(why) => html! { span.detail title=(why) { "not counted" } },
    }
}

/// The query page running `query`.
pub(super) fn query_href(query: &str) -> String {
    format!(
        "{}?query={}",
        paths::QUERY,
        form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
    )
}

impl View<'_> {
    /// A link that runs `query` on the query page; on a static site, where no query runs, the query's text.
    pub(super) fn query_link(&self, query: &str, text: &str) -> Markup {
        match self.r.links() {
            Links::Server => html! { a href=(query_href(query)) { (text) } },
            Links::Static => html! { (text) " (" code { (query) } ")" },
        }
    }

    /// After a bounded list: how many more there are, and where the rest are (`rest`: a page of their own, or a
    /// query listing them).
    pub(super) fn more(&self, listing: &Listing, rest: &Rest<'_>) -> Markup {
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
pub(super) enum Rest<'q> {
    /// A page listing them all, paged.
    Page(String),
    /// A query listing them all.
    Query(&'q str),
}

/// Previous and next links between numbered pages.
pub(super) fn pager(has_previous: bool, has_next: bool, href: &dyn Fn(usize) -> String, page: usize) -> Markup {
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

/// The search box's hint: names from the graph itself ("e.g. NAME, NAME"), or a generic one for a graph without
/// entities.
fn search_placeholder(examples: &[String]) -> String {
    if examples.is_empty() {
        "a name or an id".to_owned()
    } else {
        format!("e.g. {}", examples.join(", "))
    }
}
