//! The vocabulary constants agree with the ontology, both ways.

use std::collections::BTreeSet;

use oxigraph::model::{NamedOrBlankNode, Term};
use powkg::build::ontology::Ontology;
use powkg::rdf::iri::{DEFAULT_BASE_IRI, Minter};
use powkg::rdf::vocab::{owl, pk, pkpr, pr, rdf, wikibase};

fn minter() -> Minter {
    Minter::new(DEFAULT_BASE_IRI).unwrap()
}

fn ontology() -> Ontology {
    Ontology::load(
        &crate::util::bundled_sources()
            .ontology_files()
            .expect("ontology files")
            .0,
        &minter(),
    )
    .expect("the bundled ontology loads")
}

/// `pk:` subjects the ontology types; with `include_properties` false, leaving out the `wikibase:Property`s that
/// claims reach by key.
fn declared_pk_terms(o: &Ontology, include_properties: bool) -> BTreeSet<String> {
    let properties: std::collections::HashSet<&NamedOrBlankNode> = o
        .triples
        .iter()
        .filter(|t| t.predicate == rdf::TYPE && t.object == Term::from(wikibase::PROPERTY))
        .map(|t| &t.subject)
        .collect();
    let minter = minter();
    o.triples
        .iter()
        .filter(|t| t.predicate == rdf::TYPE && (include_properties || !properties.contains(&t.subject)))
        .filter_map(|t| match &t.subject {
            NamedOrBlankNode::NamedNode(n) => minter.own_local(pk::PATH, n.as_str()).map(str::to_owned),
            NamedOrBlankNode::BlankNode(_) => None,
        })
        .collect()
}

#[test]
fn every_pk_constant_is_declared_in_the_ontology() {
    let declared = declared_pk_terms(&ontology(), true);
    for (local, _) in pk::ALL {
        assert!(
            declared.contains(*local),
            "pk:{local} is a vocab constant but the ontology does not declare it"
        );
    }
}

#[test]
fn every_declared_pk_class_or_meta_property_has_a_constant_or_is_a_class_the_data_names() {
    let o = ontology();
    let constants: BTreeSet<&str> = pk::ALL.iter().map(|(l, _)| *l).collect();
    for term in declared_pk_terms(&o, false) {
        let reached = constants.contains(term.as_str())
            || o.schema.entity_classes.contains(&term)
            || o.schema.source_classes.contains(&term);
        assert!(
            reached,
            "pk:{term} is declared in the ontology but no vocab constant or data class reaches it"
        );
    }
}

#[test]
fn reference_predicates_belong_to_declared_properties() {
    let o = ontology();
    let declared: BTreeSet<String> = o
        .schema
        .properties
        .values()
        .map(|p| p.reference.as_str().to_owned())
        .collect();
    let minter = minter();
    let own = pkpr::ALL.iter().map(|(_, t)| minter.term(*t));
    for term in [pr::STATED_IN.into_owned(), pr::REFERENCE_URL.into_owned()]
        .into_iter()
        .chain(own)
    {
        assert!(
            declared.contains(term.as_str()),
            "{term} is written by the mapping but no property declares it as its wikibase:reference"
        );
    }
}

#[test]
fn every_ontology_class_and_property_has_english_and_italian_labels() {
    let o = ontology();
    let label = powkg::rdf::vocab::rdfs::LABEL;
    let mut missing = Vec::new();
    for t in o.triples.iter().filter(|t| {
        t.predicate == rdf::TYPE && (t.object == Term::from(owl::CLASS) || t.object == Term::from(wikibase::PROPERTY))
    }) {
        for lang in ["en", "it"] {
            let has = o.triples.iter().any(|l| {
                l.subject == t.subject
                    && l.predicate == label
                    && matches!(&l.object, Term::Literal(lit) if lit.language() == Some(lang))
            });
            if !has {
                missing.push(format!("{} lacks a {lang} label", t.subject));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_own_property_says_why_wikidata_has_none() {
    let o = ontology();
    let scope_note = oxigraph::model::NamedNodeRef::new_unchecked("http://www.w3.org/2004/02/skos/core#scopeNote");
    let mut missing = Vec::new();
    for def in o.schema.properties.values() {
        if minter().own_local(pk::PATH, def.iri.as_str()).is_none() {
            continue;
        }
        let languages: BTreeSet<&str> = o
            .triples
            .iter()
            .filter(|t| t.subject == NamedOrBlankNode::from(def.iri.clone()) && t.predicate == scope_note)
            .filter_map(|t| match &t.object {
                Term::Literal(l)
                    if l.value().starts_with("Own property: ") || l.value().starts_with("Proprietà propria: ") =>
                {
                    l.language()
                }
                _ => None,
            })
            .collect();
        if languages != BTreeSet::from(["en", "it"]) {
            missing.push(def.key.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "own properties without a scope note (en, it) saying why: {missing:?}"
    );
}
