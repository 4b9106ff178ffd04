//! The names of things in the reader's languages (`?lang=`, then `Accept-Language`), falling back to English, then
//! to any: only the naming triples are read, so a page of a thousand links reads a thousand names.

use oxigraph::model::{Literal, NamedNode, NamedNodeRef, Term};

use super::dataset::Dataset;
use super::reader::Reader;
use crate::rdf::vocab::{dcterms, rdfs, skos};

/// Predicates that name a thing, in order of preference.
const NAMING: [NamedNodeRef<'static>; 3] = [rdfs::LABEL, skos::PREF_LABEL, dcterms::TITLE];

/// The literal of `literals` that best fits `languages` (most wanted first).
pub(crate) fn best<'l>(literals: impl IntoIterator<Item = &'l Literal>, languages: &[String]) -> Option<&'l Literal> {
    literals
        .into_iter()
        .min_by_key(|l| (language_rank(l.language().unwrap_or(""), languages), l.value()))
}

/// A thing's name in `languages`: its label, preferred label or title; a family predicate's is its property's.
pub(crate) fn name(reader: &Reader<'_>, dataset: &Dataset, iri: &NamedNode, languages: &[String]) -> Option<Literal> {
    let subject = dataset.roles.get(iri).map_or(iri, |(property, _)| property);
    NAMING.iter().find_map(|p| {
        let names: Vec<Literal> = reader
            .store
            .objects(subject.as_ref(), *p)
            .ok()?
            .into_iter()
            .filter_map(|o| match o {
                Term::Literal(l) => Some(l),
                _ => None,
            })
            .collect();
        best(&names, languages).cloned()
    })
}

/// How well a literal's language `tag` serves the wanted languages: a lower rank is better. An exact match of the
/// n-th wanted tag ranks 2n, a match of its primary subtag (`it` for `it-CH`, or `it-CH` for `it`) 2n+1; then
/// English; then anything.
pub fn language_rank(tag: &str, wanted: &[String]) -> usize {
    let primary = |t: &str| t.split('-').next().unwrap_or(t).to_ascii_lowercase();
    for (n, w) in wanted.iter().enumerate() {
        if tag.eq_ignore_ascii_case(w) {
            return 2 * n;
        }
        if primary(tag) == primary(w) {
            return 2 * n + 1;
        }
    }
    if primary(tag) == "en" {
        2 * wanted.len()
    } else {
        2 * wanted.len() + 1
    }
}
