//! Building a [`Model`] from facts: every id resolved, every reference checked, every value parsed against the
//! schema, with every problem reported at the place it was written.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;

use oxigraph::model::Literal;
use toml::Spanned;

use super::checked::{Claim, DatasetInfo, Entity, Model, Origin, Reference, Snak, Source, Value};
use super::value::{Bound, Date, Quantity, Rank};
use crate::build::facts::{
    ClaimRecord, DatasetRecord, EntityRecord, Facts, LangMap, Number, Record, SourceRecord, ValueFields,
};
use crate::build::ontology::{Schema, ValueKind};
use crate::files::diagnostic::{Diagnostic, Diagnostics};

impl Model {
    /// Validates the facts against the schema; returns every problem found.
    pub fn build(facts: &Facts<'_>, schema: &Schema) -> Result<Self, Diagnostics> {
        let mut b = Builder {
            facts,
            schema,
            problems: Diagnostics::default(),
            file: 0,
            hint_budget: HINT_BUDGET,
            first_languages: facts
                .sources
                .iter()
                .rev()
                .map(|s| {
                    let id = s.value.id.get_ref().as_str();
                    (id, s.value.languages.first().map(|l| l.get_ref().as_str()))
                })
                .collect(),
            created: None,
        };
        let entity_ids = b.index("entity", facts.entities.iter().map(|r| (r.file, &r.value.id)));
        let source_ids = b.index("source", facts.sources.iter().map(|r| (r.file, &r.value.id)));
        let claim_ids = b.index("claim", facts.claims.iter().map(|r| (r.file, &r.value.id)));
        let ids = Ids {
            entities: entity_ids,
            sources: source_ids,
            claims: claim_ids,
        };
        let dataset = b.dataset(&ids);
        let entities = facts.entities.iter().map(|r| b.entity(r)).collect();
        let sources = facts.sources.iter().map(|r| b.source(r, &ids)).collect();
        let claims = facts.claims.iter().filter_map(|r| b.claim(r, &ids)).collect();
        let model = dataset.map(|dataset| Self {
            dataset,
            entities,
            sources,
            claims,
        });
        match model {
            Some(model) => b.problems.into_result(model),
            None => Err(b.problems.into_result(()).unwrap_err()),
        }
    }
}

struct Ids {
    entities: HashSet<String>,
    sources: HashSet<String>,
    claims: HashSet<String>,
}

struct Builder<'f, 'a> {
    facts: &'f Facts<'a>,
    schema: &'f Schema,
    problems: Diagnostics,
    file: usize,
    /// Ids that may still be compared with unknown ids for "did you mean" hints (see [`HINT_BUDGET`]).
    hint_budget: usize,
    /// The first language of each source (of the first source of that id), the language of quotations from it.
    first_languages: HashMap<&'f str, Option<&'f str>>,
    /// The curated set's date and where it is written: no cited work is published or read after it.
    created: Option<(Date, &'f str, String)>,
}

/// How many id comparisons "did you mean" hints may cost in all. Each unknown id is compared with every known id of
/// its kind, so a file of many unknown ids would take time growing with their product; past this budget the
/// remaining unknown ids are reported without a hint.
const HINT_BUDGET: usize = 2_000_000;

/// Levenshtein distance, for "did you mean" hints.
/// " (did you mean \"X\"?)" for the nearest of `known` to `text` when one is close, else nothing.
fn nearest_hint(text: &str, known: &[&str]) -> String {
    // Wikidata's numbered ids are not spelt: a near number is another property.
    if crate::rdf::iri::is_property_id(text) {
        return String::new();
    }
    let within = 2.max(text.len() / 4);
    known
        .iter()
        .map(|k| (edit_distance(&text.to_lowercase(), &k.to_lowercase()), *k))
        .filter(|(d, _)| *d <= within)
        .min()
        .map_or_else(String::new, |(_, k)| format!(" (did you mean \"{k}\"?)"))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

impl Builder<'_, '_> {
    fn error(&mut self, span: &Range<usize>, message: impl Into<String>) {
        let d = self.facts.diagnostic(self.file, span.start, message);
        self.problems.push(d);
    }

    fn origin(&self, file: usize, span: &Range<usize>) -> Origin {
        Origin {
            path: self.facts.inputs.files[file].path.clone(),
            position: self.facts.position(file, span.start),
        }
    }

    /// Checks the ids of one kind are slugs and unique; returns the set of them.
    fn index<'s>(&mut self, kind: &str, ids: impl Iterator<Item = (usize, &'s Spanned<String>)>) -> HashSet<String> {
        let mut first: HashMap<String, String> = HashMap::new();
        for (file, id) in ids {
            self.file = file;
            let text = id.get_ref();
            if !is_slug(text) {
                self.error(
                    &id.span(),
                    format!(
                        "invalid {kind} id \"{text}\": expected lowercase letters and digits separated by single hyphens, e.g. \"item-42\""
                    ),
                );
            }
            if let Some(at) = first.get(text) {
                let message = format!("duplicate {kind} id \"{text}\" (first defined at {at})");
                self.error(&id.span(), message);
            } else {
                let path = &self.facts.inputs.files[file].path;
                let p = self.facts.position(file, id.span().start);
                first.insert(text.clone(), format!("{path}:{}:{}", p.line, p.column));
            }
        }
        first.into_keys().collect()
    }

    fn lang_tag(&mut self, tag: &Spanned<String>) -> String {
        if Literal::new_language_tagged_literal("", tag.get_ref()).is_err() {
            self.error(
                &tag.span(),
                format!(
                    "invalid language tag \"{}\": expected a BCP 47 tag such as en, it or ro",
                    tag.get_ref()
                ),
            );
        }
        tag.get_ref().clone()
    }

    fn lang_map(&mut self, map: &LangMap) -> BTreeMap<String, String> {
        map.iter()
            .map(|(k, v)| (self.lang_tag(k), v.get_ref().clone()))
            .collect()
    }

    fn date(&mut self, text: &Spanned<String>) -> Option<Date> {
        match Date::parse(text.get_ref()) {
            Ok(d) => Some(d),
            Err(message) => {
                self.error(&text.span(), message);
                None
            }
        }
    }

    /// A date of a cited work (`published`, `retrieved`): a date that begins after the curated set's own date is
    /// a mistake (a typed 9999, or a year off by a millennium), since the set was made from the work.
    fn work_date(&mut self, text: &Spanned<String>, what: &str) -> Option<Date> {
        let date = self.date(text)?;
        if let Some((created, written, at)) = &self.created
            && date.begins_after(*created)
        {
            let message = format!(
                "{what} date \"{}\" is after the curated set's own date \"{written}\" (created, at {at}): a work \
                 is {what} before the set that cites it is made",
                text.get_ref()
            );
            self.error(&text.span(), message);
            return None;
        }
        Some(date)
    }

    fn iri(&mut self, text: &Spanned<String>, what: &str) -> String {
        if iri_string::types::IriStr::new(text.get_ref()).is_err() {
            self.error(
                &text.span(),
                format!(
                    "invalid {what} \"{}\": expected an absolute IRI such as https://example.org/",
                    text.get_ref()
                ),
            );
        }
        text.get_ref().clone()
    }

    /// Checks that `id` names a record of `kind`; suggests the nearest id when one is close.
    fn known(&mut self, ids: &HashSet<String>, id: &Spanned<String>, kind: &str) -> String {
        let text = id.get_ref();
        if !ids.contains(text) {
            let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            let mut message = format!("unknown {kind} \"{text}\": expected the id of {article} [[{kind}]]");
            let within = 2.max(text.len() / 4);
            let length = text.chars().count();
            let nearest = if self.hint_budget >= ids.len() {
                self.hint_budget -= ids.len();
                // Ids whose lengths differ by more than `within` are further apart than that.
                ids.iter()
                    .filter(|candidate| candidate.chars().count().abs_diff(length) <= within)
                    .map(|candidate| (edit_distance(text, candidate), candidate))
                    .filter(|(d, _)| *d <= within)
                    .min()
            } else {
                None
            };
            if let Some((_, candidate)) = nearest {
                let _ = write!(message, " (did you mean \"{candidate}\"?)");
            }
            self.error(&id.span(), message);
        }
        text.clone()
    }

    /// Checks a class name against the classes allowed for it (entity types or source kinds).
    fn class(&mut self, class: &Spanned<String>, what: &str, allowed: &BTreeSet<String>) -> String {
        if !allowed.contains(class.get_ref()) {
            let known: Vec<&str> = allowed.iter().map(String::as_str).collect();
            let message = if known.is_empty() {
                format!(
                    "unknown {what} \"{}\": the ontology declares none; declare the class with a [[class]] record in the project's ontology directory",
                    class.get_ref()
                )
            } else {
                format!(
                    "unknown {what} \"{}\": expected one of {}{}",
                    class.get_ref(),
                    known.join(", "),
                    nearest_hint(class.get_ref(), &known)
                )
            };
            self.error(&class.span(), message);
        }
        class.get_ref().clone()
    }

    fn dataset(&mut self, ids: &Ids) -> Option<DatasetInfo> {
        let records: &[Record<DatasetRecord>] = &self.facts.dataset;
        let Some(first) = records.first() else {
            let dir = self
                .facts
                .inputs
                .files
                .first()
                .and_then(|f| f.path.rsplit_once('/').map(|(dir, _)| dir.to_owned()))
                .unwrap_or_else(|| "data".to_owned());
            self.problems.push(Diagnostic::file(
                &dir,
                format!(
                    "no [dataset] table in any curated file: add one (title, created, licence, attribution, sources), as in {dir}/dataset.toml"
                ),
            ));
            return None;
        };
        for extra in &records[1..] {
            self.file = extra.file;
            self.error(&extra.span, "a second [dataset] table: the curated set has exactly one");
        }
        self.file = first.file;
        let r = &first.value;
        let created = self.date(&r.created);
        if let Some(date) = created {
            let p = self.facts.position(first.file, r.created.span().start);
            let at = format!("{}:{}:{}", self.facts.inputs.files[first.file].path, p.line, p.column);
            self.created = Some((date, r.created.get_ref().as_str(), at));
        }
        let sources = r
            .sources
            .iter()
            .map(|s| self.known(&ids.sources, s, "source"))
            .collect();
        Some(DatasetInfo {
            title: self.lang_map(&r.title),
            description: self.lang_map(&r.description),
            created: created?,
            licence: self.iri(&r.licence, "licence"),
            attribution: r.attribution.get_ref().clone(),
            sources,
        })
    }

    fn entity(&mut self, record: &Record<EntityRecord>) -> Entity {
        self.file = record.file;
        let r = &record.value;
        let schema = self.schema;
        let class = self.class(&r.class, "entity type", &schema.entity_classes);
        if r.label.is_empty() {
            self.error(&record.span, format!("entity \"{}\" has no label", r.id.get_ref()));
        }
        if let Some(q) = &r.wikidata {
            let text = q.get_ref();
            let well_formed = text.len() > 1
                && text.starts_with('Q')
                && text[1..].bytes().all(|b| b.is_ascii_digit())
                && !text[1..].starts_with('0');
            if !well_formed {
                self.error(
                    &q.span(),
                    format!("malformed Wikidata id \"{text}\": expected Q followed by digits, e.g. Q218"),
                );
            }
        }
        let aliases = r
            .aliases
            .iter()
            .map(|(k, v)| (self.lang_tag(k), v.iter().map(|a| a.get_ref().clone()).collect()))
            .collect();
        Entity {
            id: r.id.get_ref().clone(),
            class,
            labels: self.lang_map(&r.label),
            descriptions: self.lang_map(&r.description),
            aliases,
            wikidata: r.wikidata.as_ref().map(|q| q.get_ref().clone()),
            note: r.note.as_ref().map(|n| n.get_ref().clone()),
            origin: self.origin(record.file, &record.span),
        }
    }

    fn source(&mut self, record: &Record<SourceRecord>, ids: &Ids) -> Source {
        self.file = record.file;
        let r = &record.value;
        let schema = self.schema;
        let kind = self.class(&r.kind, "source kind", &schema.source_classes);
        let cited_in = r
            .cited_in
            .iter()
            .map(|c| (self.known(&ids.sources, &c.source, "source"), *c.footnote.get_ref()))
            .collect();
        Source {
            id: r.id.get_ref().clone(),
            kind,
            title: r.title.get_ref().clone(),
            devised_title: r.devised_title,
            title_language: self.lang_tag(&r.title_language),
            translated_titles: self.lang_map(&r.translated_title),
            authors: r.authors.iter().map(|a| a.get_ref().clone()).collect(),
            publisher: r.publisher.as_ref().map(|p| self.known(&ids.entities, p, "entity")),
            place: r.place.as_ref().map(|p| p.get_ref().clone()),
            published: r.published.as_ref().and_then(|d| self.work_date(d, "published")),
            retrieved: r.retrieved.as_ref().and_then(|d| self.work_date(d, "retrieved")),
            isbn10: r.isbn10.as_ref().map(|i| i.get_ref().clone()),
            pages: r.pages.as_ref().map(|p| p.get_ref().clone()),
            languages: r.languages.iter().map(|l| self.lang_tag(l)).collect(),
            url: r.url.as_ref().map(|u| self.iri(u, "url")),
            site: r.site.as_ref().map(|u| self.iri(u, "site")),
            about: r.about.iter().map(|a| self.known(&ids.entities, a, "entity")).collect(),
            licence: r.licence.as_ref().map(|l| self.iri(l, "licence")),
            seed: r.seed.as_ref().map(|s| s.get_ref().clone()),
            cited_in,
            note: r.note.as_ref().map(|n| n.get_ref().clone()),
            origin: self.origin(record.file, &record.span),
        }
    }

    /// Resolves a property key and parses the value given for it.
    fn snak(
        &mut self,
        property: &Spanned<String>,
        fields: &ValueFields<'_>,
        table: &Range<usize>,
        ids: &Ids,
    ) -> Option<Snak> {
        let Some(def) = self.schema.properties.get(property.get_ref()) else {
            self.error(
                &property.span(),
                {
                    let keys: Vec<&str> = self.schema.properties.keys().map(String::as_str).collect();
                    format!(
                        "unknown property \"{}\": expected a property the ontology declares ({}){}; declare a new one with a [[property]] record in the project's ontology directory",
                        property.get_ref(),
                        keys.join(", "),
                        nearest_hint(property.get_ref(), &keys)
                    )
                },
            );
            return None;
        };
        let kind = def.kind;
        let given: Vec<(&str, Range<usize>)> = [
            ("item", fields.item.map(Spanned::span)),
            ("time", fields.time.map(Spanned::span)),
            ("quantity", fields.quantity.map(Spanned::span)),
            ("text", fields.text.map(Spanned::span)),
            ("string", fields.string.map(Spanned::span)),
            ("url", fields.url.map(Spanned::span)),
        ]
        .into_iter()
        .filter_map(|(name, span)| span.map(|s| (name, s)))
        .collect();
        let expected = kind.field();
        match given.as_slice() {
            [] => {
                self.error(
                    table,
                    format!(
                        "no value for property \"{}\": expected `{expected} = …`",
                        property.get_ref()
                    ),
                );
                return None;
            }
            [(name, span)] if *name != expected => {
                self.error(
                    span,
                    format!(
                        "property \"{}\" takes `{expected}`, but `{name}` is given",
                        property.get_ref()
                    ),
                );
                return None;
            }
            [_] => {}
            [_, (name, span), ..] => {
                self.error(
                    span,
                    format!("more than one value: `{name}` given besides `{}`", given[0].0),
                );
                return None;
            }
        }
        if let (Some(bound), false) = (fields.bound, kind == ValueKind::Quantity) {
            self.error(&bound.span(), "`bound` goes only with `quantity`");
        }
        if let (Some(lang), false) = (fields.lang, kind == ValueKind::Text) {
            self.error(&lang.span(), "`lang` goes only with `text`");
        }
        let value = match kind {
            ValueKind::Item => Value::Item(self.known(&ids.entities, fields.item?, "entity")),
            ValueKind::Time => Value::Time(self.date(fields.time?)?),
            ValueKind::Quantity => Value::Quantity(self.quantity(fields.quantity?, fields.bound)?),
            ValueKind::Text => {
                let text = fields.text?;
                let Some(lang) = fields.lang else {
                    self.error(
                        &text.span(),
                        "`text` needs its language: add `lang = \"en\"` (or it, ro, …)",
                    );
                    return None;
                };
                Value::Text {
                    text: text.get_ref().clone(),
                    lang: self.lang_tag(lang),
                }
            }
            ValueKind::String => Value::String(fields.string?.get_ref().clone()),
            ValueKind::Url => Value::Url(self.iri(fields.url?, "url")),
        };
        Some(Snak {
            property: def.key.clone(),
            value,
        })
    }

    fn quantity(&mut self, number: &Spanned<Number>, bound: Option<&Spanned<String>>) -> Option<Quantity> {
        let amount = match *number.get_ref() {
            Number::Integer(i) if i >= 0 => i.to_string(),
            Number::Float(f) if f.is_finite() && f >= 0.0 => {
                let text = f.to_string();
                if text.contains('.') { text } else { format!("{text}.0") }
            }
            Number::Integer(i) => {
                self.error(
                    &number.span(),
                    format!("negative figure {i}: figures count and cannot be negative"),
                );
                return None;
            }
            Number::Float(f) => {
                self.error(
                    &number.span(),
                    format!("invalid figure {f}: figures count and cannot be negative"),
                );
                return None;
            }
        };
        let bound = match bound {
            Some(b) => match Bound::parse(b.get_ref()) {
                Ok(b) => b,
                Err(message) => {
                    self.error(&b.span(), message);
                    return None;
                }
            },
            None => Bound::Exact,
        };
        Some(Quantity { amount, bound })
    }

    fn claim(&mut self, record: &Record<ClaimRecord>, ids: &Ids) -> Option<Claim> {
        self.file = record.file;
        let r = &record.value;
        let subject = self.known(&ids.entities, &r.subject, "entity");
        let main = self.snak(&r.property, &r.value_fields(), &record.span, ids);
        let rank = match &r.rank {
            Some(rank) => Rank::parse(rank.get_ref()).unwrap_or_else(|message| {
                self.error(&rank.span(), message);
                Rank::Normal
            }),
            None => Rank::Normal,
        };
        let qualifiers: Vec<Option<Snak>> = r
            .qualifiers
            .iter()
            .map(|q| self.snak(&q.property, &q.value_fields(), &q.property.span(), ids))
            .collect();
        if r.references.is_empty() {
            self.error(
                &r.id.span(),
                format!(
                    "claim \"{}\" has no reference: name the article it was read in",
                    r.id.get_ref()
                ),
            );
        }
        let references = r
            .references
            .iter()
            .map(|reference| {
                let source = self.known(&ids.sources, &reference.source, "source");
                let quote_lang = self
                    .first_languages
                    .get(source.as_str())
                    .copied()
                    .flatten()
                    .unwrap_or("en")
                    .to_owned();
                Reference {
                    source,
                    footnote: reference.footnote.as_ref().map(|f| *f.get_ref()),
                    cites: reference.cites.as_ref().map(|c| self.known(&ids.sources, c, "source")),
                    page: reference.page.as_ref().map(|p| p.get_ref().clone()),
                    quote: reference.quote.as_ref().map(|q| (q.get_ref().clone(), quote_lang)),
                }
            })
            .collect();
        let conflicts_with = r
            .conflicts_with
            .iter()
            .map(|other| {
                if other.get_ref() == r.id.get_ref() {
                    self.error(&other.span(), "a claim cannot conflict with itself");
                }
                self.known(&ids.claims, other, "claim")
            })
            .collect();
        Some(Claim {
            id: r.id.get_ref().clone(),
            subject,
            main: main?,
            rank,
            qualifiers: qualifiers.into_iter().collect::<Option<_>>()?,
            references,
            conflicts_with,
            note: r.note.as_ref().map(|n| n.get_ref().clone()),
            origin: self.origin(record.file, &record.span),
        })
    }
}
