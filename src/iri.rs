//! The one place IRIs are minted: data IRIs under the base IRI, from stable ids, or from content hashes for
//! reference and value nodes (as Wikidata's `wdref:`/`wdv:`), so that no blank node is ever needed.

use std::fmt;

use oxigraph::model::NamedNode;
use sha2::{Digest, Sha256};

/// Why a base IRI was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid base IRI \"{iri}\": {reason}")]
pub struct BaseIriError {
    /// The IRI given.
    pub iri: String,
    /// What is wrong.
    pub reason: String,
}

/// The named graphs of a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GraphKind {
    /// The ontology files.
    Ontology,
    /// The curated facts.
    Data,
    /// The dataset description (VoID, DCAT).
    Metadata,
}

impl GraphKind {
    /// All graphs, in order.
    pub const ALL: [Self; 3] = [Self::Ontology, Self::Data, Self::Metadata];

    /// The graph's name under the base IRI.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ontology => "ontology",
            Self::Data => "data",
            Self::Metadata => "metadata",
        }
    }
}

/// Mints every data IRI of a build under one base IRI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minter {
    base: String,
}

/// The default base IRI; publishers set their own with `--base-iri`.
pub const DEFAULT_BASE_IRI: &str = "https://example.org/powkg/";

impl Minter {
    /// Accepts an absolute IRI with no query or fragment; adds a trailing `/` when missing.
    pub fn new(base: &str) -> Result<Self, BaseIriError> {
        let error = |reason: &str| BaseIriError {
            iri: base.to_owned(),
            reason: reason.to_owned(),
        };
        let parsed = iri_string::types::IriAbsoluteStr::new(base)
            .map_err(|_| error("expected an absolute IRI such as https://example.org/powkg/"))?;
        if parsed.authority_str().is_none_or(str::is_empty) {
            return Err(error("expected an IRI with a host, such as https://example.org/powkg/"));
        }
        if parsed.query_str().is_some() {
            return Err(error("a base IRI cannot have a query part"));
        }
        let mut base = base.to_owned();
        if !base.ends_with('/') {
            base.push('/');
        }
        Ok(Self { base })
    }

    /// The base IRI, ending in `/`.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn mint(&self, path: fmt::Arguments<'_>) -> NamedNode {
        let iri = format!("{}{path}", self.base);
        // Ids are checked slugs and hashes are hex, so this cannot fail; checking keeps that promise honest.
        debug_assert!(
            iri_string::types::IriStr::new(&iri).is_ok(),
            "minted an invalid IRI: {iri}"
        );
        NamedNode::new_unchecked(iri)
    }

    /// `{base}entity/{id}`
    pub fn entity(&self, id: &str) -> NamedNode {
        self.mint(format_args!("entity/{id}"))
    }

    /// `{base}statement/{claim id}`
    pub fn statement(&self, id: &str) -> NamedNode {
        self.mint(format_args!("statement/{id}"))
    }

    /// `{base}source/{id}`
    pub fn source(&self, id: &str) -> NamedNode {
        self.mint(format_args!("source/{id}"))
    }

    /// `{base}source/{id}/citation/{citing source}/{footnote}`
    pub fn citation(&self, id: &str, citing: &str, footnote: u32) -> NamedNode {
        self.mint(format_args!("source/{id}/citation/{citing}/{footnote}"))
    }

    /// `{base}reference/{hash of content}`
    pub fn reference(&self, content: &str) -> NamedNode {
        self.mint(format_args!("reference/{}", content_hash(content)))
    }

    /// `{base}value/{hash of content}`
    pub fn value(&self, content: &str) -> NamedNode {
        self.mint(format_args!("value/{}", content_hash(content)))
    }

    /// `{base}graph/{name}`
    pub fn graph(&self, kind: GraphKind) -> NamedNode {
        self.mint(format_args!("graph/{}", kind.name()))
    }

    /// `{base}dataset`
    pub fn dataset(&self) -> NamedNode {
        self.mint(format_args!("dataset"))
    }

    /// Every prefix a writer may declare: the vocabularies' and the data namespaces under this base IRI.
    pub fn prefixes(&self) -> Vec<(String, String)> {
        let vocabularies = crate::vocab::PREFIXES
            .iter()
            .map(|(p, ns)| ((*p).to_owned(), (*ns).to_owned()));
        let data = ["entity", "statement", "source", "reference", "value", "graph"]
            .iter()
            .map(|p| ((*p).to_owned(), format!("{}{p}/", self.base)));
        vocabularies.chain(data).collect()
    }
}

/// First 128 bits of SHA-256, hex: stable across builds, and collisions are out of reach for any register size.
fn content_hash(content: &str) -> String {
    crate::hash::hex(&Sha256::digest(content.as_bytes())[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mints_under_the_base() {
        let m = Minter::new("https://example.net/pow").unwrap();
        assert_eq!(m.entity("karlag").as_str(), "https://example.net/pow/entity/karlag");
        assert_eq!(m.graph(GraphKind::Data).as_str(), "https://example.net/pow/graph/data");
        assert_eq!(m.value("x"), m.value("x"));
        assert_ne!(m.value("x"), m.value("y"));
        assert_eq!(
            m.reference("x").as_str().len(),
            "https://example.net/pow/reference/".len() + 32
        );
    }

    #[test]
    fn refuses_relative_or_odd_base_iris() {
        assert!(Minter::new("example.org/powkg/").is_err());
        assert!(Minter::new("/powkg/").is_err());
        assert!(Minter::new("https://example.org/?q=1").is_err());
        assert!(Minter::new("https://exa mple.org/").is_err());
        assert!(Minter::new("urn:x").is_err());
    }
}
