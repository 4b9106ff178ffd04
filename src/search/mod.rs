//! Full-text search over the graph: people, places, units, sources, quotations and register records found by name,
//! with folding (case, diacritics, punctuation), one typo tolerated in longer words, ranking and snippets. For
//! `powkg search`, the `pks:search` SPARQL service and the server's pages.
//!
//! The index is tantivy's. An in-memory graph gets an index in memory ([`SearchIndex::in_memory`]); an on-disk store
//! keeps its index in the subdirectory [`INDEX_DIR`] of the store's directory, built in the same staging directory
//! and swapped in by the same rename as the store (see [`crate::store::GraphStore::rebuild_on_disk_with`]), so that
//! the two are always of one build.

mod companion;
mod document;
mod fold;
mod index;
mod query;

use std::path::PathBuf;

use crate::rdf::iri::Minter;

pub use companion::IndexFiles;
pub use document::{Extractor, Field, Searchable, Thing};
pub use fold::{FoldTokenizer, fold, words};
pub use index::{INDEX_DIR, IndexBuilder, SearchIndex, WRITER_MEMORY};
pub use query::{Hit, MAX_LIMIT, MAX_QUERY_CHARS, MAX_QUERY_WORDS, Request, Snippet, UserQuery};

/// Why a search could not run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query is not one powkg can search for: the user's to fix.
    #[error("{0}")]
    Query(String),
    /// The on-disk store has no search index.
    #[error(
        "{}: this store has no search index (it was built by a powkg without search, or with --no-search-index); \
         rebuild it with `powkg build --store {}` to search it",
        .0.display(),
        .0.display()
    )]
    NoIndex(PathBuf),
    /// The in-memory store could not be read to index it.
    #[error(transparent)]
    Store(Box<crate::store::StoreError>),
    /// The on-disk index is damaged: a file fails its checksum, cannot be read, or made the reader fail.
    #[error(
        "{}: the search index is damaged ({detail}); rebuild the store with `powkg build --store {}` to search it",
        .index.display(),
        .store.display()
    )]
    Damaged {
        /// The index's directory, as the user named the store.
        index: PathBuf,
        /// The store.
        store: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The index failed.
    #[error("search index{}: {source}", .path.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default())]
    Index {
        /// The index's directory, for an on-disk one.
        path: Option<PathBuf>,
        /// The cause.
        #[source]
        source: tantivy::TantivyError,
    },
}

impl SearchError {
    fn index(path: Option<&std::path::Path>) -> impl FnOnce(tantivy::TantivyError) -> Self + '_ {
        move |source| Self::Index {
            path: path.map(std::path::Path::to_owned),
            source,
        }
    }
}

/// The IRI of the class the user named: a full IRI (bare or in `<…>`), a prefixed name, or a local name of powkg's
/// ontology.
pub fn class_iri(written: &str, minter: &Minter) -> Result<String, String> {
    let written = written.trim();
    if let Some(iri) = written.strip_prefix('<').and_then(|w| w.strip_suffix('>')) {
        return Ok(iri.to_owned());
    }
    if written.contains("://") {
        return Ok(written.to_owned());
    }
    if let Some((prefix, local)) = written.split_once(':') {
        let known = minter.prefixes().into_iter().chain(
            crate::rdf::vocab::QUERY_PREFIXES
                .iter()
                .map(|(p, n)| ((*p).to_owned(), (*n).to_owned())),
        );
        for (p, namespace) in known {
            if p == prefix {
                return Ok(format!("{namespace}{local}"));
            }
        }
        return Err(format!(
            "{written}: unknown prefix \"{prefix}:\" (give a class's local name as the ontology writes it, a \
             known prefix such as pk: or wikibase:, or a full IRI)"
        ));
    }
    if written.is_empty() || !written.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
        return Err(format!(
            "\"{written}\": expected a class's local name as the ontology writes it, a prefixed name or an IRI"
        ));
    }
    Ok(format!("{}{written}", minter.namespace(crate::rdf::vocab::pk::PATH)))
}
