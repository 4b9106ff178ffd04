//! The quads of one graph as the mapping adds them, and the literals it writes.

use oxigraph::model::{GraphName, Literal, NamedNode, NamedNodeRef, Quad, Term, Triple};

use crate::build::model::{Date, Precision};
use crate::rdf::iri::{GraphKind, Minter};
use crate::rdf::vocab::{Own, xsd};

/// Collects the quads of one graph.
pub(super) struct Writer<'m> {
    minter: &'m Minter,
    graph: GraphName,
    quads: Vec<Quad>,
}

impl<'m> Writer<'m> {
    pub(super) fn new(minter: &'m Minter, graph: GraphKind) -> Self {
        Self {
            minter,
            graph: GraphName::NamedNode(minter.graph(graph)),
            quads: Vec::new(),
        }
    }

    /// One of powkg's own terms under the build's base IRI.
    pub(super) fn term(&self, term: Own) -> NamedNode {
        self.minter.term(term)
    }

    /// Adds one triple to the graph.
    pub(super) fn add(&mut self, subject: &NamedNode, predicate: impl Into<NamedNode>, object: impl Into<Term>) {
        let quad = Quad::new(subject.clone(), predicate.into(), object.into(), self.graph.clone());
        self.quads.push(quad);
    }

    /// Adds a triple of the ontology files (whose subjects may be blank nodes).
    pub(super) fn add_triple(&mut self, triple: &Triple) {
        let quad = Quad::new(
            triple.subject.clone(),
            triple.predicate.clone(),
            triple.object.clone(),
            self.graph.clone(),
        );
        self.quads.push(quad);
    }

    /// Sorted, without duplicates.
    pub(super) fn finish(mut self) -> Vec<Quad> {
        self.quads.sort_by_cached_key(ToString::to_string);
        self.quads.dedup();
        self.quads
    }
}

/// A language-tagged literal; tags were validated by the model.
pub(super) fn text(value: &str, lang: &str) -> Literal {
    Literal::new_language_tagged_literal_unchecked(value, lang.to_ascii_lowercase())
}

/// A date's datatype at its written precision: `xsd:gYear`, `xsd:gYearMonth` or `xsd:date`, never a made-up day.
/// For bibliographic dates and register rows, which have no value node to carry the precision.
pub fn written_datatype(d: Date) -> NamedNodeRef<'static> {
    match d.precision() {
        Precision::Year => xsd::G_YEAR,
        Precision::Month => xsd::G_YEAR_MONTH,
        Precision::Day => xsd::DATE,
    }
}

/// A date as written (see [`written_datatype`]).
pub(super) fn date(d: Date) -> Literal {
    Literal::new_typed_literal(d.to_string(), written_datatype(d))
}

/// A date as Wikidata writes a time value (`ps:`, `pq:`, `pr:`, `wdt:`, `wikibase:timeValue`): the `xsd:dateTime` at
/// the start of the period; its precision is on the value node.
pub(super) fn time(d: Date) -> Literal {
    Literal::new_typed_literal(d.start_date_time(), xsd::DATE_TIME)
}

/// An `xsd:integer` count.
pub(super) fn integer(n: usize) -> Literal {
    Literal::new_typed_literal(n.to_string(), xsd::INTEGER)
}
