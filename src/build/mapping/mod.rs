//! Model -> RDF quads, one file per kind of thing. Everything lands in named graphs (ontology, data, metadata);
//! no blank node is written. The output is sorted and free of duplicates, so identical input gives identical quads.

mod dataset;
mod entity;
mod names;
mod source;
mod statement;
mod writer;

use oxigraph::model::{Literal, Quad};

use crate::build::model::Model;
use crate::build::ontology::Ontology;
use crate::rdf::iri::{GraphKind, Minter};
use crate::rdf::vocab::{pk, vann};

pub use writer::written_datatype;

use names::Names;
use writer::Writer;

/// Maps the model and the ontology to quads in the three named graphs.
pub fn map(model: &Model, ontology: &Ontology, minter: &Minter) -> Vec<Quad> {
    let mut data = Writer::new(minter, GraphKind::Data);
    let names = Names::new(model);
    for entity in &model.entities {
        entity::map(entity, minter, &mut data);
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
