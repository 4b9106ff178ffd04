//! The long lists that have pages of their own, read one page at a time: the links to a thing and the members of a
//! class. One query with `OFFSET` each: the evaluator skips on encoded terms, without reading the strings of the
//! rows it passes (page 450 of a thing's 459,861 links in about half a second).

use oxigraph::model::{NamedNode, Term};
use oxigraph::sparql::QuerySolution;

use super::queries::PageQuery;
use super::reader::Reader;
use crate::query::select::Slice;
use crate::web::render::failure::Failure;

/// Links listed on one page of what points at a thing.
pub const MENTIONS_PAGE: usize = 1000;

/// Entities listed on one page of a class's index.
pub const CLASS_PAGE: usize = 1000;

/// Page `page` (from 1) of the links to `iri` (each subject and predicate once), in the store's order, as
/// [`crate::store::GraphStore::links_to`] streams them for a static site; and whether there are more. No filter on
/// the subjects' kind: a filter makes the evaluator read every row it skips (eight times slower), and the graph
/// powkg builds has no blank nodes, so no row is dropped after the query there for a blank subject.
pub(crate) fn links_to(
    reader: &Reader<'_>,
    iri: &NamedNode,
    page: usize,
) -> Result<(Vec<(NamedNode, NamedNode)>, bool), Failure> {
    page_of(
        reader,
        PageQuery::LinksTo,
        ("target", iri),
        page,
        MENTIONS_PAGE,
        |row| match (row.get("s"), row.get("p")) {
            (Some(Term::NamedNode(s)), Some(Term::NamedNode(p))) => Some((s.clone(), p.clone())),
            _ => None,
        },
    )
}

/// Page `page` (from 1) of the entities of `class` in the store's order, as
/// [`crate::store::GraphStore::instances`] streams them for a static site; and whether there are more.
pub(crate) fn members(reader: &Reader<'_>, class: &NamedNode, page: usize) -> Result<(Vec<NamedNode>, bool), Failure> {
    page_of(
        reader,
        PageQuery::Members,
        ("class", class),
        page,
        CLASS_PAGE,
        |row| match row.get("s") {
            Some(Term::NamedNode(s)) => Some(s.clone()),
            _ => None,
        },
    )
}

/// Page `page` (from 1) of `per_page` rows of `query` with `param` bound, each read by `row` (`None` drops it),
/// and whether there are more: one row more than a page is asked for.
fn page_of<T>(
    reader: &Reader<'_>,
    query: PageQuery,
    (name, value): (&str, &NamedNode),
    page: usize,
    per_page: usize,
    row: impl Fn(&QuerySolution) -> Option<T>,
) -> Result<(Vec<T>, bool), Failure> {
    let slice = Slice {
        offset: (page.max(1) - 1) * per_page,
        limit: Some(per_page + 1),
    };
    let mut rows: Vec<T> = reader
        .select(query, &[(name, value.clone().into())], slice)?
        .iter()
        .filter_map(row)
        .collect();
    let has_next = rows.len() > per_page;
    rows.truncate(per_page);
    Ok((rows, has_next))
}
