//! Any text as a curated data file: reading, validating and mapping it never panics; it either builds quads or
//! reports located problems.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use powkg::build::facts::Facts;
use powkg::files::input::{InputFile, InputSet, bundled};
use powkg::rdf::iri::{DEFAULT_BASE_IRI, Minter};
use powkg::build::mapping;
use powkg::build::model::Model;
use powkg::build::ontology::Ontology;

static ONTOLOGY: LazyLock<Ontology> =
    LazyLock::new(|| Ontology::load(&InputSet::bundled(bundled::ONTOLOGY)).expect("bundled ontology"));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let inputs = InputSet {
        files: vec![InputFile {
            path: "data/fuzz.toml".into(),
            text: text.to_owned(),
        }],
    };
    let Ok(facts) = Facts::parse(&inputs) else {
        return;
    };
    if let Ok(model) = Model::build(&facts, &ONTOLOGY.schema) {
        let minter = Minter::new(DEFAULT_BASE_IRI).expect("default base IRI");
        let _ = mapping::map(&model, &ONTOLOGY, &minter);
    }
});
