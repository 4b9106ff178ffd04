//! The ground floor: reading a user's files within limits ([`input`]), messages located in them ([`diagnostic`]),
//! and outputs written beside their place and renamed into it ([`output`]). Nothing here knows RDF.

pub mod diagnostic;
pub mod fault;
pub mod input;
pub mod output;
