//! One module per subcommand: each turns parsed arguments into library calls and says how the run ended.

mod args;
mod build;
mod diff;
mod error;
mod export;
mod faults;
mod generate_register;
mod new;
mod project;
mod push;
mod queries;
mod query;
mod registers;
mod report;
mod search;
mod serve;
mod site;
#[cfg(feature = "shacl")]
mod validate;

use std::path::{Path, PathBuf};

pub use error::Error;
use powkg::build::pipeline::{self, Sources};
use powkg::query::sparql::{Engine, Limits};
use powkg::rdf::iri::Minter;
use powkg::store::GraphStore;
use powkg::store::companion::CompanionFiles;

use crate::cli::{Command, GraphArgs, ReadArgs, SparqlArgs};

use args::output_format;

/// How a command ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything worked.
    Success,
    /// The run worked but found problems.
    Problems,
}

/// Runs one subcommand.
pub fn run(command: Command) -> Result<Status, Error> {
    args::check(&command)?;
    faults::from_environment();
    match command {
        Command::New(args) => new::run(&args),
        Command::Build(args) => build::run(&args),
        Command::GenerateRegister(args) => generate_register::run(&args),
        Command::Queries(args) => queries::run(&args),
        Command::Query(args) => query::run(&args),
        Command::Search(args) => search::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Site(args) => site::run(&args),
        Command::Push(args) => push::run(&args),
        #[cfg(feature = "shacl")]
        Command::Validate(args) => validate::run(&args),
    }
}

/// The query engine for the graph `minter` mints, bounded and allowed as the arguments say.
fn engine(minter: &Minter, args: &SparqlArgs, timeout: Option<std::time::Duration>) -> Engine {
    Engine::new(minter)
        .with_limits(Limits {
            timeout,
            max_memory: Some(args.max_query_memory),
        })
        .allowing_services(args.allow_service.clone())
}

fn minter(graph: &GraphArgs) -> Result<Minter, Error> {
    project::minter(graph)
}

fn sources(graph: &GraphArgs) -> Result<Sources, Error> {
    project::sources(graph)
}

/// The store to read: a private snapshot of the on-disk one named by `--store` (a build may replace it meanwhile),
/// or a fresh in-memory build.
fn open(read: &ReadArgs) -> Result<(GraphStore, Minter), Error> {
    open_with(read, GraphStore::open_for_reading)
}

/// The indexes kept beside an on-disk store, which its snapshots carry over: the search index, the change record and
/// feed.
const COMPANIONS: &[&dyn CompanionFiles] = &[&powkg::search::IndexFiles, &powkg::changes::record::ChangeFiles];

/// [`open`], with the way an on-disk store is opened.
fn open_with(
    read: &ReadArgs,
    open_disk: impl FnOnce(&Path, &[&dyn CompanionFiles]) -> Result<GraphStore, powkg::store::StoreError>,
) -> Result<(GraphStore, Minter), Error> {
    let minter = minter(&read.graph)?;
    let store = match &read.store {
        Some(path) => open_disk(path, COMPANIONS)?,
        None => GraphStore::in_memory(&pipeline::build(&sources(&read.graph)?, &minter)?.quads)?,
    };
    Ok((store, minter))
}

fn output_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Output {
        path: PathBuf::from(path),
        source,
    }
}
