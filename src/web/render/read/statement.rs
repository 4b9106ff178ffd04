//! Wikibase statements read back from a thing's description: its triples by subject, and each statement's value,
//! qualifiers, rank, references and the statements it conflicts with.

use std::collections::{BTreeMap, HashSet};

use oxigraph::model::{NamedNode, NamedOrBlankNode, Quad, Term};

use super::dataset::{Dataset, Role};
use super::reader::Reader;
use crate::rdf::vocab::{pk, prov, rdf, wikibase};

/// The subject-keyed triples of a description, graphs merged.
pub(crate) type Facts = BTreeMap<String, Vec<(NamedNode, Term)>>;

pub(crate) fn facts(quads: &[Quad]) -> Facts {
    let mut by_subject: Facts = BTreeMap::new();
    let mut seen = HashSet::new();
    for q in quads {
        if let NamedOrBlankNode::NamedNode(s) = &q.subject
            && seen.insert((s.clone(), q.predicate.clone(), q.object.clone()))
        {
            by_subject
                .entry(s.as_str().to_owned())
                .or_default()
                .push((q.predicate.clone(), q.object.clone()));
        }
    }
    for pairs in by_subject.values_mut() {
        pairs.sort_by_cached_key(|(p, o)| (p.as_str().to_owned(), o.to_string()));
    }
    by_subject
}

pub(crate) fn objects<'f>(
    facts: &'f Facts,
    subject: &str,
    predicate: oxigraph::model::NamedNodeRef<'_>,
) -> Vec<&'f Term> {
    facts
        .get(subject)
        .into_iter()
        .flatten()
        .filter(|(p, _)| *p == predicate)
        .map(|(_, o)| o)
        .collect()
}

pub(crate) fn as_iri(term: &Term) -> Option<&NamedNode> {
    match term {
        Term::NamedNode(n) => Some(n),
        _ => None,
    }
}

/// One statement, read from the description.
pub(crate) struct Statement {
    pub(crate) iri: NamedNode,
    pub(crate) property: Option<NamedNode>,
    pub(crate) value: Option<Term>,
    pub(crate) value_node: Option<NamedNode>,
    pub(crate) qualifiers: Vec<(NamedNode, Term)>,
    /// The qualifiers' value nodes (`pqv:`), where dates keep their precision.
    pub(crate) qualifier_nodes: Vec<NamedNode>,
    pub(crate) rank: Option<NamedNode>,
    pub(crate) best: bool,
    pub(crate) references: Vec<NamedNode>,
    pub(crate) conflicts: Vec<NamedNode>,
}

impl Statement {
    /// The statement `iri` as `facts` describe it, its predicates read through the properties' families.
    pub(crate) fn read(reader: &Reader<'_>, dataset: &Dataset, facts: &Facts, iri: &NamedNode) -> Self {
        let pairs = facts.get(iri.as_str()).map(Vec::as_slice).unwrap_or_default();
        let mut s = Self {
            iri: iri.clone(),
            property: None,
            value: None,
            value_node: None,
            qualifiers: Vec::new(),
            qualifier_nodes: Vec::new(),
            rank: None,
            best: false,
            references: Vec::new(),
            conflicts: Vec::new(),
        };
        let conflicts_with = reader.minter.term(pk::CONFLICTS_WITH);
        for (p, o) in pairs {
            match dataset.roles.get(p) {
                Some((property, Role::StatementProperty)) => {
                    s.property = Some(property.clone());
                    s.value = Some(o.clone());
                }
                Some((_, Role::StatementValue)) => s.value_node = as_iri(o).cloned(),
                Some((property, Role::Qualifier)) => s.qualifiers.push((property.clone(), o.clone())),
                Some((_, Role::QualifierValue)) => s.qualifier_nodes.extend(as_iri(o).cloned()),
                _ if *p == wikibase::RANK => s.rank = as_iri(o).cloned(),
                _ if *p == rdf::TYPE && as_iri(o).is_some_and(|t| *t == wikibase::BEST_RANK) => s.best = true,
                _ if *p == prov::WAS_DERIVED_FROM => s.references.extend(as_iri(o).cloned()),
                _ if *p == conflicts_with => s.conflicts.extend(as_iri(o).cloned()),
                _ => {}
            }
        }
        s
    }
}

/// The description of another node, for a statement shown beside the one on the page.
pub(crate) fn facts_of(reader: &Reader<'_>, iri: &NamedNode) -> Facts {
    facts(&super::describe::describe(reader, iri).unwrap_or_default())
}

/// The thing whose claim points at `statement`, and the claim's property (a statement is pointed at by its
/// subject's claim and by the few statements that conflict with it).
pub(crate) fn claimed_by(
    reader: &Reader<'_>,
    dataset: &Dataset,
    statement: &NamedNode,
) -> Option<(NamedNode, NamedNode)> {
    reader
        .store
        .pointing_at(statement.as_ref())
        .ok()?
        .into_iter()
        .find_map(|q| match (q.subject, dataset.roles.get(&q.predicate)) {
            (NamedOrBlankNode::NamedNode(s), Some((property, Role::Claim))) => Some((s, property.clone())),
            _ => None,
        })
}
