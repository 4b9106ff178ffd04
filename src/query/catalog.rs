//! Query files: a header of `# key: value` comment lines (title, description, parameters), then SPARQL. Bundled
//! queries are compiled into the binary; user queries are read from a file or given inline.

use crate::files::diagnostic::{Diagnostic, Diagnostics};
use crate::files::input::InputSet;

/// The built-in queries compiled into the binary (see `build.rs`).
mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_queries.rs"));
}
use crate::query::sparql::Engine;

/// What a parameter's value names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// An entity id (`riverside`), bound to its IRI.
    Entity,
    /// A source id (`en-article`), bound to its IRI.
    Source,
    /// Any absolute IRI.
    Iri,
    /// A plain string.
    String,
    /// An integer.
    Integer,
    /// A language tag, bound as a plain string (`it`).
    Language,
}

impl ParamKind {
    const NAMES: [(&'static str, Self); 6] = [
        ("entity", Self::Entity),
        ("source", Self::Source),
        ("iri", Self::Iri),
        ("string", Self::String),
        ("integer", Self::Integer),
        ("language", Self::Language),
    ];

    /// The kind's name in query headers.
    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(_, k)| *k == self).map_or("", |(n, _)| n)
    }
}

/// A declared parameter: a variable of the query that `--param NAME=VALUE` binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamDef {
    /// Variable name without `?`.
    pub name: String,
    /// What the value names.
    pub kind: ParamKind,
    /// What it is for.
    pub description: String,
}

/// A parsed query file.
#[derive(Clone)]
pub struct QueryDef {
    /// The name users call it by (file stem).
    pub name: String,
    /// The path printed in messages.
    pub path: String,
    /// Header title.
    pub title: String,
    /// Header description.
    pub description: String,
    /// Declared parameters.
    pub params: Vec<ParamDef>,
    /// The file's text, header included: the query, checked when the file was read.
    pub text: String,
}

impl std::fmt::Debug for QueryDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryDef")
            .field("name", &self.name)
            .field("path", &self.path)
            .field("title", &self.title)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl QueryDef {
    /// Parses the header and the SPARQL text; errors carry the file, line and column.
    pub fn parse(path: &str, text: &str) -> Result<Self, Diagnostics> {
        let (def, mut problems) = Self::parse_header(path, text);
        // Checked with the prologue of the default base: every base predeclares the same prefix names.
        if let Some(problem) = Engine::default().check(&[(path, text)]).pop().flatten() {
            problems.push(problem);
        }
        problems.into_result(def)
    }

    /// The header read, and its problems; the SPARQL text is not checked.
    fn parse_header(path: &str, text: &str) -> (Self, Diagnostics) {
        let name = path
            .rsplit('/')
            .next()
            .unwrap_or(path)
            .trim_end_matches(".rq")
            .to_owned();
        let mut problems = Diagnostics::default();
        let mut title = String::new();
        let mut description = String::new();
        let mut params = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let Some(comment) = line.trim_end().strip_prefix('#') else {
                break;
            };
            let here = offset;
            offset += line.len();
            let Some((key, value)) = comment.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match key.trim() {
                "title" => value.clone_into(&mut title),
                "description" => value.clone_into(&mut description),
                "param" => {
                    let mut words = value.splitn(3, char::is_whitespace);
                    let (pname, kind, desc) = (words.next(), words.next(), words.next());
                    match (pname, kind.and_then(|k| ParamKind::NAMES.iter().find(|(n, _)| *n == k))) {
                        (Some(pname), Some((_, kind))) if !pname.is_empty() => params.push(ParamDef {
                            name: pname.trim_start_matches('?').to_owned(),
                            kind: *kind,
                            description: desc.unwrap_or("").trim().to_owned(),
                        }),
                        _ => problems.push(Diagnostic::at(
                            path,
                            text,
                            here,
                            "invalid parameter declaration: expected `# param: NAME TYPE DESCRIPTION` with TYPE one of entity, source, iri, string, integer, language",
                        )),
                    }
                }
                _ => {}
            }
        }
        let def = Self {
            name,
            path: path.to_owned(),
            title,
            description,
            params,
            text: text.to_owned(),
        };
        (def, problems)
    }

    /// The parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&ParamDef> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// The built-in queries, those that fit any graph, sorted by name.
pub fn builtin() -> Result<Vec<QueryDef>, Diagnostics> {
    from_inputs(&InputSet::built_in(builtin::QUERIES))
}

/// The queries of a build: the built-in ones and those of the project's `queries` directory (when it has one),
/// sorted by name; a project query of a built-in query's name takes its place.
pub fn catalog(project_queries: Option<&std::path::Path>) -> Result<Vec<QueryDef>, Diagnostics> {
    let mut all = builtin()?;
    if let Some(dir) = project_queries {
        let own = from_inputs(&InputSet::from_dir_any(dir, &["rq"])?)?;
        all.retain(|q| !own.iter().any(|o| o.name == q.name));
        all.extend(own);
        all.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(all)
}

/// Reads the headers of every query of a set; reports all problems. Their SPARQL is checked when they run: these
/// are compiled into the binary and run by the tests, so no command parses all of them at start.
pub fn from_inputs(inputs: &InputSet) -> Result<Vec<QueryDef>, Diagnostics> {
    let mut problems = Diagnostics::default();
    let mut queries = Vec::new();
    for file in &inputs.files {
        let (def, found) = QueryDef::parse_header(&file.path, &file.text);
        match found.into_result(def) {
            Ok(q) => queries.push(q),
            Err(d) => problems.0.extend(d.0),
        }
    }
    queries.sort_by(|a, b| a.name.cmp(&b.name));
    problems.into_result(queries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_header() {
        let q = QueryDef::parse(
            "queries/x.rq",
            "# title: T\n# description: D\n# param: source source The article\nSELECT * WHERE { ?s ?p ?source }\n",
        )
        .unwrap();
        assert_eq!(
            (q.name.as_str(), q.title.as_str(), q.description.as_str()),
            ("x", "T", "D")
        );
        assert_eq!(q.params[0].kind, ParamKind::Source);
        assert_eq!(q.params[0].description, "The article");
    }

    #[test]
    fn syntax_errors_name_file_line_and_column() {
        let err = QueryDef::parse("queries/bad.rq", "# title: T\nSELECT * WHERE {\n  ?s ?p ?o . ?x }\n\n").unwrap_err();
        let text = err.to_string();
        assert_eq!(
            text,
            "queries/bad.rq:3:17: SPARQL syntax error: unexpected \"}\"; expected FILTER, VALUES"
        );
        assert!(text.contains("SPARQL syntax error"), "{text}");
    }
}
