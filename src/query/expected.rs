//! A project's queries checked against the results kept beside them (`NAME.expected.tsv` for SELECT and ASK,
//! `NAME.expected.ttl` for CONSTRUCT and DESCRIBE), as `powkg build` does for every query that has such a file:
//! the query's results, written as `powkg query NAME` writes them to a file, must equal the file.

use std::path::{Path, PathBuf};

use crate::query::sparql::Engine;
use crate::query::{QueryDef, QueryError, run, write_results};
use crate::rdf::iri::Minter;
use crate::store::GraphStore;

/// The outcome of one query's check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The query's name.
    pub name: String,
    /// The file of expected results.
    pub expected: PathBuf,
    /// `None` when the results equal the file; else what differs, for a person.
    pub difference: Option<String>,
}

/// Checks every query of `queries` that has an expected-results file in `dir` against `store`; the others are not
/// run. A query that fails to run is a difference too.
pub fn check(queries: &[QueryDef], dir: &Path, store: &GraphStore, engine: &Engine, minter: &Minter) -> Vec<Check> {
    let mut checks = Vec::new();
    for def in queries {
        let Some(expected) = ["tsv", "ttl"]
            .iter()
            .map(|ext| dir.join(format!("{}.expected.{ext}", def.name)))
            .find(|p| p.is_file())
        else {
            continue;
        };
        let difference = match (std::fs::read_to_string(&expected), results(def, store, engine, minter)) {
            (Err(e), _) => Some(format!("cannot read {}: {e}", expected.display())),
            (_, Err(e)) => Some(format!("the query failed: {e}")),
            (Ok(want), Ok(got)) => diff(&want, &got),
        };
        checks.push(Check {
            name: def.name.clone(),
            expected,
            difference,
        });
    }
    checks
}

/// The query's results as `powkg query NAME > FILE` writes them.
pub fn results(def: &QueryDef, store: &GraphStore, engine: &Engine, minter: &Minter) -> Result<String, QueryError> {
    let out = run(def, &[], store, engine, minter, |results| {
        let mut out = Vec::new();
        write_results(results, None, false, &minter.prefixes(), &mut out)?;
        Ok(out)
    })?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The first lines where `got` differs from `want`, or `None` when they are equal.
fn diff(want: &str, got: &str) -> Option<String> {
    if want == got {
        return None;
    }
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let line = w
        .iter()
        .zip(&g)
        .position(|(a, b)| a != b)
        .unwrap_or(w.len().min(g.len()));
    let show = |lines: &[&str]| {
        lines
            .get(line)
            .map_or_else(|| "(no line)".to_owned(), |l| (*l).to_owned())
    };
    Some(format!(
        "{} rows expected, {} found; first difference at line {}:\n      expected: {}\n      found:    {}",
        w.len().saturating_sub(1),
        g.len().saturating_sub(1),
        line + 1,
        show(&w),
        show(&g)
    ))
}

#[cfg(test)]
mod tests {
    use super::diff;

    #[test]
    fn names_the_first_line_that_differs() {
        assert_eq!(diff("?a\n1\n", "?a\n1\n"), None);
        let d = diff("?a\n1\n2\n", "?a\n1\n3\n").unwrap();
        assert!(
            d.starts_with("2 rows expected, 2 found; first difference at line 3"),
            "{d}"
        );
        assert!(d.contains("expected: 2") && d.contains("found:    3"), "{d}");
        assert!(diff("?a\n1\n", "?a\n").unwrap().contains("found:    (no line)"));
    }
}
