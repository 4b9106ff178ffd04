//! The checked domain types: the dataset, entities, sources and claims of a model, each with where it was written.

use std::collections::{BTreeMap, BTreeSet};

use super::value::{Date, Quantity, Rank};
use crate::files::diagnostic::Position;

/// Where a record was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file.
    pub path: String,
    /// The start of the record's table.
    pub position: Position,
}

/// The dataset's own description.
#[derive(Debug, Clone)]
pub struct DatasetInfo {
    /// Title per language.
    pub title: BTreeMap<String, String>,
    /// Description per language.
    pub description: BTreeMap<String, String>,
    /// Creation date, from the data.
    pub created: Date,
    /// Licence IRI.
    pub licence: String,
    /// Attribution text.
    pub attribution: String,
    /// Source ids the dataset derives from.
    pub sources: Vec<String>,
}

/// A thing the sources speak of.
#[derive(Debug, Clone)]
pub struct Entity {
    /// Slug.
    pub id: String,
    /// Ontology class local name.
    pub class: String,
    /// Label per language.
    pub labels: BTreeMap<String, String>,
    /// Description per language.
    pub descriptions: BTreeMap<String, String>,
    /// Aliases per language.
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Checked Wikidata item id.
    pub wikidata: Option<String>,
    /// Curator's note.
    pub note: Option<String>,
    /// Where it was written.
    pub origin: Origin,
}

/// A seed article or a cited work.
#[derive(Debug, Clone)]
pub struct Source {
    /// Slug.
    pub id: String,
    /// Ontology source class local name.
    pub kind: String,
    /// Title as written.
    pub title: String,
    /// Whether the curator devised the title (the source gives none).
    pub devised_title: bool,
    /// Language of the title.
    pub title_language: String,
    /// Translated titles per language.
    pub translated_titles: BTreeMap<String, String>,
    /// Author names.
    pub authors: Vec<String>,
    /// Publisher entity id.
    pub publisher: Option<String>,
    /// Place of publication.
    pub place: Option<String>,
    /// Publication date.
    pub published: Option<Date>,
    /// Retrieval date.
    pub retrieved: Option<Date>,
    /// ISBN-10.
    pub isbn10: Option<String>,
    /// Pages.
    pub pages: Option<String>,
    /// Languages of the work.
    pub languages: Vec<String>,
    /// Web address.
    pub url: Option<String>,
    /// The root address of the Wikimedia project site it is an article of, where given.
    pub site: Option<String>,
    /// Entity ids of what it is about.
    pub about: Vec<String>,
    /// Licence IRI.
    pub licence: Option<String>,
    /// Seed file name.
    pub seed: Option<String>,
    /// (citing source id, footnote) pairs.
    pub cited_in: Vec<(String, u32)>,
    /// Curator's note.
    pub note: Option<String>,
    /// Where it was written.
    pub origin: Origin,
}

/// A value of a claim or qualifier.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    /// An entity id.
    Item(String),
    /// A date.
    Time(Date),
    /// A figure.
    Quantity(Quantity),
    /// A language-tagged text.
    Text {
        /// The words.
        text: String,
        /// Their language.
        lang: String,
    },
    /// A plain string.
    String(String),
    /// A web address.
    Url(String),
}

/// A property with a value (a main value or a qualifier).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Snak {
    /// Property key.
    pub property: String,
    /// The value.
    pub value: Value,
}

/// Where a claim was read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reference {
    /// The seed article.
    pub source: String,
    /// Its footnote covering the claim.
    pub footnote: Option<u32>,
    /// The work that footnote cites.
    pub cites: Option<String>,
    /// Page as the footnote gives it.
    pub page: Option<String>,
    /// The article's words and their language.
    pub quote: Option<(String, String)>,
}

/// One source's statement about one entity.
#[derive(Debug, Clone)]
pub struct Claim {
    /// Slug; the statement IRI.
    pub id: String,
    /// Subject entity id.
    pub subject: String,
    /// Main property and value.
    pub main: Snak,
    /// Rank.
    pub rank: Rank,
    /// Qualifiers in written order.
    pub qualifiers: Vec<Snak>,
    /// References in written order.
    pub references: Vec<Reference>,
    /// Ids of claims it disagrees with.
    pub conflicts_with: Vec<String>,
    /// Curator's note.
    pub note: Option<String>,
    /// Where it was written.
    pub origin: Origin,
}

/// The validated curated set.
#[derive(Debug, Clone)]
pub struct Model {
    /// The dataset description.
    pub dataset: DatasetInfo,
    /// Entities in written order.
    pub entities: Vec<Entity>,
    /// Sources in written order.
    pub sources: Vec<Source>,
    /// Claims in written order.
    pub claims: Vec<Claim>,
}

impl Model {
    /// Every pair of claims that disagree, once, as (smaller id, larger id).
    pub fn conflicting_pairs(&self) -> BTreeSet<(&str, &str)> {
        self.claims
            .iter()
            .flat_map(|c| {
                c.conflicts_with.iter().map(move |o| {
                    let (a, b) = (c.id.as_str(), o.as_str());
                    if a < b { (a, b) } else { (b, a) }
                })
            })
            .collect()
    }

    /// The source with this id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }
}
