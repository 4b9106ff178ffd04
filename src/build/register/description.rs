//! The mapping description kept beside a register (`example.csv` -> `example.toml`): what the register is, how its
//! rows' IRIs are minted, and which column is which property. Read with serde; every value keeps its position so
//! that problems are reported at `file:line:column`.

use serde::Deserialize;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DescriptionFile {
    /// `[register]`
    pub register: RegisterTable,
    /// `[[column]]`, one per column of the CSV file, in any order.
    #[serde(rename = "column", default)]
    pub columns: Vec<ColumnTable>,
}

/// `[register]`: the register as a source, and how its rows become items.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterTable {
    /// Slug: the register's source is `{base}source/{id}`, its named graph `{base}graph/register/{id}`.
    pub id: Spanned<String>,
    /// The register's title.
    pub title: Spanned<String>,
    /// The title's language (BCP 47).
    pub title_language: Spanned<String>,
    /// What the register is, optional.
    #[serde(default)]
    pub description: Option<Spanned<String>>,
    /// Made by `powkg generate-register`: its rows describe no real person.
    #[serde(default)]
    pub synthetic: bool,
    /// RFC 6570 template of a row's IRI; variables: `base`, `register` and any column name.
    pub item: Spanned<String>,
    /// Class of every row's item: the local name of an entity class of the ontology (`Person`).
    pub class: Spanned<String>,
    /// Columns whose values, joined by a space, are the item's `rdfs:label`.
    pub label: Spanned<Vec<String>>,
    /// The label's language (BCP 47).
    pub label_language: Spanned<String>,
    /// The column that names each row's source document (`pk:sourceDocument`), optional.
    #[serde(default)]
    pub source_document: Option<Spanned<String>>,
}

/// `[[column]]`: one column of the CSV file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnTable {
    /// The header of the column.
    pub name: Spanned<String>,
    /// The property its values are (a key of the ontology: `birthYear`, `P17`); none for columns used only in the
    /// item template, the label or the source document.
    #[serde(default)]
    pub property: Option<Spanned<String>>,
    /// A row with this column empty is rejected.
    #[serde(default)]
    pub required: bool,
    /// Whether its values are searchable: `powkg search` and the `pks:search` service find a record by them (and,
    /// for a column linking to an entity, by that entity's labels) besides its label.
    #[serde(default)]
    pub search: bool,
    /// For a Monolingualtext property: the values' language.
    #[serde(default)]
    pub language: Option<Spanned<String>>,
}

/// The mapping description of `csv`: the same path with `.toml` for `.csv`.
pub fn description_path(csv: &std::path::Path) -> std::path::PathBuf {
    csv.with_extension("toml")
}
