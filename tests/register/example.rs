//! The bundled example register end to end through the binary: its named graph, a bundled query over curated and
//! register data, the error budget and the rejected-rows file, a failed register leaving the store intact.

use super::*;

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
