//! A difference as a patch that turns the old graph into the new one: RDF Patch (Apache Jena's format: `TX`, `D`
//! and `A` rows of N-Quads terms, `TC`), or a SPARQL 1.1 Update (`DELETE DATA`, then `INSERT DATA`). Deletions come
//! first, so that applying the patch to the old graph gives the new one.
//!
//! Blank nodes cannot be named from one store to another (a SPARQL `DELETE DATA` may not hold them, and an RDF
//! Patch's labels name the store's own nodes only when it keeps them): a difference that touches one is refused.

use std::io::{self, Write};

use oxigraph::model::{GraphName, Quad, Term};

use super::diff::SubjectChange;
use crate::rdf::ntriples;

/// Most quads in one `DELETE DATA` or `INSERT DATA` operation of an update.
const UPDATE_CHUNK: usize = 10_000;

/// Why a patch cannot be written: a changed quad holds a blank node.
#[derive(Debug, thiserror::Error)]
#[error(
    "the difference touches blank nodes (in graph {graph}), which a patch cannot name from one store to another: \
     compare with --format text or json, or give the blank nodes IRIs"
)]
pub struct BlankNodes {
    /// The graph.
    pub graph: String,
}

fn has_blank(q: &Quad) -> bool {
    q.subject.is_blank_node()
        || matches!(q.object, Term::BlankNode(_))
        || matches!(q.graph_name, GraphName::BlankNode(_))
}

/// Refuses a difference that touches blank nodes.
pub fn check(changes: &[SubjectChange]) -> Result<(), BlankNodes> {
    for c in changes {
        if c.removed.iter().chain(&c.added).any(has_blank) {
            return Err(BlankNodes { graph: c.graph.clone() });
        }
    }
    Ok(())
}

/// Writes an RDF Patch: one transaction, deletions, then additions.
pub fn write_rdf_patch(changes: &[SubjectChange], out: &mut dyn Write) -> io::Result<()> {
    let mut line = Vec::new();
    out.write_all(b"TX .\n")?;
    for (letter, added) in [(b'D', false), (b'A', true)] {
        for c in changes {
            for q in if added { &c.added } else { &c.removed } {
                line.clear();
                line.push(letter);
                line.push(b' ');
                ntriples::push_quad(&mut line, q.as_ref());
                out.write_all(&line)?;
            }
        }
    }
    out.write_all(b"TC .\n")
}

/// Writes a SPARQL 1.1 Update: `DELETE DATA` operations, then `INSERT DATA` ones, of at most 10,000 quads each.
pub fn write_sparql_update(changes: &[SubjectChange], out: &mut dyn Write) -> io::Result<()> {
    let mut first = true;
    for (operation, added) in [("DELETE DATA", false), ("INSERT DATA", true)] {
        let quads: Vec<&Quad> = changes
            .iter()
            .flat_map(|c| if added { &c.added } else { &c.removed })
            .collect();
        for chunk in quads.chunks(UPDATE_CHUNK) {
            if !first {
                out.write_all(b";\n")?;
            }
            first = false;
            writeln!(out, "{operation} {{")?;
            let mut line = Vec::new();
            for q in chunk {
                line.clear();
                let end: &[u8] = if let GraphName::NamedNode(g) = &q.graph_name {
                    line.extend_from_slice(b"  GRAPH ");
                    ntriples::push_iri(&mut line, g.as_str());
                    line.extend_from_slice(b" { ");
                    b" }\n"
                } else {
                    line.extend_from_slice(b"  ");
                    b" .\n"
                };
                ntriples::push_statement(
                    &mut line,
                    q.subject.as_ref(),
                    q.predicate.as_ref(),
                    q.object.as_ref(),
                    end,
                );
                out.write_all(&line)?;
            }
            out.write_all(b"}\n")?;
        }
    }
    Ok(())
}
