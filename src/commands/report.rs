//! `powkg report labels`: per language, the entities lacking a label or a description, and the share covered.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use crate::commands::Error;
use powkg::query::coverage::Coverage;

use super::{Status, open, output_error};
use crate::cli::{ReportArgs, ReportFormat, ReportKind};

pub fn run(args: &ReportArgs) -> Result<Status, Error> {
    let ReportKind::Labels = args.kind;
    let (store, minter) = open(&args.read)?;
    let coverage = Coverage::of(&store)?;
    let text = match args.format {
        ReportFormat::Json => format!("{:#}\n", serde_json::json!(coverage)),
        ReportFormat::Text => {
            let prefixes = minter.prefixes();
            let short = |iri: &str| powkg::rdf::iri::shorten(iri, &prefixes).unwrap_or_else(|| format!("<{iri}>"));
            let share = |n: usize| {
                if coverage.entities == 0 {
                    "-".to_owned()
                } else {
                    format!("{n}/{} ({:.1}%)", coverage.entities, percent(n, coverage.entities))
                }
            };
            let mut s = String::new();
            let _ = writeln!(
                s,
                "labels and descriptions of {} entities, per language",
                coverage.entities
            );
            let _ = writeln!(s, "  {:<9} {:<18} descriptions", "language", "labels");
            for l in &coverage.languages {
                let _ = writeln!(
                    s,
                    "  {:<9} {:<18} {}",
                    l.language,
                    share(l.labelled),
                    share(l.described)
                );
            }
            for l in &coverage.languages {
                for (what, missing) in [("label", &l.missing_labels), ("description", &l.missing_descriptions)] {
                    if !missing.is_empty() {
                        let names: Vec<String> = missing.iter().map(|e| short(e)).collect();
                        let _ = writeln!(s, "without a {} {what}: {}", l.language, names.join(", "));
                    }
                }
            }
            s
        }
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(output_error(Path::new("-")))?;
    Ok(Status::Success)
}

/// `n` of `total` as a percentage, for display.
#[allow(clippy::cast_precision_loss)] // counts of entities are far below 2^52
fn percent(n: usize, total: usize) -> f64 {
    n as f64 * 100.0 / total as f64
}
