//! A project: a directory with a `powkg.toml`, as a Cargo package has its `Cargo.toml`. The file names the base
//! IRI the graph is minted under and the languages every entity, the dataset and the project's own ontology terms
//! are labelled in; the project's curated data, ontology, queries and registers are directories beside it.
//!
//! ```toml
//! base_iri = "https://example.org/my-graph/"
//! languages = ["en", "fr"]
//! # data = "data"          (the default directories, relative to powkg.toml)
//! # ontology = "ontology"
//! # queries = "queries"
//! # registers = "registers"
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::files::diagnostic::{Diagnostic, Diagnostics};
use crate::files::input::read_text;

/// The name of a project's file.
pub const FILE: &str = "powkg.toml";

/// The languages of a build that names none (no project, no flag).
pub const DEFAULT_LANGUAGES: &[&str] = &["en"];

/// `powkg.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    base_iri: Option<Spanned<String>>,
    languages: Option<Spanned<Vec<Spanned<String>>>>,
    data: Option<Spanned<String>>,
    ontology: Option<Spanned<String>>,
    queries: Option<Spanned<String>>,
    registers: Option<Spanned<String>>,
}

/// A project read from its `powkg.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The directory that holds `powkg.toml`.
    pub root: PathBuf,
    /// The base IRI, when the file gives one.
    pub base_iri: Option<String>,
    /// The languages every entity, the dataset and the project's own terms are labelled in, in the order given.
    pub languages: Vec<String>,
    /// The curated `*.toml` files.
    pub data: PathBuf,
    /// The project's classes and properties (`*.ttl`, `*.toml`) and extra shapes (`*.shapes.ttl`).
    pub ontology: PathBuf,
    /// The project's queries (`*.rq`, with their expected results).
    pub queries: PathBuf,
    /// The registers (`*.csv`, each with its mapping description `*.toml` beside it).
    pub registers: PathBuf,
}

impl Project {
    /// The nearest directory from `start` upwards that holds a `powkg.toml`, as Cargo finds its manifest, written
    /// relative to `start` (empty for `start` itself, `..` for its parent), so that messages name the project's
    /// files as `data/claims.toml`.
    pub fn find(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .position(|dir| dir.join(FILE).is_file())
            .map(|up| (0..up).map(|_| "..").collect())
    }

    /// Reads `DIR/powkg.toml`, naming the line and column of every problem.
    pub fn load(dir: &Path) -> Result<Self, Diagnostics> {
        let file = read_text(&dir.join(FILE)).map_err(|d| Diagnostics(vec![d]))?;
        let raw: Raw = toml::from_str(&file.text).map_err(|e| {
            let message = e.message().trim_end().to_owned();
            Diagnostics(vec![match e.span() {
                Some(span) => Diagnostic::at(&file.path, &file.text, span.start, message),
                None => Diagnostic::file(&file.path, message),
            }])
        })?;
        let mut problems = Diagnostics::default();
        let at =
            |span: std::ops::Range<usize>, message: String| Diagnostic::at(&file.path, &file.text, span.start, message);
        let languages = match raw.languages {
            None => DEFAULT_LANGUAGES.iter().map(|l| (*l).to_owned()).collect(),
            Some(list) => {
                if list.get_ref().is_empty() {
                    problems.push(at(
                        list.span(),
                        "`languages` is empty: name at least one language tag, such as [\"en\"]".to_owned(),
                    ));
                }
                let mut seen: Vec<String> = Vec::new();
                for tag in list.get_ref() {
                    let value = tag.get_ref();
                    if !is_language_tag(value) {
                        problems.push(at(
                            tag.span(),
                            format!("`{value}` is not a language tag: expected a BCP 47 tag such as en, fr or pt-BR"),
                        ));
                    } else if seen.iter().any(|s| s.eq_ignore_ascii_case(value)) {
                        problems.push(at(tag.span(), format!("language `{value}` is named twice")));
                    } else {
                        seen.push(value.to_ascii_lowercase());
                    }
                }
                seen
            }
        };
        let dir_of = |value: Option<Spanned<String>>, default: &str, problems: &mut Diagnostics| match value {
            None => dir.join(default),
            Some(v) => {
                let path = Path::new(v.get_ref());
                if path.is_absolute() || path.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
                    problems.push(at(
                        v.span(),
                        format!(
                            "`{}` leaves the project: name a directory inside it, relative to {FILE}",
                            v.get_ref()
                        ),
                    ));
                }
                dir.join(path)
            }
        };
        let project = Self {
            root: dir.to_path_buf(),
            base_iri: raw.base_iri.map(Spanned::into_inner),
            languages,
            data: dir_of(raw.data, "data", &mut problems),
            ontology: dir_of(raw.ontology, "ontology", &mut problems),
            queries: dir_of(raw.queries, "queries", &mut problems),
            registers: dir_of(raw.registers, "registers", &mut problems),
        };
        problems.into_result(project)
    }

    /// The registers of the project: every `*.csv` of its registers directory that has its mapping description
    /// (`NAME.toml`) beside it, sorted; none when the directory does not exist.
    pub fn registers(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(&self.registers) else {
            return Vec::new();
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "csv") && p.with_extension("toml").is_file())
            .collect();
        found.sort();
        found
    }
}

/// Whether `tag` is a well-formed language tag as RDF literals take them: letters, then `-`-separated subtags of
/// letters and digits (BCP 47's shape, not its registry).
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(text: &str) -> Result<Project, String> {
        let dir = std::env::temp_dir().join(format!("powkg-project-{}-{}", std::process::id(), text.len()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(FILE), text).unwrap();
        let loaded = Project::load(&dir).map_err(|e| e.to_string());
        std::fs::remove_dir_all(&dir).unwrap();
        loaded
    }

    #[test]
    fn reads_languages_and_directories_with_defaults() {
        let p = project("base_iri = \"https://example.org/x/\"\nlanguages = [\"en\", \"pt-BR\"]\nqueries = \"q\"\n")
            .unwrap();
        assert_eq!(p.languages, ["en", "pt-br"]);
        assert_eq!(p.base_iri.as_deref(), Some("https://example.org/x/"));
        assert!(p.data.ends_with("data") && p.queries.ends_with("q"));
        assert_eq!(project("").unwrap().languages, ["en"]);
    }

    #[test]
    fn names_the_line_and_column_of_each_problem() {
        let err = project("languages = [\"en\", \"e n\", \"EN\"]\ndata = \"../elsewhere\"\n").unwrap_err();
        assert!(err.contains("powkg.toml:1:20: `e n` is not a language tag"), "{err}");
        assert!(err.contains("powkg.toml:1:27: language `EN` is named twice"), "{err}");
        assert!(
            err.contains("powkg.toml:2:8: `../elsewhere` leaves the project"),
            "{err}"
        );
        let err = project("langauges = [\"en\"]\n").unwrap_err();
        assert!(err.contains("powkg.toml:1:1: unknown field `langauges`"), "{err}");
    }
}
