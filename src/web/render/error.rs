//! Why a renderer could not be made: the store does not describe the dataset its pages are about, or reading the
//! dataset's description failed.

use crate::query::QueryError;
use crate::store::StoreError;

/// Why [`super::Renderer::new`] failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The store describes no dataset under the base IRI (built under another one, or not by powkg).
    #[error("the store holds no dataset description at {dataset} (base IRI {base}){hint}")]
    NoDataset {
        /// The dataset IRI looked for (`<…/dataset>`, as written in SPARQL).
        dataset: String,
        /// The base IRI given.
        base: String,
        /// Where the store's dataset is, when it describes one (`; it describes …, so it was built with …`).
        hint: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// One of the renderer's own queries failed.
    #[error("internal query failed: {0}")]
    Query(#[from] QueryError),
}
