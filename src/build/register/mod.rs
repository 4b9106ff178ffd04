//! Registers: CSV files of individual records (one row per record), each with a mapping description beside it
//! (`example.csv` + `example.toml`), streamed into the same ontology as the curated facts.
//!
//! A row becomes an item `{template}` of the register's class with its label, the truthy (`pkdt:`/`wdt:`) triple of
//! every mapped column, and its provenance: `prov:wasDerivedFrom` the register's source and `pk:sourceDocument` the
//! document it was transcribed from. Everything goes to the register's own named graph. Rows are read, checked and
//! written one at a time, so memory does not grow with the register.
//!
//! [`Register::open`] compiles the description (`compile`), checking it against the ontology, the curated model and
//! the CSV header, with the item template (`template`) and the register's own source description (`source`);
//! [`Register::map_row`] (`map`) turns one record into a [`MappedRow`] (`row`) or says which column is wrong;
//! [`stream`] drives a whole file into a [`Sink`] with the error budget and the rejected-rows file.

mod compile;
mod description;
pub mod generate;
pub mod limit;
mod map;
mod row;
mod source;
mod stream;
mod template;

pub use compile::Register;
pub use description::description_path;
pub use row::{MappedRow, Object, RowError};
pub use stream::{CountSink, LineSink, Outcome, QuadSink, RegisterError, Sink, StreamOptions, open_csv, stream};
