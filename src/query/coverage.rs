//! Multilingual completeness: for each language, which entities lack a label or a description, and the share of
//! entities covered. Read from the graph, so it works on a fresh build and on an on-disk store alike.

use std::collections::{BTreeMap, BTreeSet};

use oxigraph::model::Term;
use oxigraph::sparql::QuerySolution;
use serde::Serialize;

use crate::query::QueryError;
use crate::query::sparql::{Engine, Request};
use crate::store::GraphStore;

/// Every entity with the languages of its labels and descriptions.
const ENTITY_LANGUAGES: &str = "
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <http://schema.org/>
PREFIX wikibase: <http://wikiba.se/ontology#>
SELECT ?entity ?kind (LANG(?text) AS ?lang) WHERE {
  ?entity a wikibase:Item .
  OPTIONAL {
    { ?entity rdfs:label ?text BIND(\"label\" AS ?kind) }
    UNION
    { ?entity schema:description ?text BIND(\"description\" AS ?kind) }
  }
}";

/// Coverage of one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanguageCoverage {
    /// The language tag.
    pub language: String,
    /// Entities with a label in it.
    pub labelled: usize,
    /// Entities with a description in it.
    pub described: usize,
    /// Entities without a label in it.
    pub missing_labels: Vec<String>,
    /// Entities without a description in it.
    pub missing_descriptions: Vec<String>,
}

/// Coverage of every language used by any label or description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Number of entities.
    pub entities: usize,
    /// Per language, sorted by tag.
    pub languages: Vec<LanguageCoverage>,
}

impl Coverage {
    /// Reads the coverage from the store.
    pub fn of(store: &GraphStore) -> Result<Self, QueryError> {
        let request = Request {
            path: "coverage query",
            text: ENTITY_LANGUAGES,
            ..Request::default()
        };
        let rows = crate::query::select::rows(&Engine::default(), store, &request)?;
        let text = |row: &QuerySolution, name: &str| match row.get(name) {
            Some(Term::NamedNode(n)) => Some(n.as_str().to_owned()),
            Some(Term::Literal(l)) => Some(l.value().to_owned()),
            _ => None,
        };
        let collected = rows
            .iter()
            .filter_map(|row| Some((text(row, "entity")?, text(row, "kind"), text(row, "lang"))))
            .collect();
        Ok(Self::from_rows(collected))
    }

    fn from_rows(rows: Vec<(String, Option<String>, Option<String>)>) -> Self {
        let mut entities = BTreeSet::new();
        let mut has: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
        let mut languages = BTreeSet::new();
        for (entity, kind, lang) in rows {
            if let (Some(kind), Some(lang)) = (kind, lang) {
                languages.insert(lang.clone());
                has.entry((kind, lang)).or_default().insert(entity.clone());
            }
            entities.insert(entity);
        }
        let empty = BTreeSet::new();
        let languages = languages
            .into_iter()
            .map(|language| {
                let labelled = has.get(&("label".to_owned(), language.clone())).unwrap_or(&empty);
                let described = has.get(&("description".to_owned(), language.clone())).unwrap_or(&empty);
                LanguageCoverage {
                    labelled: labelled.len(),
                    described: described.len(),
                    missing_labels: entities.difference(labelled).cloned().collect(),
                    missing_descriptions: entities.difference(described).cloned().collect(),
                    language,
                }
            })
            .collect();
        Self {
            entities: entities.len(),
            languages,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_lists_what_each_language_lacks() {
        let row = |e: &str, k: &str, l: &str| (e.to_owned(), Some(k.to_owned()), Some(l.to_owned()));
        let c = Coverage::from_rows(vec![
            row("a", "label", "en"),
            row("a", "label", "it"),
            row("a", "description", "en"),
            row("b", "label", "en"),
            ("c".to_owned(), None, None),
        ]);
        assert_eq!(c.entities, 3);
        let it = c.languages.iter().find(|l| l.language == "it").unwrap();
        assert_eq!((it.labelled, it.described), (1, 0));
        assert_eq!(it.missing_labels, vec!["b", "c"]);
        assert_eq!(it.missing_descriptions, vec!["a", "b", "c"]);
    }
}
