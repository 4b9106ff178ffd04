//! The dataset description (VoID and DCAT): title, licence, attribution to the seed articles, and counts of the
//! other graphs. Its creation date comes from the data, never the clock, so that builds reproduce.

use std::collections::HashSet;

use oxigraph::model::{GraphName, Literal, NamedOrBlankNode, Quad, Term};

use super::writer::{Writer, date, integer, text};
use crate::build::model::Model;
use crate::rdf::iri::{GraphKind, Minter};
use crate::rdf::vocab::{dcat, dcterms, prov, rdf, sd, void, wikibase};

pub(super) fn map(model: &Model, minter: &Minter, data: &[Quad], ontology: &[Quad]) -> Vec<Quad> {
    let mut out = Writer::new(minter, GraphKind::Metadata);
    let d = minter.dataset();
    let info = &model.dataset;
    out.add(&d, rdf::TYPE, void::DATASET);
    out.add(&d, rdf::TYPE, dcat::DATASET);
    for (lang, title) in &info.title {
        out.add(&d, dcterms::TITLE, text(title, lang));
    }
    for (lang, description) in &info.description {
        out.add(&d, dcterms::DESCRIPTION, text(description, lang));
    }
    out.add(&d, dcterms::CREATED, date(info.created));
    out.add(
        &d,
        dcterms::LICENSE,
        oxigraph::model::NamedNode::new_unchecked(&info.licence),
    );
    out.add(&d, dcterms::RIGHTS, Literal::new_simple_literal(&info.attribution));
    for source in &info.sources {
        out.add(&d, dcterms::SOURCE, minter.source(source));
        out.add(&d, prov::WAS_DERIVED_FROM, minter.source(source));
    }
    out.add(&d, void::TRIPLES, integer(data.len() + ontology.len()));
    let items = data
        .iter()
        .filter(|q| q.predicate == rdf::TYPE && q.object == Term::from(wikibase::ITEM))
        .count();
    out.add(&d, void::ENTITIES, integer(items));
    for (kind, quads) in [(GraphKind::Ontology, ontology), (GraphKind::Data, data)] {
        let g = minter.graph(kind);
        out.add(&d, void::SUBSET, g.clone());
        out.add(&g, rdf::TYPE, void::DATASET);
        out.add(&g, rdf::TYPE, sd::NAMED_GRAPH);
        out.add(&g, sd::NAME, g.clone());
        out.add(&g, void::TRIPLES, integer(quads.len()));
        let subjects: HashSet<&NamedOrBlankNode> = quads.iter().map(|q| &q.subject).collect();
        out.add(&g, void::DISTINCT_SUBJECTS, integer(subjects.len()));
        let properties: HashSet<_> = quads.iter().map(|q| &q.predicate).collect();
        out.add(&g, void::PROPERTIES, integer(properties.len()));
        let classes: HashSet<_> = quads
            .iter()
            .filter(|q| q.predicate == rdf::TYPE)
            .map(|q| &q.object)
            .collect();
        out.add(&g, void::CLASSES, integer(classes.len()));
    }
    debug_assert!(data.iter().all(|q| q.graph_name != GraphName::DefaultGraph));
    out.finish()
}
