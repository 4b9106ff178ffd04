//! `powkg export`: the whole graph in one RDF format, or a sharded dump for bulk loaders (`--shards`,
//! `--shard-size`): every named graph of the store, then every `--register` streamed, each as its own family of
//! files.

use std::io::IsTerminal;

use crate::commands::Error;
use powkg::build::pipeline;
use powkg::files::output::write_atomically;
use powkg::rdf::format::{self, ExportFormat};
use powkg::store::GraphStore;
use powkg::store::dump::{ShardOptions, ShardedDump, Split};

use super::{Status, minter, open, output_error, output_format, registers, sources};
use crate::cli::{ExportArgs, ExportFormatArg};

pub fn run(args: &ExportArgs) -> Result<Status, Error> {
    let split = match (args.shards, args.shard_size) {
        (Some(n), _) => Some(Split::Count(n as usize)),
        (None, Some(size)) => Some(Split::Statements(size)),
        (None, None) => None,
    };
    let Some(split) = split else {
        if matches!(args.format, Some(ExportFormatArg::QuickStatements)) {
            return quickstatements(args);
        }
        let format = output_format(args.format.and_then(ExportFormatArg::rdf), &args.out)?;
        let (store, minter) = open(&args.read)?;
        let quads = store.quads()?;
        let prefixes = minter.prefixes();
        write_atomically(&args.out, |w| format::write(&quads, format, &prefixes, w))
            .map_err(output_error(&args.out))?;
        return Ok(Status::Success);
    };
    sharded(args, split)
}

/// Writes the statements Wikidata can hold as QuickStatements commands, and reports on standard error every
/// statement left out and why.
fn quickstatements(args: &ExportArgs) -> Result<Status, Error> {
    let (store, minter) = open(&args.read)?;
    let engine = powkg::query::sparql::Engine::new(&minter);
    let exported =
        powkg::publish::quickstatements::export(&store, &engine, &minter).map_err(powkg::query::QueryError::from)?;
    write_atomically(&args.out, |w| w.write_all(exported.commands.as_bytes())).map_err(output_error(&args.out))?;
    for (statement, why) in &exported.left_out {
        eprintln!("left out {statement}: {why}");
    }
    eprintln!(
        "quickstatements: {} statements written, {} left out",
        exported.statements,
        exported.left_out.len()
    );
    Ok(Status::Success)
}

/// Writes the sharded dump.
fn sharded(args: &ExportArgs, split: Split) -> Result<Status, Error> {
    // Checked by `args::check`: a line format, a directory, no registers beside a store.
    let format = args
        .format
        .and_then(ExportFormatArg::rdf)
        .map_or(ExportFormat::NQuads, Into::into);
    let (store, minter, registers) = if args.registers.register.is_empty() {
        let (store, minter) = open(&args.read)?;
        (store, minter, Vec::new())
    } else {
        let minter = minter(&args.read.graph)?;
        let built = pipeline::build(&sources(&args.read.graph)?, &minter)?;
        let registers = registers::open(&args.registers.register, &built, &minter)?;
        (GraphStore::in_memory(&built.quads)?, minter, registers)
    };
    let out = &args.out;
    let options = ShardOptions {
        format,
        split,
        gzip: args.gzip,
    };
    let mut dump = ShardedDump::create(out, &minter, options).map_err(output_error(out))?;
    let (graphs, default_graph) = store.graph_names()?;
    if default_graph {
        return Err(Error::Usage(format!(
            "{}: the store holds triples outside any named graph, which a dump of one file family per graph \
             cannot name",
            out.display()
        )));
    }
    for graph in &graphs {
        let quads = store.iter_graph(graph).map(|q| q.map_err(std::io::Error::other));
        dump.write_quads(graph, quads).map_err(output_error(out))?;
    }
    let outcomes = registers::into_dump(&args.registers, &registers, &mut dump, out)?;
    let entries = dump.commit().map_err(output_error(out))?;
    if std::io::stderr().is_terminal() || !outcomes.is_empty() {
        let triples: u64 = entries.iter().map(|e| e.triples).sum();
        let bytes: u64 = entries.iter().map(|e| e.bytes).sum();
        let mut report = format!(
            "{}: {} files, {} graphs, {triples} statements, {bytes} bytes (manifest.tsv)\n",
            out.display(),
            entries.len(),
            graphs.len() + registers.len()
        );
        for (register, outcome) in registers.iter().zip(&outcomes) {
            report.push_str(&registers::text(register, outcome));
        }
        eprint!("{report}");
    }
    Ok(Status::Success)
}
