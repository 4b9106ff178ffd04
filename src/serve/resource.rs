//! Dereferencing the graph's IRIs (the 303 pattern of "Cool URIs for the Semantic Web"): the IRI of a thing
//! (`{base}entity/karlag`) answers 303 See Other to a document chosen by `Accept`, the thing's IRI plus an extension
//! (`….html`, `.ttl`, `.nt`, `.jsonld`, `.rdf`); a document answers 200 in its own format. Minted ids never hold a
//! dot, so an extension is never part of an id. Unknown IRIs are 404.
//!
//! A thing's description is its own triples, those of the statements it makes, of their value and reference nodes,
//! and of the nodes minted beneath its IRI (a source's citations): the Wikibase entity-data shape. It never reads
//! what merely points at the thing (a camp is pointed at by every prisoner held there).

use std::collections::HashSet;

use http::StatusCode;
use http::header;
use oxigraph::model::{NamedNode, Quad, Term};

use super::{Incoming, Reply, Service, negotiate, pages, sparql};
use crate::export::ExportFormat;
use crate::iri::{GraphKind, IriKind};
use crate::vocab::{pk, wikibase};

/// Most nodes minted beneath a thing that its description takes in (a source's citations).
const CHILDREN: usize = 1000;
/// How many terms the ontology's document describes at most.
const TERMS: usize = 10_000;

/// A document format of a thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Document {
    /// The readable page.
    Html,
    /// An RDF serialization.
    Rdf(ExportFormat),
}

impl Document {
    /// The extension that names the document beside the thing's IRI.
    pub(crate) fn extension(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Rdf(format) => format.extension(),
        }
    }

    /// The media type the document answers with (negotiated against `Accept`).
    pub(crate) fn media_type(self) -> &'static str {
        match self {
            Self::Html => "text/html",
            Self::Rdf(format) => format.media_type(),
        }
    }
}

/// The documents of a thing, in the order `Accept` ties are broken.
pub(crate) const DOCUMENTS: [Document; 5] = [
    Document::Html,
    Document::Rdf(ExportFormat::Turtle),
    Document::Rdf(ExportFormat::JsonLd),
    Document::Rdf(ExportFormat::NTriples),
    Document::Rdf(ExportFormat::RdfXml),
];

/// Answers a request for a path under the base path.
pub(super) fn dereference(service: &Service, r: &Incoming<'_>) -> Reply {
    let last_segment = r.path.rsplit('/').next().unwrap_or("");
    let (thing_path, extension) = match last_segment.rsplit_once('.') {
        Some((_, ext)) => (&r.path[..r.path.len() - ext.len() - 1], Some(ext)),
        None => (r.path.as_str(), None),
    };
    let document = match extension {
        None => None,
        Some(ext) => match DOCUMENTS.iter().find(|d| d.extension() == ext) {
            Some(d) => Some(*d),
            None => return pages::not_found(r),
        },
    };
    let Ok(iri) = NamedNode::new(format!("{}{thing_path}", service.base_origin)) else {
        return pages::not_found(r);
    };
    let quads = match describe(service, &iri) {
        Ok(q) => q,
        Err(reply) => return reply,
    };
    if quads.is_empty() {
        return pages::not_found(r);
    }
    match document {
        None => {
            let offers: Vec<(&str, &str)> = DOCUMENTS.iter().map(|d| (d.media_type(), d.extension())).collect();
            let Some(ext) = negotiate::choose(r.accept(), &offers) else {
                return super::not_acceptable(&DOCUMENTS.map(Document::media_type));
            };
            let query = r.request.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
            Reply::redirect(StatusCode::SEE_OTHER, &format!("{thing_path}.{ext}{query}")).with(header::VARY, "Accept")
        }
        Some(Document::Html) => pages::resource(service, r, &iri, &quads),
        Some(Document::Rdf(format)) => {
            // A document has one format: no `Vary: Accept`.
            let mut reply = service.rdf_reply(&quads, format);
            reply.headers.retain(|(name, _)| *name != header::VARY);
            reply
        }
    }
}

/// Whether `iri` is a node that belongs to the description of whatever points at it; statements only when
/// `statements` (pointed at by the entity described).
fn dependent(service: &Service, iri: &NamedNode, statements: bool) -> bool {
    match service.minter.kind(iri.as_str()) {
        Some(IriKind::Value | IriKind::Reference) => true,
        Some(IriKind::Statement) => statements,
        _ => false,
    }
}

/// The quads describing `iri`; empty when the graph knows nothing about it.
pub(crate) fn describe(service: &Service, iri: &NamedNode) -> Result<Vec<Quad>, Reply> {
    let storage = |e: crate::store::StoreError| Reply::text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
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
    for row in related
        .map(|q| sparql::page_select(service, &q))
        .transpose()?
        .unwrap_or_default()
    {
        if let Some(Term::NamedNode(child)) = row.get("child") {
            todo.push((child.clone(), false));
        }
    }
    // The nodes beneath are the citations of a source, which name it as their cited work: found through that one
    // predicate, not by reading everything that points at the thing.
    let beneath = format!("{}/", iri.as_str());
    let children = sparql::page_select(
        service,
        &format!(
            "SELECT DISTINCT ?child WHERE {{ ?child {} {iri} }} LIMIT {CHILDREN}",
            service.minter.term(pk::CITED_WORK)
        ),
    )?;
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
        let quads = service.store.about(node.as_ref()).map_err(storage)?;
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
