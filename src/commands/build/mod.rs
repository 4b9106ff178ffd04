//! `powkg build`: build the graph, report what it holds and its canonical hash, optionally write RDF and an on-disk
//! store. Nothing is written unless the whole build succeeded.

use std::fmt::Write as _;
use std::io::Write;

use crate::commands::Error;
use powkg::build::pipeline;
use powkg::changes::record::{ChangeRecord, Recorded};
use powkg::files::diagnostic::{Diagnostic, Diagnostics};
use powkg::files::output::write_atomically;
use powkg::rdf::format;
use powkg::rdf::hash::canonical_hash;
use powkg::store::GraphStore;
use serde_json::json;

use powkg::rdf::format::ExportFormat;

use super::{Status, minter, output_error, output_format, registers, sources};

use crate::cli::{BuildArgs, GraphArgs, ReportFormat, ValidationArgs};

pub fn run(args: &BuildArgs) -> Result<Status, Error> {
    let minter = minter(&args.graph)?;
    let out = args
        .out
        .as_ref()
        .map(|path| output_format(args.format, path).map(|f| (path, f)))
        .transpose()?;
    let built = pipeline::build(&sources(&args.graph)?, &minter)?;
    let hash = hash(args, &built)?;
    let Some(validation) = gate(&args.graph, &args.validation, &built, &minter)? else {
        return Ok(Status::Problems);
    };
    let paths = super::project::registers(&args.graph, &args.registers.register)?;
    let registers = registers::open(&paths, &built, &minter)?;
    let Outputs {
        recorded,
        stored,
        written,
        streamed,
        store,
    } = write_outputs(args, &built, &minter, &registers, out)?;
    let checks = if args.registers.register.is_empty() {
        query_checks(&args.graph, &store, &minter)?
    } else {
        Vec::new()
    };

    let model = &built.model;
    let conflicts = model.conflicting_pairs();
    let report = match args.report {
        ReportFormat::Json => {
            let graphs: serde_json::Map<String, serde_json::Value> = built
                .graph_sizes
                .iter()
                .map(|(kind, n)| (minter.graph(*kind).into_string(), json!(n)))
                .collect();
            let value = json!({
                "entities": model.entities.len(),
                "sources": model.sources.len(),
                "claims": model.claims.len(),
                "conflicting_pairs": conflicts.len(),
                "quads": built.quads.len(),
                "stored_quads": stored,
                "graphs": graphs,
                "canonical_hash": { "algorithm": "RDFC-1.0", "hash": "SHA-256", "value": hash },
                "validation": validation,
                "store": args.store.as_ref().map(|p| p.display().to_string()),
                "changes": recorded.map(|r| json!({
                    "subjects": r.subjects,
                    "changed_subjects": r.changed,
                    "previous_store": r.had_previous,
                    "feed": r.appended.map(|a| json!({ "members": a.members, "deleted": a.deleted, "pages_dropped": a.dropped })),
                })),
                "output": written.map(|(p, f, n)| json!({ "path": p.display().to_string(), "format": f.name(), "statements": n })),
                "registers": registers.iter().zip(&streamed).map(|(r, o)| registers::json(r, o)).collect::<Vec<_>>(),
                "queries": checks.iter().map(|c| json!({
                    "name": c.name, "expected": c.expected.display().to_string(), "difference": c.difference,
                })).collect::<Vec<_>>(),
            });
            format!("{value:#}\n")
        }
        ReportFormat::Text => {
            let mut r = String::new();
            let _ = writeln!(r, "powkg build");
            let _ = writeln!(r, "  entities   {}", model.entities.len());
            let _ = writeln!(r, "  sources    {}", model.sources.len());
            let _ = writeln!(
                r,
                "  claims     {} ({} conflicting pairs kept side by side)",
                model.claims.len(),
                conflicts.len()
            );
            let _ = writeln!(r, "  quads      {}", built.quads.len());
            for (kind, n) in &built.graph_sizes {
                let _ = writeln!(r, "    {:<10} {n:>6}  <{}>", kind.name(), minter.graph(*kind).as_str());
            }
            let _ = writeln!(r, "  validation {validation}");
            let _ = writeln!(r, "  canonical hash (RDFC-1.0, SHA-256)  {hash}");
            store_text(&mut r, args, stored, recorded);
            for (register, outcome) in registers.iter().zip(&streamed) {
                r.push_str(&registers::text(register, outcome));
            }
            if let Some((path, format, n)) = written {
                let _ = writeln!(r, "  wrote      {} ({}, {n} statements)", path.display(), format.name());
            }
            r.push_str(&checks_text(&checks));
            r
        }
    };
    let to_stderr = args.out.as_ref().is_some_and(|p| p.as_os_str() == "-");
    let result = if to_stderr {
        std::io::stderr().write_all(report.as_bytes())
    } else {
        std::io::stdout().write_all(report.as_bytes())
    };
    result.map_err(output_error(std::path::Path::new("-")))?;
    Ok(checks_status(&checks))
}

/// Success when every checked query gave its expected results; else says how to keep a reviewed change.
/// The text report's lines of the store and what its change record found.
fn store_text(r: &mut String, args: &BuildArgs, stored: usize, recorded: Option<Recorded>) {
    let Some(path) = &args.store else {
        let _ = writeln!(r, "  store      in memory ({stored} quads)");
        return;
    };
    let _ = writeln!(r, "  store      {} ({stored} quads, on disk)", path.display());
    if let Some(rec) = recorded {
        let since = if rec.had_previous {
            "since the previous build"
        } else {
            "(a new store)"
        };
        let _ = write!(r, "  changes    {} of {} subjects {since}", rec.changed, rec.subjects);
        match rec.appended {
            Some(a) => {
                let _ = writeln!(r, "; feed: {} members appended ({} deletions)", a.members, a.deleted);
            }
            None => r.push('\n'),
        }
    }
}

fn checks_status(checks: &[powkg::query::expected::Check]) -> Status {
    if checks.iter().all(|c| c.difference.is_none()) {
        return Status::Success;
    }
    eprintln!(
        "powkg: a query's results differ from those kept beside it; if the change is right, write them again with `powkg query NAME > queries/NAME.expected.tsv`"
    );
    Status::Problems
}

/// The build report's lines on the query checks: how many, and each that differs.
fn checks_text(checks: &[powkg::query::expected::Check]) -> String {
    let mut r = String::new();
    if checks.is_empty() {
        return r;
    }
    let failed = checks.iter().filter(|c| c.difference.is_some()).count();
    let _ = writeln!(
        r,
        "  queries    {} checked against their expected results, {} differ{}",
        checks.len(),
        failed,
        if failed == 1 { "s" } else { "" }
    );
    for c in checks.iter().filter(|c| c.difference.is_some()) {
        let _ = writeln!(
            r,
            "    {} ({}): {}",
            c.name,
            c.expected.display(),
            c.difference.as_deref().unwrap_or_default()
        );
    }
    r
}

/// The project's queries that have expected results, checked against the store the build made: when the build is
/// the project's own (its data, base IRI and registers; `--register` names others).
fn query_checks(
    graph: &GraphArgs,
    store: &GraphStore,
    minter: &powkg::rdf::iri::Minter,
) -> Result<Vec<powkg::query::expected::Check>, Error> {
    let Some(project) = super::project::find(graph)? else {
        return Ok(Vec::new());
    };
    // The expected results are the project's, under its own base IRI: another data set or base has others.
    let moved = graph
        .base_iri
        .as_ref()
        .is_some_and(|b| project.base_iri.as_ref() != Some(b));
    if graph.data.is_some() || moved {
        return Ok(Vec::new());
    }
    let queries = super::project::queries(graph)?;
    let engine = powkg::query::sparql::Engine::new(minter);
    Ok(powkg::query::expected::check(
        &queries,
        &project.queries,
        store,
        &engine,
        minter,
    ))
}

/// The canonical hash of the build, or why the ontology cannot have one (blank nodes come only from the ontology:
/// powkg mints none).
fn hash(args: &BuildArgs, built: &pipeline::Built) -> Result<String, Error> {
    canonical_hash(&built.quads).map_err(|e| {
        let ontology = args
            .graph
            .ontology
            .as_ref()
            .map_or_else(|| "the project's ontology".to_owned(), |dir| dir.display().to_string());
        Error::Input(Diagnostics(vec![Diagnostic::file(&ontology, e.to_string())]))
    })
}

/// What the outputs of a build hold.
struct Outputs<'a> {
    /// What the change record of the --store found.
    recorded: Option<Recorded>,
    /// Quads in the store.
    stored: usize,
    /// The `--out` file, its format and how many statements it holds.
    written: Option<(&'a std::path::PathBuf, ExportFormat, u64)>,
    /// What each register's stream did.
    streamed: Vec<powkg::build::register::Outcome>,
    /// The store built.
    store: GraphStore,
}

/// Builds the store (on disk with `--store`, else in memory) and writes `--out`, registers streamed into both; with
/// neither, registers are still mapped and counted.
fn write_outputs<'a>(
    args: &BuildArgs,
    built: &pipeline::Built,
    minter: &powkg::rdf::iri::Minter,
    registers: &[powkg::build::register::Register],
    out: Option<(&'a std::path::PathBuf, ExportFormat)>,
) -> Result<Outputs<'a>, Error> {
    let mut streamed = Vec::new();
    let feed = (!args.no_feed).then(|| powkg::changes::feed::Options {
        page_size: usize::try_from(args.feed_page_size).unwrap_or(usize::MAX),
        retention_days: args.feed_retention_days,
        time: powkg::changes::feed::now(),
    });
    let record = ChangeRecord::new(minter.clone(), feed);
    let store = match &args.store {
        Some(path) if !registers.is_empty() => {
            let search = search_rules(args, minter, registers);
            let (store, outcomes) =
                registers::into_store(&args.registers, registers, path, &built.quads, search, Some(&record))?;
            streamed = outcomes;
            store
        }
        Some(path) => {
            GraphStore::rebuild_on_disk(path, &built.quads, search_rules(args, minter, registers), Some(&record))?
        }
        None => GraphStore::in_memory(&built.quads)?,
    };
    let recorded = record.outcome();
    let stored = store.quad_count()?;
    let mut written = None;
    if let Some((path, format)) = out {
        let prefixes = minter.prefixes();
        let mut outcomes = Vec::new();
        let n = write_atomically(path, |w| {
            let curated = format::write(&built.quads, format, &prefixes, w)?;
            outcomes = registers::into_lines(&args.registers, registers, format, w)?;
            Ok(curated)
        })
        .map_err(|e| registers::unwrap_error(e, path))?;
        let register_triples: u64 = outcomes.iter().map(|o| o.triples).sum();
        written = Some((path, format, n as u64 + register_triples));
        streamed = outcomes;
    }
    if streamed.is_empty() && !registers.is_empty() {
        streamed = registers::check(&args.registers, registers)?;
    }

    Ok(Outputs {
        recorded,
        stored,
        written,
        streamed,
        store,
    })
}

/// How the store's search index is made (the registers' searchable columns), or `None` with --no-search-index.
fn search_rules(
    args: &BuildArgs,
    minter: &powkg::rdf::iri::Minter,
    registers: &[powkg::build::register::Register],
) -> Option<Box<dyn powkg::store::companion::Companion>> {
    let searchable = registers
        .iter()
        .map(|r| {
            let predicates = r.searchable_predicates().map(|p| p.as_str().to_owned()).collect();
            (r.graph.as_str().to_owned(), predicates)
        })
        .collect();
    (!args.no_search_index).then(|| Box::new(powkg::search::Extractor::new(minter, searchable)) as _)
}

/// The validation gate: `Some(what the report says)` when the build may be written, `None` when the graph does not
/// conform (the violations are printed on standard error and nothing is written).
#[cfg(feature = "shacl")]
pub(super) fn gate(
    graph: &GraphArgs,
    args: &ValidationArgs,
    built: &pipeline::Built,
    minter: &powkg::rdf::iri::Minter,
) -> Result<Option<String>, Error> {
    if args.no_validate {
        return Ok(Some("skipped (--no-validate)".to_owned()));
    }
    let _ = graph;
    let shapes = super::validate::shapes(args.shapes.as_deref(), || Ok(built.shapes.clone()))?;
    let validation = powkg::build::validate::validate(&built.quads, &shapes, minter)?;
    let names: Vec<&str> = shapes.files.iter().map(|f| f.path.as_str()).collect();
    if validation.conforms() {
        return Ok(Some(format!("conforms to the SHACL shapes of {}", names.join(", "))));
    }
    let origins = super::validate::origins(built, minter);
    eprint!("{}", super::validate::summary(&validation, &origins, minter));
    eprintln!(
        "powkg: the graph does not conform to the SHACL shapes of {}; nothing was written or sent (--no-validate goes on anyway)",
        names.join(", ")
    );
    Ok(None)
}

#[cfg(not(feature = "shacl"))]
#[allow(clippy::unnecessary_wraps)]
pub(super) fn gate(
    _: &GraphArgs,
    _: &ValidationArgs,
    _: &pipeline::Built,
    _: &powkg::rdf::iri::Minter,
) -> Result<Option<String>, Error> {
    Ok(Some("not available (built without the `shacl` feature)".to_owned()))
}
