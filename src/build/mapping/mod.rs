//! Model -> RDF quads, one file per kind of thing. Everything lands in named graphs (ontology, data, metadata);
//! no blank node is written. The output is sorted and free of duplicates, so identical input gives identical quads.

mod dataset;
mod entity;
mod source;
mod statement;

use oxigraph::model::{GraphName, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term, Triple};

use crate::rdf::iri::{GraphKind, Minter};
use std::borrow::Cow;
use std::collections::HashMap;

use crate::build::model::{Date, Entity, Model, Precision, Source};
use crate::build::ontology::Ontology;
use crate::rdf::vocab::xsd;

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
    let ontology_quads = ontology_graph.finish();

    let metadata = dataset::map(model, minter, &data, &ontology_quads);
    let mut all = ontology_quads;
    all.extend(data);
    all.extend(metadata);
    all
}

/// What labels are made of: the names of entities and sources in each language.
pub(super) struct Names<'m> {
    pub(super) entities: HashMap<&'m str, &'m Entity>,
    pub(super) sources: HashMap<&'m str, &'m Source>,
}

impl<'m> Names<'m> {
    pub(super) fn new(model: &'m Model) -> Self {
        Self {
            entities: model.entities.iter().map(|e| (e.id.as_str(), e)).collect(),
            sources: model.sources.iter().map(|s| (s.id.as_str(), s)).collect(),
        }
    }

    /// An entity's label in `lang`, else in English, else its id.
    pub(super) fn entity(&self, id: &'m str, lang: &str) -> &'m str {
        self.entities
            .get(id)
            .and_then(|e| e.labels.get(lang).or_else(|| e.labels.get("en")))
            .map_or(id, String::as_str)
    }

    /// Where a source was published, as its readers name it (its publisher's label, "English Wikipedia"), else its
    /// title.
    pub(super) fn publication(&self, id: &'m str, lang: &str) -> &'m str {
        match self.sources.get(id) {
            Some(s) => match &s.publisher {
                Some(p) => self.entity(p, lang),
                None => &s.title,
            },
            None => id,
        }
    }

    pub(super) fn title(&self, id: &'m str) -> &'m str {
        self.sources.get(id).map_or(id, |s| s.title.as_str())
    }
}

/// The words labels are made of, per language: the languages statements and references are labelled in.
pub(super) const WORDS: [(&str, &str, &str); 2] = [("en", "footnote", "p."), ("it", "nota", "p.")];

/// Collects the quads of one graph, with powkg's own terms moved under the build's base IRI.
pub(crate) struct Writer<'m> {
    minter: &'m Minter,
    graph: GraphName,
    quads: Vec<Quad>,
}

impl<'m> Writer<'m> {
    fn new(minter: &'m Minter, graph: GraphKind) -> Self {
        Self {
            minter,
            graph: GraphName::NamedNode(minter.graph(graph)),
            quads: Vec::new(),
        }
    }

    fn node(&self, node: NamedNode) -> NamedNode {
        match self.minter.relocate(node.as_str()) {
            Cow::Borrowed(_) => node,
            Cow::Owned(iri) => NamedNode::new_unchecked(iri),
        }
    }

    fn object(&self, term: Term) -> Term {
        match term {
            Term::NamedNode(n) => self.node(n).into(),
            other => other,
        }
    }

    /// Adds one triple to the graph.
    fn add(&mut self, subject: &NamedNode, predicate: impl Into<NamedNode>, object: impl Into<Term>) {
        let quad = Quad::new(
            self.node(subject.clone()),
            self.node(predicate.into()),
            self.object(object.into()),
            self.graph.clone(),
        );
        self.quads.push(quad);
    }

    /// Adds a triple of the ontology files (whose subjects may be blank nodes).
    fn add_triple(&mut self, triple: &Triple) {
        let subject = match &triple.subject {
            NamedOrBlankNode::NamedNode(n) => self.node(n.clone()).into(),
            other @ NamedOrBlankNode::BlankNode(_) => other.clone(),
        };
        // A literal that is one of powkg's own IRIs (the ontology's vann:preferredNamespaceUri) moves with it.
        let object = match &triple.object {
            Term::Literal(l) if l.language().is_none() => match self.minter.relocate(l.value()) {
                Cow::Owned(moved) => Literal::new_typed_literal(moved, l.datatype()).into(),
                Cow::Borrowed(_) => triple.object.clone(),
            },
            other => self.object(other.clone()),
        };
        let quad = Quad::new(subject, self.node(triple.predicate.clone()), object, self.graph.clone());
        self.quads.push(quad);
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

/// A date's datatype at its written precision: `xsd:gYear`, `xsd:gYearMonth` or `xsd:date`, never a made-up day.
/// For bibliographic dates and register rows, which have no value node to carry the precision.
pub(crate) fn written_datatype(d: Date) -> NamedNodeRef<'static> {
    match d.precision() {
        Precision::Year => xsd::G_YEAR,
        Precision::Month => xsd::G_YEAR_MONTH,
        Precision::Day => xsd::DATE,
    }
}

/// A date as written (see [`written_datatype`]).
fn date(d: Date) -> Literal {
    Literal::new_typed_literal(d.to_string(), written_datatype(d))
}

/// A date as Wikidata writes a time value (`ps:`, `pq:`, `pr:`, `wdt:`, `wikibase:timeValue`): the `xsd:dateTime` at
/// the start of the period; its precision is on the value node.
fn time(d: Date) -> Literal {
    Literal::new_typed_literal(d.start_date_time(), xsd::DATE_TIME)
}

/// An `xsd:integer` count.
fn integer(n: usize) -> Literal {
    Literal::new_typed_literal(n.to_string(), xsd::INTEGER)
}
