//! `powkg validate` and the validation gate of `powkg build`.

#![cfg(feature = "shacl")]

use std::fs;
use std::path::Path;

use crate::util::{copy_bundled_data, powkg, root, tempdir};

/// The bundled data plus one entity with no Italian label (the bundled project's powkg.toml asks for en and it):
/// the model accepts it, the shapes do not.
fn data_with_an_untranslated_entity(dir: &Path) {
    let data = copy_bundled_data(dir);
    fs::write(
        data.join("zz-extra.toml"),
        "# an entity the shapes reject\n[[entity]]\nid = \"untranslated\"\ntype = \"Camp\"\n\
         label = { en = \"Untranslated camp\" }\ndescription = { en = \"a camp\" }\n",
    )
    .unwrap();
}

#[test]
fn the_bundled_graph_conforms() {
    let run = powkg(&root(), &["validate"]).expect_code(0);
    assert!(run.stdout.contains("conforms"), "{run}");
    let build = powkg(&root(), &["build"]).expect_code(0);
    assert!(
        build
            .stdout
            .contains("validation conforms to the SHACL shapes of (built in) core/shapes.ttl, (derived from the project) shapes.ttl, /"),
        "{build}"
    );
}

#[test]
fn violations_name_shape_node_and_the_line_the_fact_was_written_at() {
    let dir = tempdir();
    data_with_an_untranslated_entity(dir.path());
    let run = powkg(dir.path(), &["validate", "--data", "data"]).expect_code(1);
    assert!(run.stdout.contains("pksh:Item-label-it"), "{run}");
    assert!(
        run.stdout
            .contains("An entity has a label in it (rdfs:label): add `it = \"…\"` to the `label` of its record."),
        "{run}"
    );
    assert!(
        run.stdout
            .contains("entity:untranslated (data/zz-extra.toml:2:1, entity \"untranslated\")"),
        "{run}"
    );
    let json = powkg(dir.path(), &["validate", "--data", "data", "--format", "json"]).expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["conforms"], false);
    let focus: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["focus"].as_str().unwrap())
        .collect();
    assert!(
        focus
            .iter()
            .all(|f| *f == "https://example.org/powkg/entity/untranslated"),
        "{focus:?}"
    );
}

#[test]
fn the_build_refuses_to_write_a_graph_that_violates_the_shapes() {
    let dir = tempdir();
    data_with_an_untranslated_entity(dir.path());
    let run = powkg(dir.path(), &["build", "--data", "data", "--out", "g.ttl"]).expect_code(1);
    assert!(run.stderr.contains("nothing was written"), "{run}");
    assert!(!dir.path().join("g.ttl").exists());
    let forced = powkg(
        dir.path(),
        &["build", "--data", "data", "--out", "g.ttl", "--no-validate"],
    )
    .expect_code(0);
    assert!(forced.stdout.contains("validation skipped (--no-validate)"), "{forced}");
    assert!(dir.path().join("g.ttl").exists());
}

#[test]
fn the_standard_report_is_turtle_and_rdf_files_can_be_validated() {
    let dir = tempdir();
    let fixture = root().join("tests/fixtures/shacl/statement-without-reference.ttl");
    let run = powkg(
        dir.path(),
        &["validate", "--rdf", fixture.to_str().unwrap(), "--report", "report.ttl"],
    )
    .expect_code(1);
    assert!(run.stdout.contains("pksh:Statement-reference"), "{run}");
    let report = fs::read_to_string(dir.path().join("report.ttl")).unwrap();
    let quads: Vec<_> = oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::Turtle)
        .for_slice(report.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    let shacl = "http://www.w3.org/ns/shacl#";
    assert!(
        quads
            .iter()
            .any(|q| q.object.to_string() == format!("<{shacl}ValidationReport>")),
        "{report}"
    );
    assert!(
        quads
            .iter()
            .any(|q| q.predicate.as_str() == format!("{shacl}focusNode")),
        "{report}"
    );
    let conforming = root().join("tests/fixtures/shacl/conforming.ttl");
    powkg(dir.path(), &["validate", "--rdf", conforming.to_str().unwrap()]).expect_code(0);
}

#[test]
fn a_broken_shapes_file_is_an_input_error() {
    let dir = tempdir();
    fs::write(dir.path().join("bad.ttl"), "this is not turtle").unwrap();
    let run = powkg(dir.path(), &["validate", "--shapes", "bad.ttl"]).expect_code(2);
    assert!(run.stderr.starts_with("bad.ttl:1:"), "{run}");
    assert!(run.stderr.contains("Turtle syntax error"), "{run}");
}

#[cfg(feature = "rocksdb")]
#[test]
fn an_on_disk_store_validates_with_given_shapes_and_report() {
    let dir = tempdir();
    powkg(dir.path(), &["build", "--store", "kgstore"]).expect_code(0);
    // Without --shapes: the project's shapes, and the command says which.
    let run = powkg(
        dir.path(),
        &["validate", "--store", "kgstore", "--write-shapes", "shapes.nt"],
    )
    .expect_code(0);
    assert!(run.stdout.contains("conforms"), "{run}");
    assert!(
        run.stderr.contains(
            "validating against the shapes of (built in) core/shapes.ttl, (derived from the project) shapes.ttl"
        ),
        "{run}"
    );
    // With the shapes written out, as another tool would read them.
    let shapes = dir.path().join("shapes.nt");
    let run = powkg(
        dir.path(),
        &[
            "validate",
            "--store",
            "kgstore",
            "--shapes",
            shapes.to_str().unwrap(),
            "--report",
            "report.ttl",
        ],
    )
    .expect_code(0);
    assert!(run.stdout.contains("conforms"), "{run}");
    let report = fs::read_to_string(dir.path().join("report.ttl")).unwrap();
    assert!(report.contains("sh:conforms true"), "{report}");
}
