//! `powkg search` and the `pks:search` SPARQL service: folding, ranking, class filters, register records, the index
//! kept with its store through rebuilds, and bad input.

use std::fmt::Write as _;
use std::process::Command;

use crate::util::{binary, powkg, root, tempdir};

/// The IRIs of a `--format tsv` search's hits, in rank order.
fn iris(tsv: &str) -> Vec<String> {
    tsv.lines()
        .skip(1)
        .map(|l| l.split('\t').nth(4).expect("an IRI column").to_owned())
        .collect()
}

fn search(dir: &std::path::Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["search", "--format", "tsv"];
    all.extend_from_slice(args);
    iris(&powkg(dir, &all).expect_code(0).stdout)
}

const LASCAR: &str = "https://example.org/powkg/entity/mihail-lascar";
const DIVISION: &str = "https://example.org/powkg/entity/horia-closca-si-crisan-division";

#[test]
fn lascar_finds_the_person_first_then_the_statements_naming_him() {
    let dir = tempdir();
    for spelling in ["Lascar", "Lascăr", "LASCAR", "lascăr"] {
        let hits = search(dir.path(), &[spelling]);
        assert_eq!(hits.first().map(String::as_str), Some(LASCAR), "{spelling}: {hits:?}");
        assert!(
            hits[1..3].iter().all(|h| h.contains("/statement/")),
            "{spelling}: statements naming him come next: {hits:?}"
        );
    }
    // The quotation that names him is the matched text of a statement whose label does not.
    let json = powkg(dir.path(), &["search", "Lascar", "--format", "json", "--limit", "50"]).expect_code(0);
    let hits: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let quoted = hits
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["field"] == "quotation")
        .unwrap_or_else(|| panic!("a hit by quotation: {json}"));
    let snippet = quoted["snippet"]["text"].as_str().unwrap();
    let mark = &quoted["snippet"]["marks"][0];
    let (from, to) = (
        usize::try_from(mark["start"].as_u64().unwrap()).unwrap(),
        usize::try_from(mark["end"].as_u64().unwrap()).unwrap(),
    );
    assert_eq!(&snippet[from..to], "Lascăr", "{quoted}");
}

#[test]
fn exact_matches_rank_above_one_typo_matches() {
    let dir = tempdir();
    // "Horia" is written in the English article; the Italian article's "Horea" is one typo away.
    let run = powkg(dir.path(), &["search", "Horia", "--format", "tsv", "--limit", "50"]).expect_code(0);
    let rank_of = |iri_end: &str| {
        iris(&run.stdout)
            .iter()
            .position(|i| i.ends_with(iri_end))
            .unwrap_or_else(|| panic!("{iri_end} found\n{run}"))
    };
    assert!(
        rank_of("/statement/division-name-horia-en") < rank_of("/statement/division-name-horea-it"),
        "{run}"
    );
    // A misspelt name still finds the person, though with a lower score than the right spelling.
    let score = |query: &str| -> f64 {
        let out = powkg(dir.path(), &["search", query, "--format", "tsv"])
            .expect_code(0)
            .stdout;
        let line = out.lines().nth(1).unwrap_or_else(|| panic!("{query}: no hit"));
        assert!(line.contains(LASCAR), "{query}: {line}");
        line.split('\t').nth(1).unwrap().parse().unwrap()
    };
    assert!(score("Lascar") > score("Lsacar"));
}

#[test]
fn horia_and_horea_find_the_division_and_the_statement_of_each_article() {
    let dir = tempdir();
    for spelling in ["Horia", "Horea"] {
        let run = powkg(
            dir.path(),
            &[
                "search",
                spelling,
                "--class",
                "MilitaryUnit",
                "--format",
                "tsv",
                "--limit",
                "50",
            ],
        )
        .expect_code(0);
        let hits = iris(&run.stdout);
        assert_eq!(hits.first().map(String::as_str), Some(DIVISION), "{run}");
        // Every hit is the division or a statement about it.
        assert!(hits.iter().all(|h| h == DIVISION || h.contains("/statement/")), "{run}");
        for (statement, article) in [
            ("division-name-horia-en", "(English Wikipedia)"),
            ("division-name-horea-it", "(Italian Wikipedia)"),
        ] {
            let line = run
                .stdout
                .lines()
                .find(|l| l.contains(statement))
                .unwrap_or_else(|| panic!("{spelling}: {statement}\n{run}"));
            assert!(line.contains(article), "the statement's label names its source: {line}");
        }
    }
    // The same class filter as a prefixed name and a full IRI; a person is not a military unit.
    assert_eq!(
        search(dir.path(), &["Horia", "--class", "pk:MilitaryUnit"]),
        search(
            dir.path(),
            &["Horia", "--class", "https://example.org/powkg/ontology#MilitaryUnit"]
        )
    );
    assert!(
        search(dir.path(), &["Lascar", "--class", "MilitaryUnit", "--limit", "100"])
            .iter()
            .all(|h| h != LASCAR)
    );
}

#[test]
fn phrases_and_diacritics_in_the_query() {
    let dir = tempdir();
    let hits = search(dir.path(), &["\"Horea Cloșca\""]);
    assert!(hits.iter().any(|h| h == DIVISION), "{hits:?}");
    assert!(hits.iter().any(|h| h.ends_with("division-name-horea-it")), "{hits:?}");
    // Cedilla and comma-below forms find the same things.
    assert_eq!(
        search(dir.path(), &["Clo\u{15f}ca"]),
        search(dir.path(), &["Clo\u{219}ca"])
    );
    assert_eq!(search(dir.path(), &["Closca"]), search(dir.path(), &["Clo\u{219}ca"]));
}

#[test]
fn bad_queries_get_one_clear_line_and_exit_2() {
    let dir = tempdir();
    let long = "a".repeat(10_000);
    for (query, expected) in [
        ("", "empty"),
        ("   ", "empty"),
        ("*", "no letter or digit"),
        ("\"", "no letter or digit"),
        (": ( ) ~ ^ -", "no letter or digit"),
        (long.as_str(), "10000 characters long"),
    ] {
        let run = powkg(dir.path(), &["search", query]).expect_code(2);
        assert!(run.stderr.contains(expected), "{run}");
        assert!(!run.stderr.contains("panicked"), "{run}");
        assert_eq!(run.stderr.trim().lines().count(), 1, "{run}");
    }
    // An unbalanced quote is a literal, not an error.
    let run = powkg(dir.path(), &["search", "\"Horia Cloșca", "--format", "tsv"]).expect_code(0);
    assert!(iris(&run.stdout).iter().any(|h| h == DIVISION), "{run}");
    // Characters of other engines' query syntax are punctuation.
    powkg(dir.path(), &["search", "Lascar* AND title:(x)"]).expect_code(0);
    let run = powkg(dir.path(), &["search", "Horia", "--class", "nope:Thing"]).expect_code(2);
    assert!(run.stderr.contains("unknown prefix"), "{run}");
}

#[test]
fn the_search_service_joins_with_statements_in_sparql() {
    let dir = tempdir();
    let query = r#"SELECT ?item ?statement ?article WHERE {
        SERVICE pks:search { bd:serviceParam pks:query "Horea" ; pks:class pk:MilitaryUnit ; pks:limit 5 .
                             ?item pks:score ?score ; pks:rank ?rank ; pks:snippet ?snippet . }
        ?item pkp:nameAsWritten ?statement .
        ?statement prov:wasDerivedFrom/pkpr:article ?article .
    } ORDER BY ?statement"#;
    let run = powkg(dir.path(), &["query", "--format", "csv", query]).expect_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "item,statement,article",
            &format!(
                "{DIVISION},https://example.org/powkg/statement/division-name-horea-it,https://example.org/powkg/source/it-article"
            ),
            &format!(
                "{DIVISION},https://example.org/powkg/statement/division-name-horia-en,https://example.org/powkg/source/en-article"
            ),
        ],
        "{run}"
    );
    // Outputs: rank 1 is the best, the snippet marks the match.
    let run = powkg(
        dir.path(),
        &[
            "query",
            "--format",
            "csv",
            r#"SELECT ?item ?rank ?snippet ?label WHERE { SERVICE pks:search { bd:serviceParam pks:query "Lascar" .
               ?item pks:rank ?rank ; pks:snippet ?snippet ; pks:label ?label } FILTER(?rank = 1) }"#,
        ],
    )
    .expect_code(0);
    assert!(
        run.stdout
            .contains(&format!("{LASCAR},1,Mihail [Lascăr],Mihail Lascăr")),
        "{run}"
    );
    // A variable query string is refused clearly; so is a bad query.
    let run = powkg(
        dir.path(),
        &["query", r#"SELECT * WHERE { BIND("x" AS ?q) SERVICE pks:search { bd:serviceParam pks:query ?q . ?i pks:score ?s } }"#],
    )
    .expect_code(2);
    assert!(run.stderr.contains("pks:query must be a constant string"), "{run}");
    let run = powkg(
        dir.path(),
        &[
            "query",
            r#"SELECT * WHERE { SERVICE pks:search { bd:serviceParam pks:query "*" . ?i pks:score ?s } }"#,
        ],
    )
    .expect_code(2);
    assert!(run.stderr.contains("no letter or digit"), "{run}");
}

/// Writes a small register whose rows are known: `rows` (given name, family name, birth year, camp).
#[cfg(feature = "rocksdb")]
fn register(dir: &std::path::Path, rows: &[(&str, &str, &str, &str)]) -> std::path::PathBuf {
    let description = std::fs::read_to_string(root().join("data/registers/example.toml")).unwrap();
    std::fs::write(
        dir.join("people.toml"),
        description.replace("id = \"example\"", "id = \"people\""),
    )
    .unwrap();
    let mut csv = String::from(
        "record_id,given_name,family_name,birth_year,birth_place,rank,unit,capture_date,capture_place,camp,fate,death_date,source_document\n",
    );
    for (i, (given, family, year, camp)) in rows.iter().enumerate() {
        let _ = writeln!(csv, "R{i},{given},{family},{year},,,,,,{camp},,,");
    }
    let path = dir.join("people.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

#[cfg(feature = "rocksdb")]
#[test]
fn a_register_record_is_found_by_its_searchable_fields_and_its_camp() {
    let dir = tempdir();
    // The generated register: the expected records are computed from its CSV.
    crate::util::generate_register(dir.path(), "3000", Some("5"), "reg.csv");
    powkg(dir.path(), &["build", "--register", "reg.csv", "--store", "kgstore"]).expect_code(0);
    let text = std::fs::read_to_string(dir.path().join("reg.csv")).unwrap();
    let mut rows = text.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (family, year, camp, id) = (col("family_name"), col("birth_year"), col("camp"), col("record_id"));
    let rows: Vec<Vec<&str>> = rows.map(|l| l.split(',').collect()).collect();
    let karlag_popescu_1923: Vec<String> = rows
        .iter()
        .filter(|r| r[family] == "Popescu" && r[year] == "1923" && r[camp] == "karlag")
        .map(|r| format!("https://example.org/powkg/prisoner/reg/{}", r[id]))
        .collect();
    assert!(!karlag_popescu_1923.is_empty(), "the generated register has such rows");
    let mut found = search(
        dir.path(),
        &["popescu 1923 karlag", "--store", "kgstore", "--limit", "10000"],
    );
    // Records only (the curated graph has no Popescu).
    found.sort();
    let mut expected = karlag_popescu_1923.clone();
    expected.sort();
    assert_eq!(found, expected);
    // One typo in the family name finds the same records.
    let mut typo = search(
        dir.path(),
        &["popesku 1923 karlag", "--store", "kgstore", "--limit", "10000"],
    );
    typo.sort();
    assert_eq!(typo, expected);
    // The curated graph is searchable in the store too.
    assert_eq!(
        search(dir.path(), &["Lascar", "--store", "kgstore"])
            .first()
            .map(String::as_str),
        Some(LASCAR)
    );
}

#[cfg(feature = "rocksdb")]
#[test]
fn the_index_is_replaced_with_its_store_and_a_failed_rebuild_leaves_both() {
    let dir = tempdir();
    let csv = register(dir.path(), &[("Ion", "Zamfirescu", "1921", "karlag")]);
    let csv = csv.to_str().unwrap();
    powkg(dir.path(), &["build", "--register", csv, "--store", "kgstore"]).expect_code(0);
    assert_eq!(search(dir.path(), &["Zamfirescu", "--store", "kgstore"]).len(), 1);
    // The store opens with its index inside, and queries run as before.
    let count = crate::util::query_store(dir.path(), "SELECT (COUNT(*) AS ?n) WHERE { ?s pkdt:heldAt ?c }");
    assert_eq!(count.lines().nth(1), Some("1"));

    // A rebuild with other rows replaces both.
    register(dir.path(), &[("Ion", "Vulpescu", "1921", "karlag")]);
    powkg(dir.path(), &["build", "--register", csv, "--store", "kgstore"]).expect_code(0);
    assert!(search(dir.path(), &["Zamfirescu", "--store", "kgstore"]).is_empty());
    assert_eq!(search(dir.path(), &["Vulpescu", "--store", "kgstore"]).len(), 1);

    // A rebuild that fails on a bad row leaves the previous store and index together.
    register(
        dir.path(),
        &[
            ("Ana", "Cazacu", "1921", "karlag"),
            ("Bad", "Row", "1921", "no-such-camp"),
        ],
    );
    powkg(dir.path(), &["build", "--register", csv, "--store", "kgstore"]).expect_code(2);
    assert_eq!(search(dir.path(), &["Vulpescu", "--store", "kgstore"]).len(), 1);
    assert!(search(dir.path(), &["Cazacu", "--store", "kgstore"]).is_empty());

    // A build killed before its swap leaves them too.
    register(dir.path(), &[("Ana", "Cazacu", "1921", "karlag")]);
    let status = Command::new(binary())
        .env("POWKG_PROJECT", crate::util::root())
        .args(["build", "--register", csv, "--store", "kgstore"])
        .current_dir(dir.path())
        .env("POWKG_TEST_ABORT_BEFORE_SWAP", "1")
        .output()
        .unwrap()
        .status;
    assert!(status.code().is_none(), "the build was meant to die: {status:?}");
    assert_eq!(search(dir.path(), &["Vulpescu", "--store", "kgstore"]).len(), 1);
    assert!(search(dir.path(), &["Cazacu", "--store", "kgstore"]).is_empty());
}

#[cfg(feature = "rocksdb")]
#[test]
fn a_store_without_an_index_says_how_to_get_one_and_still_answers_queries() {
    let dir = tempdir();
    powkg(dir.path(), &["build", "--store", "kgstore", "--no-search-index"]).expect_code(0);
    let run = powkg(dir.path(), &["search", "Lascar", "--store", "kgstore"]).expect_code(2);
    assert!(run.stderr.contains("has no search index"), "{run}");
    assert!(run.stderr.contains("powkg build --store kgstore"), "{run}");
    let run = powkg(
        dir.path(),
        &[
            "query",
            "--store",
            "kgstore",
            r#"SELECT * WHERE { SERVICE pks:search { bd:serviceParam pks:query "Lascar" . ?i pks:score ?s } }"#,
        ],
    )
    .expect_code(2);
    assert!(run.stderr.contains("has no search index"), "{run}");
    let count = crate::util::query_store(dir.path(), "SELECT (COUNT(*) AS ?n) WHERE { ?s a pk:Person }");
    assert_ne!(count.lines().nth(1), Some("0"));
    // An old store (one built before search existed) is the same: remove the index.
    powkg(dir.path(), &["build", "--store", "kgstore"]).expect_code(0);
    assert_eq!(
        search(dir.path(), &["Lascar", "--store", "kgstore"])
            .first()
            .map(String::as_str),
        Some(LASCAR)
    );
    std::fs::remove_dir_all(dir.path().join("kgstore/search")).unwrap();
    powkg(dir.path(), &["search", "Lascar", "--store", "kgstore"]).expect_code(2);
}

#[cfg(feature = "rocksdb")]
#[test]
fn streaming_a_register_into_a_file_builds_no_index() {
    let dir = tempdir();
    let csv = register(dir.path(), &[("Ion", "Zamfirescu", "1921", "karlag")]);
    powkg(
        dir.path(),
        &["build", "--register", csv.to_str().unwrap(), "--out", "x.nt"],
    )
    .expect_code(0);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.contains("search") || n == "meta.json"),
        "{names:?}"
    );
}

#[cfg(feature = "rocksdb")]
#[test]
fn a_snapshot_of_the_store_searches_its_own_index_while_the_store_is_rebuilt() {
    use powkg::rdf::iri::{DEFAULT_BASE_IRI, Minter};
    use powkg::search::{Request, SearchIndex};
    use powkg::store::GraphStore;

    let dir = tempdir();
    let csv = register(dir.path(), &[("Ion", "Zamfirescu", "1921", "karlag")]);
    let csv = csv.to_str().unwrap();
    powkg(dir.path(), &["build", "--register", csv, "--store", "kgstore"]).expect_code(0);
    // What the server does: a private snapshot of the store, and the search index of that snapshot.
    let store = GraphStore::open_snapshot(&dir.path().join("kgstore"), &[&powkg::search::IndexFiles]).unwrap();
    let minter = Minter::new(DEFAULT_BASE_IRI).unwrap();
    let index = SearchIndex::of_store(&store, &minter).unwrap();
    let engine = powkg::query::sparql::Engine::new(&minter).with_search(SearchIndex::of_store(&store, &minter));
    let find = |query| {
        index
            .search(&Request {
                query,
                limit: 10,
                ..Request::default()
            })
            .unwrap()
            .len()
    };
    assert_eq!(find("Zamfirescu"), 1);
    // A rebuild replaces the store's directory; the snapshot keeps answering as it was.
    register(dir.path(), &[("Ion", "Vulpescu", "1921", "karlag")]);
    powkg(dir.path(), &["build", "--register", csv, "--store", "kgstore"]).expect_code(0);
    assert_eq!(find("Zamfirescu"), 1);
    assert_eq!(find("Vulpescu"), 0);
    let request = powkg::query::sparql::Request {
        path: "test",
        text: r#"SELECT ?item WHERE { SERVICE pks:search { bd:serviceParam pks:query "zamfirescu" . ?item pks:score ?s } }"#,
        ..powkg::query::sparql::Request::default()
    };
    let rows = engine
        .run(&request, &store, |results| match results {
            oxigraph::sparql::QueryResults::Solutions(s) => s.count(),
            _ => 0,
        })
        .unwrap();
    assert_eq!(rows, 1);
}

#[cfg(feature = "rocksdb")]
#[test]
fn a_damaged_index_is_refused_naming_its_directory_never_a_panic_or_results_as_if_whole() {
    let dir = tempdir();
    powkg(dir.path(), &["build", "--store", "kgstore", "--no-validate"]).expect_code(0);
    let whole = powkg(
        dir.path(),
        &["search", "Lascar", "--store", "kgstore", "--format", "tsv"],
    )
    .expect_code(0);
    let index = dir.path().join("kgstore/search");
    let mut files: Vec<_> = std::fs::read_dir(&index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with(".tantivy-"))
        .collect();
    files.sort();
    assert!(files.len() > 3, "{files:?}");
    let mut failures = String::new();
    let mut tries = 0;
    for file in &files {
        let original = std::fs::read(file).unwrap();
        let len = original.len();
        let mut offsets = vec![
            0,
            len / 5,
            len / 3,
            len / 2,
            2 * len / 3,
            len.saturating_sub(20),
            len - 1,
        ];
        offsets.dedup();
        for offset in offsets {
            let mut damaged = original.clone();
            damaged[offset] ^= 0x5a;
            std::fs::write(file, &damaged).unwrap();
            let run = powkg(
                dir.path(),
                &["search", "Lascar", "--store", "kgstore", "--format", "tsv"],
            );
            tries += 1;
            let refused = run.code == 2
                && run.stderr.starts_with("kgstore/search: the search index is damaged (")
                && run
                    .stderr
                    .ends_with("rebuild the store with `powkg build --store kgstore` to search it\n");
            // A manifest (JSON) may still read as the same index after a byte changed; a data file may not.
            let manifest = file.extension().is_some_and(|e| e == "json");
            let same = run.code == 0 && run.stdout == whole.stdout;
            if !(refused || (manifest && same)) {
                let _ = writeln!(failures, "{} byte {offset}:\n{run}\n", file.display());
            }
        }
        std::fs::write(file, &original).unwrap();
    }
    assert!(failures.is_empty(), "of {tries} damaged indexes:\n{failures}");
    powkg(dir.path(), &["search", "Lascar", "--store", "kgstore"]).expect_code(0);
}

/// Flips a byte of the data of the index file ending in `extension`, and rewrites the checksum in the file's footer
/// (`{"version":…,"crc":N}`, its length and tantivy's magic number, little-endian) to match: damage that the
/// checksums cannot see.
#[cfg(feature = "rocksdb")]
fn damage_behind_the_checksum(index: &std::path::Path, extension: &str, offset: usize) {
    let file = std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(extension))
        .unwrap_or_else(|| panic!("a {extension} file in {}", index.display()));
    let bytes = std::fs::read(&file).unwrap();
    let tail = bytes.len() - 8;
    let footer_len = u32::from_le_bytes(bytes[tail..tail + 4].try_into().unwrap()) as usize;
    let footer = std::str::from_utf8(&bytes[tail - footer_len..tail]).unwrap();
    let mut data = bytes[..tail - footer_len].to_vec();
    data[offset] ^= 0x5a;
    let mut crc = flate2::Crc::new();
    crc.update(&data);
    let at = footer.find("\"crc\":").unwrap() + 6;
    let end = at + footer[at..].find(|c: char| !c.is_ascii_digit()).unwrap();
    let footer = format!("{}{}{}", &footer[..at], crc.sum(), &footer[end..]);
    data.extend_from_slice(footer.as_bytes());
    data.extend_from_slice(&u32::try_from(footer.len()).unwrap().to_le_bytes());
    data.extend_from_slice(&bytes[tail + 4..]);
    std::fs::write(&file, data).unwrap();
}

#[cfg(feature = "rocksdb")]
#[test]
fn a_reader_failing_on_damage_the_checksums_miss_is_caught_and_reported_not_a_crash() {
    let dir = tempdir();
    powkg(dir.path(), &["build", "--store", "kgstore", "--no-validate"]).expect_code(0);
    // A byte near the start of the fast fields, which makes tantivy's reader panic ("mid > len").
    damage_behind_the_checksum(&dir.path().join("kgstore/search"), ".fast", 5);
    let run = Command::new(binary())
        .env("POWKG_PROJECT", crate::util::root())
        .args(["search", "Lascar", "--store", "kgstore"])
        .current_dir(dir.path())
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(run.stdout.is_empty(), "{stderr}");
    assert!(
        stderr.ends_with(
            "kgstore/search: the search index is damaged (reading it failed: mid > len); rebuild the store with \
             `powkg build --store kgstore` to search it\n"
        ),
        "{stderr}"
    );
}
