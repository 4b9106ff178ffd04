//! Any `--param` value for any bundled query: binding never panics, and a bound value is data, never query text.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use powkg::rdf::iri::{DEFAULT_BASE_IRI, Minter};
use powkg::build::pipeline::{self, Sources};
use powkg::query::{self, QueryDef, catalog};
use powkg::store::GraphStore;

static FIXTURE: LazyLock<(GraphStore, Minter, Vec<QueryDef>)> = LazyLock::new(|| {
    let minter = Minter::new(DEFAULT_BASE_IRI).expect("default base IRI");
    let built = pipeline::build(&Sources::default(), &minter).expect("bundled data builds");
    let store = GraphStore::in_memory(&built.quads).expect("in-memory store");
    let queries = catalog::bundled()
        .expect("bundled queries parse")
        .into_iter()
        .filter(|q| !q.params.is_empty())
        .collect();
    (store, minter, queries)
});

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(value) = std::str::from_utf8(rest) else {
        return;
    };
    let (store, minter, queries) = &*FIXTURE;
    let def = &queries[usize::from(selector) % queries.len()];
    let name = def.params[0].name.clone();
    let engine = powkg::query::sparql::Engine::new(minter);
    let _ = query::run(def, &[(name, value.to_owned())], store, &engine, minter, |results| {
        query::write_results(
            results,
            Some(if def.name.starts_with("describe") {
                "ntriples"
            } else {
                "tsv"
            }),
            false,
            &[],
            &mut Vec::new(),
        )
    });
});
