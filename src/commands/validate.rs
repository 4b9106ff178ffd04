//! `powkg validate`: SHACL validation with a summary a person can act on (grouped by shape, then by node, each node
//! with the curated file and line it was written at), a JSON summary for scripts, and the standard SHACL report.
//! `powkg build` uses the same check as its gate.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use crate::commands::Error;
use oxigraph::model::{NamedOrBlankNode, Term};
use powkg::build::pipeline::{self, Built};
use powkg::build::validate::{self, Validation};
use powkg::files::diagnostic::Diagnostics;
use powkg::files::input::{InputSet, read_text};
use powkg::files::output::write_atomically;
use powkg::rdf::iri::{IriKind, Minter};
use powkg::store::GraphStore;
use serde_json::json;

use super::{Status, minter, output_error, sources};
use crate::cli::{ReportFormat, ValidateArgs};

pub fn run(args: &ValidateArgs) -> Result<Status, Error> {
    let minter = minter(&args.read.graph)?;
    let from_project =
        || -> Result<InputSet, Error> { Ok(super::project::ontology_sources(&args.read.graph)?.shapes(&minter)?) };
    let (quads, origins, shapes) = if let Some(path) = &args.rdf {
        (
            super::args::read_rdf(path)?,
            HashMap::new(),
            shapes(args.shapes.as_deref(), from_project)?,
        )
    } else if let Some(path) = &args.read.store {
        (
            GraphStore::open_for_reading(path, super::COMPANIONS)?.quads()?,
            HashMap::new(),
            shapes(args.shapes.as_deref(), from_project)?,
        )
    } else {
        let built = pipeline::build(&sources(&args.read.graph)?, &minter)?;
        let origins = origins(&built, &minter);
        let shapes = shapes(args.shapes.as_deref(), || Ok(built.shapes.clone()))?;
        (built.quads, origins, shapes)
    };
    if args.rdf.is_some() || args.read.store.is_some() {
        let names: Vec<&str> = shapes.files.iter().map(|f| f.path.as_str()).collect();
        eprintln!("powkg: validating against the shapes of {}", names.join(", "));
    }
    if let Some(path) = &args.write_shapes {
        let text = validate::shapes_turtle(&shapes, &minter)?;
        write_atomically(path, |w| w.write_all(text.as_bytes())).map_err(output_error(path))?;
    }
    let validation = validate::validate(&quads, &shapes, &minter)?;
    if let Some(path) = &args.report {
        let turtle = validation.report_turtle()?;
        write_atomically(path, |w| w.write_all(&turtle)).map_err(output_error(path))?;
    }
    let text = match args.format {
        ReportFormat::Json => json_summary(&validation),
        ReportFormat::Text => summary(&validation, &origins, &minter),
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(output_error(Path::new("-")))?;
    Ok(if validation.conforms() {
        Status::Success
    } else {
        Status::Problems
    })
}

/// The shapes: a file the user names (`--shapes`), else those of the build: powkg's core shapes, those derived
/// from the project, and the project's own.
pub(super) fn shapes(
    file: Option<&Path>,
    derived: impl FnOnce() -> Result<InputSet, Error>,
) -> Result<InputSet, Error> {
    match file {
        Some(path) => Ok(InputSet {
            files: vec![read_text(path).map_err(|d| Error::Input(Diagnostics(vec![d])))?],
        }),
        None => derived(),
    }
}

/// For every node of the build, where its fact was written: entities, statements and sources directly; value,
/// reference and citation nodes through the statement or source that links to them.
pub(super) fn origins(built: &Built, minter: &Minter) -> HashMap<String, String> {
    let mut origins = HashMap::new();
    let at = |o: &powkg::build::model::Origin, what: &str| {
        format!("{}:{}:{}, {what}", o.path, o.position.line, o.position.column)
    };
    for e in &built.model.entities {
        origins.insert(
            minter.entity(&e.id).into_string(),
            at(&e.origin, &format!("entity \"{}\"", e.id)),
        );
    }
    for c in &built.model.claims {
        origins.insert(
            minter.statement(&c.id).into_string(),
            at(&c.origin, &format!("claim \"{}\"", c.id)),
        );
    }
    for s in &built.model.sources {
        origins.insert(
            minter.source(&s.id).into_string(),
            at(&s.origin, &format!("source \"{}\"", s.id)),
        );
    }
    for q in &built.quads {
        if let (NamedOrBlankNode::NamedNode(s), Term::NamedNode(o)) = (&q.subject, &q.object)
            && !origins.contains_key(o.as_str())
            && let Some(origin) = origins.get(s.as_str()).cloned()
            && matches!(minter.kind(o.as_str()), Some(IriKind::Value | IriKind::Reference))
        {
            origins.insert(o.as_str().to_owned(), origin);
        }
    }
    for d in &built.declared {
        origins.insert(
            d.iri.as_str().to_owned(),
            format!("{}:{}:{}, {}", d.path, d.position.line, d.position.column, d.what),
        );
    }
    for s in &built.model.sources {
        for (citing, footnote) in &s.cited_in {
            let origin = at(&s.origin, &format!("source \"{}\"", s.id));
            origins.insert(minter.citation(&s.id, citing, *footnote).into_string(), origin);
        }
    }
    origins
}

/// Grouped by shape, then by node; each node with where it was written when known.
pub(super) fn summary(validation: &Validation, origins: &HashMap<String, String>, minter: &Minter) -> String {
    let mut prefixes = minter.prefixes();
    prefixes.push(("pksh".to_owned(), minter.namespace(powkg::rdf::vocab::pksh::PATH)));
    let short = |iri: &str| powkg::rdf::iri::shorten(iri, &prefixes).unwrap_or_else(|| iri.to_owned());
    let mut s = String::new();
    if validation.violations.is_empty() {
        let _ = writeln!(s, "conforms: no SHACL violation");
        return s;
    }
    let mut by_shape: BTreeMap<String, BTreeMap<&str, Vec<&validate::Violation>>> = BTreeMap::new();
    for v in &validation.violations {
        let shape = v.shape.as_deref().map_or_else(|| "(unnamed shape)".to_owned(), short);
        by_shape
            .entry(shape)
            .or_default()
            .entry(v.focus.as_str())
            .or_default()
            .push(v);
    }
    let _ = writeln!(
        s,
        "{} SHACL result{} on {} shape{}",
        validation.violations.len(),
        if validation.violations.len() == 1 { "" } else { "s" },
        by_shape.len(),
        if by_shape.len() == 1 { "" } else { "s" }
    );
    for (shape, nodes) in &by_shape {
        let _ = writeln!(s, "\n{shape}");
        for (focus, results) in nodes {
            match origins.get(*focus) {
                Some(origin) => {
                    let _ = writeln!(s, "  {} ({origin})", short(focus));
                }
                None => {
                    let _ = writeln!(s, "  {}", short(focus));
                }
            }
            for v in results {
                let mut line = format!("    {}:", v.severity.to_lowercase());
                if let Some(path) = &v.path {
                    let _ = write!(line, " {}", short(path));
                }
                if let Some(message) = &v.message {
                    let _ = write!(line, " {message}");
                }
                if let Some(value) = &v.value {
                    let _ = write!(line, " (value {})", short(value));
                }
                if let Some(detail) = v.detail.as_ref().filter(|d| Some(*d) != v.message.as_ref()) {
                    let _ = write!(line, "\n      engine: {detail}");
                }
                let _ = writeln!(s, "{line}");
            }
        }
    }
    s
}

fn json_summary(validation: &Validation) -> String {
    format!(
        "{:#}\n",
        json!({ "conforms": validation.conforms(), "results": validation.violations })
    )
}
