//! Model -> RDF quads, one file per kind of thing. Everything lands in named graphs (ontology, data, metadata);
//! no blank node is written. The output is sorted and free of duplicates, so identical input gives identical quads.

mod dataset;
mod entity;
mod names;
mod source;
mod statement;
mod writer;

use oxigraph::model::{Literal, Quad};

use std::collections::HashMap;

use crate::build::model::Model;
use crate::build::ontology::{Ontology, Schema};
use crate::rdf::iri::{GraphKind, Minter};
use crate::rdf::vocab::{pk, vann};

pub use writer::written_datatype;

use names::Names;
use writer::Writer;

/// Maps the model and the ontology to quads in the three named graphs.
pub fn map(model: &Model, ontology: &Ontology, minter: &Minter) -> Vec<Quad> {
    let mut data = Writer::new(minter, GraphKind::Data);
    let names = Names::new(model);
    let counts = counts(model, &ontology.schema);
    for entity in &model.entities {
        let counts = counts.get(entity.id.as_str()).copied().unwrap_or_default();
        entity::map(entity, counts, minter, &mut data);
    }
    for source in &model.sources {
        source::map(source, &names, minter, &mut data);
    }
    statement::map_all(model, &names, &ontology.schema, minter, &mut data);
    let data = data.finish();

    let mut ontology_graph = Writer::new(minter, GraphKind::Ontology);
    for t in &ontology.triples {
        ontology_graph.add_triple(t);
    }
    // The ontology's namespace as a string, which no relative IRI of the ontology files can give.
    ontology_graph.add(
        &minter.ontology(),
        vann::PREFERRED_NAMESPACE_URI,
        Literal::new_simple_literal(minter.namespace(pk::PATH)),
    );
    let ontology_quads = ontology_graph.finish();

    let metadata = dataset::map(model, minter, &data, &ontology_quads);
    let mut all = ontology_quads;
    all.extend(data);
    all.extend(metadata);
    all
}

/// Each entity's statements, identifiers and sitelinks (articles of Wikimedia projects about it), by entity id.
fn counts<'m>(model: &'m Model, schema: &Schema) -> HashMap<&'m str, entity::Counts> {
    let mut counts: HashMap<&str, entity::Counts> = HashMap::new();
    for claim in &model.claims {
        let entry = counts.entry(claim.subject.as_str()).or_default();
        entry.statements += 1;
        if schema
            .properties
            .get(&claim.main.property)
            .is_some_and(|p| p.external_id)
        {
            entry.identifiers += 1;
        }
    }
    for source in model.sources.iter().filter(|s| names::is_wikimedia_article(s)) {
        for about in &source.about {
            counts.entry(about.as_str()).or_default().sitelinks += 1;
        }
    }
    counts
}
