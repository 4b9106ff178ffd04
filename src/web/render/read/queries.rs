//! The pages' own queries: `.rq` files in the catalog's syntax (a header with title, description and parameters,
//! then SPARQL), run with their parameters bound as RDF terms, never written into their text. They are the pages',
//! not the project's: `powkg queries` lists only the project's.

use std::sync::LazyLock;

use crate::files::input::InputSet;
use crate::query::QueryDef;
use crate::query::catalog;

/// A query of the pages, named after its file in `queries/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageQuery {
    /// Who points at `?target`, and with which predicate.
    LinksTo,
    /// How many triples point at `?target`.
    CountLinksTo,
    /// The things of `?class`.
    Members,
    /// How many things `?class` has.
    CountMembers,
    /// How many statements conflict with another.
    CountConflicting,
    /// How many quads the store holds.
    CountQuads,
    /// How many quads `?graph` holds.
    CountGraph,
    /// The dated statements of the curated graph.
    Timeline,
    /// The statements derived from `?reference`.
    CitingStatements,
    /// The predicates of `?role` in the properties' families.
    Roles,
    /// The datasets the store describes.
    Datasets,
    /// The classes of entities.
    EntityClasses,
    /// The terms of `?ontology`.
    OntologyTerms,
    /// The property declaring the family predicate `?predicate`.
    FamilyProperty,
    /// The citations of `?work`.
    Citations,
    /// Names of entities, for the search box.
    SearchExamples,
}

/// Each query with its file, in the order of [`PageQuery`].
const FILES: [(PageQuery, &str, &str); 16] = [
    (PageQuery::LinksTo, "links-to", include_str!("queries/links-to.rq")),
    (
        PageQuery::CountLinksTo,
        "count-links-to",
        include_str!("queries/count-links-to.rq"),
    ),
    (PageQuery::Members, "members", include_str!("queries/members.rq")),
    (
        PageQuery::CountMembers,
        "count-members",
        include_str!("queries/count-members.rq"),
    ),
    (
        PageQuery::CountConflicting,
        "count-conflicting",
        include_str!("queries/count-conflicting.rq"),
    ),
    (
        PageQuery::CountQuads,
        "count-quads",
        include_str!("queries/count-quads.rq"),
    ),
    (
        PageQuery::CountGraph,
        "count-graph",
        include_str!("queries/count-graph.rq"),
    ),
    (PageQuery::Timeline, "timeline", include_str!("queries/timeline.rq")),
    (
        PageQuery::CitingStatements,
        "citing-statements",
        include_str!("queries/citing-statements.rq"),
    ),
    (PageQuery::Roles, "roles", include_str!("queries/roles.rq")),
    (PageQuery::Datasets, "datasets", include_str!("queries/datasets.rq")),
    (
        PageQuery::EntityClasses,
        "entity-classes",
        include_str!("queries/entity-classes.rq"),
    ),
    (
        PageQuery::OntologyTerms,
        "ontology-terms",
        include_str!("queries/ontology-terms.rq"),
    ),
    (
        PageQuery::FamilyProperty,
        "family-property",
        include_str!("queries/family-property.rq"),
    ),
    (PageQuery::Citations, "citations", include_str!("queries/citations.rq")),
    (
        PageQuery::SearchExamples,
        "search-examples",
        include_str!("queries/search-examples.rq"),
    ),
];

/// The queries' headers, read once; their SPARQL is checked by the tests below and by the engine when they run.
static PARSED: LazyLock<Vec<QueryDef>> = LazyLock::new(|| {
    let files: Vec<(String, &str)> = FILES
        .iter()
        .map(|(_, name, text)| (format!("src/web/render/read/queries/{name}.rq"), *text))
        .collect();
    let entries: Vec<(&str, &str)> = files.iter().map(|(path, text)| (path.as_str(), *text)).collect();
    catalog::from_inputs(&InputSet::built_in(&entries)).unwrap_or_else(|e| panic!("a page query's header: {e}"))
});

impl PageQuery {
    /// The parsed query.
    ///
    /// # Panics
    ///
    /// If a file's header is malformed, which the tests below rule out.
    pub(crate) fn def(self) -> &'static QueryDef {
        let name = FILES
            .iter()
            .find(|(q, _, _)| *q == self)
            .map_or("", |(_, name, _)| *name);
        PARSED
            .iter()
            .find(|def| def.name == name)
            .unwrap_or_else(|| panic!("no page query named {name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_query_parses_and_declares_what_it_binds() {
        for (query, name, text) in FILES {
            let path = format!("src/web/render/read/queries/{name}.rq");
            let checked = QueryDef::parse(&path, text).unwrap_or_else(|e| panic!("{e}"));
            let def = query.def();
            assert_eq!((def.name.as_str(), def.params.len()), (name, checked.params.len()));
            assert!(!def.title.is_empty() && !def.description.is_empty(), "{path}: a header");
        }
    }
}
