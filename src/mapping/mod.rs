//! Model -> RDF quads, one file per kind of thing. Everything lands in named graphs (ontology, data, metadata);
//! no blank node is written. The output is sorted and free of duplicates, so identical input gives identical quads.

mod dataset;
mod entity;
mod source;
mod statement;

use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term};

use crate::iri::{GraphKind, Minter};
use crate::model::{Date, Model, Precision};
use crate::ontology::Ontology;
use crate::vocab::xsd;

/// Maps the model and the ontology to quads in the three named graphs.
pub fn map(model: &Model, ontology: &Ontology, minter: &Minter) -> Vec<Quad> {
    let mut data = Writer::new(minter.graph(GraphKind::Data));
    for entity in &model.entities {
        entity::map(entity, minter, &mut data);
    }
    for source in &model.sources {
        source::map(source, minter, &mut data);
    }
    statement::map_all(model, &ontology.schema, minter, &mut data);
    let data = data.finish();

    let ontology_graph = GraphName::NamedNode(minter.graph(GraphKind::Ontology));
    let mut ontology_quads: Vec<Quad> = ontology
        .triples
        .iter()
        .map(|t| t.clone().in_graph(ontology_graph.clone()))
        .collect();
    ontology_quads.sort_by_cached_key(ToString::to_string);
    ontology_quads.dedup();

    let metadata = dataset::map(model, minter, &data, &ontology_quads);
    let mut all = ontology_quads;
    all.extend(data);
    all.extend(metadata);
    all
}

/// Collects the quads of one graph.
pub(crate) struct Writer {
    graph: GraphName,
    quads: Vec<Quad>,
}

impl Writer {
    fn new(graph: NamedNode) -> Self {
        Self {
            graph: GraphName::NamedNode(graph),
            quads: Vec::new(),
        }
    }

    /// Adds one triple to the graph.
    fn add(&mut self, subject: &NamedNode, predicate: impl Into<NamedNode>, object: impl Into<Term>) {
        self.quads.push(Quad::new(
            subject.clone(),
            predicate.into(),
            object.into(),
            self.graph.clone(),
        ));
    }

    /// Sorted, without duplicates.
    fn finish(mut self) -> Vec<Quad> {
        self.quads.sort_by_cached_key(ToString::to_string);
        self.quads.dedup();
        self.quads
    }
}

/// A language-tagged literal; tags were validated by the model.
fn text(value: &str, lang: &str) -> Literal {
    Literal::new_language_tagged_literal_unchecked(value, lang.to_ascii_lowercase())
}

/// A date at its precision: `xsd:gYear`, `xsd:gYearMonth` or `xsd:date`, never a made-up day.
fn date(d: Date) -> Literal {
    let datatype = match d.precision() {
        Precision::Year => xsd::G_YEAR,
        Precision::Month => xsd::G_YEAR_MONTH,
        Precision::Day => xsd::DATE,
    };
    Literal::new_typed_literal(d.to_string(), datatype)
}

/// An `xsd:integer` count.
fn integer(n: usize) -> Literal {
    Literal::new_typed_literal(n.to_string(), xsd::INTEGER)
}
