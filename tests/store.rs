//! The on-disk store: built, queried, rebuilt atomically, and left intact by failed or killed builds.

#![cfg(feature = "rocksdb")]

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::util::{binary, copy_bundled_data, powkg, query_store, tempdir};

fn count_entities(dir: &Path) -> String {
    query_store(
        dir,
        "SELECT (COUNT(*) AS ?n) WHERE { ?e a <http://wikiba.se/ontology#Item> }",
    )
}

#[test]
fn a_store_answers_like_the_in_memory_build() {
    let dir = tempdir();
    powkg(dir.path(), &["build", "--store", "kgstore"]).expect_code(0);
    let from_store = powkg(
        dir.path(),
        &["query", "conflicting-claims", "--store", "kgstore", "--format", "csv"],
    )
    .expect_code(0);
    let in_memory = powkg(dir.path(), &["query", "conflicting-claims", "--format", "csv"]).expect_code(0);
    assert_eq!(from_store.stdout, in_memory.stdout);
    let exported = powkg(dir.path(), &["export", "--store", "kgstore", "--format", "nquads"]).expect_code(0);
    let built = powkg(dir.path(), &["export", "--format", "nquads"]).expect_code(0);
    assert_eq!(exported.stdout, built.stdout, "the store holds exactly the build");
}

#[test]
fn failed_and_killed_rebuilds_leave_the_previous_store_intact() {
    let dir = tempdir();
    let data = copy_bundled_data(dir.path());
    powkg(dir.path(), &["build", "--data", "data", "--store", "kgstore"]).expect_code(0);
    let before = count_entities(dir.path());

    // Bad input: refused before the store is touched.
    fs::write(data.join("zz-broken.toml"), "[[entity]]\nid = \"Bad Id\"\n").unwrap();
    powkg(dir.path(), &["build", "--data", "data", "--store", "kgstore"]).expect_code(2);
    assert_eq!(count_entities(dir.path()), before);

    // A build killed just before the swap: the old store still opens and holds the old graph.
    fs::write(
        data.join("zz-broken.toml"),
        "[[entity]]\nid = \"extra\"\ntype = \"Camp\"\nlabel = { en = \"Extra\", it = \"Extra\" }\n\
         description = { en = \"a test camp\", it = \"un campo di prova\" }\n",
    )
    .unwrap();
    let status = Command::new(binary())
        .args(["build", "--data", "data", "--store", "kgstore"])
        .current_dir(dir.path())
        .env("POWKG_TEST_ABORT_BEFORE_SWAP", "1")
        .output()
        .unwrap()
        .status;
    assert!(
        status.code().is_none(),
        "the build was meant to die by a signal, not exit: {status:?}"
    );
    assert_eq!(count_entities(dir.path()), before);

    // A completed rebuild replaces it, and leaves no staging directory behind.
    powkg(dir.path(), &["build", "--data", "data", "--store", "kgstore"]).expect_code(0);
    assert_ne!(count_entities(dir.path()), before);
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".kgstore.building-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "the killed build's staging directory is cleaned up: {leftovers:?}"
    );
}

#[test]
fn a_directory_that_is_not_a_store_is_never_replaced() {
    let dir = tempdir();
    fs::create_dir(dir.path().join("kgstore")).unwrap();
    fs::write(dir.path().join("kgstore/notes.txt"), "mine").unwrap();
    let run = powkg(dir.path(), &["build", "--store", "kgstore"]).expect_code(2);
    assert!(run.stderr.contains("is not an Oxigraph store"), "{run}");
    assert_eq!(
        fs::read_to_string(dir.path().join("kgstore/notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn reading_a_missing_store_is_an_input_error() {
    let dir = tempdir();
    let run = powkg(dir.path(), &["query", "figures", "--store", "nowhere"]).expect_code(2);
    assert!(run.stderr.contains("no Oxigraph store here"), "{run}");
}
