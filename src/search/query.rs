//! A user's query: parsed into folded words and quoted phrases (never handed to tantivy's query parser, whose
//! syntax a name may trip), turned into a tantivy query (every word must match; exact and prefix matches weigh more
//! than a one-typo match; labels more than descriptions), run, and each hit given its matched text and a snippet.

use std::collections::HashSet;
use std::ops::Range;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

use super::SearchError;
use super::document::Field;
use super::fold::{within_one_edit, words};
use super::index::{NAME_SEPARATOR, SearchIndex};

/// Longest query searched for, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most words in a query.
pub const MAX_QUERY_WORDS: usize = 32;
/// Most hits one search returns.
pub const MAX_LIMIT: usize = 10_000;
/// Words at least this long (in characters) also match as a prefix ("Lasc" finds Lascăr).
const PREFIX_FROM: usize = 3;
/// Words at least this long also match with one typo ("Scarrow" finds Scorrow, "Penhalow" Penhallow).
const FUZZY_FROM: usize = 5;
/// Longest snippet, in bytes (about).
const SNIPPET_BYTES: usize = 200;

/// A query as the user wrote it, parsed: single words and quoted phrases, folded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserQuery {
    /// Words that must each match somewhere in a thing.
    pub words: Vec<String>,
    /// Quoted phrases of two words or more, which must match as written, in order, in one text.
    pub phrases: Vec<Vec<String>>,
}

impl UserQuery {
    /// Parses `text`: words split and folded as the index's texts are; `"…"` a phrase; an unbalanced quote is
    /// taken as a literal (and, being punctuation, splits words). Every other character is text, never syntax.
    pub fn parse(text: &str) -> Result<Self, SearchError> {
        let refuse = |message: String| Err(SearchError::Query(message));
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return refuse("the search query is empty: give at least one word to search for".into());
        }
        let chars = trimmed.chars().count();
        if chars > MAX_QUERY_CHARS {
            return refuse(format!(
                "the search query is {chars} characters long; powkg searches for at most {MAX_QUERY_CHARS} \
                 characters (a few names or words)"
            ));
        }
        let parts: Vec<&str> = trimmed.split('"').collect();
        let mut query = Self {
            words: Vec::new(),
            phrases: Vec::new(),
        };
        let mut count = 0;
        for (i, part) in parts.iter().enumerate() {
            let found: Vec<String> = words(part).into_iter().map(|(w, _)| w).collect();
            count += found.len();
            let quoted = i % 2 == 1 && i + 1 < parts.len();
            if quoted && found.len() > 1 {
                query.phrases.push(found);
            } else {
                query.words.extend(found);
            }
        }
        if count > MAX_QUERY_WORDS {
            return refuse(format!(
                "the search query has {count} words; powkg searches for at most {MAX_QUERY_WORDS}"
            ));
        }
        if count == 0 {
            return refuse(format!(
                "the search query \"{trimmed}\" has no letter or digit to search for (powkg has no query syntax: \
                 write the words, and quote a phrase with \"…\")"
            ));
        }
        Ok(query)
    }

    /// Every folded word of the query, phrases included.
    fn all_words(&self) -> impl Iterator<Item = &String> {
        self.words.iter().chain(self.phrases.iter().flatten())
    }
}

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct Request<'a> {
    /// The user's query text.
    pub query: &'a str,
    /// Most hits wanted.
    pub limit: usize,
    /// Only things of this class (a full IRI), or statements about one.
    pub class: Option<&'a str>,
    /// The language whose labels name the hits, when they have one in it (English otherwise, then any).
    pub language: Option<&'a str>,
}

/// A matched thing.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    /// 1 for the best.
    pub rank: usize,
    /// Its IRI.
    pub iri: String,
    /// Its most telling class (IRI).
    pub class: String,
    /// Its label, in the language asked for where it has one.
    pub label: String,
    /// Its score (higher is better; comparable within one search only).
    pub score: f32,
    /// The field of the text that matched best: `label`, `altLabel`, `statement`, `description`, `quotation` or
    /// `other`.
    pub field: &'static str,
    /// That text, whole.
    pub text: String,
    /// The part of it around the matched words, with the words marked.
    pub snippet: Snippet,
}

/// A text with marked ranges: plain text, so that a page escapes it as it writes it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Snippet {
    /// The text (a part of the matched text; `…` where it was cut).
    pub text: String,
    /// Byte ranges of `text` that matched, in order, not overlapping.
    pub marks: Vec<Range<usize>>,
}

impl Snippet {
    /// The text in pieces, each with whether it is marked: what a writer of HTML or a terminal walks.
    pub fn pieces(&self) -> Vec<(&str, bool)> {
        let mut pieces = Vec::new();
        let mut at = 0;
        for mark in &self.marks {
            if mark.start > at {
                pieces.push((&self.text[at..mark.start], false));
            }
            pieces.push((&self.text[mark.clone()], true));
            at = mark.end;
        }
        if at < self.text.len() {
            pieces.push((&self.text[at..], false));
        }
        pieces
    }

    /// The text with each marked range between `open` and `close`.
    pub fn marked(&self, open: &str, close: &str) -> String {
        self.pieces()
            .into_iter()
            .map(|(piece, marked)| {
                if marked {
                    format!("{open}{piece}{close}")
                } else {
                    piece.to_owned()
                }
            })
            .collect()
    }
}

impl SearchIndex {
    /// Runs `request`: the best hits first.
    pub fn search(&self, request: &Request<'_>) -> Result<Vec<Hit>, SearchError> {
        let parsed = UserQuery::parse(request.query)?;
        let query = self.query(&parsed, request.class);
        let limit = request.limit.clamp(1, MAX_LIMIT);
        // A damaged index that passed the checks of its opening may still make tantivy's reader panic: the last
        // resort is to catch that and say the index is damaged, rather than stop the process.
        let found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let searcher = self.reader.searcher();
            let top = searcher
                .search(&query, &TopDocs::with_limit(limit).order_by_score())
                .map_err(|e| e.to_string())?;
            let mut hits = Vec::with_capacity(top.len());
            for (score, address) in top {
                let doc: TantivyDocument = searcher.doc(address).map_err(|e| e.to_string())?;
                hits.push(self.hit(&doc, score, &parsed, request.language));
            }
            Ok::<_, String>(hits)
        }));
        let mut hits = match found {
            Ok(Ok(hits)) => hits,
            Ok(Err(detail)) => return Err(self.failed(detail)),
            Err(panic) => {
                return Err(self.failed(format!("reading it failed: {}", super::index::panic_message(&*panic))));
            }
        };
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.iri.cmp(&b.iri)));
        for (i, hit) in hits.iter_mut().enumerate() {
            hit.rank = i + 1;
        }
        Ok(hits)
    }

    fn query(&self, parsed: &UserQuery, class: Option<&str>) -> BooleanQuery {
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in &parsed.words {
            let per_field = Field::ALL
                .iter()
                .map(|&field| {
                    let f = self.fields.text(field);
                    let term = Term::from_field_text(f, word);
                    let mut ways: Vec<(Occur, Box<dyn Query>)> = vec![(
                        Occur::Should,
                        Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                    )];
                    let length = word.chars().count();
                    if length >= PREFIX_FROM {
                        ways.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(
                                Box::new(FuzzyTermQuery::new_prefix(term.clone(), 0, true)),
                                0.5,
                            )),
                        ));
                    }
                    if length >= FUZZY_FROM {
                        ways.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(FuzzyTermQuery::new(term, 1, true)), 0.3)),
                        ));
                    }
                    Box::new(BoostQuery::new(Box::new(BooleanQuery::new(ways)), field.boost())) as Box<dyn Query>
                })
                .collect();
            must.push((
                Occur::Must,
                Box::new(DisjunctionMaxQuery::with_tie_breaker(per_field, 0.1)),
            ));
        }
        for phrase in &parsed.phrases {
            let per_field = Field::ALL
                .iter()
                .map(|&field| {
                    let f = self.fields.text(field);
                    let terms = phrase.iter().map(|w| Term::from_field_text(f, w)).collect();
                    Box::new(BoostQuery::new(Box::new(PhraseQuery::new(terms)), field.boost())) as Box<dyn Query>
                })
                .collect();
            must.push((
                Occur::Must,
                Box::new(DisjunctionMaxQuery::with_tie_breaker(per_field, 0.1)),
            ));
        }
        if let Some(class) = class {
            let either = BooleanQuery::new(vec![
                (
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(self.fields.class, class),
                        IndexRecordOption::Basic,
                    )),
                ),
                (
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(self.fields.about, class),
                        IndexRecordOption::Basic,
                    )),
                ),
            ]);
            must.push((Occur::Must, Box::new(BoostQuery::new(Box::new(either), 0.0))));
        }
        BooleanQuery::new(must)
    }

    fn hit(&self, doc: &TantivyDocument, score: f32, parsed: &UserQuery, language: Option<&str>) -> Hit {
        let first = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let names: Vec<(&str, &str)> = doc
            .get_all(self.fields.names)
            .filter_map(|v| v.as_str())
            .filter_map(|n| n.split_once(NAME_SEPARATOR))
            .collect();
        let label = [language, Some("en")]
            .into_iter()
            .flatten()
            .find_map(|l| names.iter().find(|(nl, _)| nl.eq_ignore_ascii_case(l)))
            .or_else(|| names.first())
            .map_or_else(String::new, |(_, n)| (*n).to_owned());
        // The text that matches the most of the query's words, the weightiest field first among equals.
        let mut best: Option<(usize, Field, &str, Vec<Range<usize>>)> = None;
        for field in Field::ALL {
            for text in doc.get_all(self.fields.text(field)).filter_map(|v| v.as_str()) {
                let (matched, marks) = marks(text, parsed);
                let (most, same_field) = best.as_ref().map_or((0, false), |b| (b.0, b.1 == field));
                // Among equal texts of one field, the label the hit is shown with.
                if matched > most || (matched == most && matched > 0 && same_field && text == label) {
                    best = Some((matched, field, text, marks));
                }
            }
        }
        let (field, text, snippet) = match best {
            Some((_, field, text, marks)) => (field.name(), text.to_owned(), snippet(text, &marks)),
            None => (
                Field::Label.name(),
                label.clone(),
                Snippet {
                    text: label.clone(),
                    marks: Vec::new(),
                },
            ),
        };
        Hit {
            rank: 0,
            iri: first(self.fields.iri),
            class: first(self.fields.class),
            label,
            score,
            field,
            text,
            snippet,
        }
    }
}

/// How many of the query's distinct words `text` matches, and where (byte ranges of the matching words).
fn marks(text: &str, parsed: &UserQuery) -> (usize, Vec<Range<usize>>) {
    let wanted: Vec<&String> = parsed.all_words().collect();
    let mut matched = HashSet::new();
    let mut ranges = Vec::new();
    for (word, range) in words(text) {
        let hit = wanted.iter().position(|w| {
            let length = w.chars().count();
            word == **w
                || (length >= PREFIX_FROM && word.starts_with(String::as_str(w)))
                || (length >= FUZZY_FROM && within_one_edit(&word, w))
        });
        if let Some(i) = hit {
            matched.insert(wanted[i].as_str());
            ranges.push(range);
        }
    }
    (matched.len(), ranges)
}

/// The part of `text` around its first mark, at most about [`SNIPPET_BYTES`] long, with the marks inside it.
fn snippet(text: &str, marks: &[Range<usize>]) -> Snippet {
    if text.len() <= SNIPPET_BYTES {
        return Snippet {
            text: text.to_owned(),
            marks: marks.to_vec(),
        };
    }
    let first = marks.first().map_or(0, |m| m.start);
    let mut start = first.saturating_sub(SNIPPET_BYTES / 3);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    // Start at a word.
    if start > 0
        && let Some(space) = text[start..first].find(char::is_whitespace)
    {
        start += space + 1;
    }
    let mut end = (start + SNIPPET_BYTES).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if end < text.len()
        && let Some(space) = text[first.max(start)..end].rfind(char::is_whitespace)
    {
        end = first.max(start) + space;
    }
    let lead = if start > 0 { "… " } else { "" };
    let tail = if end < text.len() { " …" } else { "" };
    let shift = lead.len();
    Snippet {
        text: format!("{lead}{}{tail}", &text[start..end]),
        marks: marks
            .iter()
            .filter(|m| m.start >= start && m.end <= end)
            .map(|m| m.start - start + shift..m.end - start + shift)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_phrases_are_parsed_without_syntax() {
        let q = UserQuery::parse("\"Anaïs Ménard\" tillerstone").unwrap();
        assert_eq!(q.phrases, [vec!["anais".to_owned(), "menard".to_owned()]]);
        assert_eq!(q.words, ["tillerstone"]);
        // An unbalanced quote is a literal: the words around it are words.
        let q = UserQuery::parse("Anaïs \"Ménard").unwrap();
        assert_eq!(q.words, ["anais", "menard"]);
        assert!(q.phrases.is_empty());
        // Query-syntax characters of other engines are punctuation here.
        let q = UserQuery::parse("title:Ménard -anais +x* (a OR b)").unwrap();
        assert_eq!(q.words, ["title", "menard", "anais", "x", "a", "or", "b"]);
    }

    #[test]
    fn bad_queries_get_a_clear_answer() {
        let message = |q: &str| UserQuery::parse(q).unwrap_err().to_string();
        assert!(message("").contains("empty"));
        assert!(message("   ").contains("empty"));
        assert!(message("*").contains("no letter or digit"));
        assert!(message("\"").contains("no letter or digit"));
        assert!(message(&"a".repeat(10_000)).contains("10000 characters long"));
        assert!(message(&"ab ".repeat(40)).contains("40 words"));
    }

    /// The index of the fixture project `tests/fixtures/projects/canal` (a fictional canal company), and the IRIs
    /// `query` finds in it (with `class`, a full IRI).
    fn fixture() -> &'static SearchIndex {
        static INDEX: std::sync::LazyLock<SearchIndex> = std::sync::LazyLock::new(|| {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/projects/canal");
            let project = crate::build::project::Project::load(&root).unwrap();
            let minter = crate::rdf::iri::Minter::new(project.base_iri.as_deref().unwrap()).unwrap();
            let sources = crate::build::pipeline::Sources::of_project(&project);
            let built = crate::build::pipeline::build(&sources, &minter).unwrap();
            SearchIndex::in_memory(&built.quads, &minter).unwrap()
        });
        &INDEX
    }

    fn found(query: &str, class: Option<&str>) -> Vec<Hit> {
        fixture()
            .search(&Request {
                query,
                limit: 100,
                class,
                language: None,
            })
            .unwrap()
    }

    fn rank(hits: &[Hit], iri_end: &str) -> usize {
        hits.iter()
            .position(|h| h.iri.ends_with(iri_end))
            .unwrap_or_else(|| panic!("{iri_end} not found: {hits:#?}"))
    }

    #[test]
    fn the_entity_ranks_above_the_statements_that_name_it() {
        for query in ["Penhallow", "Pénhallow", "josiah penhallow"] {
            let hits = found(query, None);
            assert!(hits[0].iri.ends_with("/entity/josiah-penhallow"), "{query}: {hits:#?}");
            assert_eq!(hits[0].field, "label");
            assert!(hits.iter().skip(1).all(|h| h.score <= hits[0].score));
            // The sources' words name him by his family name alone.
            assert!(
                query.contains(' ') || hits.iter().any(|h| h.field == "quotation"),
                "{query}: quotations name him too"
            );
        }
    }

    #[test]
    fn exact_matches_rank_above_prefix_and_one_typo_matches() {
        // Two sources spell one name "Scarrow" and "Scorrow", one typo apart.
        let hits = found("Scarrow", None);
        assert!(rank(&hits, "scarrow-name-web") < rank(&hits, "scarrow-name-minutes"));
        let hits = found("Scorrow", None);
        assert!(rank(&hits, "scarrow-name-minutes") < rank(&hits, "scarrow-name-web"));
        // The same thing found exactly, by prefix and by a typo scores in that order.
        let score = |q: &str| {
            found(q, None)
                .iter()
                .find(|h| h.iri.ends_with("/entity/josiah-penhallow"))
                .unwrap()
                .score
        };
        assert!(score("Penhallow") > score("Penhal"));
        assert!(score("Penhal") > score("Penhallwo"));
        // Words shorter than five letters need to be exact (or a prefix).
        assert!(found("Sxar", None).is_empty());
    }

    #[test]
    fn every_word_must_match() {
        // The words may match in different fields of one thing (his label, and his description).
        assert!(
            found("Penhallow engineer", None)
                .iter()
                .any(|h| h.iri.ends_with("/entity/josiah-penhallow"))
        );
        assert!(
            !found("Penhallow Tillerstone", None)
                .iter()
                .any(|h| h.iri.ends_with("/entity/josiah-penhallow"))
        );
        assert!(found("Penhallow zzzzqqq", None).is_empty());
    }

    #[test]
    fn a_class_keeps_its_things_and_the_statements_about_them() {
        let person = "https://example.org/canal/ontology#Person";
        let hits = found("Scarrow", Some(person));
        assert!(hits[0].iri.ends_with("/entity/edmund-scarrow"), "{hits:#?}");
        assert!(
            hits.iter()
                .all(|h| h.class == person || h.class.ends_with("#Statement")),
            "{hits:#?}"
        );
        assert!(hits.iter().any(|h| h.iri.ends_with("scarrow-name-web")), "{hits:#?}");
        let lock = "https://example.org/canal/ontology#Lock";
        assert!(
            found("Penhallow", Some(lock))
                .iter()
                .all(|h| !h.iri.ends_with("/entity/josiah-penhallow"))
        );
    }

    #[test]
    fn snippets_mark_the_words_and_cut_long_texts() {
        let q = UserQuery::parse("menard").unwrap();
        let text = "the lock at Zoë's Reach, built in 1802 by Anaïs Ménard";
        let (n, m) = marks(text, &q);
        assert_eq!(n, 1);
        let s = snippet(text, &m);
        assert_eq!(
            s.marked("[", "]"),
            "the lock at Zoë's Reach, built in 1802 by Anaïs [Ménard]"
        );
        let long = format!("{} Anaïs Ménard {}", "word ".repeat(100), "more ".repeat(100));
        let (_, m) = marks(&long, &q);
        let s = snippet(&long, &m);
        assert!(s.text.len() < SNIPPET_BYTES + 10, "{}", s.text);
        assert!(s.text.starts_with("… ") && s.text.ends_with(" …"));
        assert_eq!(s.pieces().iter().filter(|(_, marked)| *marked).count(), 1);
        assert!(s.marked("[", "]").contains("[Ménard]"));
    }
}
