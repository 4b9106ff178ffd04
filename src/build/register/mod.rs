//! Registers: CSV files of individual records (one row per prisoner), each with a mapping description beside it
//! (`example.csv` + `example.toml`), streamed into the same ontology as the curated facts.
//!
//! A row becomes an item `{template}` of the register's class with its label, the truthy (`pkdt:`/`wdt:`) triple of
//! every mapped column, and its provenance: `prov:wasDerivedFrom` the register's source and `pk:sourceDocument` the
//! document it was transcribed from. Everything goes to the register's own named graph. Rows are read, checked and
//! written one at a time, so memory does not grow with the register.
//!
//! [`Register::open`] checks the description against the ontology, the curated model and the CSV header;
//! [`Register::map_row`] turns one record into triples or says which column is wrong; [`stream`] drives a whole
//! file into a [`Sink`] with the error budget and the rejected-rows file.

mod description;
pub mod generate;
pub mod limit;
mod stream;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use iri_string::spec::IriSpec;
use iri_string::template::UriTemplateString;
use iri_string::template::context::{Context, Visitor};
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term};

pub use stream::{CountSink, LineSink, Outcome, QuadSink, RegisterError, Sink, StreamOptions, open_csv, stream};

use crate::build::model::Date;
use crate::build::model::Model;
use crate::build::ontology::{Schema, ValueKind};
use crate::files::diagnostic::{Diagnostic, Diagnostics};
use crate::files::input::{forbidden_character, forbidden_character_message};
use crate::rdf::iri::{Minter, record_iri_problem};
use crate::rdf::vocab::{dcterms, pk, prov, rdf, rdfs, wikibase, xsd};
use description::DescriptionFile;

/// How a mapped column's text becomes a term.
#[derive(Debug, Clone)]
enum Reading {
    /// A curated entity id -> its IRI.
    Item,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` -> `xsd:gYear`, `xsd:gYearMonth` or `xsd:date`.
    Time,
    /// A decimal number -> `xsd:decimal`.
    Quantity,
    /// As written -> a plain string.
    String,
    /// As written -> a string tagged with this language.
    Text(String),
    /// An absolute IRI -> that IRI.
    Url,
}

/// One column of the CSV file, in file order.
#[derive(Debug, Clone)]
struct Column {
    name: String,
    /// The truthy predicate and how values are read, for mapped columns.
    mapped: Option<(NamedNode, Reading)>,
    required: bool,
    /// Whether its values are searchable (`search = true`): in the store's search index with the record's label.
    search: bool,
    /// Whether its values become literals (label, source document, strings, texts), which XML must be able to carry.
    literal: bool,
}

/// A term of a mapped row, borrowed from the row where it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object<'a> {
    /// An IRI.
    Iri(std::borrow::Cow<'a, str>),
    /// A literal: its lexical form and datatype IRI (`xsd:string` for plain strings).
    Typed(&'a str, &'static str),
    /// A language-tagged string.
    Tagged(std::borrow::Cow<'a, str>, &'a str),
}

/// One row as triples: the item's IRI and (predicate, object) pairs, in a fixed order.
#[derive(Debug, Default)]
pub struct MappedRow<'a> {
    /// The item's IRI.
    pub subject: String,
    /// Predicate IRIs and objects.
    pub pairs: Vec<(&'a str, Object<'a>)>,
}

/// Why a row cannot be mapped: the column (when one is to blame) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The column's header.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "column {c}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A register ready to map rows: its description checked against the ontology, the curated model and the header.
#[derive(Debug)]
pub struct Register {
    /// The CSV file.
    pub csv: PathBuf,
    /// The mapping description.
    pub description: PathBuf,
    /// The register's id.
    pub id: String,
    /// Whether it is synthetic.
    pub synthetic: bool,
    /// Its named graph.
    pub graph: NamedNode,
    /// Its source node.
    pub source: NamedNode,
    header_quads: Vec<Quad>,
    template: UriTemplateString,
    /// The columns the template names, in template order: the columns a bad item IRI may be blamed on.
    template_columns: Vec<usize>,
    base: String,
    class: NamedNode,
    label: Vec<usize>,
    label_language: String,
    source_document: Option<usize>,
    /// `pk:sourceDocument` under the build's base IRI.
    source_document_predicate: NamedNode,
    columns: Vec<Column>,
    entities: HashSet<String>,
    entity_prefix: String,
}

/// The mapping description of `csv`: the same path with `.toml` for `.csv`.
pub fn description_path(csv: &Path) -> PathBuf {
    csv.with_extension("toml")
}

impl Register {
    /// Reads the mapping description beside `csv` and checks it against the ontology, the curated model and the CSV
    /// `header`. Every problem is reported with its position.
    pub fn open(
        csv: &Path,
        header: &[String],
        schema: &Schema,
        model: &Model,
        minter: &Minter,
    ) -> Result<Self, Diagnostics> {
        let description = description_path(csv);
        let text = std::fs::read_to_string(&description).map_err(|e| {
            Diagnostics(vec![Diagnostic::file(
                &description.display().to_string(),
                format!(
                    "cannot read the mapping description of {} ({e}); a register needs one beside it",
                    csv.display()
                ),
            )])
        })?;
        Self::from_description(csv, &description, &text, header, schema, model, minter)
    }

    /// [`Register::open`] with the mapping description already read: `text` is the content of `description`.
    pub fn from_description(
        csv: &Path,
        description: &Path,
        text: &str,
        header: &[String],
        schema: &Schema,
        model: &Model,
        minter: &Minter,
    ) -> Result<Self, Diagnostics> {
        let path = description.display().to_string();
        let file: DescriptionFile = toml::from_str(text).map_err(|e| {
            let message = e.message().to_owned();
            Diagnostics(vec![match e.span() {
                Some(span) => Diagnostic::at(&path, text, span.start, message),
                None => Diagnostic::file(&path, message),
            }])
        })?;
        let mut problems = Diagnostics::default();
        let at = |span: std::ops::Range<usize>, message: String| Diagnostic::at(&path, text, span.start, message);
        let r = &file.register;

        let id = r.id.get_ref().clone();
        check_register_table(r, schema, &at, &mut problems);

        let columns = resolve_columns(&file, header, schema, csv, &path, text, &mut problems);
        let index = |name: &str| header.iter().position(|h| h == name);
        let label: Vec<usize> = r
            .label
            .get_ref()
            .iter()
            .filter_map(|name| {
                let found = index(name);
                if found.is_none() {
                    problems.push(at(
                        r.label.span(),
                        format!("label column \"{name}\" is not in the header"),
                    ));
                }
                found
            })
            .collect();
        if r.label.get_ref().is_empty() {
            problems.push(at(r.label.span(), "label: name at least one column".to_owned()));
        }
        let source_document = r.source_document.as_ref().and_then(|c| {
            let found = index(c.get_ref());
            if found.is_none() {
                problems.push(at(
                    c.span(),
                    format!("source_document column \"{}\" is not in the header", c.get_ref()),
                ));
            }
            found
        });

        let template = parse_template(r, header, &at, &mut problems);
        let (Some((template, template_columns)), true) = (template, problems.0.is_empty()) else {
            return Err(problems);
        };
        let mut columns = columns;
        for (i, column) in columns.iter_mut().enumerate() {
            column.literal = label.contains(&i)
                || source_document == Some(i)
                || matches!(column.mapped, Some((_, Reading::String | Reading::Text(_))));
        }

        let source = minter.source(&id);
        let graph = minter.register_graph(&id);
        let mut register = Self {
            csv: csv.to_owned(),
            description: description.to_owned(),
            synthetic: r.synthetic,
            graph,
            source,
            header_quads: Vec::new(),
            template,
            template_columns,
            base: minter.base().to_owned(),
            class: minter.own(pk::PATH, r.class.get_ref()),
            label,
            label_language: r.label_language.get_ref().to_ascii_lowercase(),
            source_document,
            source_document_predicate: minter.term(pk::SOURCE_DOCUMENT),
            columns,
            entities: model.entities.iter().map(|e| e.id.clone()).collect(),
            entity_prefix: minter.entity("x").as_str().trim_end_matches('x').to_owned(),
            id,
        };
        register.header_quads = register.source_quads(&file.register, minter);
        // The template must give a valid IRI; try it on a row of placeholder values.
        let sample: Vec<&[u8]> = header.iter().map(|_| b"x".as_slice()).collect();
        let mut subject = String::new();
        if let Err(e) = register.expand(&sample, &mut subject) {
            return Err(Diagnostics(vec![at(r.item.span(), e.message)]));
        }
        if NamedNode::new(&subject).is_err() {
            return Err(Diagnostics(vec![at(
                r.item.span(),
                format!("the template gives \"{subject}\", which is not an absolute IRI (start it with {{+base}})"),
            )]));
        }
        Ok(register)
    }

    /// The register's source node: a `pk:Register` with its title, flagged synthetic where it is.
    fn source_quads(&self, table: &description::RegisterTable, minter: &Minter) -> Vec<Quad> {
        let g = GraphName::from(self.graph.clone());
        let s = &self.source;
        let title = Literal::new_language_tagged_literal_unchecked(
            table.title.get_ref(),
            table.title_language.get_ref().to_ascii_lowercase(),
        );
        let mut quads = vec![
            Quad::new(s.clone(), rdf::TYPE, minter.term(pk::SOURCE), g.clone()),
            Quad::new(s.clone(), rdf::TYPE, minter.term(pk::REGISTER), g.clone()),
            Quad::new(s.clone(), dcterms::TITLE, title.clone(), g.clone()),
            Quad::new(s.clone(), rdfs::LABEL, title, g.clone()),
            Quad::new(
                s.clone(),
                minter.term(pk::SYNTHETIC),
                Literal::from(self.synthetic),
                g.clone(),
            ),
        ];
        if let Some(d) = &table.description {
            quads.push(Quad::new(
                s.clone(),
                dcterms::DESCRIPTION,
                Literal::new_language_tagged_literal_unchecked(
                    d.get_ref(),
                    table.title_language.get_ref().to_ascii_lowercase(),
                ),
                g,
            ));
        }
        quads
    }

    /// The quads about the register itself (its source node), in its named graph.
    pub fn header_quads(&self) -> &[Quad] {
        &self.header_quads
    }

    /// The predicates of the columns marked `search = true`: what the search index takes from each record besides
    /// its label (an IRI value contributes the linked entity's labels).
    pub fn searchable_predicates(&self) -> impl Iterator<Item = &NamedNode> {
        self.columns
            .iter()
            .filter(|c| c.search)
            .filter_map(|c| c.mapped.as_ref().map(|(predicate, _)| predicate))
    }

    /// Column headers, in file order.
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.name.as_str())
    }

    fn expand(&self, fields: &[&[u8]], out: &mut String) -> Result<(), RowError> {
        struct Row<'r> {
            register: &'r Register,
            fields: &'r [&'r [u8]],
        }
        impl Context for Row<'_> {
            fn visit<V: Visitor>(&self, visitor: V) -> V::Result {
                match visitor.var_name().as_str() {
                    "base" => visitor.visit_string(&self.register.base),
                    "register" => visitor.visit_string(&self.register.id),
                    name => match self
                        .register
                        .columns
                        .iter()
                        .position(|c| c.name == name)
                        .and_then(|i| self.fields.get(i))
                        .and_then(|f| std::str::from_utf8(f).ok())
                        .filter(|v| !v.is_empty())
                    {
                        Some(value) => visitor.visit_string(value),
                        None => visitor.visit_undefined(),
                    },
                }
            }
        }
        out.clear();
        let context = Row { register: self, fields };
        let expanded = self.template.expand::<IriSpec, _>(&context).map_err(|e| RowError {
            column: None,
            message: format!("cannot expand the item template: {e}"),
        })?;
        std::fmt::write(out, format_args!("{expanded}")).map_err(|_| RowError {
            column: None,
            message: "cannot expand the item template".to_owned(),
        })
    }

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
        self.expand(fields, &mut row.subject)?;
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
        let culprit = self.template_columns.iter().find(|&&i| {
            let alone: Vec<&[u8]> = (0..fields.len())
                .map(|j| {
                    if j == i || !self.template_columns.contains(&j) {
                        fields[j]
                    } else {
                        b"x".as_slice()
                    }
                })
                .collect();
            self.expand(&alone, &mut trial).is_ok() && record_iri_problem(&trial).is_some()
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

impl Object<'_> {
    /// The object as an Oxigraph term.
    pub fn to_term(&self) -> Term {
        match self {
            Self::Iri(iri) => NamedNode::new_unchecked(iri.as_ref()).into(),
            Self::Typed(value, datatype) if *datatype == xsd::STRING.as_str() => {
                Literal::new_simple_literal(*value).into()
            }
            Self::Typed(value, datatype) => {
                Literal::new_typed_literal(*value, NamedNode::new_unchecked(*datatype)).into()
            }
            Self::Tagged(value, lang) => Literal::new_language_tagged_literal_unchecked(value.as_ref(), *lang).into(),
        }
    }
}

/// The item template, and the columns it names in template order (the columns a bad item IRI may be blamed on).
fn parse_template(
    r: &description::RegisterTable,
    header: &[String],
    at: &dyn Fn(std::ops::Range<usize>, String) -> Diagnostic,
    problems: &mut Diagnostics,
) -> Option<(UriTemplateString, Vec<usize>)> {
    let template = match UriTemplateString::try_from(r.item.get_ref().as_str()) {
        Ok(t) => t,
        Err(e) => {
            problems.push(at(r.item.span(), format!("invalid RFC 6570 template: {e}")));
            return None;
        }
    };
    let mut columns = Vec::new();
    for var in template.variables() {
        let var = var.as_str();
        match header.iter().position(|h| h == var) {
            Some(i) if !columns.contains(&i) => columns.push(i),
            Some(_) => {}
            None if var == "base" || var == "register" => {}
            None => problems.push(at(
                r.item.span(),
                format!("template variable \"{var}\" is neither base, register nor a column of the header"),
            )),
        }
    }
    Some((template, columns))
}

/// Checks the `[register]` table's id, languages, class, and that its texts can be literals.
fn check_register_table(
    r: &description::RegisterTable,
    schema: &Schema,
    at: &dyn Fn(std::ops::Range<usize>, String) -> Diagnostic,
    problems: &mut Diagnostics,
) {
    for text in std::iter::once(&r.title).chain(&r.description) {
        if let Some((_, c)) = forbidden_character(text.get_ref()) {
            problems.push(at(text.span(), forbidden_character_message(c)));
        }
    }
    let id = r.id.get_ref();
    if !is_slug(id) {
        problems.push(at(
            r.id.span(),
            format!("invalid register id \"{id}\": expected a slug such as example-register"),
        ));
    }
    for tag in [&r.title_language, &r.label_language] {
        if Literal::new_language_tagged_literal("", tag.get_ref()).is_err() {
            problems.push(at(
                tag.span(),
                format!("\"{}\" is not a BCP 47 language tag such as ro", tag.get_ref()),
            ));
        }
    }
    let class = r.class.get_ref();
    if !schema.entity_classes.contains(class) {
        problems.push(at(
            r.class.span(),
            format!(
                "unknown class \"{class}\": expected one of {}",
                schema.entity_classes.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
}

/// The columns of the header, in file order, each with its declaration; every header column must be declared and
/// every declaration must name a header column.
fn resolve_columns(
    file: &DescriptionFile,
    header: &[String],
    schema: &Schema,
    csv: &Path,
    path: &str,
    text: &str,
    problems: &mut Diagnostics,
) -> Vec<Column> {
    let at = |span: std::ops::Range<usize>, message: String| Diagnostic::at(path, text, span.start, message);
    let mut columns = Vec::new();
    for name in header {
        let Some(table) = file.columns.iter().find(|c| c.name.get_ref() == name) else {
            problems.push(Diagnostic::file(
                &csv.display().to_string(),
                format!("column \"{name}\" of the header is not declared in {path} (add a [[column]] with name = \"{name}\")"),
            ));
            continue;
        };
        let mapped = match &table.property {
            None => None,
            Some(key) => match schema.properties.get(key.get_ref()) {
                None => {
                    problems.push(at(
                        key.span(),
                        format!("unknown property \"{}\": not declared in the ontology", key.get_ref()),
                    ));
                    None
                }
                Some(def) => {
                    let reading = match def.kind {
                        ValueKind::Item => Reading::Item,
                        ValueKind::Time => Reading::Time,
                        ValueKind::Quantity => Reading::Quantity,
                        ValueKind::String => Reading::String,
                        ValueKind::Url => Reading::Url,
                        ValueKind::Text => {
                            if let Some(lang) = &table.language {
                                if Literal::new_language_tagged_literal("", lang.get_ref()).is_err() {
                                    problems.push(at(
                                        lang.span(),
                                        format!("\"{}\" is not a BCP 47 language tag such as ro", lang.get_ref()),
                                    ));
                                }
                                Reading::Text(lang.get_ref().to_ascii_lowercase())
                            } else {
                                problems.push(at(
                                    key.span(),
                                    format!(
                                        "property \"{}\" takes language-tagged text: give the column a language",
                                        key.get_ref()
                                    ),
                                ));
                                Reading::String
                            }
                        }
                    };
                    Some((def.direct.clone(), reading))
                }
            },
        };
        if table.search && table.property.is_none() {
            problems.push(at(
                table.name.span(),
                format!(
                    "column \"{name}\": search = true needs a property (the label's columns are always searchable; \
                     a column without a property makes no triple to search)"
                ),
            ));
        }
        columns.push(Column {
            name: name.clone(),
            mapped,
            required: table.required,
            search: table.search,
            literal: false,
        });
    }
    for (i, name) in header.iter().enumerate() {
        if let Some(first) = header[..i].iter().position(|h| h == name) {
            problems.push(Diagnostic::at_line(
                &csv.display().to_string(),
                1,
                format!(
                    "columns {} and {} of the header are both named \"{name}\": every column needs a name of its own",
                    first + 1,
                    i + 1
                ),
            ));
        }
    }
    for table in &file.columns {
        let name = table.name.get_ref();
        if !header.contains(name) {
            problems.push(at(
                table.name.span(),
                format!("column \"{name}\" is not in the header of {}", csv.display()),
            ));
        }
        if file.columns.iter().filter(|c| c.name.get_ref() == name).count() > 1 {
            problems.push(at(table.name.span(), format!("column \"{name}\" is declared twice")));
        }
    }
    columns
}

fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id
            .split('-')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}
