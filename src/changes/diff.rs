//! The difference between two graphs, subject by subject: the states say which subjects differ (see
//! [`super::state`]), and only those subjects' triples are read from each store and compared.

use std::collections::HashSet;

use oxigraph::model::{NamedNode, Quad};

use super::state::{self, Effort, State};
use crate::store::{GraphStore, StoreError};

/// One side of a comparison: a store and its state.
pub struct Side {
    /// The graph.
    pub store: GraphStore,
    /// Its state, recorded with the store or computed from it.
    pub state: State,
}

/// What changed about one subject of one graph.
#[derive(Debug, Clone)]
pub struct SubjectChange {
    /// The graph's IRI, or [`state::DEFAULT_GRAPH`].
    pub graph: String,
    /// The subject's IRI, or [`state::BLANK`] for the graph's blank-node subjects.
    pub subject: String,
    /// Whether the old graph has the subject.
    pub in_old: bool,
    /// Whether the new graph has it.
    pub in_new: bool,
    /// Its quads only the old graph has, sorted.
    pub removed: Vec<Quad>,
    /// Its quads only the new graph has, sorted.
    pub added: Vec<Quad>,
}

/// Why two graphs could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// A store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A recorded state could not be read.
    #[error("cannot read the state recorded with the store: {0}")]
    State(#[from] std::io::Error),
}

/// Every subject that differs between `old` and `new`, with its triples' differences, and what finding them read.
pub fn difference(old: &Side, new: &Side) -> Result<(Vec<SubjectChange>, Effort), DiffError> {
    let (changed, effort) = state::compare(&old.state, &new.state)?;
    let mut out = Vec::with_capacity(changed.len());
    for c in changed {
        let graph = state::graph_node(&c.graph);
        let subject = (c.subject != state::BLANK).then(|| NamedNode::new_unchecked(c.subject.as_str()));
        let read = |side: &Side, present: bool| -> Result<Vec<Quad>, StoreError> {
            if present {
                side.store.subject_in(
                    subject.as_ref().map(NamedNode::as_ref),
                    graph.as_ref().map(NamedNode::as_ref),
                )
            } else {
                Ok(Vec::new())
            }
        };
        let (before, after) = (read(old, c.in_old)?, read(new, c.in_new)?);
        let (removed, added) = if subject.is_none() {
            // Blank node labels differ from store to store: the part is replaced whole.
            (before, after)
        } else {
            let only = |quads: &[Quad], other: &[Quad]| -> Vec<Quad> {
                let other: HashSet<&Quad> = other.iter().collect();
                let mut kept: Vec<Quad> = quads.iter().filter(|q| !other.contains(q)).cloned().collect();
                kept.sort_by_cached_key(ToString::to_string);
                kept
            };
            (only(&before, &after), only(&after, &before))
        };
        if removed.is_empty() && added.is_empty() {
            // The hash of the subject differed but its triples do not (a collision of the 64-bit hashes).
            continue;
        }
        out.push(SubjectChange {
            graph: c.graph,
            subject: c.subject,
            in_old: c.in_old,
            in_new: c.in_new,
            removed,
            added,
        });
    }
    Ok((out, effort))
}
