//! Queries shown to readers, not run by the pages: a link that opens the query page on them (on a static site,
//! their text). A reader's query page runs what it is sent, so the term they are about is written into their text,
//! in SPARQL's syntax for an IRI (a [`NamedNode`] is checked, and holds no `>`).

use oxigraph::model::NamedNode;

/// The query listing the members of `class`, as `?variable`.
pub(crate) fn members(variable: &str, class: &NamedNode) -> String {
    [
        "SELECT ?",
        variable,
        " WHERE { ?",
        variable,
        " a ",
        &class.to_string(),
        " }",
    ]
    .concat()
}

/// The query listing every link to `iri`.
pub(crate) fn links_to(iri: &NamedNode) -> String {
    [
        "SELECT ?subject ?predicate WHERE { ?subject ?predicate ",
        &iri.to_string(),
        " }",
    ]
    .concat()
}
