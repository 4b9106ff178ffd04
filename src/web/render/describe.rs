//! What a thing's documents say: its own triples, those of the statements it makes, of their value and reference
//! nodes, and of the nodes minted beneath its IRI (a source's citations): the Wikibase entity-data shape. It never
//! reads what merely points at the thing (a camp is pointed at by every prisoner held there). A thing has one
//! document per format, named by the thing's IRI plus an extension ([`DOCUMENTS`]).

use std::collections::HashSet;

use oxigraph::model::{NamedNode, Quad, Term};

use super::{Failure, Renderer};
use crate::rdf::format::ExportFormat;
use crate::rdf::iri::{GraphKind, IriKind};
use crate::rdf::vocab::{pk, wikibase};

/// Most nodes minted beneath a thing that its description takes in (a source's citations).
const CHILDREN: usize = 1000;
/// How many terms the ontology's document describes at most.
const TERMS: usize = 10_000;

/// A document format of a thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// The readable page.
    Html,
    /// An RDF serialization.
    Rdf(ExportFormat),
}

impl Document {
    /// The extension that names the document beside the thing's IRI.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Rdf(format) => format.extension(),
        }
    }

    /// The media type the document answers with (negotiated against `Accept`).
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Html => "text/html",
            Self::Rdf(format) => format.media_type(),
        }
    }
}

/// The documents of a thing, in the order `Accept` ties are broken.
pub const DOCUMENTS: [Document; 5] = [
    Document::Html,
    Document::Rdf(ExportFormat::Turtle),
    Document::Rdf(ExportFormat::JsonLd),
    Document::Rdf(ExportFormat::NTriples),
    Document::Rdf(ExportFormat::RdfXml),
];

/// Whether `iri` is a node that belongs to the description of whatever points at it; statements only when
/// `statements` (pointed at by the entity described).
fn dependent(service: &Renderer, iri: &NamedNode, statements: bool) -> bool {
    match service.minter.kind(iri.as_str()) {
        Some(IriKind::Value | IriKind::Reference) => true,
        Some(IriKind::Statement) => statements,
        _ => false,
    }
}

/// The quads describing `iri`; empty when the graph knows nothing about it.
pub(crate) fn describe(service: &Renderer, iri: &NamedNode) -> Result<Vec<Quad>, Failure> {
    // An entity's statements belong to its description; a statement's, not the statements it conflicts with.
    let kind = service.minter.kind(iri.as_str());
    let mut todo = vec![(iri.clone(), kind != Some(IriKind::Statement))];
    // Beside the things under the base IRI, powkg's own terms dereference on the server: the ontology's document
    // describes every term `{base}ontology#…` (the hash namespace), and a predicate of a property's family
    // (`{base}prop/direct/heldAt`) is described by the property that declares it.
    let related = match kind {
        Some(IriKind::Ontology) => Some(format!(
            "SELECT DISTINCT ?child WHERE {{ GRAPH {} {{ ?child ?p ?o }} FILTER(STRSTARTS(STR(?child), \"{}#\")) }} LIMIT {TERMS}",
            service.minter.graph(GraphKind::Ontology),
            iri.as_str()
        )),
        Some(IriKind::Predicate) => Some(format!(
            "SELECT DISTINCT ?child WHERE {{ ?child ?family {iri} ; a {} }} LIMIT 1",
            wikibase::PROPERTY
        )),
        _ => None,
    };
    for row in related.map(|q| service.select(&q)).transpose()?.unwrap_or_default() {
        if let Some(Term::NamedNode(child)) = row.get("child") {
            todo.push((child.clone(), false));
        }
    }
    // The nodes beneath are the citations of a source, which name it as their cited work: found through that one
    // predicate, not by reading everything that points at the thing.
    let beneath = format!("{}/", iri.as_str());
    let children = service.select(&format!(
        "SELECT DISTINCT ?child WHERE {{ ?child {} {iri} }} LIMIT {CHILDREN}",
        service.minter.term(pk::CITED_WORK)
    ))?;
    for row in children {
        if let Some(Term::NamedNode(child)) = row.get("child")
            && child.as_str().starts_with(&beneath)
        {
            todo.push((child.clone(), false));
        }
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while let Some((node, root)) = todo.pop() {
        if !seen.insert(node.clone()) {
            continue;
        }
        let quads = service.store.about(node.as_ref())?;
        for quad in &quads {
            if let Term::NamedNode(o) = &quad.object
                && dependent(service, o, root)
            {
                todo.push((o.clone(), false));
            }
        }
        out.extend(quads);
    }
    Ok(out)
}
