//! `powkg push`: hands each named graph of a build to a SPARQL store by the standard protocols, so that a portal's
//! Virtuoso, Fuseki, `GraphDB` or Oxigraph server holds what powkg built.
//!
//! Per graph: the graph's N-Triples are hashed (SHA-256 of the deterministic serialization) and compared with the
//! hash powkg recorded in the store's record graph (`{base}graph/push`) at the last push: an unchanged graph is not
//! sent. A changed one takes one of three routes, each of which a reader sees whole or not at all, and which a push
//! killed at any point leaves as it was:
//! - a large graph of which few subject buckets changed (see `buckets`): one update replaces those buckets and
//!   writes the record;
//! - else, on the Oxigraph server (told by its `Server` header), which carries out each Graph Store Protocol
//!   request in one transaction: the graph goes in one streamed request (`PUT`, or `POST` into an absent graph),
//!   then its record;
//! - else, on any other store: the graph is uploaded (`POST` of N-Triples, in chunks of bounded size, a 413 answered by
//!   halving the chunk) into a staging graph beside it, the staging graph's size is checked against what was sent,
//!   and one SPARQL 1.1 Update request replaces the target with it (`MOVE`) and records the new hash. The next
//!   push drops a staging graph that a killed push left.

//!
//! The folder, from the caller down: the API ([`Pusher`] with its [`PushOptions`], the [`GraphReport`] it gives
//! back, the [`PushError`] that stops it); the routes (`routes/`); the record graph (`record`: what powkg writes on the store
//! to remember what it pushed); a graph's content and its hash (`content`); the store's endpoints and a SPARQL
//! 1.1 Protocol and Graph Store Protocol client over them (`remote`); and below, the one HTTP client (`http`), with
//! credentials (`auth`, `origin`) and what is shown of a remote's words (`display`).

mod auth;
mod buckets;
mod content;
pub mod display;
mod error;
mod http;
mod origin;
mod pusher;
pub mod quickstatements;
mod record;
mod remote;
mod report;
mod routes;

pub use auth::{Credentials, Keyring};
pub use content::Produce;
pub use error::PushError;
pub use http::{Answer, Body, Client, ClientOptions, HttpError, MOST_PAUSE, Repeat};
pub use origin::Origin;
pub use pusher::{PushOptions, Pusher};
pub use record::{Record, RecordTerms, SPLIT_FROM};
pub use remote::Store;
pub use report::{Action, GraphReport, RouteKind};
pub use routes::staging;
