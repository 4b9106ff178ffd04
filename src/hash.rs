//! A canonical hash of a dataset, so that scripts can compare builds: RDFC-1.0 canonical N-Quads, hashed with
//! SHA-256 (the hash the RDF Dataset Canonicalization recommendation uses).

use std::fmt::Write as _;

use oxigraph::model::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use oxigraph::model::{Dataset, Quad};
use sha2::{Digest, Sha256};

/// The SHA-256 of the RDFC-1.0 canonical N-Quads of `quads`, as lowercase hex.
pub fn canonical_hash(quads: &[Quad]) -> String {
    let mut dataset: Dataset = quads.iter().collect();
    dataset.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
    });
    let mut lines: Vec<String> = dataset.iter().map(|q| format!("{q} .\n")).collect();
    lines.sort_unstable();
    let mut hasher = Sha256::new();
    for line in &lines {
        hasher.update(line.as_bytes());
    }
    hex(&hasher.finalize())
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{BlankNode, GraphName, NamedNode};

    #[test]
    fn blank_node_labels_do_not_change_the_hash() {
        let pred = NamedNode::new_unchecked("http://example.org/p");
        let obj = NamedNode::new_unchecked("http://example.org/o");
        let a = [Quad::new(
            BlankNode::new_unchecked("x"),
            pred.clone(),
            obj.clone(),
            GraphName::DefaultGraph,
        )];
        let b = [Quad::new(
            BlankNode::new_unchecked("y"),
            pred.clone(),
            obj.clone(),
            GraphName::DefaultGraph,
        )];
        assert_eq!(canonical_hash(&a), canonical_hash(&b));
        let c = [Quad::new(
            NamedNode::new_unchecked("http://example.org/s"),
            pred,
            obj,
            GraphName::DefaultGraph,
        )];
        assert_ne!(canonical_hash(&a), canonical_hash(&c));
        assert_eq!(canonical_hash(&a).len(), 64);
    }
}
