//! powkg turns curated, sourced facts into a Wikibase-shaped RDF knowledge graph, loads it into an embedded
//! Oxigraph store, runs bundled SPARQL queries and writes deterministic RDF.
//!
//! The pipeline reads top to bottom: [`input`] -> [`facts`] -> [`model`] (checked against the [`ontology`]) ->
//! [`mapping`] (IRIs from [`iri`], terms from [`vocab`]) (with [`register`] rows streamed beside it) -> [`store`] -> [`query`] / [`export`] /
//! [`sharded_dump`] / [`search`] / [`coverage`] / [`publish`]; the pages ([`render`]) behind [`serve`] and [`site`].

pub mod coverage;
pub mod diagnostic;
pub mod error;
pub mod export;
pub mod facts;
pub mod hash;
pub mod input;
pub mod iri;
pub mod jsonld;
pub mod mapping;
pub mod model;
pub mod ontology;
pub mod output;
pub mod pipeline;
pub mod publish;
pub mod query;
pub mod register;
pub mod render;
pub mod search;
pub mod serve;
pub mod sharded_dump;
pub mod site;
pub mod sparql;
pub mod store;
pub mod turtle;
pub mod turtle_check;
#[cfg(feature = "shacl")]
pub mod validate;
pub mod vocab;

pub use error::Error;

/// Every allocation goes to mimalloc (bulk loads free batches of quads on other threads than made them, which
/// glibc's malloc serialises); those of query threads are also counted against their memory budget.
#[global_allocator]
static ALLOCATOR: sparql::Accounting<mimalloc::MiMalloc> = sparql::Accounting(mimalloc::MiMalloc);
