//! Registers: the mapping of one row (in process, through the library), the bundled example register end to end
//! through the binary (counts, exact triples, its named graph, a bundled query over curated and register data),
//! the error budget and the rejected-rows file, and the synthetic generator's determinism.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, Quad};
use powkg::build::pipeline::{self, Built, Sources};
use powkg::build::register::{MappedRow, Register, RowError, open_csv};
use powkg::rdf::iri::{DEFAULT_BASE_IRI, Minter};

#[cfg(feature = "rocksdb")]
use crate::util::query_store;
use crate::util::{powkg, root, tempdir};

const EXAMPLE: &str = "data/registers/example.csv";
const GRAPH: &str = "https://example.org/powkg/graph/register/example";

fn curated() -> (Built, Minter) {
    let minter = Minter::new(DEFAULT_BASE_IRI).unwrap();
    let built = pipeline::build(&Sources::default(), &minter).expect("the bundled data builds");
    (built, minter)
}

/// Writes `NAME.csv` and its description `NAME.toml` into `dir`.
fn write_register(dir: &Path, name: &str, csv: &str, description: &str) -> PathBuf {
    let path = dir.join(format!("{name}.csv"));
    fs::write(&path, csv).unwrap();
    fs::write(path.with_extension("toml"), description).unwrap();
    path
}

const DESCRIPTION: &str = r#"[register]
id = "test-register"
title = "Test register"
title_language = "en"
item = "{+base}prisoner/{register}/{id}"
class = "Person"
label = ["given", "family"]
label_language = "ro"
source_document = "document"

[[column]]
name = "id"
required = true

[[column]]
name = "given"

[[column]]
name = "family"

[[column]]
name = "born"
property = "birthYear"

[[column]]
name = "camp"
property = "heldAt"

[[column]]
name = "died"
property = "dateOfDeath"

[[column]]
name = "document"
"#;

const HEADER: &str = "id,given,family,born,camp,died,document\n";

/// Opens the test register in a fresh directory.
fn open(description: &str) -> Result<(tempfile::TempDir, Register), String> {
    let (built, minter) = curated();
    let dir = tempdir();
    let csv = write_register(dir.path(), "test", HEADER, description);
    let (header, _) = open_csv(&csv).map_err(|e| e.to_string())?;
    let register = Register::open(&csv, &header, &built.schema, &built.model, &minter).map_err(|d| d.to_string())?;
    Ok((dir, register))
}

/// Maps one row given as its fields; the row as N-Triples-like text, or the error.
fn map(register: &Register, fields: &[&str]) -> Result<Vec<String>, RowError> {
    let bytes: Vec<&[u8]> = fields.iter().map(|f| f.as_bytes()).collect();
    let mut row = MappedRow::default();
    register.map_row(&bytes, &mut row)?;
    Ok(row
        .pairs
        .iter()
        .map(|(p, o)| format!("<{}> <{p}> {}", row.subject, o.to_term()))
        .collect())
}

#[test]
fn a_row_becomes_an_item_with_its_label_values_and_provenance() {
    let (_dir, register) = open(DESCRIPTION).unwrap();
    let triples = map(
        &register,
        &["R-1", "Ion", "Țăranu", "1921", "karlag", "1947-03", "dosar 7/12"],
    )
    .unwrap();
    let s = "<https://example.org/powkg/prisoner/test-register/R-1>";
    assert_eq!(
        triples,
        [
            format!("{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://wikiba.se/ontology#Item>"),
            format!(
                "{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://example.org/powkg/ontology#Person>"
            ),
            format!("{s} <http://www.w3.org/2000/01/rdf-schema#label> \"Ion Țăranu\"@ro"),
            format!(
                "{s} <https://example.org/powkg/prop/direct/birthYear> \"1921\"^^<http://www.w3.org/2001/XMLSchema#gYear>"
            ),
            format!("{s} <https://example.org/powkg/prop/direct/heldAt> <https://example.org/powkg/entity/karlag>"),
            format!(
                "{s} <https://example.org/powkg/prop/direct/dateOfDeath> \"1947-03\"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>"
            ),
            format!("{s} <https://example.org/powkg/ontology#sourceDocument> \"dosar 7/12\""),
            format!("{s} <http://www.w3.org/ns/prov#wasDerivedFrom> <https://example.org/powkg/source/test-register>"),
        ]
    );
    // Empty optional fields make no triple; the label keeps its columns' order.
    let short = map(&register, &["R-2", "Ana", "Pop", "", "", "", ""]).unwrap();
    assert_eq!(short.len(), 4, "{short:#?}");
}

#[test]
fn template_values_are_encoded_into_one_path_segment() {
    let (_dir, register) = open(DESCRIPTION).unwrap();
    let triples = map(&register, &["dosar 7/12 ă", "Ion", "Pop", "", "", "", ""]).unwrap();
    assert!(
        // Reserved and space characters are percent-encoded; other Unicode letters stay, as IRIs allow.
        triples[0].starts_with("<https://example.org/powkg/prisoner/test-register/dosar%207%2F12%20ă> "),
        "{}",
        triples[0]
    );
}

#[test]
fn bad_values_name_their_column_and_say_what_was_expected() {
    let (_dir, register) = open(DESCRIPTION).unwrap();
    let cases: [(&[&str], &str); 6] = [
        (
            &["R-1", "Ion", "Pop", "1921", "karlagg", "", ""],
            "column camp: \"karlagg\" is not the id of a curated entity (data/entities.toml)",
        ),
        (
            &["R-1", "Ion", "Pop", "192l", "", "", ""],
            "column born: invalid date \"192l\": expected YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        (
            &["R-1", "Ion", "Pop", "", "", "1947-02-30", ""],
            "column died: impossible date \"1947-02-30\": February 1947 has 28 days",
        ),
        (
            &["", "Ion", "Pop", "", "", "", ""],
            "column id: empty, and the mapping description requires a value",
        ),
        (
            &["R-1", "Ion", " ", "", "", "", ""],
            "column family: empty, and the item's label is made of it",
        ),
        (&["R-1", "Ion", "Pop"], "3 fields, expected 7 (one per header column)"),
    ];
    for (fields, message) in cases {
        let error = map(&register, fields).unwrap_err();
        assert_eq!(error.to_string(), message, "{fields:?}");
    }
    let not_utf8: [&[u8]; 7] = [b"R-1", b"Ion", b"P\xffp", b"", b"", b"", b""];
    let mut row = MappedRow::default();
    let error = register.map_row(&not_utf8, &mut row).unwrap_err();
    assert_eq!(error.column.as_deref(), Some("family"));
    assert!(error.message.starts_with("not valid UTF-8"), "{error}");
}

#[test]
fn a_description_is_checked_against_the_ontology_the_curated_data_and_the_header() {
    let cases = [
        (
            DESCRIPTION.replace("\"birthYear\"", "\"birthyear\""),
            "test.toml:23:12: unknown property \"birthyear\": not declared in the ontology",
        ),
        (
            DESCRIPTION.replace("class = \"Person\"", "class = \"Prisoner\""),
            "test.toml:6:9: unknown class \"Prisoner\": expected one of",
        ),
        (
            DESCRIPTION.replace("{id}\"", "{record}\""),
            "test.toml:5:8: template variable \"record\" is neither base, register nor a column of the header",
        ),
        (
            DESCRIPTION.replace("{+base}prisoner", "prisoner"),
            "which is not an absolute IRI (start it with {+base})",
        ),
        (
            DESCRIPTION.replace("name = \"document\"", "name = \"documents\""),
            "test.toml:34:8: column \"documents\" is not in the header",
        ),
        (
            DESCRIPTION.replace("id = \"test-register\"", "id = \"Test Register\""),
            "test.toml:2:6: invalid register id \"Test Register\": expected a slug such as example-register",
        ),
        (
            DESCRIPTION.replace("title_language = \"en\"", "title_language = \"en_GB!\""),
            "test.toml:4:18: \"en_GB!\" is not a BCP 47 language tag such as ro",
        ),
        (
            DESCRIPTION.replace("label_language", "label_lang"),
            "test.toml:8:1: unknown field `label_lang`",
        ),
    ];
    for (description, needle) in cases {
        let error = open(&description).unwrap_err();
        assert!(error.contains(needle), "expected {needle:?} in:\n{error}");
    }
    // A column of the header that the description does not declare.
    let (built, minter) = curated();
    let dir = tempdir();
    let csv = write_register(
        dir.path(),
        "test",
        "id,given,family,born,camp,died,document,notes\n",
        DESCRIPTION,
    );
    let (header, _) = open_csv(&csv).unwrap();
    let error = Register::open(&csv, &header, &built.schema, &built.model, &minter)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("column \"notes\" of the header is not declared in"),
        "{error}"
    );
}

/// The example register's rows, as header -> value maps, read independently of powkg's reader.
fn example_rows() -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(root().join(EXAMPLE)).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

fn parse_nquads(path: &Path) -> Vec<Quad> {
    RdfParser::from_format(RdfFormat::NQuads)
        .for_reader(fs::File::open(path).unwrap())
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn the_example_register_builds_into_its_own_named_graph() {
    let dir = tempdir();
    let csv = root().join(EXAMPLE);
    let out = dir.path().join("out.nq");
    let run = powkg(
        dir.path(),
        &[
            "build",
            "--register",
            csv.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--report",
            "json",
        ],
    )
    .expect_code(0);
    assert_eq!(run.stderr, "", "no progress bar when standard error is not a terminal");
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let r = &report["registers"][0];
    let rows = example_rows();
    assert!(rows.len() >= 200, "hundreds of rows, found {}", rows.len());
    assert_eq!(r["rows_read"], rows.len());
    assert_eq!(r["rows_mapped"], rows.len());
    assert_eq!(r["rows_rejected"], 0);
    assert_eq!(r["synthetic"], true);
    assert_eq!(r["graph"], GRAPH);

    let quads = parse_nquads(&out);
    let register: Vec<&Quad> = quads
        .iter()
        .filter(|q| q.graph_name == GraphName::NamedNode(oxigraph::model::NamedNode::new_unchecked(GRAPH)))
        .collect();
    // Expected from the CSV: 2 types, a label and the provenance link per row, one triple per non-empty mapped
    // field and source document; the register's source node has 6 (2 types, title, label, description, synthetic).
    let mapped = [
        "birth_year",
        "birth_place",
        "rank",
        "unit",
        "capture_date",
        "capture_place",
        "camp",
        "fate",
        "death_date",
        "source_document",
    ];
    let expected: usize = rows
        .iter()
        .map(|row| 4 + mapped.iter().filter(|c| !row[**c].is_empty()).count())
        .sum::<usize>()
        + 6;
    assert_eq!(register.len(), expected);
    assert_eq!(r["triples"], expected);
    assert_eq!(report["output"]["statements"], quads.len());
    // The curated graphs are those of a build without the register.
    let curated = quads.len() - register.len();
    assert_eq!(report["quads"], curated);

    let text = fs::read_to_string(&out).unwrap();
    let s = "<https://example.org/powkg/prisoner/example/SYN-0000001>";
    for line in [
        format!("{s} <http://www.w3.org/2000/01/rdf-schema#label> \"Alexandru Popescu\"@ro <{GRAPH}> ."),
        format!("{s} <https://example.org/powkg/prop/direct/birthPlace> \"Bacău\" <{GRAPH}> ."),
        format!(
            "{s} <https://example.org/powkg/prop/direct/captureDate> \"1943-01-28\"^^<http://www.w3.org/2001/XMLSchema#date> <{GRAPH}> ."
        ),
        format!(
            "{s} <https://example.org/powkg/prop/direct/heldAt> <https://example.org/powkg/entity/karlag> <{GRAPH}> ."
        ),
        format!(
            "<https://example.org/powkg/source/example> <https://example.org/powkg/ontology#synthetic> \"true\"^^<http://www.w3.org/2001/XMLSchema#boolean> <{GRAPH}> ."
        ),
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line}");
    }
    assert!(
        !text.contains("SYN-0000001> <https://example.org/powkg/prop/direct/fate>"),
        "an empty field makes no triple"
    );
}

#[cfg(feature = "rocksdb")]
#[test]
fn a_bundled_query_answers_over_curated_and_register_data_together() {
    let dir = tempdir();
    let csv = root().join(EXAMPLE);
    powkg(
        dir.path(),
        &["build", "--register", csv.to_str().unwrap(), "--store", "kgstore"],
    )
    .expect_code(0);
    let run = powkg(
        dir.path(),
        &[
            "query",
            "register-records-by-camp",
            "--store",
            "kgstore",
            "--format",
            "csv",
        ],
    )
    .expect_code(0);
    // Counted independently from the CSV: records and recorded deaths per camp id.
    let mut expected: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for row in example_rows() {
        if !row["camp"].is_empty() {
            let e = expected.entry(row["camp"].clone()).or_default();
            e.0 += 1;
            e.1 += usize::from(!row["death_date"].is_empty());
        }
    }
    assert!(expected.len() >= 2, "the example names at least two camps");
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut seen = BTreeMap::new();
    for record in reader.records() {
        let record = record.unwrap();
        let camp = record[col("camp")]
            .trim_start_matches("https://example.org/powkg/entity/")
            .to_owned();
        assert!(!record[col("campLabel")].is_empty(), "{camp} has its curated label");
        if record[col("register")].is_empty() {
            assert_eq!(&record[col("records")], "0");
            continue;
        }
        assert_eq!(&record[col("register")], "https://example.org/powkg/source/example");
        assert_eq!(&record[col("synthetic")], "true");
        seen.insert(
            camp,
            (
                record[col("records")].parse::<usize>().unwrap(),
                record[col("recordedDeaths")].parse::<usize>().unwrap(),
            ),
        );
    }
    assert_eq!(seen, expected, "{run}");
    // On curated data alone, every camp is listed with no records.
    let alone = powkg(dir.path(), &["query", "register-records-by-camp", "--format", "csv"]).expect_code(0);
    assert!(alone.stdout.lines().skip(1).all(|l| l.ends_with(",,,,0,0")), "{alone}");
}

/// The example register with `extra` rows appended, in `dir`.
fn example_with(dir: &Path, extra: &str) -> PathBuf {
    let mut text = fs::read_to_string(root().join(EXAMPLE)).unwrap();
    text.push_str(extra);
    let description = fs::read_to_string(root().join(EXAMPLE).with_extension("toml")).unwrap();
    write_register(dir, "reg", &text, &description)
}

const BAD_ROWS: &str = "SYN-9000001,Ion,Pop,1921,Iași,soldat,,1944-08-30,,karlag,,1944-02-30,dosar 1/1\n\
SYN-9000002,Ana,Pop,1921,Iași,soldat,,1944-08-30,,camp-x,,,dosar 1/2\n\
SYN-9000003,Ion,Pop,1921\n";

#[test]
fn rejected_rows_fail_the_build_and_write_nothing_by_default() {
    let dir = tempdir();
    let csv = example_with(dir.path(), BAD_ROWS);
    let run = powkg(dir.path(), &["build", "--register", "reg.csv", "--out", "out.nt"]).expect_code(2);
    let n = example_rows().len() + 1;
    let expected = format!(
        "reg.csv:{}: column death_date: impossible date \"1944-02-30\": February 1944 has 29 days\n\
         reg.csv:{}: column camp: \"camp-x\" is not the id of a curated entity (data/entities.toml)\n\
         reg.csv:{}: 4 fields, expected 13 (one per header column)\n\
         reg.csv: 3 of {} rows rejected, more than --max-errors 0 allows; nothing was written\n",
        n + 1,
        n + 2,
        n + 3,
        n + 2
    );
    assert_eq!(run.stderr, expected);
    assert!(!dir.path().join("out.nt").exists());
    assert!(!csv.with_extension("rejected.csv").exists());
    let left: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 2, "only the register and its description remain: {left:?}");

    // Over the budget: the same, with the budget named.
    let run = powkg(
        dir.path(),
        &["build", "--register", "reg.csv", "--out", "out.nt", "--max-errors", "2"],
    )
    .expect_code(2);
    assert!(
        run.stderr
            .ends_with("3 of 303 rows rejected, more than --max-errors 2 allows; nothing was written\n"),
        "{run}"
    );
    assert!(!dir.path().join("out.nt").exists());
}

#[test]
fn within_the_budget_rejected_rows_go_to_a_file_with_their_reasons() {
    let dir = tempdir();
    let csv = example_with(dir.path(), BAD_ROWS);
    let run = powkg(
        dir.path(),
        &[
            "build",
            "--register",
            "reg.csv",
            "--out",
            "out.nt",
            "--max-errors",
            "3",
            "--report",
            "json",
        ],
    )
    .expect_code(0);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let r = &report["registers"][0];
    let good = example_rows().len() as u64;
    assert_eq!(r["rows_read"], good + 3);
    assert_eq!(r["rows_mapped"], good);
    assert_eq!(r["rows_rejected"], 3);
    assert_eq!(
        r["rows_read"].as_u64(),
        Some(r["rows_mapped"].as_u64().unwrap() + r["rows_rejected"].as_u64().unwrap())
    );
    assert_eq!(r["first_errors"].as_array().unwrap().len(), 3);
    let lines = fs::read_to_string(dir.path().join("out.nt")).unwrap().lines().count();
    assert_eq!(report["output"]["statements"], lines);

    let rejected = fs::read_to_string(csv.with_extension("rejected.csv")).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(rejected.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header.first().map(String::as_str), Some("record_id"));
    assert_eq!(&header[header.len() - 2..], ["powkg_line", "powkg_reason"]);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 3);
    assert_eq!(&records[0][0], "SYN-9000001");
    assert_eq!(
        &records[0][14],
        "column death_date: impossible date \"1944-02-30\": February 1944 has 29 days"
    );
    assert_eq!(&records[1][13], (good + 3).to_string());
    // The short row keeps its own four fields, then its line and reason.
    assert_eq!(records[2].len(), 6);
    assert_eq!(&records[2][5], "4 fields, expected 13 (one per header column)");
}

#[cfg(feature = "rocksdb")]
#[test]
fn a_register_that_fails_leaves_the_previous_store_intact() {
    let dir = tempdir();
    let example = root().join(EXAMPLE);
    powkg(
        dir.path(),
        &["build", "--register", example.to_str().unwrap(), "--store", "kgstore"],
    )
    .expect_code(0);
    let count = |dir: &Path| query_store(dir, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }");
    let before = count(dir.path());
    example_with(dir.path(), BAD_ROWS);
    powkg(dir.path(), &["build", "--register", "reg.csv", "--store", "kgstore"]).expect_code(2);
    assert_eq!(count(dir.path()), before);
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".kgstore")),
        "no staging directory left behind: {names:?}"
    );
}

#[test]
fn the_generator_is_deterministic_plausible_and_labelled_synthetic() {
    let dir = tempdir();
    let generate = |name: &str, seed: &str| {
        powkg(
            dir.path(),
            &["generate-register", "--rows", "2000", "--seed", seed, "--out", name],
        )
        .expect_code(0);
        (
            fs::read(dir.path().join(name)).unwrap(),
            fs::read_to_string(dir.path().join(name).with_extension("toml")).unwrap(),
        )
    };
    let (a, a_toml) = generate("a.csv", "7");
    let (b, b_toml) = generate("b.csv", "7");
    let (c, _) = generate("c.csv", "8");
    assert_eq!(a, b, "the same seed gives the same bytes");
    assert_eq!(a_toml.replace("id = \"a\"", "id = \"b\""), b_toml);
    assert_ne!(a, c, "another seed gives another register");
    assert!(a_toml.contains("synthetic = true"));

    let mut reader = csv::Reader::from_reader(a.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2000);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let names = rows
        .iter()
        .map(|r| format!("{} {}", &r[col("given_name")], &r[col("family_name")]));
    assert!(
        names.filter(|n| n.chars().any(|c| "ăâîșțĂÂÎȘȚ".contains(c))).count() > 100,
        "Romanian names with diacritics"
    );
    let empty_optional = rows.iter().filter(|r| r[col("birth_place")].is_empty()).count();
    assert!(
        empty_optional > 0 && empty_optional < 400,
        "some empty optional fields: {empty_optional}"
    );
    for r in &rows {
        let (capture, death) = (&r[col("capture_date")], &r[col("death_date")]);
        if !capture.is_empty() {
            assert!(
                ("1941-06-22"..="1945-05-09").contains(&capture),
                "capture date {capture}"
            );
            assert!(
                death.is_empty() || death > capture,
                "death {death} after capture {capture}"
            );
        }
        let born = &r[col("birth_year")];
        assert!(
            born.is_empty() || ("1895"..="1926").contains(&born),
            "birth year {born}"
        );
    }
    // And it maps cleanly.
    let run = powkg(dir.path(), &["build", "--register", "a.csv", "--report", "json"]).expect_code(0);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["registers"][0]["rows_mapped"], 2000);
    assert_eq!(report["registers"][0]["rows_rejected"], 0);
}

#[test]
fn registers_stream_only_into_line_formats() {
    let dir = tempdir();
    let example = root().join(EXAMPLE);
    let run = powkg(
        dir.path(),
        &["build", "--register", example.to_str().unwrap(), "--out", "out.ttl"],
    )
    .expect_code(2);
    assert!(
        run.stderr
            .contains("registers stream as N-Triples (.nt) or N-Quads (.nq)"),
        "{run}"
    );
    assert!(!dir.path().join("out.ttl").exists());
}

#[test]
fn rows_that_would_write_invalid_rdf_are_rejected_and_the_valid_rows_parse() {
    let dir = tempdir();
    // Reserved expansion lets `#` and `/` through, so a value can break the IRI.
    let description = DESCRIPTION.replace("{+base}prisoner/{register}/{id}", "{+base}prisoner/{register}/{+id}");
    let rows = "R-1,Ion,Pop,1921,karlag,,dosar 1\n\
                a#b#c,Ion,Pop,1921,karlag,,dosar 2\n\
                R-3,Ana,Po\u{0}p,1921,karlag,,dosar 3\n\
                R-4,Ana,Pop,1921,karlag,,dosar\u{c}4\n\
                R-5,Ana,Pop\u{fffe},1921,karlag,,dosar 5\n\
                R-6/ă,Maria,Țăranu,1922,karlag,1947-03,dosar 6\n";
    write_register(dir.path(), "reg", &format!("{HEADER}{rows}"), &description);
    let run = powkg(
        dir.path(),
        &["build", "--register", "reg.csv", "--out", "out.nt", "--max-errors", "4"],
    )
    .expect_code(0);
    let control = |c: &str| {
        format!(
            "the text holds {c}, which XML 1.0 cannot carry (RDF/XML output would not be \
             well-formed): remove it"
        )
    };
    let reasons: Vec<(String, String)> = csv::Reader::from_path(dir.path().join("reg.rejected.csv"))
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[7].to_owned(), r[8].to_owned())
        })
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "3".to_owned(),
                "column id: the item template makes \"https://example.org/powkg/prisoner/test-register/a#b#c\" of this row, \
                 which is not a valid IRI (rejected by RDF parsers)"
                    .to_owned()
            ),
            ("4".to_owned(), format!("column family: {}", control("U+0000"))),
            ("5".to_owned(), format!("column document: {}", control("U+000C"))),
            ("6".to_owned(), format!("column family: {}", control("U+FFFE"))),
        ],
        "{run}"
    );

    // What was written parses, here and (where installed) with Raptor, and holds exactly the two valid rows.
    let quads = parse_nquads(&dir.path().join("out.nt"));
    let items: std::collections::BTreeSet<String> = quads
        .iter()
        .filter(|q| q.subject.to_string().contains("/prisoner/"))
        .map(|q| q.subject.to_string())
        .collect();
    assert_eq!(
        items.into_iter().collect::<Vec<_>>(),
        [
            "<https://example.org/powkg/prisoner/test-register/R-1>",
            "<https://example.org/powkg/prisoner/test-register/R-6/ă>"
        ]
    );
    match std::process::Command::new("rapper")
        .args(["-i", "ntriples", "-c", "out.nt"])
        .current_dir(dir.path())
        .output()
    {
        Ok(rapper) => assert!(
            rapper.status.success(),
            "rapper rejects the output: {}",
            String::from_utf8_lossy(&rapper.stderr)
        ),
        Err(e) => eprintln!("rapper not run ({e}): install raptor2-utils to check with it too"),
    }
}

#[test]
fn a_field_over_the_size_bound_is_refused_where_it_starts_before_it_is_read_whole() {
    // The bound (`powkg::build::register::limit::MAX_FIELD_BYTES`), written out so that this test also runs on a powkg
    // without it.
    const MAX_FIELD_BYTES: usize = 1024 * 1024;
    let dir = tempdir();
    // Two rows: one at the bound (read), then one whose `given` field passes it by a byte; and one whose quote never
    // closes, so that the rest of the file would be its one field.
    let at_bound = "x".repeat(MAX_FIELD_BYTES);
    let over = "y".repeat(MAX_FIELD_BYTES + 1);
    let csv = format!("{HEADER}R-1,{at_bound},Pop,1920,karlag,,d 1\nR-2,Ana,{over},1921,karlag,,d 2\n");
    write_register(dir.path(), "test", &csv, DESCRIPTION);
    let run = powkg(dir.path(), &["build", "--register", "test.csv", "--out", "out.nt"]).expect_code(2);
    assert_eq!(
        run.stderr,
        "test.csv:3:9: column family: a field of more than 1 MiB: powkg reads at most 1 MiB (1048576 bytes) per \
         field, so that a register streams in bounded memory (is a closing quote missing?); nothing was written\n",
        "{run}"
    );
    assert!(!dir.path().join("out.nt").exists(), "{run}");

    let unclosed = format!(
        "{HEADER}R-1,Ion,Pop,1920,karlag,,\"d 1\n{}",
        "R-2,Ana,,,,,\n".repeat(MAX_FIELD_BYTES / 12)
    );
    write_register(dir.path(), "test", &unclosed, DESCRIPTION);
    let run = powkg(dir.path(), &["build", "--register", "test.csv", "--out", "out.nt"]).expect_code(2);
    assert!(
        run.stderr
            .starts_with("test.csv:2:26: column document: a field of more than 1 MiB"),
        "{run}"
    );

    // The header row is bounded too.
    write_register(dir.path(), "test", &format!("{over}\n"), DESCRIPTION);
    let run = powkg(dir.path(), &["build", "--register", "test.csv", "--out", "out.nt"]).expect_code(2);
    assert!(
        run.stderr.starts_with("test.csv:1:1: a field of more than 1 MiB"),
        "{run}"
    );
}
