//! The validated domain: every id resolved, every reference checked, every value parsed. Built from facts ([`crate::build::facts::Facts`]) and
//! the ontology's schema ([`crate::build::ontology::Schema`]); all problems of all files are reported together, each at the place it was written.

mod builder;
mod checked;
mod value;

pub use checked::{Claim, DatasetInfo, Entity, Model, Origin, Reference, Snak, Source, Value};
pub use value::{Bound, Date, Precision, Quantity, Rank};
