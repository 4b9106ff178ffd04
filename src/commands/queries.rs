//! `powkg queries`: the built-in and the project's queries with their titles and parameters.

use std::fmt::Write as _;
use std::io::Write;

use crate::commands::Error;
use serde_json::json;

use super::{Status, output_error};
use crate::cli::{QueriesArgs, ReportFormat};

pub fn run(args: &QueriesArgs) -> Result<Status, Error> {
    let queries = super::project::queries(&args.graph)?;
    let text = match args.format {
        ReportFormat::Json => {
            let list: Vec<_> = queries
                .iter()
                .map(|q| {
                    json!({
                        "name": q.name,
                        "title": q.title,
                        "description": q.description,
                        "path": q.path,
                        "text": q.text,
                        "parameters": q.params.iter().map(|p| json!({
                            "name": p.name, "type": p.kind.name(), "description": p.description,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            format!("{:#}\n", json!(list))
        }
        ReportFormat::Text => {
            let width = queries.iter().map(|q| q.name.len()).max().unwrap_or(0);
            let mut s = String::new();
            for q in &queries {
                let _ = writeln!(s, "{:<width$}  {}", q.name, q.title);
                for p in &q.params {
                    let _ = writeln!(
                        s,
                        "{:<width$}    --param {}=<{}>  {}",
                        "",
                        p.name,
                        p.kind.name(),
                        p.description
                    );
                }
            }
            s
        }
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(output_error(std::path::Path::new("-")))?;
    Ok(Status::Success)
}
