//! Any `powkg search` query, on the bundled graph's index: parsing and searching never panic, and every snippet
//! mark is a range of its snippet's text on character boundaries.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use powkg::rdf::iri::{DEFAULT_BASE_IRI, Minter};
use powkg::build::pipeline::{self, Sources};
use powkg::search::{Request, SearchIndex};

static INDEX: LazyLock<SearchIndex> = LazyLock::new(|| {
    let minter = Minter::new(DEFAULT_BASE_IRI).expect("default base IRI");
    let built = pipeline::build(&Sources::default(), &minter).expect("bundled data builds");
    SearchIndex::in_memory(&built.quads, &minter).expect("an index")
});

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(hits) = INDEX.search(&Request {
        query,
        limit: 20,
        class: None,
        language: None,
    }) else {
        return;
    };
    for hit in hits {
        for mark in &hit.snippet.marks {
            assert!(hit.snippet.text.get(mark.clone()).is_some(), "{hit:?}");
        }
    }
});
