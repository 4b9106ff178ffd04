//! SELECT results as aligned columns for a terminal: IRIs shortened with the known prefixes, literals as text.

use std::io::{self, Write};

use oxigraph::model::Term;
use oxigraph::sparql::{QuerySolution, Variable};

/// Writes a header, a rule and one line per row, columns padded to their widest cell.
pub fn write(
    variables: &[Variable],
    rows: &[QuerySolution],
    prefixes: &[(String, String)],
    out: &mut dyn Write,
) -> io::Result<()> {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            variables
                .iter()
                .map(|v| row.get(v).map_or_else(String::new, |t| show(t, prefixes)))
                .collect()
        })
        .collect();
    let header: Vec<String> = variables.iter().map(|v| v.as_str().to_owned()).collect();
    let widths: Vec<usize> = (0..variables.len())
        .map(|i| {
            cells
                .iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |out: &mut dyn Write, row: &[String]| -> io::Result<()> {
        let mut text = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                text.push_str(" │ ");
            }
            text.push_str(cell);
            if i + 1 < row.len() {
                text.extend(std::iter::repeat_n(' ', widths[i] - cell.chars().count()));
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(out, &header)?;
    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
    writeln!(out, "{}", rule.join("─┼─"))?;
    for row in &cells {
        line(out, row)?;
    }
    writeln!(out, "({} row{})", rows.len(), if rows.len() == 1 { "" } else { "s" })
}

// With rdf-12 (the `shacl` feature) the wildcard arm is the one for triple terms.
#[allow(clippy::match_wildcard_for_single_variants)]
fn show(term: &Term, prefixes: &[(String, String)]) -> String {
    match term {
        Term::NamedNode(n) => {
            crate::rdf::iri::shorten(n.as_str(), prefixes).unwrap_or_else(|| format!("<{}>", n.as_str()))
        }
        Term::BlankNode(b) => format!("_:{}", b.as_str()),
        Term::Literal(l) => match l.language() {
            Some(lang) => format!("{}@{lang}", l.value()),
            None => l.value().replace('\n', " "),
        },
        // Triple terms exist only with Oxigraph's rdf-12 feature (which the `shacl` feature turns on).
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    }
}
