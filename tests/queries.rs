//! Every bundled query runs on the bundled graph and gives exactly the results kept beside it
//! (`queries/NAME.expected.tsv` for SELECT/ASK, `.expected.ttl` for CONSTRUCT/DESCRIBE). Rewrite them after a
//! reviewed change with `POWKG_BLESS=1 cargo test --release queries`.

use std::fs;

use powkg::build::pipeline;
use powkg::query::sparql::Engine;
use powkg::query::{self, Outcome};
use powkg::rdf::iri::{DEFAULT_BASE_IRI, Minter};
use powkg::store::GraphStore;

use crate::util::{blessing, root};

#[test]
fn every_bundled_query_gives_its_expected_results() {
    let minter = Minter::new(DEFAULT_BASE_IRI).unwrap();
    let built = pipeline::build(&crate::util::bundled_sources(), &minter).expect("the bundled data builds");
    let store = GraphStore::in_memory(&built.quads).unwrap();
    let queries = crate::util::bundled_queries_result().expect("every bundled query parses");
    assert!(
        queries.len() >= 12,
        "at least 12 bundled queries, found {}",
        queries.len()
    );
    let mut failures = Vec::new();
    for def in &queries {
        let engine = Engine::new(&minter);
        let (outcome, out) = query::run(def, &[], &store, &engine, &minter, |results| {
            let mut out = Vec::new();
            let outcome = query::write_results(results, None, false, &minter.prefixes(), &mut out)?;
            Ok((outcome, out))
        })
        .unwrap_or_else(|e| panic!("{}: {e}", def.name));
        let ext = if matches!(outcome, Outcome::Triples(_)) {
            "ttl"
        } else {
            "tsv"
        };
        let path = root().join("queries").join(format!("{}.expected.{ext}", def.name));
        let actual = String::from_utf8(out).unwrap();
        if blessing() {
            fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} has no expected results at {}", def.name, path.display()));
        if actual != expected {
            failures.push(format!("--- {} (expected {})\n{actual}", def.name, path.display()));
        }
        // Check queries (unreferenced-statements, missing-italian-labels) rightly find nothing in the bundled data;
        // tests/cli.rs shows that they find what they look for. An assertion query must hold.
        if let Outcome::Boolean(answer) = outcome {
            assert!(answer, "{} answers false on the bundled data", def.name);
        }
    }
    assert!(
        failures.is_empty(),
        "queries whose results changed:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_query_has_a_title_and_description_and_declares_what_it_binds() {
    for def in crate::util::bundled_queries_result().unwrap() {
        assert!(!def.title.is_empty(), "{} has no title", def.name);
        assert!(!def.description.is_empty(), "{} has no description", def.name);
        let text = fs::read_to_string(root().join(&def.path)).unwrap();
        for p in &def.params {
            assert!(
                text.contains(&format!("?{}", p.name)),
                "{} declares ?{} but does not use it",
                def.name,
                p.name
            );
        }
    }
}

#[test]
fn no_expected_file_is_orphaned() {
    let names: Vec<String> = crate::util::bundled_queries_result()
        .unwrap()
        .into_iter()
        .map(|q| q.name)
        .collect();
    for entry in fs::read_dir(root().join("queries")).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some((stem, _)) = file.split_once(".expected.") {
            assert!(names.iter().any(|n| n == stem), "{file} has no query beside it");
        }
    }
}
