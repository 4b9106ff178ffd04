//! The register's own source description: the quads that say what the register is (a `pk:Register` with its title,
//! flagged synthetic where it is), written into its named graph before any row.

use oxigraph::model::{GraphName, Literal, NamedNode, Quad};

use super::description::RegisterTable;
use crate::rdf::iri::Minter;
use crate::rdf::vocab::{dcterms, pk, rdf, rdfs};

/// The quads of the register's source node `source` in `graph`, from its `[register]` table.
pub(super) fn source_quads(table: &RegisterTable, source: &NamedNode, graph: &NamedNode, minter: &Minter) -> Vec<Quad> {
    let g = GraphName::from(graph.clone());
    let s = source;
    let title = Literal::new_language_tagged_literal_unchecked(
        table.title.get_ref(),
        table.title_language.get_ref().to_ascii_lowercase(),
    );
    let mut quads = vec![
        Quad::new(s.clone(), rdf::TYPE, minter.term(pk::SOURCE), g.clone()),
        Quad::new(s.clone(), rdf::TYPE, minter.term(pk::REGISTER), g.clone()),
        Quad::new(s.clone(), dcterms::TITLE, title.clone(), g.clone()),
        Quad::new(s.clone(), rdfs::LABEL, title, g.clone()),
        Quad::new(
            s.clone(),
            minter.term(pk::SYNTHETIC),
            Literal::from(table.synthetic),
            g.clone(),
        ),
    ];
    if let Some(d) = &table.description {
        quads.push(Quad::new(
            s.clone(),
            dcterms::DESCRIPTION,
            Literal::new_language_tagged_literal_unchecked(
                d.get_ref(),
                table.title_language.get_ref().to_ascii_lowercase(),
            ),
            g,
        ));
    }
    quads
}
