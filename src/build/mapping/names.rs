//! The names labels are made of: entities' and sources' labels in each language, and the words around them.

use std::collections::HashMap;

use crate::build::model::{Entity, Model, Source};

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
