//! From a project's files to quads: curated [`facts`] are read, checked against the [`ontology`] into a [`model`],
//! mapped to quads ([`mapping`]); [`register`] rows are streamed beside them; [`pipeline`] runs the whole;
//! [`validate`] checks the result against SHACL shapes.

pub mod declarations;
pub mod facts;
pub mod mapping;
pub mod model;
pub mod ontology;
pub mod pipeline;
pub mod project;
pub mod register;
#[cfg(feature = "shacl")]
pub mod shapes;
#[cfg(feature = "shacl")]
pub mod validate;
