//! The build pipeline, top to bottom: curated files -> facts -> model -> quads. Each stage reports every problem it
//! finds; nothing is written until all stages have passed.

use std::path::PathBuf;

use oxigraph::model::Quad;

use crate::build::facts::Facts;
use crate::build::mapping;
use crate::build::model::Model;
use crate::build::ontology::Ontology;
use crate::files::diagnostic::{Diagnostic, Diagnostics};
use crate::files::input::{InputSet, SHAPES_FILE, bundled};
use crate::rdf::iri::{GraphKind, Minter};

/// Where the curated data and ontology come from.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// A data directory, or the bundled data.
    pub data: Option<PathBuf>,
    /// An ontology directory, or the bundled ontology.
    pub ontology: Option<PathBuf>,
}

impl Sources {
    /// The SHACL shapes: `shapes.ttl` of the ontology directory, or the bundled shapes.
    pub fn shapes(&self) -> Result<InputSet, Diagnostics> {
        match &self.ontology {
            Some(dir) => Ok(InputSet::from_dir(dir, "ttl")?.split_named(SHAPES_FILE).1),
            None => Ok(InputSet::bundled(bundled::SHAPES)),
        }
    }

    fn read(&self) -> Result<(InputSet, InputSet), Diagnostics> {
        let data = match &self.data {
            Some(dir) => InputSet::from_dir(dir, "toml"),
            None => Ok(InputSet::bundled(bundled::DATA)),
        };
        let ontology = match &self.ontology {
            Some(dir) => InputSet::from_dir(dir, "ttl").and_then(|set| {
                let (ontology, _shapes) = set.split_named(SHAPES_FILE);
                if ontology.files.is_empty() {
                    return Err(Diagnostics(vec![Diagnostic::file(
                        &dir.display().to_string(),
                        format!("no ontology file: every *.ttl here is {SHAPES_FILE}, which holds SHACL shapes"),
                    )]));
                }
                Ok(ontology)
            }),
            None => Ok(InputSet::bundled(bundled::ONTOLOGY)),
        };
        match (data, ontology) {
            (Ok(d), Ok(o)) => Ok((d, o)),
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
}

/// Reads, validates and maps the curated set.
pub fn build(sources: &Sources, minter: &Minter) -> Result<Built, Diagnostics> {
    let (data, ontology_files) = sources.read()?;
    let ontology = Ontology::load(&ontology_files, minter)?;
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
    })
}
