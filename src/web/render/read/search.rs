//! The search page's reading: the hits of the search index for the reader's words.

use super::reader::Reader;
use crate::web::render::failure::Failure;

/// The hits of the search index for `query`, only things of `class` (a name the search reads, see
/// [`crate::search::class_iri`]) when one is given; a bad query or class is the reader's to fix.
pub(crate) fn search(
    reader: &Reader<'_>,
    query: &str,
    class: Option<&str>,
    language: Option<&str>,
    limit: usize,
) -> Result<Vec<crate::search::Hit>, Failure> {
    let index = reader.engine.search_index().map_err(Failure::Unavailable)?;
    let class = class
        .filter(|c| !c.trim().is_empty())
        .map(|c| crate::search::class_iri(c, reader.minter))
        .transpose()
        .map_err(|e| Failure::BadInput(format!("class {e}")))?;
    index
        .search(&crate::search::Request {
            query,
            limit,
            class: class.as_deref(),
            language,
        })
        .map_err(|e| match e {
            crate::search::SearchError::Query(m) => Failure::BadInput(m),
            other => Failure::Internal(other.to_string()),
        })
}
