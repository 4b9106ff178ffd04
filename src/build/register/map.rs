//! Mapping one record of a register into triples ([`Register::map_row`]), or saying which column is wrong.

use oxigraph::model::NamedNode;

use super::compile::{Reading, Register};
use super::row::{MappedRow, Object, RowError};
use crate::build::model::Date;
use crate::files::input::{forbidden_character, forbidden_character_message};
use crate::rdf::iri::record_iri_problem;
use crate::rdf::vocab::{prov, rdf, rdfs, wikibase, xsd};

impl Register {
    /// Maps one record (its fields in header order) into `row`, or says what is wrong with it.
    pub fn map_row<'a>(&'a self, fields: &[&'a [u8]], row: &mut MappedRow<'a>) -> Result<(), RowError> {
        row.pairs.clear();
        if fields.len() != self.columns.len() {
            return Err(RowError {
                column: None,
                message: format!(
                    "{} fields, expected {} (one per header column)",
                    fields.len(),
                    self.columns.len()
                ),
            });
        }
        let mut text: Vec<&'a str> = Vec::with_capacity(fields.len());
        for (column, field) in self.columns.iter().zip(fields) {
            let value = std::str::from_utf8(field).map_err(|e| RowError {
                column: Some(column.name.clone()),
                message: format!("not valid UTF-8 ({e})"),
            })?;
            if value.is_empty() && column.required {
                return Err(RowError {
                    column: Some(column.name.clone()),
                    message: "empty, and the mapping description requires a value".to_owned(),
                });
            }
            if column.literal
                && let Some((_, c)) = forbidden_character(value)
            {
                return Err(RowError {
                    column: Some(column.name.clone()),
                    message: forbidden_character_message(c),
                });
            }
            text.push(value);
        }
        for &i in &self.label {
            if text[i].trim().is_empty() {
                return Err(RowError {
                    column: Some(self.columns[i].name.clone()),
                    message: "empty, and the item's label is made of it".to_owned(),
                });
            }
        }
        self.template.expand(fields, &mut row.subject)?;
        if let Some(problem) = record_iri_problem(&row.subject) {
            return Err(self.bad_subject(fields, &row.subject, &problem));
        }
        row.pairs
            .push((rdf::TYPE.as_str(), Object::Iri(wikibase::ITEM.as_str().into())));
        row.pairs
            .push((rdf::TYPE.as_str(), Object::Iri(self.class.as_str().into())));
        let label = if self.label.len() == 1 {
            std::borrow::Cow::Borrowed(text[self.label[0]])
        } else {
            std::borrow::Cow::Owned(self.label.iter().map(|&i| text[i]).collect::<Vec<_>>().join(" "))
        };
        row.pairs
            .push((rdfs::LABEL.as_str(), Object::Tagged(label, &self.label_language)));
        for (column, value) in self.columns.iter().zip(&text) {
            let Some((predicate, reading)) = &column.mapped else {
                continue;
            };
            if value.is_empty() {
                continue;
            }
            let object = self.read(reading, value).map_err(|message| RowError {
                column: Some(column.name.clone()),
                message,
            })?;
            row.pairs.push((predicate.as_str(), object));
        }
        if let Some(i) = self.source_document
            && !text[i].is_empty()
        {
            row.pairs.push((
                self.source_document_predicate.as_str(),
                Object::Typed(text[i], xsd::STRING.as_str()),
            ));
        }
        row.pairs.push((
            prov::WAS_DERIVED_FROM.as_str(),
            Object::Iri(self.source.as_str().into()),
        ));
        Ok(())
    }

    /// The error for a row whose item IRI, `subject`, cannot name a thing (`problem`, from
    /// [`record_iri_problem`]): blamed on the first column of the template that makes such an IRI by itself (the
    /// others replaced by a plain value), if one does.
    fn bad_subject(&self, fields: &[&[u8]], subject: &str, problem: &str) -> RowError {
        let message = format!(
            "the item template makes \"{}\" of this row, which {problem}",
            subject.escape_debug()
        );
        let mut trial = String::new();
        let culprit = self.template.columns.iter().find(|&&i| {
            let alone: Vec<&[u8]> = (0..fields.len())
                .map(|j| {
                    if j == i || !self.template.columns.contains(&j) {
                        fields[j]
                    } else {
                        b"x".as_slice()
                    }
                })
                .collect();
            self.template.expand(&alone, &mut trial).is_ok() && record_iri_problem(&trial).is_some()
        });
        RowError {
            column: culprit.map(|&i| self.columns[i].name.clone()),
            message,
        }
    }

    fn read<'a>(&'a self, reading: &'a Reading, value: &'a str) -> Result<Object<'a>, String> {
        Ok(match reading {
            Reading::String => Object::Typed(value, xsd::STRING.as_str()),
            Reading::Text(lang) => Object::Tagged(value.into(), lang),
            Reading::Item => {
                if !self.entities.contains(value) {
                    return Err(format!(
                        "\"{value}\" is not the id of a curated entity (data/entities.toml)"
                    ));
                }
                Object::Iri(format!("{}{value}", self.entity_prefix).into())
            }
            Reading::Time => {
                let date = Date::parse(value)?;
                Object::Typed(value, crate::build::mapping::written_datatype(date).as_str())
            }
            Reading::Quantity => {
                let numeric = value.strip_prefix('-').unwrap_or(value);
                let (whole, fraction) = numeric.split_once('.').unwrap_or((numeric, "0"));
                let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                if !digits(whole) || !digits(fraction) {
                    return Err(format!("\"{value}\" is not a decimal number such as 1100 or 12.5"));
                }
                Object::Typed(value, xsd::DECIMAL.as_str())
            }
            Reading::Url => {
                NamedNode::new(value).map_err(|e| format!("\"{value}\" is not an absolute IRI: {e}"))?;
                Object::Iri(value.into())
            }
        })
    }
}
