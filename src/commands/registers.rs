//! `--register` of `powkg build` and `powkg export --shards`: each register opened and checked against the curated
//! build, then streamed into the outputs (N-Triples or N-Quads after the curated graph; the on-disk store through
//! the bulk loader; the files of a sharded dump), with a progress bar on a terminal and the rejected rows written
//! beside it.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::commands::Error;
use indicatif::{ProgressBar, ProgressStyle};
use oxigraph::model::Quad;
use powkg::build::pipeline::Built;
use powkg::build::register::{
    CountSink, LineSink, Outcome, QuadSink, Register, RegisterError, Sink, StreamOptions, open_csv, stream,
};
use powkg::files::output::{AtomicFile, write_on_thread};
use powkg::rdf::format::ExportFormat;
use powkg::rdf::iri::Minter;
use powkg::store::GraphStore;
use powkg::store::dump::ShardedDump;
use serde_json::json;

use crate::cli::RegisterArgs;

/// Opens every `--register`, checking its mapping description and header.
pub fn open(paths: &[PathBuf], built: &Built, minter: &Minter) -> Result<Vec<Register>, Error> {
    paths
        .iter()
        .map(|csv| {
            let (header, _) = open_csv(csv)?;
            Ok(Register::open(csv, &header, &built.schema, &built.model, minter)?)
        })
        .collect()
}

/// Where the rejected rows of `register` go.
fn rejected_path(args: &RegisterArgs, register: &Register) -> PathBuf {
    args.rejected
        .clone()
        .unwrap_or_else(|| register.csv.with_extension("rejected.csv"))
}

/// Streams one register into `sink`: progress bar, error budget, rejected-rows file (kept only on success).
fn run(args: &RegisterArgs, register: &Register, sink: &mut dyn Sink) -> Result<Outcome, Error> {
    let (_, reader) = open_csv(&register.csv)?;
    let size = std::fs::metadata(&register.csv).map_or(0, |m| m.len());
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(size);
        if let Ok(style) =
            ProgressStyle::with_template("{prefix} [{bar:30}] {percent:>3}% {msg} · {binary_bytes_per_sec} · ETA {eta}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(register.id.clone());
        bar
    } else {
        ProgressBar::hidden()
    };
    let started = std::time::Instant::now();
    let mut progress = |rows: u64, bytes: u64| {
        bar.set_position(bytes);
        let rate = f64::from(u32::try_from(rows).unwrap_or(u32::MAX)) / started.elapsed().as_secs_f64().max(1e-9);
        bar.set_message(format!("{rows} rows, {rate:.0} rows/s"));
    };
    // With a budget, the rejected rows are written atomically: the file appears only if the build succeeds.
    let rejected_path = rejected_path(args, register);
    let output = |source| Error::Output {
        path: rejected_path.clone(),
        source,
    };
    let mut rejected = if args.max_errors > 0 {
        Some(AtomicFile::create(&rejected_path).map_err(output)?)
    } else {
        None
    };
    let outcome = stream(
        register,
        reader,
        sink,
        StreamOptions {
            max_errors: args.max_errors,
            rejected: rejected.as_mut().map(|f| f as &mut dyn Write),
            progress: &mut progress,
        },
    );
    bar.finish_and_clear();
    let outcome = outcome?;
    if let Some(file) = rejected {
        file.commit().map_err(output)?;
    }
    Ok(outcome)
}

/// Streams every register as lines after the curated graph (`format` is N-Triples or N-Quads); a second thread
/// does the writing.
pub fn into_lines(
    args: &RegisterArgs,
    registers: &[Register],
    format: ExportFormat,
    out: &mut (dyn Write + Send),
) -> std::io::Result<Vec<Outcome>> {
    write_on_thread(out, |deliver| {
        registers
            .iter()
            .map(|register| {
                let graph = (format == ExportFormat::NQuads).then_some(&register.graph);
                let mut sink = LineSink::new(&mut *deliver, graph);
                let outcome = run(args, register, &mut sink).map_err(std::io::Error::other)?;
                sink.finish()?;
                Ok(outcome)
            })
            .collect()
    })
}

/// Streams one register as N-Triples in chunks that end at a line's end (for `powkg push`).
pub fn into_chunks(
    args: &RegisterArgs,
    register: &Register,
    deliver: &mut dyn FnMut(Vec<u8>) -> std::io::Result<()>,
) -> Result<Outcome, Error> {
    let mut sink = LineSink::new(deliver, None);
    let outcome = run(args, register, &mut sink)?;
    sink.finish().map_err(RegisterError::from)?;
    Ok(outcome)
}

/// Streams every register into the files of its graph in a sharded dump.
pub fn into_dump(
    args: &RegisterArgs,
    registers: &[Register],
    dump: &mut ShardedDump,
    out: &Path,
) -> Result<Vec<Outcome>, Error> {
    registers
        .iter()
        .map(|register| {
            let graph = dump.keeps_graphs().then_some(&register.graph);
            dump.write_graph(&register.graph, |deliver| {
                let mut sink = LineSink::new(deliver, graph);
                let outcome = run(args, register, &mut sink).map_err(std::io::Error::other)?;
                sink.finish()?;
                Ok(outcome)
            })
            .map_err(|e| unwrap_error(e, out))
        })
        .collect()
}

/// Builds the on-disk store: the curated quads, then every register through the bulk loader; with its search index
/// when `search` gives the rules.
pub fn into_store(
    args: &RegisterArgs,
    registers: &[Register],
    path: &Path,
    curated: &[Quad],
    search: Option<Box<dyn powkg::store::companion::Companion>>,
    recorder: Option<&dyn powkg::store::Recorder>,
) -> Result<(GraphStore, Vec<Outcome>), Error> {
    GraphStore::rebuild_on_disk_with(path, curated, search, recorder, |deliver| {
        registers
            .iter()
            .map(|register| {
                let mut sink = QuadSink::new(&register.graph, &mut *deliver);
                let outcome = run(args, register, &mut sink)?;
                sink.finish().map_err(RegisterError::from)?;
                Ok(outcome)
            })
            .collect::<Result<Vec<_>, Error>>()
    })
}

/// Maps and counts every register without writing it (a build with neither --out nor --store).
pub fn check(args: &RegisterArgs, registers: &[Register]) -> Result<Vec<Outcome>, Error> {
    registers.iter().map(|r| run(args, r, &mut CountSink)).collect()
}

/// The error inside an I/O error raised while streaming into `--out`.
pub fn unwrap_error(error: std::io::Error, path: &Path) -> Error {
    if !error
        .get_ref()
        .is_some_and(<dyn std::error::Error + Send + Sync>::is::<Error>)
    {
        return Error::Output {
            path: path.to_owned(),
            source: error,
        };
    }
    match error
        .into_inner()
        .map(<dyn std::error::Error + Send + Sync>::downcast::<Error>)
    {
        Some(Ok(inner)) => *inner,
        // Not reached: the check above saw an `Error` inside.
        Some(Err(other)) => Error::Output {
            path: path.to_owned(),
            source: std::io::Error::other(other),
        },
        None => Error::Output {
            path: path.to_owned(),
            source: std::io::Error::other("register streaming failed"),
        },
    }
}

/// The register's part of the JSON report.
pub fn json(register: &Register, outcome: &Outcome) -> serde_json::Value {
    json!({
        "register": register.id,
        "file": register.csv.display().to_string(),
        "graph": register.graph.as_str(),
        "synthetic": register.synthetic,
        "rows_read": outcome.rows_read,
        "rows_mapped": outcome.rows_mapped,
        "rows_rejected": outcome.rows_rejected,
        "triples": outcome.triples,
        "first_errors": outcome.first_errors,
    })
}

/// The register's lines of the text report.
pub fn text(register: &Register, outcome: &Outcome) -> String {
    let mut out = format!(
        "  register   {} <{}>{}\n    rows read {}, mapped {}, rejected {}; {} triples\n",
        register.csv.display(),
        register.graph.as_str(),
        if register.synthetic { " (synthetic)" } else { "" },
        outcome.rows_read,
        outcome.rows_mapped,
        outcome.rows_rejected,
        outcome.triples
    );
    for e in &outcome.first_errors {
        let _ = writeln!(out, "    rejected  {e}");
    }
    out
}
