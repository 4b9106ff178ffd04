//! The reading side of the pages: data access only, returning plain structs (no markup). Every query runs through
//! the one engine, and the pages' own queries are `.rq` files in `queries/`.

pub(crate) mod answer;
pub(crate) mod dataset;
pub(crate) mod describe;
pub(crate) mod mentions;
pub(crate) mod names;
pub(crate) mod paged;
pub(crate) mod queries;
pub(crate) mod reader;
pub(crate) mod search;
pub(crate) mod shown;
pub(crate) mod statement;
pub(crate) mod summary;
