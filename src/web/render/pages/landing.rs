//! The landing page: what the dataset is, its licence, how to use the data, and its counts, timeline, entities by
//! class and sources.

use maud::{Markup, html};
use oxigraph::model::Literal;

use super::chrome::{Rest, View, anchor, external, figure};
use crate::rdf::vocab::pk;
use crate::web::render::paths;
use crate::web::render::read::shown;
use crate::web::render::read::summary::Summary;

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
                    li { a href=(paths::QUERY) { "Query page" } ": write SPARQL and see the results as a table, with the graph's queries as examples." }
                    li { "SPARQL 1.1 endpoint: " code { (endpoint) } " (GET or POST; results in JSON, XML, CSV, TSV; graphs in Turtle, N-Triples, JSON-LD, RDF/XML)." }
                } @else {
                    li { a href=(paths::QUERY) { "The graph's queries" } ", with their results as of this site's build." }
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
    let head = crate::web::render::schema_org::block(&crate::web::render::schema_org::dataset(r, &site.sources()));
    view.layout_with(title, None, &head, &body)
}

/// The landing page's counts, entities by class and sources.
fn summary_sections(view: &View<'_>, summary: &Summary) -> Markup {
    let sources_query = shown::members("source", &view.r.minter.term(pk::SOURCE));
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
                    // The years the graph's own dates span, from the earliest to the latest.
                    @let first = events.iter().map(|(_, _, date)| date.year).min().unwrap_or_default();
                    @let last = events.iter().map(|(_, _, date)| date.year).max().unwrap_or_default();
                    @let title = format!("The dated statements, {first} to {last}");
                    @let charted: Vec<crate::web::render::charts::Event> = events.iter().map(|(_, label, date)| crate::web::render::charts::Event {
                        label: label.clone(),
                        date: *date,
                    }).collect();
                    figure.chart {
                        (crate::web::render::charts::timeline(&title, &charted, first, last))
                        figcaption { "Each statement over the span its date gives: a day, a month or a year." }
                    }
                    details {
                        summary { "The same as a table" }
                        table {
                            caption { (title) }
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
