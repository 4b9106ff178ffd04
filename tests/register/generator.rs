//! The synthetic generator: deterministic, plausible, labelled synthetic.

use super::*;

#[test]
fn the_generator_is_deterministic_plausible_and_labelled_synthetic() {
    let dir = tempdir();
    let generate = |name: &str, seed: &str| {
        crate::util::generate_register(dir.path(), "2000", Some(seed), name);
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
