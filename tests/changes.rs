//! What changed between builds, on a project of its own (`powkg new`): `powkg diff` between stores, files and
//! projects, its exit codes and patches, and the change feed a store keeps.

use std::fs;
use std::path::Path;

use crate::util::{powkg_here, tempdir};

fn scaffold(dir: &Path) -> std::path::PathBuf {
    powkg_here(dir, &["new", "proj"]).expect_code(0);
    let proj = dir.join("proj");
    // Its query's kept results describe the graph as scaffolded, which these tests change.
    fs::remove_file(proj.join("queries/example-figures.expected.tsv")).unwrap();
    proj
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} holds {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn diff_names_a_changed_claim_with_its_values_and_source_and_exits_like_diff() {
    let dir = tempdir();
    let proj = scaffold(dir.path());
    powkg_here(&proj, &["build", "--store", "../old"]).expect_code(0);
    powkg_here(&proj, &["build", "--out", "../old.nq"]).expect_code(0);
    edit(&proj.join("data/claims.toml"), "quantity = 1200", "quantity = 1250");
    edit(
        &proj.join("data/claims.toml"),
        "conflicts_with = [\"example-town-population-web\"]\n",
        "",
    );
    edit(
        &proj.join("data/claims.toml"),
        "conflicts_with = [\"example-town-population-book\"]\n",
        "",
    );
    let built = powkg_here(&proj, &["build", "--store", "../new"]).expect_code(0);
    assert!(built.stdout.contains("(a new store)"), "{built}");
    powkg_here(&proj, &["build", "--out", "../new.nq"]).expect_code(0);

    let text = powkg_here(&proj, &["diff", "../old", "../new"]).expect_code(1);
    assert!(text.stdout.contains("claims changed (2)"), "{text}");
    assert!(text.stdout.contains("example-town-population-book"), "{text}");
    assert!(text.stdout.contains("value: 1200 → 1250"), "{text}");
    assert!(text.stdout.contains("conflicts resolved (1)"), "{text}");
    let json = powkg_here(&proj, &["diff", "../old", "../new", "--format", "json"]).expect_code(1);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["format"], "powkg-diff");
    assert_eq!(report["version"], 1);
    // Both claims changed: one's value, and each lost its conflict with the other.
    let claim = &report["claims"]["changed"][0];
    assert_eq!(claim["id"], "example-town-population-book");
    assert_eq!(report["claims"]["changed"][1]["id"], "example-town-population-web");
    let value = claim["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["part"] == "value")
        .unwrap();
    assert_eq!(value["old"], serde_json::json!(["1200"]));
    assert_eq!(value["new"], serde_json::json!(["1250"]));
    assert!(
        claim["source"][0].as_str().unwrap().contains("12"),
        "the reference names its page: {claim}"
    );
    assert_eq!(
        report["conflicts"]["resolved"],
        serde_json::json!([["example-town-population-book", "example-town-population-web"]])
    );
    // Two stores read only the buckets that differ.
    assert!(report["cost"]["differing_buckets"].as_u64().unwrap() < report["cost"]["buckets"].as_u64().unwrap());

    // Dumps compare as the stores do; a store with itself and a dump with itself are equal.
    let files = powkg_here(&proj, &["diff", "../old.nq", "../new.nq", "--format", "json"]).expect_code(1);
    let from_files: serde_json::Value = serde_json::from_str(&files.stdout).unwrap();
    assert_eq!(from_files["claims"], report["claims"]);
    assert!(
        powkg_here(&proj, &["diff", "../old", "../old"])
            .expect_code(0)
            .stdout
            .contains("equal")
    );
    powkg_here(&proj, &["diff", "../old.nq", "../old"]).expect_code(0);
    // A project directory is built for the comparison.
    let project = powkg_here(dir.path(), &["diff", "old", "proj", "--project", "proj"]).expect_code(1);
    assert!(project.stdout.contains("value: 1200 → 1250"), "{project}");
    // Errors: exit 2, the input named.
    let missing = powkg_here(&proj, &["diff", "../old", "../none.ttl"]).expect_code(2);
    assert!(missing.stderr.contains("none.ttl"), "{missing}");
    fs::write(dir.path().join("bad.nt"), "<urn:a> <urn:b> .\n").unwrap();
    let bad = powkg_here(&proj, &["diff", "../old", "../bad.nt"]).expect_code(2);
    assert!(bad.stderr.contains("bad.nt:1:"), "{bad}");

    // The patches: deletions first, then additions, as RDF Patch and as SPARQL Update.
    let patch = powkg_here(&proj, &["diff", "../old", "../new", "--format", "rdf-patch"]).expect_code(1);
    let lines: Vec<&str> = patch.stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"TX ."));
    assert_eq!(lines.last(), Some(&"TC ."));
    let first_add = lines.iter().position(|l| l.starts_with("A ")).unwrap();
    assert!(lines[1..first_add].iter().all(|l| l.starts_with("D ")), "{patch}");
    assert!(
        patch
            .stdout
            .contains("\"1200\"^^<http://www.w3.org/2001/XMLSchema#decimal>"),
        "{patch}"
    );
    let update = powkg_here(&proj, &["diff", "../old", "../new", "--format", "sparql-update"]).expect_code(1);
    let (delete, insert) = update.stdout.split_once(";\nINSERT DATA {").unwrap();
    assert!(
        delete.starts_with("DELETE DATA {") && delete.contains("\"1200\""),
        "{update}"
    );
    assert!(insert.contains("\"1250\""), "{update}");
}

#[test]
fn a_store_keeps_a_change_feed_that_grows_by_what_changed() {
    let dir = tempdir();
    let proj = scaffold(dir.path());
    let first = powkg_here(
        &proj,
        &["build", "--store", "../s", "--feed-page-size", "3", "--report", "json"],
    )
    .expect_code(0);
    let first: serde_json::Value = serde_json::from_str(&first.stdout).unwrap();
    let all = first["changes"]["feed"]["members"].as_u64().unwrap();
    assert!(all > 6, "the first build makes a member of every thing: {first}");
    // Nothing changed: nothing appended.
    let same = powkg_here(
        &proj,
        &["build", "--store", "../s", "--feed-page-size", "3", "--report", "json"],
    )
    .expect_code(0);
    let same: serde_json::Value = serde_json::from_str(&same.stdout).unwrap();
    // The dataset description counts nothing new either: the graph is the same.
    assert_eq!(same["changes"]["changed_subjects"], 0, "{same}");
    assert_eq!(same["changes"]["feed"]["members"], 0, "{same}");
    edit(&proj.join("data/claims.toml"), "quantity = 1500", "quantity = 1600");
    let second = powkg_here(
        &proj,
        &["build", "--store", "../s", "--feed-page-size", "3", "--report", "json"],
    )
    .expect_code(0);
    let second: serde_json::Value = serde_json::from_str(&second.stdout).unwrap();
    let members = second["changes"]["feed"]["members"].as_u64().unwrap();
    assert!(
        members >= 1 && members < all,
        "one changed claim gives a member to its entity: {second}"
    );

    let meta = fs::read_to_string(dir.path().join("s/feed/meta.tsv")).unwrap();
    let pages: Vec<&str> = meta.lines().filter(|l| l.starts_with("page\t")).collect();
    let total = all + members;
    assert_eq!(pages.len() as u64, total.div_ceil(3), "{meta}");
    assert!(meta.contains(&format!("members\t{total}")), "{meta}");
    // The last member is the changed entity's new version, with the new value in its graph.
    let last = fs::read_to_string(dir.path().join(format!("s/feed/pages/{}.nq", pages.len() - 1))).unwrap();
    assert!(
        last.contains("<https://www.w3.org/ns/activitystreams#Update>"),
        "{last}"
    );
    assert!(
        last.contains("\"1600\"^^<http://www.w3.org/2001/XMLSchema#decimal>"),
        "{last}"
    );
    // A failed build leaves the store and its feed as they were.
    fs::write(proj.join("data/claims.toml"), "[[claim]]\nid = \n").unwrap();
    powkg_here(&proj, &["build", "--store", "../s"]).expect_code(2);
    assert_eq!(fs::read_to_string(dir.path().join("s/feed/meta.tsv")).unwrap(), meta);
}
