//! The build pipeline, top to bottom: curated files -> facts -> model -> quads. Each stage reports every problem it
//! finds; nothing is written until all stages have passed.

use std::path::PathBuf;

use oxigraph::model::Quad;

use crate::build::facts::Facts;
use crate::build::mapping;
use crate::build::model::Model;
use crate::build::ontology::Ontology;
use crate::build::shapes;
use crate::files::diagnostic::Diagnostics;
use crate::files::input::InputSet;
use crate::rdf::iri::{GraphKind, Minter};

/// Where the curated data and the project's ontology come from, and the languages the graph is labelled in.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The directory of curated `*.toml` files.
    pub data: PathBuf,
    /// The project's ontology directory (`*.ttl`, `*.toml`, `*.shapes.ttl`); `None` for the core model alone.
    pub ontology: Option<PathBuf>,
    /// The languages every entity, the dataset and the project's own terms must be labelled in.
    pub languages: Vec<String>,
}

impl Sources {
    /// The project's ontology files, split into terms (`*.ttl`, `*.toml`) and extra shapes (`*.shapes.ttl`).
    pub fn ontology_files(&self) -> Result<(InputSet, InputSet), Diagnostics> {
        let Some(dir) = &self.ontology else {
            return Ok((InputSet::default(), InputSet::default()));
        };
        let set = InputSet::from_dir_any(dir, &["ttl", "toml"])?;
        let (shapes, terms): (Vec<_>, Vec<_>) = set.files.into_iter().partition(|f| shapes::is_shapes_file(&f.path));
        Ok((InputSet { files: terms }, InputSet { files: shapes }))
    }

    /// The shapes a build of these sources is validated against: the core's, those derived from the ontology and
    /// the languages, and the project's own. The data is not read.
    pub fn shapes(&self, minter: &Minter) -> Result<InputSet, Diagnostics> {
        let (terms, extra) = self.ontology_files()?;
        let ontology = Ontology::load(&terms, minter)?;
        Ok(shapes::all(&ontology, &self.languages, &extra))
    }

    /// What a project builds: its data, its ontology and its languages.
    pub fn of_project(project: &crate::build::project::Project) -> Self {
        Self {
            data: project.data.clone(),
            ontology: Some(project.ontology.clone()),
            languages: project.languages.clone(),
        }
    }

    fn read(&self) -> Result<(InputSet, InputSet, InputSet), Diagnostics> {
        let data = InputSet::from_dir(&self.data, "toml");
        let ontology = self.ontology_files();
        match (data, ontology) {
            (Ok(d), Ok((o, s))) => Ok((d, o, s)),
            (d, o) => {
                let mut all = Diagnostics::default();
                all.0.extend(d.err().into_iter().flat_map(|e| e.0));
                all.0.extend(o.err().into_iter().flat_map(|e| e.0));
                Err(all)
            }
        }
    }
}

/// The result of a build: the validated model and the quads of every graph, sorted.
#[derive(Debug, Clone)]
pub struct Built {
    /// The validated curated set.
    pub model: Model,
    /// Every quad (ontology, data and metadata graphs), sorted.
    pub quads: Vec<Quad>,
    /// Quads per graph, in [`GraphKind::ALL`] order.
    pub graph_sizes: Vec<(GraphKind, usize)>,
    /// What the model was checked against (registers are checked against it too).
    pub schema: crate::build::ontology::Schema,
    /// The terms the project declared in `[[class]]` and `[[property]]` records, with where.
    pub declared: Vec<crate::build::declarations::Declared>,
    /// The SHACL shapes of this build: core, derived and the project's own.
    pub shapes: InputSet,
}

/// Reads, validates and maps the curated set.
pub fn build(sources: &Sources, minter: &Minter) -> Result<Built, Diagnostics> {
    let (data, ontology_files, extra_shapes) = sources.read()?;
    let ontology = Ontology::load(&ontology_files, minter)?;
    let shapes = shapes::all(&ontology, &sources.languages, &extra_shapes);
    let facts = Facts::parse(&data)?;
    let model = Model::build(&facts, &ontology.schema)?;
    let quads = mapping::map(&model, &ontology, minter);
    let graph_sizes = GraphKind::ALL
        .iter()
        .map(|kind| {
            let g = minter.graph(*kind);
            let n = quads
                .iter()
                .filter(|q| matches!(&q.graph_name, oxigraph::model::GraphName::NamedNode(n) if *n == g))
                .count();
            (*kind, n)
        })
        .collect();
    Ok(Built {
        model,
        quads,
        graph_sizes,
        schema: ontology.schema,
        declared: ontology.declared,
        shapes,
    })
}

/// The repository's own project (the bundled graph), for the library's tests.
#[cfg(test)]
pub(crate) fn repository_project() -> Sources {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    Sources::of_project(&crate::build::project::Project::load(root).expect("the repository's powkg.toml reads"))
}
