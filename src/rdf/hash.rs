//! A canonical hash of a dataset, so that scripts can compare builds: RDFC-1.0 canonical N-Quads, hashed with
//! SHA-256 (the hash the RDF Dataset Canonicalization recommendation uses).
//!
//! RDFC-1.0 is quick when every blank node can be told apart by its own quads, which is the case for every graph
//! powkg mints (it writes no blank nodes) and for ordinary ontologies. Blank nodes that look alike (lists nested in
//! lists, copies of one shape) make it compare paths and permutations of them, work that grows with a high power of
//! their number (cubically for nested lists: 84 s for a list nested 1,000 deep), or exponentially for symmetric
//! shapes. So the work is estimated first, and input over [`WORK_LIMIT`] is refused rather than hashed for hours,
//! as the recommendation asks of implementations ("Dataset Poisoning").

use std::collections::HashMap;
use std::fmt::Write as _;

use oxigraph::model::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use oxigraph::model::{BlankNode, Dataset, GraphName, NamedOrBlankNode, Quad, Term};
use sha2::{Digest, Sha256};

/// The estimated steps of canonicalization powkg allows (a list nested 200 deep is about this; it hashes in about
/// half a second).
pub const WORK_LIMIT: f64 = 1e7;

/// Why a dataset was not hashed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{look_alike} blank nodes cannot be told apart by their own triples (shapes such as lists nested in lists, or \
     copies of one shape); telling them apart for the canonical hash (RDFC-1.0) would take an estimated {work:.1e} \
     steps, over powkg's limit of {WORK_LIMIT:.0e}: give them triples that tell them apart, or IRIs"
)]
pub struct TooComplex {
    /// Blank nodes that share their first-degree hash with another.
    pub look_alike: usize,
    /// The estimated steps.
    pub work: f64,
}

/// The SHA-256 of the RDFC-1.0 canonical N-Quads of `quads`, as lowercase hex; refused when canonicalization would
/// take more than [`WORK_LIMIT`] steps.
pub fn canonical_hash(quads: &[Quad]) -> Result<String, TooComplex> {
    check_work(quads)?;
    let mut dataset: Dataset = quads.iter().collect();
    dataset.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
    });
    let mut lines: Vec<Vec<u8>> = dataset
        .iter()
        .map(|q| {
            let mut line = Vec::new();
            crate::rdf::ntriples::push_quad(&mut line, q);
            line
        })
        .collect();
    lines.sort_unstable();
    let mut hasher = Sha256::new();
    for line in &lines {
        hasher.update(line);
    }
    Ok(hex(&hasher.finalize()))
}

/// The blank nodes of a quad, by position: subject, object, graph name.
fn blank_nodes(quad: &Quad) -> [(Option<&BlankNode>, char); 3] {
    let subject = match &quad.subject {
        NamedOrBlankNode::BlankNode(b) => Some(b),
        NamedOrBlankNode::NamedNode(_) => None,
    };
    let object = match &quad.object {
        Term::BlankNode(b) => Some(b),
        _ => None,
    };
    let graph = match &quad.graph_name {
        GraphName::BlankNode(b) => Some(b),
        _ => None,
    };
    [(subject, 's'), (object, 'o'), (graph, 'g')]
}

/// Estimates the steps RDFC-1.0 takes on `quads` and refuses more than [`WORK_LIMIT`]. Linear in the quads.
///
/// Blank nodes are grouped as RDFC-1.0 groups them first: by their quads with themselves written `_:a` and every
/// other blank node `_:z` (the input of its "first degree hash"). A blank node alone in its group gets its label at
/// once. The others ("look-alikes") are told apart by paths through their look-alike neighbours: for each, every
/// ordering of neighbours that look alike in the same position, and recursively theirs, with an issuer copied at each
/// step. So the estimate of a connected set C of look-alikes is |C|³ (paths, copies) times, for each node, the
/// product of the factorials of its groups of alike neighbours (orderings): an upper bound for symmetric shapes,
/// and the measured growth for chains.
fn check_work(quads: &[Quad]) -> Result<(), TooComplex> {
    let mut mentions: HashMap<&BlankNode, Vec<usize>> = HashMap::new();
    for (i, quad) in quads.iter().enumerate() {
        for node in blank_nodes(quad).into_iter().filter_map(|(node, _)| node) {
            let list = mentions.entry(node).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    if mentions.is_empty() {
        return Ok(());
    }
    // First-degree groups.
    let mut group_of: HashMap<&BlankNode, usize> = HashMap::new();
    let mut groups: HashMap<String, usize> = HashMap::new();
    let mut sizes: Vec<usize> = Vec::new();
    for (node, list) in &mentions {
        let mut lines: Vec<String> = list
            .iter()
            .map(|&i| {
                let q = &quads[i];
                let label = |b: &BlankNode| if b == *node { "_:a" } else { "_:z" };
                let subject = match &q.subject {
                    NamedOrBlankNode::BlankNode(b) => label(b).to_owned(),
                    s @ NamedOrBlankNode::NamedNode(_) => s.to_string(),
                };
                let object = match &q.object {
                    Term::BlankNode(b) => label(b).to_owned(),
                    o => o.to_string(),
                };
                let graph = match &q.graph_name {
                    GraphName::BlankNode(b) => label(b).to_owned(),
                    g => g.to_string(),
                };
                format!("{subject} {} {object} {graph}", q.predicate)
            })
            .collect();
        lines.sort_unstable();
        let next = groups.len();
        let group = *groups.entry(lines.concat()).or_insert(next);
        if group == sizes.len() {
            sizes.push(0);
        }
        sizes[group] += 1;
        group_of.insert(node, group);
    }
    let look_alike = |b: &BlankNode| sizes[group_of[b]] > 1;
    // Look-alike neighbours, by (position, predicate, group); components by union-find.
    let ids: HashMap<&BlankNode, usize> = mentions
        .keys()
        .filter(|b| look_alike(b))
        .enumerate()
        .map(|(i, b)| (*b, i))
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let mut parent: Vec<usize> = (0..ids.len()).collect();
    let mut orderings = vec![0.0_f64; ids.len()]; // log2 of the product of factorials
    for (node, &id) in &ids {
        let mut alike: HashMap<(char, &str, usize), usize> = HashMap::new();
        for &i in &mentions[node] {
            for (other, position) in blank_nodes(&quads[i]) {
                let Some(other) = other.filter(|o| o != node) else {
                    continue;
                };
                if let Some(&other_id) = ids.get(other) {
                    *alike
                        .entry((position, quads[i].predicate.as_str(), group_of[other]))
                        .or_default() += 1;
                    let (a, b) = (root(&mut parent, id), root(&mut parent, other_id));
                    parent[a] = b;
                }
            }
        }
        orderings[id] = alike
            .values()
            .map(|&n| (2..=n).map(|k| float(k).log2()).sum::<f64>())
            .sum();
    }
    let mut components: HashMap<usize, (usize, f64)> = HashMap::new();
    for (id, log_orderings) in orderings.iter().enumerate() {
        let entry = components.entry(root(&mut parent, id)).or_default();
        entry.0 += 1;
        entry.1 += log_orderings;
    }
    let work: f64 = components
        .values()
        .map(|&(size, log_orderings)| float(size).powi(3) * log_orderings.exp2())
        .sum();
    if work > WORK_LIMIT {
        return Err(TooComplex {
            look_alike: ids.len(),
            work,
        });
    }
    Ok(())
}

/// The root of `i` in a union-find forest (halving paths on the way).
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// `n` as a float, for estimates.
fn float(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
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
        assert_eq!(canonical_hash(&a).unwrap().len(), 64);
    }

    /// `depth` lists nested in one another: `( ( ( … ) ) )` in Turtle.
    fn nested_list(depth: usize) -> Vec<Quad> {
        let first = NamedNode::new_unchecked("http://www.w3.org/1999/02/22-rdf-syntax-ns#first");
        let rest = NamedNode::new_unchecked("http://www.w3.org/1999/02/22-rdf-syntax-ns#rest");
        let nil = NamedNode::new_unchecked("http://www.w3.org/1999/02/22-rdf-syntax-ns#nil");
        let nodes: Vec<BlankNode> = (0..depth).map(|_| BlankNode::default()).collect();
        let mut quads = vec![Quad::new(
            NamedNode::new_unchecked("http://example.org/s"),
            NamedNode::new_unchecked("http://example.org/p"),
            nodes[0].clone(),
            GraphName::DefaultGraph,
        )];
        for (i, node) in nodes.iter().enumerate() {
            let inner: Term = nodes
                .get(i + 1)
                .map_or_else(|| nil.clone().into(), |n| n.clone().into());
            quads.push(Quad::new(node.clone(), first.clone(), inner, GraphName::DefaultGraph));
            quads.push(Quad::new(
                node.clone(),
                rest.clone(),
                nil.clone(),
                GraphName::DefaultGraph,
            ));
        }
        quads
    }

    #[test]
    fn deeply_nested_lists_are_refused_and_shallow_ones_hashed() {
        assert!(canonical_hash(&nested_list(20)).is_ok());
        let refused = canonical_hash(&nested_list(1000)).unwrap_err();
        assert_eq!(refused.look_alike, 998);
        assert!(
            refused.to_string().starts_with("998 blank nodes cannot be told apart"),
            "{refused}"
        );
    }
}
