//! Compiling a register's mapping description ([`Register::open`]): the description checked against the ontology,
//! the curated model and the CSV header, every problem reported at its position, and turned into what mapping a row
//! needs.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use oxigraph::model::{Literal, NamedNode, Quad};

use super::description::{DescriptionFile, RegisterTable, description_path};
use super::source::source_quads;
use super::template::ItemTemplate;
use crate::build::model::Model;
use crate::build::ontology::{Schema, ValueKind};
use crate::files::diagnostic::{Diagnostic, Diagnostics};
use crate::files::input::{forbidden_character, forbidden_character_message};
use crate::rdf::iri::Minter;
use crate::rdf::vocab::pk;

/// How a mapped column's text becomes a term.
#[derive(Debug, Clone)]
pub(super) enum Reading {
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
pub(super) struct Column {
    pub(super) name: String,
    /// The truthy predicate and how values are read, for mapped columns.
    pub(super) mapped: Option<(NamedNode, Reading)>,
    pub(super) required: bool,
    /// Whether its values are searchable (`search = true`): in the store's search index with the record's label.
    pub(super) search: bool,
    /// Whether its values become literals (label, source document, strings, texts), which XML must be able to carry.
    pub(super) literal: bool,
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
    /// The item template, which gives each row's IRI.
    pub(super) template: ItemTemplate,
    /// The class of every row's item.
    pub(super) class: NamedNode,
    /// The columns whose values, joined by a space, are the item's label.
    pub(super) label: Vec<usize>,
    pub(super) label_language: String,
    pub(super) source_document: Option<usize>,
    /// `pk:sourceDocument` under the build's base IRI.
    pub(super) source_document_predicate: NamedNode,
    /// The CSV file's columns, in header order.
    pub(super) columns: Vec<Column>,
    /// The ids of the curated entities, which item columns must name.
    pub(super) entities: HashSet<String>,
    /// `{base}entity/`, which an entity's id follows in its IRI.
    pub(super) entity_prefix: String,
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

        let template = ItemTemplate::parse(r, header, minter.base(), &at, &mut problems);
        let (Some(template), true) = (template, problems.0.is_empty()) else {
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
        register.header_quads = source_quads(&file.register, &register.source, &register.graph, minter);
        // The template must give a valid IRI; try it on a row of placeholder values.
        let sample: Vec<&[u8]> = header.iter().map(|_| b"x".as_slice()).collect();
        let mut subject = String::new();
        if let Err(e) = register.template.expand(&sample, &mut subject) {
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
}

/// Checks the `[register]` table's id, languages, class, and that its texts can be literals.
fn check_register_table(
    r: &RegisterTable,
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
