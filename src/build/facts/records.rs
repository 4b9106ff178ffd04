//! The shapes of curated records as written in TOML. Every value keeps its span so that later stages can point at
//! it; nothing here knows RDF.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// A text written once per language: `{ en = "…", it = "…" }`.
pub type LangMap = BTreeMap<Spanned<String>, Spanned<String>>;

/// `[dataset]`: what the curated set is, its licence and attribution.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetRecord {
    /// Title per language.
    pub title: LangMap,
    /// Description per language.
    #[serde(default)]
    pub description: LangMap,
    /// Date the curated set was made (`YYYY-MM-DD`); builds take it from here, never from the clock.
    pub created: Spanned<String>,
    /// Licence IRI.
    pub licence: Spanned<String>,
    /// Attribution text naming the works the data derives from.
    pub attribution: Spanned<String>,
    /// Source ids the dataset derives from.
    pub sources: Vec<Spanned<String>>,
}

/// `[[entity]]`: a thing the articles speak of.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityRecord {
    /// Stable slug, unique among entities.
    pub id: Spanned<String>,
    /// Local name of an ontology class.
    #[serde(rename = "type")]
    pub class: Spanned<String>,
    /// One label per language.
    pub label: LangMap,
    /// One description per language.
    #[serde(default)]
    pub description: LangMap,
    /// Other names and spellings, per language.
    #[serde(default)]
    pub aliases: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// Checked Wikidata item id (`Q…`).
    pub wikidata: Option<Spanned<String>>,
    /// Curator's note.
    pub note: Option<Spanned<String>>,
}

/// Where a cited work is cited: `{ source = "en-article", footnote = 3 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitedInRecord {
    /// The citing source id.
    pub source: Spanned<String>,
    /// The footnote number in it.
    pub footnote: Spanned<u32>,
}

/// `[[source]]`: a seed article or a work one of them cites.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRecord {
    /// Stable slug, unique among sources.
    pub id: Spanned<String>,
    /// Local name of an ontology source class.
    pub kind: Spanned<String>,
    /// Title as written.
    pub title: Spanned<String>,
    /// Whether the title is one the curator devised (the source gives none): then it is no `wdt:P1476` and no
    /// sitelink's name.
    #[serde(default)]
    pub devised_title: bool,
    /// Language of the title.
    pub title_language: Spanned<String>,
    /// Translations of the title as the citing article gives them.
    #[serde(default)]
    pub translated_title: LangMap,
    /// Author names as written.
    #[serde(default)]
    pub authors: Vec<Spanned<String>>,
    /// Entity id of the publisher, periodical or broadcaster.
    pub publisher: Option<Spanned<String>>,
    /// Place of publication as written.
    pub place: Option<Spanned<String>>,
    /// Publication date at its written precision.
    pub published: Option<Spanned<String>>,
    /// Retrieval date at its written precision.
    pub retrieved: Option<Spanned<String>>,
    /// ISBN-10 as written.
    pub isbn10: Option<Spanned<String>>,
    /// Page or pages as written.
    pub pages: Option<Spanned<String>>,
    /// Languages of the work.
    #[serde(default)]
    pub languages: Vec<Spanned<String>>,
    /// Web address.
    pub url: Option<Spanned<String>>,
    /// For an article of a Wikimedia project: the project site's root address (`https://de.wikipedia.org/`), where
    /// the url does not give it.
    pub site: Option<Spanned<String>>,
    /// Entity ids of what the work is about (for an article of a Wikimedia project: its sitelinks).
    #[serde(default)]
    pub about: Vec<Spanned<String>>,
    /// Licence IRI.
    pub licence: Option<Spanned<String>>,
    /// For the seed articles: the file name in `shared/seeds`.
    pub seed: Option<Spanned<String>>,
    /// Footnotes that cite this work.
    #[serde(default)]
    pub cited_in: Vec<CitedInRecord>,
    /// Curator's note.
    pub note: Option<Spanned<String>>,
}

/// A number as written in TOML: an integer or a decimal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// `100000`
    Integer(i64),
    /// `0.5`
    Float(f64),
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Number;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number such as 61662")
            }
            fn visit_i64<E>(self, v: i64) -> Result<Number, E> {
                Ok(Number::Integer(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Number, E> {
                i64::try_from(v)
                    .map(Number::Integer)
                    .map_err(|_| E::custom("number too large"))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Number, E> {
                Ok(Number::Float(v))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The value fields shared by claims and qualifiers; exactly one of the value kinds must be set.
#[derive(Debug, Default)]
pub struct ValueFields<'a> {
    /// Entity id.
    pub item: Option<&'a Spanned<String>>,
    /// Date text.
    pub time: Option<&'a Spanned<String>>,
    /// Figure.
    pub quantity: Option<&'a Spanned<Number>>,
    /// How the figure was bounded in the text.
    pub bound: Option<&'a Spanned<String>>,
    /// Language-tagged text.
    pub text: Option<&'a Spanned<String>>,
    /// Language of `text`.
    pub lang: Option<&'a Spanned<String>>,
    /// Plain string.
    pub string: Option<&'a Spanned<String>>,
    /// Web address.
    pub url: Option<&'a Spanned<String>>,
}

/// Declares a record that carries the value fields (`item`, `time`, `quantity` with `bound`, `text` with `lang`,
/// `string`, `url`) next to its own, and its [`ValueFields`] view. Written as a macro because serde's `flatten`
/// would lose both `deny_unknown_fields` and the spans.
macro_rules! with_value_fields {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// An entity id.
            pub item: Option<Spanned<String>>,
            /// A date text.
            pub time: Option<Spanned<String>>,
            /// A figure.
            pub quantity: Option<Spanned<Number>>,
            /// How the text bounded the figure.
            pub bound: Option<Spanned<String>>,
            /// A language-tagged text.
            pub text: Option<Spanned<String>>,
            /// The language of `text`.
            pub lang: Option<Spanned<String>>,
            /// A plain string.
            pub string: Option<Spanned<String>>,
            /// A web address.
            pub url: Option<Spanned<String>>,
        }

        impl $name {
            /// The value fields of this record.
            pub fn value_fields(&self) -> ValueFields<'_> {
                ValueFields {
                    item: self.item.as_ref(),
                    time: self.time.as_ref(),
                    quantity: self.quantity.as_ref(),
                    bound: self.bound.as_ref(),
                    text: self.text.as_ref(),
                    lang: self.lang.as_ref(),
                    string: self.string.as_ref(),
                    url: self.url.as_ref(),
                }
            }
        }
    };
}

with_value_fields! {
    /// A qualifier: `{ property = "P585", time = "1867" }`.
    pub struct QualifierRecord {
        /// Property key.
        pub property: Spanned<String>,
    }
}

/// A reference: where the claim was read, and what that article's footnote cites.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceRecord {
    /// The seed article the claim was read in.
    pub source: Spanned<String>,
    /// The footnote of that article covering the claim.
    pub footnote: Option<Spanned<u32>>,
    /// The work that footnote cites.
    pub cites: Option<Spanned<String>>,
    /// Page as the footnote gives it.
    pub page: Option<Spanned<String>>,
    /// The article's words, verbatim.
    pub quote: Option<Spanned<String>>,
}

with_value_fields! {
    /// `[[claim]]`: one statement of one source about one entity.
    pub struct ClaimRecord {
        /// Stable slug, unique among claims; the statement IRI is minted from it.
        pub id: Spanned<String>,
        /// Entity id.
        pub subject: Spanned<String>,
        /// Property key.
        pub property: Spanned<String>,
        /// `normal` (default), `preferred` or `deprecated`.
        pub rank: Option<Spanned<String>>,
        /// Qualifiers.
        #[serde(default)]
        pub qualifiers: Vec<QualifierRecord>,
        /// References; at least one.
        #[serde(default)]
        pub references: Vec<ReferenceRecord>,
        /// Ids of claims this one disagrees with.
        #[serde(default)]
        pub conflicts_with: Vec<Spanned<String>>,
        /// Curator's note.
        pub note: Option<Spanned<String>>,
    }
}
