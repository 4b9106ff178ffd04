//! The query page: the form (on the server), a bundled query's description and parameters, the results of the query
//! asked, paged, and where to download them; on a static site, a bundled query's results as of the site's build.

use maud::{Markup, html};

use super::chrome::{View, group_digits, pager};
use crate::query::results::{self, Writing};
use crate::web::render::document::{DOCUMENTS, Document};
use crate::web::render::failure::Failure;
use crate::web::render::paths;
use crate::web::render::read::answer::{Answer, Asked, COUNTED, Table};
use crate::web::render::renderer::{Links, Renderer};

/// The query the query page opens with.
const STARTER_QUERY: &str = "# The entities and their English labels. The graph's prefixes (wikibase:, pk:, wd:, \
rdfs:, …) are predeclared.\nSELECT ?entity ?label WHERE {\n  ?entity a wikibase:Item ;\n          rdfs:label ?label .\n  \
FILTER(LANG(?label) = \"en\")\n}\nORDER BY ?label\n";

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
                h2 #examples { "Examples: the graph's queries" }
                (examples(r))
            }
        }
        @if server { script src=(paths::QUERY_JS) defer {} }
    };
    (view.layout(&title, None, &body), failure)
}

/// The query page's form (on the server: the text, or a bundled query's parameters), or on a static site the
/// bundled query's text with a note on where to run it.
pub(super) fn query_editor(form: &QueryForm<'_>, text: &str, server: bool) -> Markup {
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
pub(super) fn examples(r: &Renderer) -> Markup {
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
    pub(super) fn result_table(&self, table: &Table, page_href: Option<&dyn Fn(usize) -> String>) -> Markup {
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
