//! Curated facts: the TOML files of `data/` read into records with their source positions. All problems of every
//! file are collected (syntax, unknown or missing fields, wrong types) before giving up. No RDF here.

mod records;

use std::ops::Range;
use std::sync::OnceLock;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, Deserializer};

pub use records::{
    CitedInRecord, ClaimRecord, DatasetRecord, EntityRecord, LangMap, Number, QualifierRecord, ReferenceRecord,
    SourceRecord, ValueFields,
};

use crate::files::diagnostic::{Diagnostic, Diagnostics, LineIndex, Position};
use crate::files::input::{
    InputSet, MAX_TEXT_BYTES, forbidden_character, forbidden_character_message, too_long_message,
};

/// A record with the file it came from (index into the input set) and the span of its table.
#[derive(Debug)]
pub struct Record<T> {
    /// Index of the file in [`Facts::inputs`].
    pub file: usize,
    /// Byte span of the record's table in that file.
    pub span: Range<usize>,
    /// The record.
    pub value: T,
}

/// Every record of the curated files, in file order.
#[derive(Debug)]
pub struct Facts<'a> {
    /// The files read.
    pub inputs: &'a InputSet,
    /// `[dataset]` tables (exactly one is valid; the model checks).
    pub dataset: Vec<Record<DatasetRecord>>,
    /// `[[entity]]` tables.
    pub entities: Vec<Record<EntityRecord>>,
    /// `[[source]]` tables.
    pub sources: Vec<Record<SourceRecord>>,
    /// `[[claim]]` tables.
    pub claims: Vec<Record<ClaimRecord>>,
    /// Each file's line index, built the first time a position in it is asked for.
    lines: Vec<OnceLock<LineIndex>>,
}

impl<'a> Facts<'a> {
    /// Reads every file; returns all problems found if any.
    pub fn parse(inputs: &'a InputSet) -> Result<Self, Diagnostics> {
        let mut facts = Facts {
            inputs,
            dataset: Vec::new(),
            entities: Vec::new(),
            sources: Vec::new(),
            claims: Vec::new(),
            lines: inputs.files.iter().map(|_| OnceLock::new()).collect(),
        };
        let mut problems = Diagnostics::default();
        for index in 0..inputs.files.len() {
            facts.parse_file(index, &mut problems);
        }
        problems.into_result(facts)
    }

    /// A diagnostic at byte `offset` of file `file`.
    pub fn diagnostic(&self, file: usize, offset: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            path: self.inputs.files[file].path.clone(),
            position: Some(self.position(file, offset)),
            message: message.into(),
        }
    }

    /// The position of byte `offset` of file `file`: a binary search in the file's line index (built once), so that
    /// reporting every one of many problems stays linear in the size of the file.
    pub fn position(&self, file: usize, offset: usize) -> Position {
        let text = &self.inputs.files[file].text;
        self.lines[file]
            .get_or_init(|| LineIndex::new(text))
            .position(text, offset)
    }

    fn parse_file(&mut self, file: usize, problems: &mut Diagnostics) {
        let input = &self.inputs.files[file];
        let (root, errors) = DeTable::parse_recoverable(&input.text);
        for error in &errors {
            problems.push(self.toml_diagnostic(file, error));
        }
        if !errors.is_empty() {
            return;
        }
        for value in root.get_ref().values() {
            self.check_strings(file, value, problems);
        }
        for (key, value) in root.into_inner() {
            let span = value.span();
            match (key.get_ref().as_ref(), value.into_inner()) {
                ("dataset", DeValue::Table(table)) => {
                    self.record(file, Spanned::new(span, table), problems, |f, r| f.dataset.push(r));
                }
                ("entity" | "source" | "claim", DeValue::Array(array)) => {
                    for item in array {
                        let item_span = item.span();
                        let DeValue::Table(table) = item.into_inner() else {
                            problems.push(self.diagnostic(
                                file,
                                item_span.start,
                                format!("expected a table of [[{}]]", key.get_ref()),
                            ));
                            continue;
                        };
                        let table = Spanned::new(item_span, table);
                        match key.get_ref().as_ref() {
                            "entity" => self.record(file, table, problems, |f, r| f.entities.push(r)),
                            "source" => self.record(file, table, problems, |f, r| f.sources.push(r)),
                            _ => self.record(file, table, problems, |f, r| f.claims.push(r)),
                        }
                    }
                }
                ("dataset", _) => problems.push(self.diagnostic(file, span.start, "expected a [dataset] table")),
                ("entity" | "source" | "claim", _) => problems.push(self.diagnostic(
                    file,
                    span.start,
                    format!("expected an array of tables [[{}]]", key.get_ref()),
                )),
                (other, _) => problems.push(self.diagnostic(
                    file,
                    key.span().start,
                    format!("unknown record kind `{other}`, expected one of `dataset`, `entity`, `source`, `claim`"),
                )),
            }
        }
    }

    /// Reports every string of `value` longer than [`MAX_TEXT_BYTES`] or holding a character that XML 1.0 cannot
    /// carry (each becomes a literal, or is refused for another reason anyway).
    fn check_strings(&self, file: usize, value: &Spanned<DeValue<'_>>, problems: &mut Diagnostics) {
        match value.get_ref() {
            DeValue::String(text) => {
                if text.len() > MAX_TEXT_BYTES {
                    problems.push(self.diagnostic(file, value.span().start, too_long_message(text.len())));
                } else if let Some((_, c)) = forbidden_character(text) {
                    problems.push(self.diagnostic(file, value.span().start, forbidden_character_message(c)));
                }
            }
            DeValue::Array(items) => {
                for item in items {
                    self.check_strings(file, item, problems);
                }
            }
            DeValue::Table(table) => {
                for item in table.values() {
                    self.check_strings(file, item, problems);
                }
            }
            _ => {}
        }
    }

    fn record<T: for<'de> Deserialize<'de>>(
        &mut self,
        file: usize,
        table: Spanned<DeTable<'_>>,
        problems: &mut Diagnostics,
        push: impl FnOnce(&mut Self, Record<T>),
    ) {
        let span = table.span();
        match T::deserialize(Deserializer::from(table)) {
            Ok(value) => push(self, Record { file, span, value }),
            Err(error) => {
                let mut d = self.toml_diagnostic(file, &error);
                if d.position.is_none() {
                    d = self.diagnostic(file, span.start, d.message);
                }
                problems.push(d);
            }
        }
    }

    fn toml_diagnostic(&self, file: usize, error: &toml::de::Error) -> Diagnostic {
        let message = error.message().trim_end().to_owned();
        match error.span() {
            Some(span) => self.diagnostic(file, span.start, message),
            None => match deep_key(&self.inputs.files[file].text) {
                Some(offset) if message.contains("recursion") => self.diagnostic(
                    file,
                    offset,
                    format!("{message}: this key has more dotted parts than the TOML reader takes (at most 79)"),
                ),
                _ => Diagnostic::file(&self.inputs.files[file].path, message),
            },
        }
    }
}

/// The offset of the first key of `text` that the TOML reader refuses as nested too deep, which it reports with no
/// position: a dotted key (`a.b.c… = 1`, `[a.b.c…]`) of more parts than it takes. Keys do not span lines, so each
/// line that has dots enough is read again on its own.
fn deep_key(text: &str) -> Option<usize> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if line.bytes().filter(|&b| b == b'.').count() >= 79 {
            let (_, errors) = DeTable::parse_recoverable(line);
            if errors
                .iter()
                .any(|e| e.span().is_none() && e.message().contains("recursion"))
            {
                return Some(start + (line.len() - line.trim_start().len()));
            }
        }
        start += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::input::InputFile;

    fn inputs(text: &str) -> InputSet {
        InputSet {
            files: vec![InputFile {
                path: "data/x.toml".into(),
                text: text.into(),
            }],
        }
    }

    #[test]
    fn reports_every_bad_record_of_a_file() {
        let set = inputs(
            "[[entity]]\nid = \"a\"\ntype = \"Site\"\nlabel = { en = \"A\" }\ncolour = 1\n\n[[entity]]\ntype = \"Site\"\nlabel = {}\n",
        );
        let err = Facts::parse(&set).unwrap_err().to_string();
        assert!(err.contains("data/x.toml:5:1: unknown field `colour`"), "{err}");
        assert!(err.contains("data/x.toml:7:1: missing field `id`"), "{err}");
    }

    #[test]
    fn reads_claims_with_spans() {
        let set = inputs("[[claim]]\nid = \"c\"\nsubject = \"s\"\nproperty = \"P585\"\ntime = \"1867\"\n");
        let facts = Facts::parse(&set).unwrap();
        let claim = &facts.claims[0].value;
        assert_eq!(claim.time.as_ref().unwrap().get_ref(), "1867");
        assert_eq!(claim.id.span().start, set.files[0].text.find("\"c\"").unwrap());
    }

    #[test]
    fn refuses_control_characters_xml_cannot_carry_where_they_are_written() {
        let set = inputs(
            "[[entity]]\nid = \"a\"\ntype = \"Site\"\nlabel = { en = \"A\\u0000B\", it = \"ok\" }\naliases = { en = [\"x\", \"\\u001F\"] }\n",
        );
        let err = Facts::parse(&set).unwrap_err().to_string();
        assert_eq!(
            err,
            "data/x.toml:4:16: the text holds U+0000, which XML 1.0 cannot carry (RDF/XML output would not be well-formed): remove it\n\
             data/x.toml:5:24: the text holds U+001F, which XML 1.0 cannot carry (RDF/XML output would not be well-formed): remove it"
        );
    }

    #[test]
    fn rejects_unknown_record_kinds() {
        let set = inputs("[[fact]]\nid = 1\n");
        let err = Facts::parse(&set).unwrap_err().to_string();
        assert!(err.starts_with("data/x.toml:1:3: unknown record kind `fact`"), "{err}");
    }
}
