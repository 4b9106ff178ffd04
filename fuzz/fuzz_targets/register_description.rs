//! Any text as a register's mapping description (for the example register's header): checking it never panics; it
//! either opens a register that maps a sample row or reports located problems.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use powkg::rdf::iri::{DEFAULT_BASE_IRI, Minter};
use powkg::build::pipeline::{self, Built, Sources};
use powkg::build::register::{MappedRow, Register};

static CURATED: LazyLock<(Built, Minter)> = LazyLock::new(|| {
    let minter = Minter::new(DEFAULT_BASE_IRI).expect("default base IRI");
    let built = pipeline::build(&Sources::default(), &minter).expect("the bundled data builds");
    (built, minter)
});

const HEADER: [&str; 13] = [
    "record_id", "given_name", "family_name", "birth_year", "birth_place", "rank", "unit", "capture_date",
    "capture_place", "camp", "fate", "death_date", "source_document",
];
const ROW: [&str; 13] = [
    "SYN-0000001", "Alexandru", "Popescu", "1923", "Bacău", "caporal", "Divizia 6 Infanterie", "1943-01-28",
    "Tighina", "karlag", "", "", "dosar 294/6191",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (built, minter) = &*CURATED;
    let header: Vec<String> = HEADER.iter().map(|h| (*h).to_owned()).collect();
    let Ok(register) = Register::from_description(
        Path::new("fuzz.csv"),
        Path::new("fuzz.toml"),
        text,
        &header,
        &built.schema,
        &built.model,
        minter,
    ) else {
        return;
    };
    let fields: Vec<&[u8]> = ROW.iter().map(|f| f.as_bytes()).collect();
    let mut row = MappedRow::default();
    if register.map_row(&fields, &mut row).is_ok() {
        assert!(!row.subject.is_empty());
        for (_, object) in &row.pairs {
            let _ = object.to_term();
        }
    }
});
