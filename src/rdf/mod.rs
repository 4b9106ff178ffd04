//! RDF terms and text: IRIs minted under the base in use and read back ([`iri`]), powkg's vocabulary ([`vocab`]),
//! the table of RDF formats and their writers ([`format`](mod@format), [`ntriples`], [`turtle`], [`jsonld`]), Turtle input checks
//! ([`turtle_check`]) and the graph's canonical hash ([`hash`]).

pub mod format;
pub mod hash;
pub mod iri;
pub mod jsonld;
pub mod ntriples;
pub mod turtle;
pub mod turtle_check;
pub mod vocab;
