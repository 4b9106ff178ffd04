//! One row mapped in process: its item, values and provenance; bad values and descriptions named where they are;
//! registers streamed only into line formats; rows that would write invalid RDF rejected; fields over the bound
//! refused.

use super::*;

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
