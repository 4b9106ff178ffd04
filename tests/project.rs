//! Projects of one's own: `powkg new`, a project found from the working directory, classes and properties declared
//! in one record each, shapes derived from powkg.toml, and the project's queries checked by `powkg build`.

use std::fs;
use std::path::Path;

use crate::util::{powkg_here, tempdir};

/// `powkg new NAME --languages …` in `dir`: the project's directory.
fn scaffold(dir: &Path, languages: &str) -> std::path::PathBuf {
    powkg_here(dir, &["new", "proj", "--languages", languages]).expect_code(0);
    dir.join("proj")
}

fn append(path: &Path, text: &str) {
    let mut all = fs::read_to_string(path).unwrap();
    all.push_str(text);
    fs::write(path, all).unwrap();
}

#[test]
fn a_new_project_builds_validates_and_answers_its_query_as_written() {
    let dir = tempdir();
    let proj = scaffold(dir.path(), "en");
    for file in [
        "powkg.toml",
        "data/dataset.toml",
        "data/sources.toml",
        "data/entities.toml",
        "data/claims.toml",
        "ontology/domain.toml",
        "queries/example-figures.rq",
        "queries/example-figures.expected.tsv",
    ] {
        assert!(proj.join(file).is_file(), "{file} is scaffolded");
    }
    let build = powkg_here(&proj, &["build"]).expect_code(0);
    assert!(build.stdout.contains("1 conflicting pairs"), "{build}");
    assert!(
        build
            .stdout
            .contains("queries    1 checked against their expected results, 0 differ"),
        "{build}"
    );
    powkg_here(&proj, &["validate"]).expect_code(0);
    // From a directory below the project, as Cargo finds its manifest.
    let queries = powkg_here(&proj.join("data"), &["queries"]).expect_code(0);
    assert!(queries.stdout.contains("example-figures"), "{queries}");
    assert!(queries.stdout.contains("conflicting-claims"), "{queries}");
    // The project's own query and its book reference: stated in the book, with its page.
    let refs = powkg_here(
        &proj,
        &[
            "query",
            "--format",
            "csv",
            "SELECT ?work ?page WHERE { ?r pr:P248 ?work ; pr:P304 ?page }",
        ],
    )
    .expect_code(0);
    assert!(refs.stdout.contains("/source/example-book,12"), "{refs}");
    let imported = powkg_here(&proj, &["query", "ASK { ?r pr:P143 ?project }"]).expect_code(1);
    assert!(imported.stdout.contains("false"), "{imported}");
    // `new` refuses a directory that holds anything.
    let again = powkg_here(dir.path(), &["new", "proj"]).expect_code(2);
    assert!(again.stderr.contains("already exists"), "{again}");
}

#[test]
fn a_class_and_a_property_of_another_topic_need_no_file_outside_the_project() {
    let dir = tempdir();
    let proj = scaffold(dir.path(), "en");
    append(
        &proj.join("ontology/domain.toml"),
        "\n[[class]]\nid = \"Lighthouse\"\nlabel = { en = \"lighthouse\" }\ndescription = { en = \"A tower with a light.\" }\n\n\
         [[property]]\nid = \"firstLit\"\ntype = \"time\"\nlabel = { en = \"first lit\" }\ndescription = { en = \"When the light was first lit.\" }\n",
    );
    append(
        &proj.join("data/entities.toml"),
        "\n[[entity]]\nid = \"north-light\"\ntype = \"Lighthouse\"\nlabel = { en = \"North Light\" }\n",
    );
    // Two sources disagree on a date before 1900, at day and year precision.
    append(
        &proj.join("data/claims.toml"),
        "\n[[claim]]\nid = \"north-light-lit-book\"\nsubject = \"north-light\"\nproperty = \"firstLit\"\ntime = \"1791-11-03\"\n\
         references = [{ source = \"example-book\", page = \"40\" }]\nconflicts_with = [\"north-light-lit-web\"]\n\n\
         [[claim]]\nid = \"north-light-lit-web\"\nsubject = \"north-light\"\nproperty = \"firstLit\"\ntime = \"1792\"\n\
         references = [{ source = \"example-web-page\" }]\nconflicts_with = [\"north-light-lit-book\"]\n",
    );
    let build = powkg_here(&proj, &["build", "--report", "json"]).expect_code(0);
    let report: serde_json::Value = serde_json::from_str(&build.stdout).unwrap();
    assert_eq!(report["conflicting_pairs"], 2, "{build}");
    assert!(
        report["validation"].as_str().unwrap().starts_with("conforms"),
        "{build}"
    );
    // The property's families were derived: its statements are found through them.
    let rows = powkg_here(
        &proj,
        &[
            "query",
            "--format",
            "csv",
            "SELECT ?t WHERE { ?e pkp:firstLit ?s . ?s pkps:firstLit ?t ; pkpsv:firstLit/wikibase:timePrecision 11 }",
        ],
    )
    .expect_code(0);
    assert!(rows.stdout.contains("1791-11-03T00:00:00Z"), "{rows}");
    // English only: no statement or reference label in another language.
    let other = powkg_here(
        &proj,
        &["query", "ASK { ?x rdfs:label ?l . ?x a ?c . VALUES ?c { wikibase:Statement wikibase:Reference } FILTER(LANG(?l) != \"en\") }"],
    )
    .expect_code(1);
    assert!(other.stdout.contains("false"), "{other}");
}

#[test]
fn a_label_missing_in_a_language_of_powkg_toml_names_the_entity_the_language_and_the_record() {
    let dir = tempdir();
    let proj = scaffold(dir.path(), "en,fr");
    powkg_here(&proj, &["validate"]).expect_code(0);
    append(
        &proj.join("data/entities.toml"),
        "\n[[entity]]\nid = \"lone-farm\"\ntype = \"Place\"\nlabel = { en = \"Lone Farm\" }\n",
    );
    let run = powkg_here(&proj, &["validate"]).expect_code(1);
    assert!(run.stdout.contains("pksh:Item-label-fr"), "{run}");
    assert!(
        run.stdout
            .contains("entity:lone-farm (data/entities.toml:10:1, entity \"lone-farm\")"),
        "{run}"
    );
    assert!(run.stdout.contains("An entity has a label in fr (rdfs:label)"), "{run}");
    // The build is refused the same way, and writes nothing.
    let build = powkg_here(&proj, &["build", "--out", "out.nt"]).expect_code(1);
    assert!(build.stderr.contains("pksh:Item-label-fr"), "{build}");
    assert!(!proj.join("out.nt").exists());
}

#[test]
fn a_query_whose_results_changed_fails_the_build_naming_the_row() {
    let dir = tempdir();
    let proj = scaffold(dir.path(), "en");
    let claims = proj.join("data/claims.toml");
    let text = fs::read_to_string(&claims)
        .unwrap()
        .replace("quantity = 1500", "quantity = 1600");
    fs::write(&claims, text).unwrap();
    let run = powkg_here(&proj, &["build"]).expect_code(1);
    assert!(
        run.stdout
            .contains("example-figures (queries/example-figures.expected.tsv): 2 rows expected, 2 found; first difference at line 3"),
        "{run}"
    );
    assert!(run.stdout.contains("\"1600\"^^"), "{run}");
}

#[test]
fn outside_a_project_a_command_says_how_to_make_one_and_search_names_the_known_classes() {
    let dir = tempdir();
    let run = powkg_here(dir.path(), &["build"]).expect_code(2);
    assert!(run.stderr.contains("no project: no powkg.toml in"), "{run}");
    assert!(run.stderr.contains("powkg new DIR"), "{run}");
    let proj = scaffold(dir.path(), "en");
    let search = powkg_here(&proj, &["search", "town", "--class", "Plac"]).expect_code(2);
    assert!(
        search.stderr.contains("--class Plac: the graph has no such class"),
        "{search}"
    );
    assert!(search.stderr.contains("pk:Place"), "{search}");
    powkg_here(&proj, &["search", "town", "--class", "Place"]).expect_code(0);
}

#[test]
fn a_bad_powkg_toml_is_named_at_its_line_and_column() {
    let dir = tempdir();
    let proj = scaffold(dir.path(), "en");
    fs::write(proj.join("powkg.toml"), "languages = [\"en\", \"e n\"]\n").unwrap();
    let run = powkg_here(&proj, &["build"]).expect_code(2);
    assert_eq!(
        run.stderr, "powkg.toml:1:20: `e n` is not a language tag: expected a BCP 47 tag such as en, fr or pt-BR\n",
        "{run}"
    );
}
