//! `powkg diff OLD NEW`: what changed between two graphs, each a store, an RDF file or a project (built for the
//! comparison), as a report (text or JSON) or a patch (RDF Patch, SPARQL Update). Exit 0 when they are equal, 1
//! when they differ, 2 on an error, like `diff`.

use std::io::Write;
use std::path::{Path, PathBuf};

use powkg::build::pipeline;
use powkg::changes::diff::{Side, difference};
use powkg::changes::patch;
use powkg::changes::report::{Naming, report};
use powkg::changes::state::State;
use powkg::store::GraphStore;

use super::{Status, output_error, project, registers};
use crate::cli::{DiffArgs, DiffFormat, GraphArgs, RegisterArgs};
use crate::commands::Error;

pub fn run(args: &DiffArgs) -> Result<Status, Error> {
    let minter = super::minter(&args.graph)?;
    let language = match &args.language {
        Some(l) => Some(l.clone()),
        None => project::find(&args.graph)?.and_then(|p| p.languages.first().cloned()),
    };
    let (old, _old_dir) = open_side(&args.old)?;
    let (new, _new_dir) = open_side(&args.new)?;
    let (changes, effort) = difference(&old, &new)?;
    let status = if changes.is_empty() {
        Status::Success
    } else {
        Status::Problems
    };
    let mut out = Vec::new();
    match args.format {
        DiffFormat::Text | DiffFormat::Json => {
            let naming = Naming {
                minter: &minter,
                language: language.as_deref(),
                limit: args.limit,
            };
            let names = (args.old.display().to_string(), args.new.display().to_string());
            let report = report((&names.0, &names.1), &old, &new, &changes, effort, &naming)?;
            if matches!(args.format, DiffFormat::Json) {
                out = serde_json::to_vec_pretty(&report).map_err(|e| Error::Usage(e.to_string()))?;
                out.push(b'\n');
            } else {
                out = report.text().into_bytes();
            }
        }
        DiffFormat::RdfPatch | DiffFormat::SparqlUpdate => {
            patch::check(&changes).map_err(|e| Error::Usage(e.to_string()))?;
            if matches!(args.format, DiffFormat::RdfPatch) {
                patch::write_rdf_patch(&changes, &mut out).map_err(output_error(Path::new("-")))?;
            } else {
                patch::write_sparql_update(&changes, &mut out).map_err(output_error(Path::new("-")))?;
            }
        }
    }
    std::io::stdout()
        .write_all(&out)
        .map_err(output_error(Path::new("-")))?;
    Ok(status)
}

/// One side: a store (with the state it recorded, or its state computed), an RDF file loaded in memory, or a
/// project built into a temporary store (kept as long as the side is used).
fn open_side(path: &Path) -> Result<(Side, Option<tempfile::TempDir>), Error> {
    if path.is_dir() && path.join("powkg.toml").is_file() {
        let graph = GraphArgs {
            project: Some(path.to_owned()),
            data: None,
            ontology: None,
            base_iri: None,
        };
        let minter = project::minter(&graph)?;
        let built = pipeline::build(&project::sources(&graph)?, &minter)?;
        let paths = project::registers(&graph, &[])?;
        let opened = registers::open(&paths, &built, &minter)?;
        let dir = tempfile::Builder::new()
            .prefix("powkg-diff-")
            .tempdir()
            .map_err(output_error(&std::env::temp_dir()))?;
        let store_dir = dir.path().join("store");
        let record = powkg::changes::record::ChangeRecord::new(minter.clone(), None);
        let args = RegisterArgs {
            register: paths.clone(),
            max_errors: 0,
            rejected: None,
        };
        let (store, _) = registers::into_store(&args, &opened, &store_dir, &built.quads, None, Some(&record))?;
        let state = read_state(&store_dir, &store)?;
        return Ok((Side { store, state }, Some(dir)));
    }
    if path.is_dir() {
        let store = GraphStore::open(path)?;
        let state = read_state(path, &store)?;
        return Ok((Side { store, state }, None));
    }
    let quads = super::args::read_rdf(path)?;
    let state = State::of_quads(&quads);
    Ok((
        Side {
            store: GraphStore::in_memory(&quads)?,
            state,
        },
        None,
    ))
}

/// The state a store recorded, or, for a store built before powkg recorded states, its state read whole.
fn read_state(dir: &Path, store: &GraphStore) -> Result<State, Error> {
    let recorded = State::read(dir).map_err(|e| Error::Output {
        path: PathBuf::from(dir),
        source: e,
    })?;
    match recorded {
        Some(state) => Ok(state),
        None => Ok(State::of_store(store)?),
    }
}
