//! A project's classes and properties declared in one record each, in the TOML files of its ontology directory:
//!
//! ```toml
//! [[class]]
//! id = "Station"                      # the class's local name: UpperCamelCase
//! label = { en = "station" }          # one per language of powkg.toml
//! description = { en = "A place where trains stop." }
//! # parent = "Building"               # another class (default: Entity); "Source" makes it a kind of source
//! # wikidata = "Q…"                   # a checked Wikidata item for the class (skos:exactMatch)
//!
//! [[property]]
//! id = "openingDate"                  # lowerCamelCase, or a Wikidata property id such as "P1619"
//! type = "time"                       # item, time, quantity, string, text or url
//! label = { en = "opening date" }
//! description = { en = "The date the subject opened." }
//! ```
//!
//! Each record becomes the ontology triples a Turtle declaration would give; a property's eight Wikibase predicate
//! families are derived from its IRI (see [`crate::build::ontology`]), as for a Turtle declaration that gives only
//! its type and labels.

use std::collections::BTreeMap;

use oxigraph::model::{Literal, NamedNode, Triple};
use serde::Deserialize;
use toml::Spanned;

use crate::files::diagnostic::{Diagnostic, Diagnostics, Position};
use crate::files::input::InputFile;
use crate::rdf::iri::{Minter, is_item_id, is_property_id};
use crate::rdf::vocab::{pk, rdf, rdfs, skos, wd, wikibase};

type LangMap = BTreeMap<Spanned<String>, Spanned<String>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    class: Vec<Spanned<ClassRecord>>,
    #[serde(default)]
    property: Vec<Spanned<PropertyRecord>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassRecord {
    id: Spanned<String>,
    label: LangMap,
    #[serde(default)]
    description: LangMap,
    parent: Option<Spanned<String>>,
    wikidata: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PropertyRecord {
    id: Spanned<String>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    label: LangMap,
    #[serde(default)]
    description: LangMap,
}

/// The value types a `[[property]]` record may name, with their `wikibase:propertyType`.
const TYPES: [(&str, oxigraph::model::NamedNodeRef<'static>); 6] = [
    ("item", wikibase::WIKIBASE_ITEM),
    ("time", wikibase::TIME),
    ("quantity", wikibase::QUANTITY),
    ("string", wikibase::STRING),
    ("text", wikibase::MONOLINGUALTEXT),
    ("url", wikibase::URL),
];

/// A term declared by a record, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// The term's IRI.
    pub iri: NamedNode,
    /// What the record declares, for messages: `class "Station"`.
    pub what: String,
    /// The file the record is in.
    pub path: String,
    /// Where its table starts.
    pub position: Position,
}

/// Reads the `[[class]]` and `[[property]]` records of one file: their triples and the terms they declare.
pub fn read(file: &InputFile, minter: &Minter) -> Result<(Vec<Triple>, Vec<Declared>), Diagnostics> {
    let records: File = toml::from_str(&file.text).map_err(|e| {
        let message = e.message().trim_end().to_owned();
        Diagnostics(vec![match e.span() {
            Some(span) => Diagnostic::at(&file.path, &file.text, span.start, message),
            None => Diagnostic::file(&file.path, message),
        }])
    })?;
    let mut reader = Reader {
        file,
        minter,
        triples: Vec::new(),
        declared: Vec::new(),
        problems: Diagnostics::default(),
    };
    for record in &records.class {
        reader.class(record);
    }
    for record in &records.property {
        reader.property(record);
    }
    reader.problems.into_result((reader.triples, reader.declared))
}

/// What the records of one file give, as they are read.
struct Reader<'a> {
    file: &'a InputFile,
    minter: &'a Minter,
    triples: Vec<Triple>,
    declared: Vec<Declared>,
    problems: Diagnostics,
}

impl Reader<'_> {
    fn problem(&mut self, offset: usize, message: String) {
        self.problems
            .push(Diagnostic::at(&self.file.path, &self.file.text, offset, message));
    }

    /// The term's `rdfs:isDefinedBy`, labels and comments, and where it was declared.
    fn describe(&mut self, iri: NamedNode, what: String, at: usize, label: &LangMap, description: &LangMap) {
        self.triples
            .push(Triple::new(iri.clone(), rdfs::IS_DEFINED_BY, self.minter.ontology()));
        for (predicate, texts) in [(rdfs::LABEL, label), (rdfs::COMMENT, description)] {
            for (lang, text) in texts {
                match Literal::new_language_tagged_literal(text.get_ref(), lang.get_ref()) {
                    Ok(literal) => self.triples.push(Triple::new(iri.clone(), predicate, literal)),
                    Err(_) => self.problem(
                        lang.span().start,
                        format!(
                            "`{}` is not a language tag: expected one such as en or fr",
                            lang.get_ref()
                        ),
                    ),
                }
            }
        }
        self.declared.push(Declared {
            iri,
            what,
            path: self.file.path.clone(),
            position: Position::of_offset(&self.file.text, at),
        });
    }

    fn class(&mut self, record: &Spanned<ClassRecord>) {
        let (span, class) = (record.span(), record.get_ref());
        let id = class.id.get_ref();
        if !is_name(id, true) {
            self.problem(
                class.id.span().start,
                format!("class id `{id}`: expected an UpperCamelCase name of letters and digits, such as Station"),
            );
            return;
        }
        let iri = self.minter.own(pk::PATH, id);
        self.triples
            .push(Triple::new(iri.clone(), rdf::TYPE, crate::rdf::vocab::owl::CLASS));
        let parent = class.parent.as_ref().map_or("Entity", |p| p.get_ref().as_str());
        if !is_name(parent, true) {
            self.problem(
                class.parent.as_ref().map_or(span.start, |p| p.span().start),
                format!("parent `{parent}`: expected the id of a class, such as Entity or Source"),
            );
        }
        self.triples.push(Triple::new(
            iri.clone(),
            rdfs::SUB_CLASS_OF,
            self.minter.own(pk::PATH, parent),
        ));
        if let Some(q) = &class.wikidata {
            if is_item_id(q.get_ref()) {
                let item = NamedNode::new_unchecked(format!("{}{}", wd::NS, q.get_ref()));
                self.triples.push(Triple::new(iri.clone(), skos::EXACT_MATCH, item));
            } else {
                self.problem(
                    q.span().start,
                    format!(
                        "wikidata `{}`: expected a checked Wikidata item id, Q and a number",
                        q.get_ref()
                    ),
                );
            }
        }
        self.describe(
            iri,
            format!("class \"{id}\""),
            span.start,
            &class.label,
            &class.description,
        );
    }

    fn property(&mut self, record: &Spanned<PropertyRecord>) {
        let (span, property) = (record.span(), record.get_ref());
        let id = property.id.get_ref();
        let iri = if is_property_id(id) {
            NamedNode::new_unchecked(format!("{}{id}", wd::NS))
        } else if is_name(id, false) {
            self.minter.own(pk::PATH, id)
        } else {
            self.problem(
                property.id.span().start,
                format!(
                    "property id `{id}`: expected a lowerCamelCase name of letters and digits (such as openingDate) or a Wikidata property id (P and a number)"
                ),
            );
            return;
        };
        let Some((_, kind)) = TYPES.iter().find(|(name, _)| name == property.kind.get_ref()) else {
            let names: Vec<&str> = TYPES.iter().map(|(n, _)| *n).collect();
            self.problem(
                property.kind.span().start,
                format!(
                    "type `{}`: expected one of {}",
                    property.kind.get_ref(),
                    names.join(", ")
                ),
            );
            return;
        };
        self.triples
            .push(Triple::new(iri.clone(), rdf::TYPE, wikibase::PROPERTY));
        self.triples
            .push(Triple::new(iri.clone(), wikibase::PROPERTY_TYPE, *kind));
        self.describe(
            iri,
            format!("property \"{id}\""),
            span.start,
            &property.label,
            &property.description,
        );
    }
}

/// Whether `id` is a term name: ASCII letters and digits, starting with an upper-case letter (a class) or a
/// lower-case one (a property).
fn is_name(id: &str, upper: bool) -> bool {
    id.chars().next().is_some_and(|c| {
        if upper {
            c.is_ascii_uppercase()
        } else {
            c.is_ascii_lowercase()
        }
    }) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Result<(Vec<Triple>, Vec<Declared>), String> {
        let file = InputFile {
            path: "ontology/domain.toml".into(),
            text: text.into(),
        };
        read(&file, &Minter::new("https://example.org/x/").unwrap()).map_err(|e| e.to_string())
    }

    #[test]
    fn a_class_and_a_property_become_their_declarations() {
        let (triples, declared) = read_text(
            "[[class]]\nid = \"Station\"\nlabel = { en = \"station\" }\n\n[[property]]\nid = \"openingDate\"\ntype = \"time\"\nlabel = { en = \"opening date\", fr = \"date d'ouverture\" }\n",
        )
        .unwrap();
        let text: Vec<String> = triples.iter().map(ToString::to_string).collect();
        assert!(text.contains(&"<https://example.org/x/ontology#Station> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <https://example.org/x/ontology#Entity>".to_owned()), "{text:?}");
        assert!(text.contains(&"<https://example.org/x/ontology#openingDate> <http://wikiba.se/ontology#propertyType> <http://wikiba.se/ontology#Time>".to_owned()), "{text:?}");
        assert!(text.iter().any(|t| t.ends_with("\"date d'ouverture\"@fr")));
        assert_eq!(declared[1].what, "property \"openingDate\"");
        assert_eq!((declared[1].position.line, declared[1].position.column), (5, 1));
    }

    #[test]
    fn bad_records_are_named_where_they_are_written() {
        let err = read_text(
            "[[property]]\nid = \"opening date\"\ntype = \"time\"\nlabel = { en = \"x\" }\n\n[[property]]\nid = \"gauge\"\ntype = \"number\"\nlabel = { en = \"gauge\" }\n",
        )
        .unwrap_err();
        assert!(
            err.contains("ontology/domain.toml:2:6: property id `opening date`"),
            "{err}"
        );
        assert!(
            err.contains(
                "ontology/domain.toml:8:8: type `number`: expected one of item, time, quantity, string, text, url"
            ),
            "{err}"
        );
        let err = read_text("[[class]]\nid = \"Station\"\nlabels = { en = \"x\" }\n").unwrap_err();
        assert!(err.contains("unknown field `labels`"), "{err}");
    }
}
