//! powkg turns curated, sourced facts into a Wikibase-shaped RDF knowledge graph, loads it into an embedded
//! Oxigraph store, runs SPARQL queries and writes deterministic RDF.
//!
//! The modules are layers, each importing only those listed before it (`docs/architecture.md` draws them, and
//! `tests/layers.rs` checks the `use` lines):
//!
//! 1. [`files`]: user files read within limits, located messages, outputs written beside and renamed into place;
//! 2. [`rdf`]: terms and the IRI minter, prefixes, the RDF format table and writers, the graph hash;
//! 3. [`build`]: curated facts, the ontology, the checked model, the mapping to quads, registers, validation;
//! 4. [`store`]: the Oxigraph store (in memory or on disk), its companion indexes, exports and dumps;
//! 5. [`search`]: the full-text index of a store; [`changes`]: a store's recorded state, the difference between two
//!    graphs and the change feed;
//! 6. [`query`]: the SPARQL engine, the query catalog, results and coverage;
//! 7. [`web`] (pages, the server, the static site) and [`publish`] (pushing to other stores).

pub mod build;
pub mod changes;
pub mod files;
pub mod publish;
pub mod query;
pub mod rdf;
pub mod search;
pub mod store;
pub mod web;
