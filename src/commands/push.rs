//! `powkg push`: build (and validate) as `powkg build` does, then hand each named graph to the store the user named,
//! through [`powkg::publish`]; one line per graph says what was done and why.

use std::io::IsTerminal;
use std::time::Duration;

use crate::commands::Error;
use indicatif::{ProgressBar, ProgressStyle};
use oxigraph::model::{GraphName, NamedNode};
use powkg::build::pipeline;
use powkg::publish::{
    Client, ClientOptions, GraphReport, Keyring, PushOptions, Pusher, RecordTerms, RouteKind, Store, display,
};
use powkg::rdf::iri::GraphKind;
use powkg::rdf::ntriples;
use powkg::rdf::vocab::{pk, void};
use serde_json::json;

use super::build::gate;
use super::{Status, minter, registers, sources};
use crate::cli::{PushArgs, ReportFormat};

pub fn run(args: &PushArgs) -> Result<Status, Error> {
    let minter = minter(&args.graph)?;
    let built = pipeline::build(&sources(&args.graph)?, &minter)?;
    if gate(&args.graph, &args.validation, &built, &minter)?.is_none() {
        return Ok(Status::Problems);
    }
    let paths = super::project::registers(&args.graph, &args.registers.register)?;
    let registers = registers::open(&paths, &built, &minter)?;
    let graphs = chosen_graphs(args, &minter, &registers)?;
    let mut pusher = pusher(args, &minter);
    let mut reports = Vec::new();
    for (name, iri) in &graphs {
        let bar = progress_bar(name);
        let mut progress = |sent: u64| bar.set_position(sent);
        let report = if let Some(register) = registers.iter().find(|r| &r.graph == iri) {
            let mut produce = |out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>| {
                registers::into_chunks(&args.registers, register, &mut |chunk| out(&chunk))
                    .map(|outcome| outcome.triples)
                    .map_err(|e| e.to_string())
            };
            pusher.push(iri, &mut produce, &mut progress)
        } else {
            let graph = GraphName::NamedNode(iri.clone());
            let mut produce = |out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>| {
                let quads = built.quads.iter().filter(|q| q.graph_name == graph).map(Ok);
                ntriples::line_chunks(quads, " .\n", &mut |chunk| out(&chunk)).map_err(|e| e.to_string())
            };
            pusher.push(iri, &mut produce, &mut progress)
        };
        bar.finish_and_clear();
        let report = report?;
        if args.report == ReportFormat::Text {
            println!("{}", line(name, &report));
        }
        reports.push((name.clone(), report));
    }
    if args.report == ReportFormat::Json {
        println!("{}", json_report(args, &reports));
    }
    Ok(Status::Success)
}

/// Every graph of the build by name (ontology, data, metadata, each register's id), or those `--graph` names.
fn chosen_graphs(
    args: &PushArgs,
    minter: &powkg::rdf::iri::Minter,
    registers: &[powkg::build::register::Register],
) -> Result<Vec<(String, NamedNode)>, Error> {
    let mut graphs: Vec<(String, NamedNode)> = GraphKind::ALL
        .iter()
        .map(|kind| (kind.name().to_owned(), minter.graph(*kind)))
        .chain(registers.iter().map(|r| (r.id.clone(), r.graph.clone())))
        .collect();
    if !args.graphs.is_empty() {
        for wanted in &args.graphs {
            if !graphs
                .iter()
                .any(|(name, iri)| name == wanted || iri.as_str() == wanted)
            {
                let names: Vec<&str> = graphs.iter().map(|(n, _)| n.as_str()).collect();
                return Err(Error::Usage(format!(
                    "--graph {wanted}: no such graph in this build; expected one of {} or a graph IRI",
                    names.join(", ")
                )));
            }
        }
        graphs.retain(|(name, iri)| args.graphs.iter().any(|w| w == name || w == iri.as_str()));
    }
    Ok(graphs)
}

/// The pusher for the store the arguments name, with the credentials of each of its origins (see [`Keyring`]).
fn pusher(args: &PushArgs, minter: &powkg::rdf::iri::Minter) -> Pusher {
    let store = Store::new(
        args.store_url.as_str(),
        args.update_url.as_str(),
        args.query_url.as_ref().map(NamedNode::as_str),
    );
    let keyring = Keyring::for_endpoints(&store.gsp, &[store.update.as_str(), store.query.as_str()], &|k| {
        std::env::var(k).ok()
    });
    let client = Client::new(
        ClientOptions {
            timeout: args.timeout,
            retries: args.retries,
            backoff: Duration::from_millis(500),
            allow_insecure_auth: args.allow_insecure_auth,
        },
        keyring,
    );
    let record = RecordTerms {
        graph: minter.push_record(),
        content_hash: minter.term(pk::CONTENT_HASH),
        triples: void::TRIPLES.into_owned(),
        buckets: minter.term(pk::SUBJECT_BUCKETS),
    };
    Pusher::new(
        client,
        store,
        record,
        PushOptions {
            chunk_bytes: args.chunk_size,
            dry_run: args.dry_run,
            bulk: args.bulk,
        },
    )
}

fn json_report(args: &PushArgs, reports: &[(String, GraphReport)]) -> String {
    let graphs: Vec<_> = reports
        .iter()
        .map(|(name, r)| {
            json!({
                "name": name,
                "graph": r.graph.as_str(),
                "action": r.action.word(),
                "reason": r.reason,
                "triples": r.triples,
                "bytes": r.bytes,
                "bytes_sent": r.bytes_sent,
                "requests": r.chunks,
                "route": r.route.map(RouteKind::word),
                "seconds": r.seconds,
                "upload_seconds": r.upload_seconds,
                "replace_seconds": r.replace_seconds,
                "hash": r.hash,
            })
        })
        .collect();
    serde_json::to_string_pretty(
        &json!({ "store": display::url(args.store_url.as_str()), "dry_run": args.dry_run, "graphs": graphs }),
    )
    .unwrap_or_default()
}

/// `  data        replaced      2525 triples   412.3 KiB sent in 1 request, 0.31 s (content changed: …)`
fn line(name: &str, r: &GraphReport) -> String {
    let sent = if r.bytes_sent > 0 {
        format!(
            ", {}.{} KiB sent in {} request{}{}",
            r.bytes_sent / 1024,
            r.bytes_sent % 1024 * 10 / 1024,
            r.chunks,
            if r.chunks == 1 { "" } else { "s" },
            match r.route {
                Some(RouteKind::Whole) => " (one transaction)",
                Some(RouteKind::Staging) => " (staging graph, then MOVE)",
                Some(RouteKind::Buckets) => " (the changed subject buckets, one transaction)",
                Some(RouteKind::Bulk) => " (straight into the graph, not atomic)",
                None => "",
            }
        )
    } else {
        String::new()
    };
    format!(
        "  {name:<12} {:<14} {:>9} triples{sent}, {:.2} s ({})",
        r.action.word(),
        r.triples,
        r.seconds,
        r.reason
    )
}

/// Bytes sent so far, drawn only when standard error is a terminal.
fn progress_bar(name: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{prefix} {spinner} {binary_bytes} sent · {binary_bytes_per_sec}")
    {
        bar.set_style(style);
    }
    bar.set_prefix(name.to_owned());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
