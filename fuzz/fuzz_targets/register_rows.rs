//! Any bytes as the rows of a register (after the example register's header): reading and mapping them never
//! panics, and the outcome always reconciles (rows read = rows mapped + rows rejected) or names a read error.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use powkg::rdf::iri::{DEFAULT_BASE_IRI, Minter};
use powkg::build::pipeline::{self, Built, Sources};
use powkg::build::register::{CountSink, Register, StreamOptions, stream};

const HEADER: &str = "record_id,given_name,family_name,birth_year,birth_place,rank,unit,capture_date,capture_place,camp,fate,death_date,source_document\n";
const DESCRIPTION: &str = include_str!("../../data/registers/example.toml");

static REGISTER: LazyLock<Register> = LazyLock::new(|| {
    let minter = Minter::new(DEFAULT_BASE_IRI).expect("default base IRI");
    let built: Built = pipeline::build(&Sources::default(), &minter).expect("the bundled data builds");
    let header: Vec<String> = HEADER.trim_end().split(',').map(str::to_owned).collect();
    Register::from_description(
        Path::new("fuzz.csv"),
        Path::new("fuzz.toml"),
        DESCRIPTION,
        &header,
        &built.schema,
        &built.model,
        &minter,
    )
    .expect("the example description opens")
});

fuzz_target!(|data: &[u8]| {
    let mut input = HEADER.as_bytes().to_vec();
    input.extend_from_slice(data);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input.as_slice());
    if reader.headers().is_err() {
        return;
    }
    let options = StreamOptions {
        max_errors: u64::MAX,
        rejected: None,
        progress: &mut |_, _| {},
    };
    if let Ok(outcome) = stream(&REGISTER, reader, &mut CountSink, options) {
        assert_eq!(outcome.rows_read, outcome.rows_mapped + outcome.rows_rejected);
    }
});
