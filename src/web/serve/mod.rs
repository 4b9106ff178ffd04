//! `powkg serve`: a read-only SPARQL 1.1 Protocol endpoint and linked-data pages over a loaded store.
//!
//! [`Service::handle`] (see `router`) turns one request into one response and touches no socket, so routing,
//! negotiation, errors and limits are tested in process; [`run`] puts it behind hyper's HTTP/1.1 server (see
//! `transport`: a connection limit overall and per client, a deadline for each request's head, body and handling, a
//! bound on stalled writes and on each connection's requests and age) and waits for SIGINT or SIGTERM. Routes:
//!
//! | path | what |
//! |---|---|
//! | `/` | landing page: the dataset, its licence, counts, entities by class, sources |
//! | `/sparql` | the endpoint (GET, POST form, POST `application/sparql-query`); without a query, the service description |
//! | `/query` | the query page: a form, the bundled queries as examples, results as a paged table (no JavaScript needed) |
//! | `/query/NAME.html` | a bundled query: its description, a field per parameter, its results |
//! | `/search` | the search page (`format=json`: the hits as JSON) |
//! | `/classes/SLUG/N.html`, `/mentions{path}/N.html` | a class's entities, what points at a thing: paged |
//! | `/describe/SLUG.html` | the page of an ontology term (also `/describe?iri=…`) |
//! | `/context.jsonld` | the JSON-LD context of the documents |
//! | `/void`, `/.well-known/void` | the VoID/DCAT dataset description |
//! | `/dump`, `/dump.EXT` | the whole graph, streamed: Turtle, N-Triples, N-Quads, TriG, RDF/XML or JSON-LD by `Accept` or extension |
//! | `{base path}feed`, `feed/root`, `feed/page/N` | the change feed (LDES), N-Quads or TriG; full pages immutable |
//! | `{base path}…` | every IRI minted under the base: 303 to its document, `….html`, `.ttl`, `.nt`, `.jsonld`, `.rdf` |
//!
//! The pages are drawn by [`crate::web::render`], which `powkg site` shares; this module is the HTTP around them.
//! The store is read-only: nothing here writes to it, and SPARQL updates are refused with 403. Every page does
//! bounded work (lists end with "N more" and a query for the rest), and every SPARQL query a page runs goes through
//! the endpoint's own evaluation, under its limits.

mod admission;
mod body;
mod config;
mod dataset;
mod dump;
mod error;
mod exchange;
mod feed;
mod negotiate;
mod pages;
mod resource;
mod revalidate;
mod router;
mod service;
mod sparql;
mod transport;

pub use body::Body;
pub use config::{Config, Limits};
pub use error::ServeError;
pub use service::{CONTENT_SECURITY_POLICY, Service};
pub use transport::run;
