//! The ground floor: reading a user's files within limits ([`input`]), messages located in them ([`diagnostic`]),
//! outputs written beside their place and renamed into it ([`output`]), and the point where a test may ask a run
//! to die before a swap ([`fault`]). Nothing here knows RDF.

pub mod diagnostic;
pub mod fault;
pub mod input;
pub mod output;
