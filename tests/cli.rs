//! The command line as a user meets it: reports, exit codes, parameters, base IRIs, pipes.

use std::fmt::Write as _;
use std::io::Read;
use std::process::{Command, Stdio};

use crate::util::{binary, copy_bundled_data, powkg, root, tempdir};

#[test]
fn build_reports_counts_and_hash() {
    let run = powkg(&root(), &["build"]).expect_code(0);
    for needle in [
        "entities",
        "sources",
        "claims",
        "conflicting pairs",
        "canonical hash (RDFC-1.0, SHA-256)",
    ] {
        assert!(run.stdout.contains(needle), "report lacks {needle:?}\n{run}");
    }
}

#[test]
fn json_report_counts_match_the_output() {
    let dir = tempdir();
    let out = dir.path().join("g.nq");
    let run = powkg(
        dir.path(),
        &["build", "--out", out.to_str().unwrap(), "--report", "json"],
    )
    .expect_code(0);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let lines = std::fs::read_to_string(&out).unwrap().lines().count();
    assert_eq!(report["output"]["statements"], lines);
    assert_eq!(report["quads"], lines);
    assert_eq!(report["stored_quads"], lines);
    let graphs: u64 = report["graphs"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(graphs, lines as u64, "the per-graph counts add up to the total");
    assert!(
        report["conflicting_pairs"].as_u64().unwrap() >= 6,
        "the seeds' disagreements are all kept"
    );
}

#[test]
fn the_base_iri_moves_every_data_iri() {
    let run = powkg(
        &root(),
        &[
            "export",
            "--format",
            "nquads",
            "--base-iri",
            "https://pow.example.net/kg",
        ],
    )
    .expect_code(0);
    assert!(
        run.stdout.contains("<https://pow.example.net/kg/entity/karlag>"),
        "{}",
        &run.stdout[..500]
    );
    assert!(!run.stdout.contains("https://example.org/powkg/entity/"));
}

#[test]
fn the_base_iri_moves_the_ontology_and_property_namespaces_too() {
    let base = "https://pow.example.net/kg/";
    let dir = tempdir();
    let out = dir.path().join("moved.nq");
    // The build validates against the shapes, whose powkg terms move with the graph's.
    let build = powkg(&root(), &["build", "--base-iri", base, "--out", out.to_str().unwrap()]).expect_code(0);
    assert!(
        build.stdout.contains("conforms to the SHACL shapes"),
        "{}",
        build.stdout
    );
    let moved = std::fs::read_to_string(&out).unwrap();
    // Nothing is left under the placeholder: not a class, a property family, the ontology's IRI or its namespace.
    assert!(
        !moved.contains("https://example.org/powkg/"),
        "a placeholder IRI is left"
    );
    for term in [
        "<https://pow.example.net/kg/ontology#Camp>",
        "<https://pow.example.net/kg/prop/direct/numberRepatriated>",
        "<https://pow.example.net/kg/prop/reference/footnote>",
        "<https://pow.example.net/kg/ontology> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Ontology>",
        "\"https://pow.example.net/kg/ontology#\"",
    ] {
        assert!(moved.contains(term), "{term} is written");
    }
    // The bundled queries name powkg's terms through the predeclared prefixes, so they answer the same.
    for name in ["camps", "figures", "conflicting-claims"] {
        let default = powkg(&root(), &["query", name, "--format", "tsv"]).expect_code(0);
        let elsewhere = powkg(&root(), &["query", name, "--format", "tsv", "--base-iri", base]).expect_code(0);
        assert!(default.stdout.lines().count() > 1, "{name} answers");
        assert_eq!(
            default.stdout.lines().count(),
            elsewhere.stdout.lines().count(),
            "{name} gives as many rows under another base IRI"
        );
        assert!(!elsewhere.stdout.contains("https://example.org/powkg/"), "{name}");
    }
}

#[test]
fn parameters_are_bound_not_pasted() {
    let all = powkg(&root(), &["query", "figures-by-source", "--format", "csv"]).expect_code(0);
    let it = powkg(
        &root(),
        &[
            "query",
            "figures-by-source",
            "--format",
            "csv",
            "--param",
            "source=it-article",
        ],
    )
    .expect_code(0);
    assert!(it.stdout.lines().count() > 1, "{it}");
    assert!(it.stdout.lines().count() < all.stdout.lines().count());
    assert!(
        !it.stdout.contains("/source/en-article,"),
        "only the Italian article's figures\n{it}"
    );
    // A value that would break a pasted query is just a value that matches nothing.
    let evil = powkg(
        &root(),
        &["query", "figures-by-source", "--param", "source=x> } UNION { ?s ?p ?o"],
    );
    assert_eq!(evil.code, 2, "{evil}");
    assert!(evil.stderr.contains("parameter source"), "{evil}");
}

#[test]
fn result_formats_are_the_w3c_ones() {
    let json = powkg(&root(), &["query", "wikidata-links", "--format", "json"]).expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(v["head"]["vars"].is_array() && v["results"]["bindings"].as_array().unwrap().len() > 5);
    let xml = powkg(&root(), &["query", "wikidata-links", "--format", "xml"]).expect_code(0);
    assert!(
        xml.stdout
            .contains("<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">")
    );
    let tsv = powkg(&root(), &["query", "wikidata-links", "--format", "tsv"]).expect_code(0);
    assert!(tsv.stdout.starts_with('?'), "TSV heads columns with ?var\n{tsv}");
    let table = powkg(&root(), &["query", "wikidata-links", "--format", "table"]).expect_code(0);
    assert!(table.stdout.contains("wd:Q218"), "{table}");
    let graph = powkg(
        &root(),
        &[
            "query",
            "describe-entity",
            "--param",
            "entity=karlag",
            "--format",
            "ntriples",
        ],
    )
    .expect_code(0);
    assert!(graph.stdout.lines().all(|l| l.ends_with(" .")), "{graph}");
    let wrong = powkg(&root(), &["query", "wikidata-links", "--format", "turtle"]);
    assert_eq!(wrong.code, 2, "{wrong}");
}

#[test]
fn an_ask_that_answers_false_exits_1() {
    powkg(&root(), &["query", "ASK { ?s <urn:powkg:nothing> ?o }"]).expect_code(1);
    powkg(&root(), &["query", "ASK { ?s ?p ?o }"]).expect_code(0);
}

#[test]
fn queries_lists_names_titles_and_parameters() {
    let run = powkg(&root(), &["queries"]).expect_code(0);
    assert!(run.stdout.contains("conflicting-claims"), "{run}");
    assert!(run.stdout.contains("--param source=<source>"), "{run}");
    let json = powkg(&root(), &["queries", "--format", "json"]).expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(v.as_array().unwrap().len() >= 12);
}

#[test]
fn works_from_any_directory() {
    let dir = tempdir();
    powkg(dir.path(), &["query", "conflicting-claims", "--format", "csv"]).expect_code(0);
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = Command::new(binary())
        .env("POWKG_PROJECT", crate::util::root())
        .args(["export", "--format", "ntriples"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The reading end is dropped here, as `| head -c 16` would.
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn bad_input_changes_no_existing_output() {
    let dir = tempdir();
    let out = dir.path().join("g.ttl");
    std::fs::write(&out, "previous build").unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("x.toml"), "[[entity]]\nid = \"a\"\n").unwrap();
    let run = powkg(dir.path(), &["build", "--data", "data", "--out", "g.ttl"]).expect_code(2);
    assert!(run.stdout.is_empty(), "{run}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous build");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temporary file left behind"
    );
}

#[test]
fn check_queries_find_what_they_look_for() {
    let dir = tempdir();
    let data = copy_bundled_data(dir.path());
    std::fs::write(
        data.join("zz-extra.toml"),
        "[[entity]]\nid = \"untranslated\"\ntype = \"Camp\"\nlabel = { en = \"Untranslated camp\" }\n",
    )
    .unwrap();
    let run = powkg(
        dir.path(),
        &[
            "query",
            "missing-labels",
            "--param",
            "language=it",
            "--data",
            "data",
            "--format",
            "csv",
        ],
    )
    .expect_code(0);
    let rows: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{run}");
    assert!(rows[0].contains("/entity/untranslated"), "{run}");

    let report = powkg(dir.path(), &["report", "labels", "--data", "data", "--format", "json"]).expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&report.stdout).unwrap();
    let entities = v["entities"].as_u64().unwrap();
    let language = |tag: &str| {
        v["languages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["language"] == tag)
            .unwrap()
            .clone()
    };
    assert_eq!(language("en")["labelled"].as_u64().unwrap(), entities, "{report}");
    assert_eq!(language("it")["labelled"].as_u64().unwrap(), entities - 1, "{report}");
    let missing = language("it")["missing_labels"].clone();
    assert_eq!(
        missing,
        serde_json::json!(["https://example.org/powkg/entity/untranslated"]),
        "{report}"
    );
}

#[test]
fn adding_a_fact_renames_no_other_node() {
    let dir = tempdir();
    let data = copy_bundled_data(dir.path());
    let subjects = |dir: &std::path::Path| -> std::collections::BTreeSet<String> {
        let run = powkg(dir, &["export", "--data", "data", "--format", "ntriples"]).expect_code(0);
        run.stdout
            .lines()
            .map(|l| l.split(' ').next().unwrap().to_owned())
            .collect()
    };
    let before = subjects(dir.path());
    std::fs::write(
        data.join("aa-first.toml"),
        "[[claim]]\nid = \"new-fact\"\nsubject = \"karlag\"\nproperty = \"P571\"\ntime = \"1931\"\n\
         references = [{ source = \"en-article\", quote = \"a test fact\" }]\n",
    )
    .unwrap();
    let after = subjects(dir.path());
    let lost: Vec<_> = before
        .iter()
        .filter(|s| !after.contains(*s) && !s.contains("/graph/"))
        .collect();
    assert!(lost.is_empty(), "nodes renamed by adding a fact: {lost:?}");
    assert!(after.iter().any(|s| s.ends_with("/statement/new-fact>")));
}

#[test]
fn the_shapes_files_of_an_ontology_directory_stay_out_of_the_ontology_graph() {
    let dir = tempdir();
    let onto = dir.path().join("onto");
    std::fs::create_dir(&onto).unwrap();
    std::fs::copy(root().join("ontology/domain.ttl"), onto.join("domain.ttl")).unwrap();
    let graphs = |args: &[&str]| {
        let run = powkg(&root(), args).expect_code(0);
        serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap()["graphs"].clone()
    };
    let onto_arg = onto.to_str().unwrap();
    let without = graphs(&["build", "--report", "json", "--ontology", onto_arg, "--no-validate"]);
    // Shapes of the project's own, written as data would be: none of their triples may join the ontology graph.
    std::fs::write(
        onto.join("extra.shapes.ttl"),
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<shapes#Extra> a sh:NodeShape ; sh:targetClass <ontology#Camp> .\n",
    )
    .unwrap();
    let with = graphs(&["build", "--report", "json", "--ontology", onto_arg, "--no-validate"]);
    assert_eq!(without, with, "extra.shapes.ttl must not be read as ontology");
}

#[test]
fn a_killed_output_leaves_a_temporary_file_that_the_next_run_removes() {
    let dir = tempdir();
    let status = Command::new(binary())
        .env("POWKG_PROJECT", crate::util::root())
        .args(["build", "--out", "out.ttl"])
        .current_dir(dir.path())
        .env("POWKG_TEST_ABORT_BEFORE_SWAP", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(
        status.code().is_none(),
        "the build was meant to die by a signal: {status:?}"
    );
    let temporary = |dir: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".powkg-") && std::path::Path::new(n).extension().is_some_and(|e| e == "tmp"))
            .collect()
    };
    let left = temporary(dir.path());
    assert_eq!(
        left.len(),
        1,
        "the killed run left its whole output in a temporary file: {left:?}"
    );
    assert!(!dir.path().join("out.ttl").exists());
    // A file of the same form that is not powkg's (no process id in its name) is left alone.
    std::fs::write(dir.path().join(".powkg-mine.tmp"), "kept").unwrap();

    powkg(dir.path(), &["build", "--out", "out.ttl"]).expect_code(0);
    assert_eq!(
        temporary(dir.path()),
        [".powkg-mine.tmp"],
        "the killed run's file is removed"
    );
    assert!(dir.path().join("out.ttl").exists());
}

#[test]
fn sixty_thousand_errors_in_one_large_file_are_all_reported() {
    let dir = tempdir();
    let data = copy_bundled_data(dir.path());
    let mut text = String::new();
    for i in 0..60_000 {
        let _ = write!(
            text,
            "[[entity]]\nid = \"camp-{i}\"\ntype = \"Camp\"\nlabel = {{ en = \"Camp {i}\", it = \"Campo {i}\" }}\nwikidata = \"Q-{i}\"\n\n"
        );
    }
    assert!(text.len() > 5_000_000, "{} bytes", text.len());
    std::fs::write(data.join("zz-many.toml"), &text).unwrap();
    let run = powkg(dir.path(), &["build", "--data", "data"]).expect_code(2);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 60_000, "one line per error");
    assert_eq!(
        lines[0],
        "data/zz-many.toml:5:12: malformed Wikidata id \"Q-0\": expected Q followed by digits, e.g. Q218"
    );
    assert_eq!(
        lines[59_999],
        "data/zz-many.toml:359999:12: malformed Wikidata id \"Q-59999\": expected Q followed by digits, e.g. Q218"
    );
}

#[test]
fn an_ontology_list_nested_a_thousand_deep_is_refused_where_it_passes_the_bound() {
    let dir = tempdir();
    let ontology = dir.path().join("onto");
    std::fs::create_dir(&ontology).unwrap();
    std::fs::copy(root().join("ontology/domain.ttl"), ontology.join("domain.ttl")).unwrap();
    let nested = format!(
        "<https://example.org/deep> <https://example.org/p> {}{} .\n",
        "(".repeat(1000),
        ")".repeat(1000)
    );
    std::fs::write(ontology.join("nested.ttl"), nested).unwrap();
    let run = powkg(dir.path(), &["build", "--ontology", "onto"]).expect_code(2);
    // Refused where the 65th bracket opens, when the file is read (the canonical hash's own limit had no position).
    assert_eq!(
        run.stderr,
        "onto/nested.ttl:1:116: lists and bracketed blank nodes nest more than 64 deep here: powkg reads at most 64 \
         levels (deeply nested blank nodes cannot be told apart for the canonical hash); give the inner nodes IRIs\n"
    );

    // Nested sixty-four deep, the bound, the same ontology builds and hashes.
    let nested = format!(
        "<https://example.org/deep> <https://example.org/p> {}{} .\n",
        "(".repeat(64),
        ")".repeat(64)
    );
    std::fs::write(ontology.join("nested.ttl"), nested).unwrap();
    powkg(dir.path(), &["build", "--ontology", "onto", "--no-validate"]).expect_code(0);

    // Nested twenty deep, the same ontology builds.
    let nested = format!(
        "<https://example.org/deep> <https://example.org/p> {}{} .\n",
        "(".repeat(20),
        ")".repeat(20)
    );
    std::fs::write(ontology.join("nested.ttl"), nested).unwrap();
    powkg(dir.path(), &["build", "--ontology", "onto", "--no-validate"]).expect_code(0);
}

#[test]
fn a_curated_text_over_the_size_bound_is_refused_where_it_is_written() {
    let dir = tempdir();
    let data = copy_bundled_data(dir.path());
    // 64 KiB is the bound: a label of 64 KiB is taken, one of 70,000 bytes is refused at its position.
    let entity = |id: &str, label: &str| {
        format!("\n[[entity]]\nid = \"{id}\"\ntype = \"Camp\"\nlabel = {{ en = \"{label}\" }}\n")
    };
    std::fs::write(data.join("zz-long.toml"), entity("long", &"a".repeat(65_536))).unwrap();
    powkg(dir.path(), &["build", "--data", "data", "--no-validate"]).expect_code(0);
    std::fs::write(data.join("zz-long.toml"), entity("long", &"a".repeat(70_000))).unwrap();
    let run = powkg(dir.path(), &["build", "--data", "data"]).expect_code(2);
    assert_eq!(
        run.stderr,
        "data/zz-long.toml:5:16: a text of 70000 bytes, longer than the 64 KiB powkg takes for one curated text: \
         shorten it (a long document belongs in the source it comes from, cited by its URL)\n"
    );

    // The same in the ontology's Turtle.
    let onto = dir.path().join("onto");
    std::fs::create_dir(&onto).unwrap();
    std::fs::copy(root().join("ontology/domain.ttl"), onto.join("domain.ttl")).unwrap();
    std::fs::write(
        onto.join("long.ttl"),
        format!(
            "<https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#comment>\n  \"{}\" .\n",
            "b".repeat(70_000)
        ),
    )
    .unwrap();
    let run = powkg(dir.path(), &["build", "--ontology", "onto"]).expect_code(2);
    assert_eq!(
        run.stderr,
        "onto/long.ttl:2:3: a text of 70002 bytes, longer than the 64 KiB powkg takes for one curated text: shorten \
         it (a long document belongs in the source it comes from, cited by its URL)\n"
    );
}
