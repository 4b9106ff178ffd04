//! The index itself: its schema, building it (in memory, or on disk inside a store's staging directory) and opening
//! it.

use std::path::{Path, PathBuf};

use oxigraph::model::Quad;
use tantivy::directory::Directory as _;
use tantivy::schema::{IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

use super::SearchError;
use super::document::{Extractor, Field, Grouper, Thing};
use super::fold::{FoldTokenizer, TOKENIZER};
use crate::rdf::iri::Minter;
use crate::store::GraphStore;

/// The subdirectory of an on-disk store's directory that holds its search index (RocksDB ignores it).
pub const INDEX_DIR: &str = "search";

/// The memory the index writer may use before it writes a segment to disk, in bytes: the bound on what building the
/// index adds to a store build's memory.
pub const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// Separates a label's language from its text in the stored names.
pub(super) const NAME_SEPARATOR: char = '\u{1f}';

/// The index's fields.
#[derive(Debug, Clone)]
pub(super) struct Fields {
    pub iri: tantivy::schema::Field,
    pub class: tantivy::schema::Field,
    pub about: tantivy::schema::Field,
    pub names: tantivy::schema::Field,
    texts: Vec<tantivy::schema::Field>,
}

impl Fields {
    fn schema() -> Schema {
        let mut builder = Schema::builder();
        builder.add_text_field("iri", STRING | STORED);
        builder.add_text_field("class", STRING | STORED);
        builder.add_text_field("about", STRING);
        builder.add_text_field("names", STORED);
        let text = TextOptions::default().set_stored().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        for field in Field::ALL {
            builder.add_text_field(field.name(), text.clone());
        }
        builder.build()
    }

    fn of(schema: &Schema) -> Result<Self, tantivy::TantivyError> {
        let get = |name: &str| schema.get_field(name);
        Ok(Self {
            iri: get("iri")?,
            class: get("class")?,
            about: get("about")?,
            names: get("names")?,
            texts: Field::ALL.iter().map(|f| get(f.name())).collect::<Result<_, _>>()?,
        })
    }

    /// The index field of a text field.
    pub fn text(&self, field: Field) -> tantivy::schema::Field {
        self.texts[Field::ALL.iter().position(|f| *f == field).unwrap_or(0)]
    }

    fn document(&self, thing: &Thing) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        doc.add_text(self.iri, &thing.iri);
        for class in &thing.classes {
            doc.add_text(self.class, class);
        }
        for class in &thing.about {
            doc.add_text(self.about, class);
        }
        for (language, name) in &thing.names {
            doc.add_text(self.names, format!("{language}{NAME_SEPARATOR}{name}"));
        }
        for (field, text) in &thing.texts {
            doc.add_text(self.text(*field), text);
        }
        doc
    }
}

/// A searchable index, ready to answer (see `SearchIndex::search` in `query.rs`).
pub struct SearchIndex {
    pub(super) reader: IndexReader,
    pub(super) fields: Fields,
    /// Where it is, for an on-disk index.
    pub(super) path: Option<PathBuf>,
    /// The store it belongs to, as its user named it (not the private snapshot it may be read from), for messages.
    pub(super) store: Option<PathBuf>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// An index in memory of the graph `quads` (minted by `minter`).
    pub fn in_memory(quads: &[Quad], minter: &Minter) -> Result<Self, SearchError> {
        let mut builder = IndexBuilder::in_memory(Extractor::new(minter, super::Searchable::new()))?;
        builder.add_graph(quads)?;
        builder.finish()
    }

    /// The index of the on-disk store in `store_dir`.
    pub fn open(store_dir: &Path) -> Result<Self, SearchError> {
        Self::open_named(store_dir, store_dir)
    }

    /// The index of the on-disk store in `store_dir`, which its user named `store` (`store_dir` may be a private
    /// snapshot of it). Every file of the index is checked against its checksum first, and any failure to read it,
    /// a panic of tantivy's reader included, is reported as a damaged index naming its directory: a damaged index
    /// must neither stop the process nor give results as if whole.
    pub fn open_named(store_dir: &Path, store: &Path) -> Result<Self, SearchError> {
        let dir = store_dir.join(INDEX_DIR);
        if !dir.join("meta.json").is_file() {
            return Err(SearchError::NoIndex(store.to_owned()));
        }
        let damaged = |detail: String| SearchError::Damaged {
            index: store.join(INDEX_DIR),
            store: store.to_owned(),
            detail,
        };
        let opened = std::panic::catch_unwind(|| -> Result<Self, String> {
            let index = Index::open_in_dir(&dir).map_err(|e| e.to_string())?;
            // Every file of every segment the index lists, whether or not its own list of managed files (which
            // tantivy's `validate_checksum` goes by, and which may be damaged too) names it.
            let files = index.load_metas().map_err(|e| e.to_string())?.list_segment_files();
            let mut bad = Vec::new();
            for file in files {
                let directory = index.directory();
                if directory.exists(&file).map_err(|e| e.to_string())?
                    && !directory.validate_checksum(&file).map_err(|e| e.to_string())?
                {
                    bad.push(file.display().to_string());
                }
            }
            if !bad.is_empty() {
                bad.sort();
                return Err(format!("checksum mismatch in {}", bad.join(", ")));
            }
            let mut ready = Self::ready(&index, Some(dir.clone())).map_err(|e| e.to_string())?;
            // Every segment the index lists must open: a missing file is found now, not by the first query.
            let searcher = ready.reader.searcher();
            for segment in searcher.segment_readers() {
                segment.get_store_reader(0).map_err(|e| e.to_string())?;
            }
            ready.store = Some(store.to_owned());
            Ok(ready)
        });
        match opened {
            Ok(Ok(index)) => Ok(index),
            Ok(Err(detail)) => Err(damaged(detail)),
            Err(panic) => Err(damaged(format!("reading it failed: {}", panic_message(&*panic)))),
        }
    }

    /// The index of `store`: the one kept in its directory for an on-disk store, a fresh one in memory for an
    /// in-memory store. The server and `powkg query` hand it to [`crate::query::sparql::Engine::with_search`].
    pub fn of_store(store: &GraphStore, minter: &Minter) -> Result<Self, SearchError> {
        if let Some(dir) = store.directory() {
            Self::open_named(dir, store.named_path().unwrap_or(dir))
        } else {
            let quads = store.quads().map_err(|e| SearchError::Store(Box::new(e)))?;
            Self::in_memory(&quads, minter)
        }
    }

    fn ready(index: &Index, path: Option<PathBuf>) -> Result<Self, SearchError> {
        index.tokenizers().register(TOKENIZER, FoldTokenizer);
        let fields = Fields::of(&index.schema()).map_err(SearchError::index(path.as_deref()))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(SearchError::index(path.as_deref()))?;
        Ok(Self {
            reader,
            fields,
            path,
            store: None,
        })
    }

    /// The error for a failure of the reader while answering: a damaged index, for an on-disk one.
    pub(super) fn failed(&self, detail: String) -> SearchError {
        match (&self.path, &self.store) {
            (Some(_), Some(store)) => SearchError::Damaged {
                index: store.join(INDEX_DIR),
                store: store.clone(),
                detail,
            },
            (path, _) => SearchError::Index {
                path: path.clone(),
                source: tantivy::TantivyError::InternalError(detail),
            },
        }
    }

    /// How many things the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The text of a caught panic's payload.
pub(super) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned())
}

/// Builds an index from quads: a whole graph at once ([`IndexBuilder::add_graph`]), then streamed batches of
/// register rows ([`IndexBuilder::add_batch`]). The writer indexes on a thread of its own, within
/// [`WRITER_MEMORY`].
pub struct IndexBuilder {
    index: Index,
    writer: IndexWriter<TantivyDocument>,
    fields: Fields,
    extractor: Extractor,
    grouper: Grouper,
    path: Option<PathBuf>,
}

impl IndexBuilder {
    /// A builder of an index in memory.
    pub fn in_memory(extractor: Extractor) -> Result<Self, SearchError> {
        Self::new(Index::create_in_ram(Fields::schema()), extractor, None)
    }

    /// A builder of the index of the store being built in `store_dir` (a staging directory).
    pub fn on_disk(store_dir: &Path, extractor: Extractor) -> Result<Self, SearchError> {
        let dir = store_dir.join(INDEX_DIR);
        std::fs::create_dir_all(&dir).map_err(|e| SearchError::Index {
            path: Some(dir.clone()),
            source: e.into(),
        })?;
        let index = Index::create_in_dir(&dir, Fields::schema()).map_err(SearchError::index(Some(&dir)))?;
        Self::new(index, extractor, Some(dir))
    }

    fn new(index: Index, extractor: Extractor, path: Option<PathBuf>) -> Result<Self, SearchError> {
        index.tokenizers().register(TOKENIZER, FoldTokenizer);
        let fields = Fields::of(&index.schema()).map_err(SearchError::index(path.as_deref()))?;
        let writer = index
            .writer_with_num_threads(1, WRITER_MEMORY)
            .map_err(SearchError::index(path.as_deref()))?;
        Ok(Self {
            index,
            writer,
            fields,
            extractor,
            grouper: Grouper::default(),
            path,
        })
    }

    /// Indexes a whole graph held in memory (the curated one).
    pub fn add_graph(&mut self, quads: &[Quad]) -> Result<(), SearchError> {
        for thing in self.extractor.things(quads) {
            self.add(&thing)?;
        }
        Ok(())
    }

    /// Indexes a batch of streamed quads (register rows, each record's quads together).
    pub fn add_batch(&mut self, batch: &[Quad]) -> Result<(), SearchError> {
        let mut things = Vec::new();
        self.grouper.push(&self.extractor, batch, &mut |t| things.push(t));
        things.iter().try_for_each(|t| self.add(t))
    }

    fn add(&self, thing: &Thing) -> Result<(), SearchError> {
        self.writer
            .add_document(self.fields.document(thing))
            .map(drop)
            .map_err(SearchError::index(self.path.as_deref()))
    }

    fn commit(&mut self) -> Result<(), SearchError> {
        let mut things = Vec::new();
        self.grouper.flush(&self.extractor, &mut |t| things.push(t));
        things.iter().try_for_each(|t| self.add(t))?;
        self.writer
            .commit()
            .map(drop)
            .map_err(SearchError::index(self.path.as_deref()))
    }

    /// Commits what was added and opens the index for searching.
    pub fn finish(mut self) -> Result<SearchIndex, SearchError> {
        self.commit()?;
        let path = self.path.clone();
        self.writer
            .wait_merging_threads()
            .map_err(SearchError::index(path.as_deref()))?;
        SearchIndex::ready(&self.index, path)
    }

    /// Commits what was added and closes the index (an on-disk one, to be moved into place with its store).
    pub fn close(mut self) -> Result<(), SearchError> {
        self.commit()?;
        self.writer
            .wait_merging_threads()
            .map_err(SearchError::index(self.path.as_deref()))
    }
}
