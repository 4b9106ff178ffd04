//! Which project a command works on, and what it reads of it: `--project DIR`, else the nearest directory from the
//! working directory upwards that holds a `powkg.toml` (as Cargo finds its manifest). Flags override the file:
//! `--data`, `--ontology`, `--base-iri`, `--register`.

use std::path::PathBuf;

use powkg::build::pipeline::Sources;
use powkg::build::project::{self, DEFAULT_LANGUAGES, Project};
use powkg::query::catalog::{self, QueryDef};
use powkg::rdf::iri::{DEFAULT_BASE_IRI, Minter};

use crate::cli::GraphArgs;
use crate::commands::Error;

/// The project of a command, if there is one.
pub fn find(graph: &GraphArgs) -> Result<Option<Project>, Error> {
    let dir = match &graph.project {
        Some(dir) => {
            if !dir.join(project::FILE).is_file() {
                return Err(Error::Usage(format!(
                    "--project {}: no {} in this directory (create a project with `powkg new DIR`)",
                    dir.display(),
                    project::FILE
                )));
            }
            Some(dir.clone())
        }
        None => std::env::current_dir().ok().and_then(|cwd| Project::find(&cwd)),
    };
    Ok(match dir {
        Some(dir) => Some(Project::load(&dir)?),
        None => None,
    })
}

/// The minter: `--base-iri`, else the project's `base_iri`, else the default.
pub fn minter(graph: &GraphArgs) -> Result<Minter, Error> {
    let base = match &graph.base_iri {
        Some(base) => base.clone(),
        None => find(graph)?
            .and_then(|p| p.base_iri)
            .unwrap_or_else(|| DEFAULT_BASE_IRI.to_owned()),
    };
    Ok(Minter::new(&base)?)
}

/// What to build: the project's data and ontology, or those the flags name.
pub fn sources(graph: &GraphArgs) -> Result<Sources, Error> {
    let sources = ontology_sources(graph)?;
    if graph.data.is_none() && find(graph)?.is_none() {
        return Err(no_project());
    }
    Ok(sources)
}

/// [`sources`] for what needs only the ontology and the languages (the shapes): no project is needed.
pub fn ontology_sources(graph: &GraphArgs) -> Result<Sources, Error> {
    let project = find(graph)?;
    let data = match (&graph.data, &project) {
        (Some(dir), _) => dir.clone(),
        (None, Some(p)) => p.data.clone(),
        (None, None) => PathBuf::from("data"),
    };
    let ontology = graph
        .ontology
        .clone()
        .or_else(|| project.as_ref().map(|p| p.ontology.clone()));
    let languages = project.map_or_else(
        || DEFAULT_LANGUAGES.iter().map(|l| (*l).to_owned()).collect(),
        |p| p.languages,
    );
    Ok(Sources {
        data,
        ontology,
        languages,
    })
}

/// The queries: the built-in ones and the project's.
pub fn queries(graph: &GraphArgs) -> Result<Vec<QueryDef>, Error> {
    let dir = find(graph)?.map(|p| p.queries);
    Ok(catalog::catalog(dir.as_deref())?)
}

/// The registers to stream: `--register`, else every register of the project.
pub fn registers(graph: &GraphArgs, named: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    if !named.is_empty() || graph.data.is_some() {
        return Ok(named.to_vec());
    }
    Ok(find(graph)?.map(|p| p.registers()).unwrap_or_default())
}

/// The directories a command reads, for checks that an output does not overwrite them.
pub fn inputs(graph: &GraphArgs) -> Result<Vec<(&'static str, PathBuf)>, Error> {
    let project = find(graph)?;
    let mut found = Vec::new();
    if let Some(p) = &project {
        found.extend([
            ("the project's data", p.data.clone()),
            ("the project's ontology", p.ontology.clone()),
            ("the project's queries", p.queries.clone()),
            ("the project's registers", p.registers.clone()),
        ]);
    }
    if let Some(d) = &graph.data {
        found.push(("--data", d.clone()));
    }
    if let Some(o) = &graph.ontology {
        found.push(("--ontology", o.clone()));
    }
    found.retain(|(_, p)| p.exists());
    Ok(found)
}

fn no_project() -> Error {
    let here = std::env::current_dir().map_or_else(|_| ".".to_owned(), |d| d.display().to_string());
    Error::Usage(format!(
        "no project: no {} in {here} or any directory above it; create one with `powkg new DIR`, or give --project DIR or --data DIR",
        project::FILE
    ))
}
