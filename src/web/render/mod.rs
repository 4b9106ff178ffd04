//! The pages of the graph, rendered without HTTP: `powkg serve` answers requests with them (see `serve/`) and
//! `powkg site` writes them as files (see `site/`). Both front doors hand a [`Renderer`] what the reader asked for
//! (languages, a query, a page number) and get markup or a [`Failure`] back; neither status codes nor headers are
//! known here.
//!
//! Every SPARQL query a page runs goes through the one [`crate::query::sparql::Engine`] (prologue, checks, deadline, memory budget), the
//! same the endpoint and `powkg query` use.

mod charts;
mod document;
mod error;
mod failure;
mod pages;
pub mod paths;
mod read;
mod renderer;
mod schema_org;

pub use document::{DOCUMENTS, Document};
pub use error::RenderError;
pub use failure::Failure;
pub use pages::chrome::{View, linkable};
pub use pages::landing::landing;
pub use pages::lists::{class_page, mentions_page, not_found};
pub use pages::query::{Download, QueryForm, downloads, query_page};
pub use pages::resource::resource;
pub use pages::search::{search_page, search_unavailable};
pub use read::answer::Asked;
pub use read::dataset::{Dataset, Role};
pub use read::mentions::MENTIONS;
pub use read::names::language_rank;
pub use read::paged::{CLASS_PAGE, MENTIONS_PAGE};
pub use renderer::{Links, Options, Renderer};

/// The pages' stylesheet.
pub const STYLE: &str = include_str!("assets/style.css");
/// The query page's script (keyboard shortcuts only).
pub const QUERY_JS: &str = include_str!("assets/query.js");
