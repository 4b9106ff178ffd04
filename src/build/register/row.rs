//! A register's row as triples ([`MappedRow`]: the item's IRI and its predicate-object pairs, borrowed from the row
//! where they can be), or why it cannot be one ([`RowError`]). What [`Register::map_row`](super::Register::map_row)
//! makes and every [`Sink`](super::Sink) takes.

use oxigraph::model::{Literal, NamedNode, Term};

use crate::rdf::vocab::xsd;

/// A term of a mapped row, borrowed from the row where it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object<'a> {
    /// An IRI.
    Iri(std::borrow::Cow<'a, str>),
    /// A literal: its lexical form and datatype IRI (`xsd:string` for plain strings).
    Typed(&'a str, &'static str),
    /// A language-tagged string.
    Tagged(std::borrow::Cow<'a, str>, &'a str),
}

/// One row as triples: the item's IRI and (predicate, object) pairs, in a fixed order.
#[derive(Debug, Default)]
pub struct MappedRow<'a> {
    /// The item's IRI.
    pub subject: String,
    /// Predicate IRIs and objects.
    pub pairs: Vec<(&'a str, Object<'a>)>,
}

/// Why a row cannot be mapped: the column (when one is to blame) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The column's header.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "column {c}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl Object<'_> {
    /// The object as an Oxigraph term.
    pub fn to_term(&self) -> Term {
        match self {
            Self::Iri(iri) => NamedNode::new_unchecked(iri.as_ref()).into(),
            Self::Typed(value, datatype) if *datatype == xsd::STRING.as_str() => {
                Literal::new_simple_literal(*value).into()
            }
            Self::Typed(value, datatype) => {
                Literal::new_typed_literal(*value, NamedNode::new_unchecked(*datatype)).into()
            }
            Self::Tagged(value, lang) => Literal::new_language_tagged_literal_unchecked(value.as_ref(), *lang).into(),
        }
    }
}
