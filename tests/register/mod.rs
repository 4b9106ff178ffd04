//! Registers: the mapping of one row (in process, through the library), the bundled example register end to end
//! through the binary (counts, exact triples, its named graph, a bundled query over curated and register data),
//! the error budget and the rejected-rows file, and the synthetic generator's determinism. This file holds the
//! helpers and the description the topics below share.

mod example;
mod generator;
mod rows;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, Quad};
use powkg::build::pipeline::{self, Built};
use powkg::build::register::{MappedRow, Register, RowError, open_csv};
use powkg::rdf::iri::{DEFAULT_BASE_IRI, Minter};

#[cfg(feature = "rocksdb")]
use crate::util::query_store;
use crate::util::{powkg, root, tempdir};

const EXAMPLE: &str = "data/registers/example.csv";
const GRAPH: &str = "https://example.org/powkg/graph/register/example";

fn curated() -> (Built, Minter) {
    let minter = Minter::new(DEFAULT_BASE_IRI).unwrap();
    let built = pipeline::build(&crate::util::bundled_sources(), &minter).expect("the bundled data builds");
    (built, minter)
}

/// Writes `NAME.csv` and its description `NAME.toml` into `dir`.
fn write_register(dir: &Path, name: &str, csv: &str, description: &str) -> PathBuf {
    let path = dir.join(format!("{name}.csv"));
    fs::write(&path, csv).unwrap();
    fs::write(path.with_extension("toml"), description).unwrap();
    path
}

const DESCRIPTION: &str = r#"[register]
id = "test-register"
title = "Test register"
title_language = "en"
item = "{+base}prisoner/{register}/{id}"
class = "Person"
label = ["given", "family"]
label_language = "ro"
source_document = "document"

[[column]]
name = "id"
required = true

[[column]]
name = "given"

[[column]]
name = "family"

[[column]]
name = "born"
property = "birthYear"

[[column]]
name = "camp"
property = "heldAt"

[[column]]
name = "died"
property = "dateOfDeath"

[[column]]
name = "document"
"#;

const HEADER: &str = "id,given,family,born,camp,died,document\n";

/// Opens the test register in a fresh directory.
fn open(description: &str) -> Result<(tempfile::TempDir, Register), String> {
    let (built, minter) = curated();
    let dir = tempdir();
    let csv = write_register(dir.path(), "test", HEADER, description);
    let (header, _) = open_csv(&csv).map_err(|e| e.to_string())?;
    let register = Register::open(&csv, &header, &built.schema, &built.model, &minter).map_err(|d| d.to_string())?;
    Ok((dir, register))
}

/// Maps one row given as its fields; the row as N-Triples-like text, or the error.
fn map(register: &Register, fields: &[&str]) -> Result<Vec<String>, RowError> {
    let bytes: Vec<&[u8]> = fields.iter().map(|f| f.as_bytes()).collect();
    let mut row = MappedRow::default();
    register.map_row(&bytes, &mut row)?;
    Ok(row
        .pairs
        .iter()
        .map(|(p, o)| format!("<{}> <{p}> {}", row.subject, o.to_term()))
        .collect())
}

fn parse_nquads(path: &Path) -> Vec<Quad> {
    RdfParser::from_format(RdfFormat::NQuads)
        .for_reader(fs::File::open(path).unwrap())
        .collect::<Result<_, _>>()
        .unwrap()
}
