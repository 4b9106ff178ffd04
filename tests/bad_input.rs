//! Each bad-input fixture (`tests/fixtures/bad-input/CASE/`) runs `powkg` with the arguments in `cmd`, in the case
//! directory, and must exit 2, print exactly `expected-stderr`, print nothing on standard output and write nothing.
//! Rewrite the expected messages after a reviewed change with `POWKG_BLESS=1 cargo test --release bad_input`.

use std::fs;

use crate::util::{blessing, powkg, root};

#[test]
fn every_bad_input_fixture_prints_its_exact_message_and_writes_nothing() {
    let cases_dir = root().join("tests/fixtures/bad-input");
    let mut cases: Vec<_> = fs::read_dir(&cases_dir).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(
        cases.len() >= 20,
        "expected the full set of fixtures, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let cmd = fs::read_to_string(case.join("cmd")).unwrap();
        let args: Vec<&str> = cmd.split_whitespace().collect();
        let run = powkg(case, &args);
        let expected_path = case.join("expected-stderr");
        if blessing() {
            fs::write(&expected_path, &run.stderr).unwrap();
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        let written: Vec<_> = fs::read_dir(case)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("out.") || n.starts_with(".powkg-") || n.ends_with(".rejected.csv"))
            .collect();
        for name in &written {
            let _ = fs::remove_file(case.join(name));
        }
        if run.code != 2 || run.stderr != expected || !run.stdout.is_empty() || !written.is_empty() {
            failures.push(format!(
                "--- {}\nwrote: {written:?}\nexpected stderr:\n{expected}\n{run}",
                case.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
