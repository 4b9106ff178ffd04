//! What a thing's documents say: its own triples, those of the statements it makes, of their value and reference
//! nodes, and of the nodes minted beneath its IRI (a source's citations): the Wikibase entity-data shape. It never
//! reads what merely points at the thing (a place is pointed at by every record of a register that names it). A thing has one
//! document per format, named by the thing's IRI plus an extension (see `document.rs`).

use std::collections::HashSet;

use oxigraph::model::{NamedNode, Quad, Term};

use super::queries::PageQuery;
use super::reader::Reader;
use crate::query::select::Slice;
use crate::rdf::iri::IriKind;
use crate::web::render::failure::Failure;

/// Most nodes minted beneath a thing that its description takes in (a source's citations).
const CHILDREN: usize = 1000;
/// How many terms the ontology's document describes at most.
const TERMS: usize = 10_000;

/// Whether `iri` is a node that belongs to the description of whatever points at it; statements only when
/// `statements` (pointed at by the entity described).
fn dependent(reader: &Reader<'_>, iri: &NamedNode, statements: bool) -> bool {
    match reader.minter.kind(iri.as_str()) {
        Some(IriKind::Value | IriKind::Reference) => true,
        Some(IriKind::Statement) => statements,
        _ => false,
    }
}

/// The quads describing `iri`; empty when the graph knows nothing about it.
pub(crate) fn describe(reader: &Reader<'_>, iri: &NamedNode) -> Result<Vec<Quad>, Failure> {
    // An entity's statements belong to its description; a statement's, not the statements it conflicts with.
    let kind = reader.minter.kind(iri.as_str());
    let mut todo = vec![(iri.clone(), kind != Some(IriKind::Statement))];
    // Beside the things under the base IRI, powkg's own terms dereference on the server: the ontology's document
    // describes every term `{base}ontology#…` (the hash namespace), and a predicate of a property's family
    // (`{base}prop/direct/heldAt`) is described by the property that declares it.
    let related = match kind {
        Some(IriKind::Ontology) => Some((PageQuery::OntologyTerms, "ontology", Slice::first(TERMS))),
        Some(IriKind::Predicate) => Some((PageQuery::FamilyProperty, "predicate", Slice::first(1))),
        _ => None,
    };
    let related = related
        .map(|(query, param, slice)| reader.select(query, &[(param, iri.clone().into())], slice))
        .transpose()?;
    // The nodes beneath are the citations of a source, which name it as their cited work: found through that one
    // predicate, not by reading everything that points at the thing.
    let citations = reader.select(
        PageQuery::Citations,
        &[("work", iri.clone().into())],
        Slice::first(CHILDREN),
    )?;
    let child = |row: &oxigraph::sparql::QuerySolution| match row.get("child") {
        Some(Term::NamedNode(child)) => Some(child.clone()),
        _ => None,
    };
    todo.extend(related.iter().flatten().filter_map(child).map(|c| (c, false)));
    todo.extend(
        citations
            .iter()
            .filter_map(child)
            .filter(|c| crate::rdf::iri::is_beneath(c.as_str(), iri.as_str()))
            .map(|c| (c, false)),
    );
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while let Some((node, root)) = todo.pop() {
        if !seen.insert(node.clone()) {
            continue;
        }
        let quads = reader.store.about(node.as_ref())?;
        for quad in &quads {
            if let Term::NamedNode(o) = &quad.object
                && dependent(reader, o, root)
            {
                todo.push((o.clone(), false));
            }
        }
        out.extend(quads);
    }
    Ok(out)
}
