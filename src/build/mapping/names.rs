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

    /// How a statement's source is named in labels: an article of a Wikimedia project by its project (the
    /// publisher's label, as Wikidata's "imported from" names it), any other work by its title.
    pub(super) fn publication(&self, id: &'m str, lang: &str) -> &'m str {
        match self.sources.get(id) {
            Some(s) if is_wikimedia_article(s) => s
                .publisher
                .as_deref()
                .map_or(s.title.as_str(), |p| self.entity(p, lang)),
            Some(s) => s.translated_titles.get(lang).unwrap_or(&s.title),
            None => id,
        }
    }

    /// Whether [`Self::publication`] has a text of its own in `lang` (not another language's text standing in).
    pub(super) fn publication_has(&self, id: &str, lang: &str) -> bool {
        match self.sources.get(id) {
            Some(s) if is_wikimedia_article(s) => s
                .publisher
                .as_deref()
                .and_then(|p| self.entities.get(p))
                .is_some_and(|e| e.labels.contains_key(lang)),
            Some(s) => s.title_language == lang || s.translated_titles.contains_key(lang),
            None => false,
        }
    }

    /// Whether the entity `id` has a label of its own in `lang`.
    pub(super) fn entity_has(&self, id: &str, lang: &str) -> bool {
        self.entities.get(id).is_some_and(|e| e.labels.contains_key(lang))
    }

    pub(super) fn title(&self, id: &'m str) -> &'m str {
        self.sources.get(id).map_or(id, |s| s.title.as_str())
    }
}

/// The words reference labels are made of, per language: "footnote" and the abbreviation of "page".
pub(super) const WORDS: [(&str, &str, &str); 2] = [("en", "footnote", "p."), ("it", "nota", "p.")];

/// The source kind of an article of a Wikimedia project: a statement read in one is "imported from" its project.
pub(super) const WIKIMEDIA_ARTICLE: &str = "WikimediaArticle";

/// Whether `source` is an article of a Wikimedia project.
pub(super) fn is_wikimedia_article(source: &Source) -> bool {
    source.kind == WIKIMEDIA_ARTICLE
}
