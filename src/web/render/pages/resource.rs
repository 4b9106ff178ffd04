//! The page of a thing: entity, statement, source, or any other described node, with what points at it and its
//! documents.

use maud::{Markup, html};
use oxigraph::model::{Literal, NamedNode, Quad, Term};

use super::chrome::{View, external, group_digits};
use super::statements::local_id;
use crate::rdf::vocab::{owl, rdf, rdfs, schema, wd, wikibase};
use crate::web::render::document::{DOCUMENTS, Document};
use crate::web::render::failure::Failure;
use crate::web::render::paths;
use crate::web::render::read::mentions::{Mentions, mentions};
use crate::web::render::read::shown;
use crate::web::render::read::statement::{Statement, as_iri, facts};

impl View<'_> {
    /// The things whose statements, references or facts point at `iri`: those of its first [`MENTIONS`] incoming
    /// links (a place a large register names in every row has hundreds of thousands), then how many links there are in all and the
    /// query that lists them.
    fn mentions(&self, iri: &NamedNode, mentions: &Mentions) -> Markup {
        let service = self.r;
        let Mentions { found, followed, all } = mentions;
        let query = shown::links_to(iri);
        html! {
            @if !found.is_empty() {
                section aria-labelledby="mentions" {
                    h2 #mentions { "Mentioned by" }
                    ul { @for (who, how) in found { li { (self.link(who)) " — " (self.link(how)) } } }
                    @match all {
                        Ok(n) if n > followed => p.more {
                            "These are the things behind the first " (group_digits(&followed.to_string()))
                            " of the " (group_digits(&n.to_string())) " links to this: "
                            @if let Some(path) = service.page_path(iri) {
                                a href=(paths::mentions(&path, 1)) { "all the links, page by page" } ", or "
                            }
                            (self.query_link(&query, "list them with a query")) "."
                        },
                        Ok(_) => {},
                        Err(why) => p.more {
                            "These are the things behind the first " (group_digits(&followed.to_string()))
                            " links to this; the rest were not counted (" (why) "): "
                            (self.query_link(&query, "list them with a query")) "."
                        },
                    }
                }
            }
        }
    }
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
    let reader = service.reader();
    let statement = is_statement.then(|| Statement::read(&reader, &service.dataset, &facts, iri));
    let children: Vec<NamedNode> = facts
        .keys()
        .filter(|s| crate::rdf::iri::is_beneath(s, iri.as_str()))
        .map(|s| NamedNode::new_unchecked(s.clone()))
        .collect();
    let mentions = view.mentions(iri, &mentions(&reader, &service.dataset, iri)?);
    let thing_path = service.minter.path_at_origin(iri.as_str()).unwrap_or(iri.as_str());
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
            (crate::web::render::schema_org::block(&crate::web::render::schema_org::thing(service, iri, &literals(rdfs::LABEL), &descriptions, &types, &wikidata)))
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
