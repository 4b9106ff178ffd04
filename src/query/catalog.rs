//! Query files: a header of `# key: value` comment lines (title, description, parameters), then SPARQL. Bundled
//! queries are compiled into the binary; user queries are read from a file or given inline.

use oxigraph::sparql::{PreparedSparqlQuery, SparqlEvaluator};

use crate::diagnostic::{Diagnostic, Diagnostics, Position};
use crate::input::{InputSet, bundled};

/// What a parameter's value names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// An entity id (`karlag`), bound to its IRI.
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
    /// The parsed query, ready to bind and run.
    pub query: PreparedSparqlQuery,
    /// The file's text, header included.
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
        let query = match SparqlEvaluator::new().parse_query(text) {
            Ok(q) => Some(q),
            Err(e) => {
                problems.push(syntax_diagnostic(path, text, &e.to_string()));
                None
            }
        };
        match query {
            Some(query) => problems.into_result(Self {
                name,
                path: path.to_owned(),
                title,
                description,
                params,
                query,
                text: text.to_owned(),
            }),
            None => Err(problems.into_result(()).unwrap_err()),
        }
    }

    /// The parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&ParamDef> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// Turns the SPARQL parser's `error at L:C: expected …` into a located diagnostic that says what was found there
/// and, in words a user knows, what was expected. The parser reports the furthest point it reached, which after
/// trailing blank lines is past the last token; such positions are moved back to the query's last character.
pub fn syntax_diagnostic(path: &str, text: &str, message: &str) -> Diagnostic {
    let located = message.strip_prefix("error at ").and_then(|rest| {
        let (position, detail) = rest.split_once(": ")?;
        let (line, column) = position.split_once(':')?;
        Some((line.parse().ok()?, column.parse().ok()?, detail))
    });
    // The parser's furthest point can lie well past an unbalanced bracket; that mistake is found exactly here.
    if let Some((offset, problem)) = unbalanced_bracket(text) {
        return Diagnostic::at(path, text, offset, format!("SPARQL syntax error: {problem}"));
    }
    let Some((line, column, detail)) = located else {
        return Diagnostic::file(path, format!("SPARQL syntax error: {message}"));
    };
    let reported = Position { line, column };
    let last = Position::of_offset(text, text.trim_end().len().saturating_sub(1));
    let position = reported.min(last);
    let found = token_at(text, position).map_or_else(|| "end of query".to_owned(), |t| format!("\"{t}\""));
    let expected = expected_tokens(detail);
    let message = if expected.is_empty() {
        format!("SPARQL syntax error: unexpected {found}")
    } else {
        format!(
            "SPARQL syntax error: unexpected {found}; expected {}",
            expected.join(", ")
        )
    };
    Diagnostic {
        path: path.to_owned(),
        position: Some(position),
        message,
    }
}

/// The first bracket that closes nothing or is never closed, skipping comments, strings and IRIs.
fn unbalanced_bracket(text: &str) -> Option<(usize, String)> {
    let bytes = text.as_bytes();
    let mut stack: Vec<(usize, u8)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            quote @ (b'"' | b'\'') => {
                let long = bytes[i..].starts_with(&[quote; 3]);
                i += if long { 3 } else { 1 };
                while i < bytes.len() {
                    if bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if long && bytes[i..].starts_with(&[quote; 3]) {
                        i += 2;
                        break;
                    }
                    if !long && (bytes[i] == quote || bytes[i] == b'\n') {
                        break;
                    }
                    i += 1;
                }
            }
            b'<' => {
                // An IRI reference has no spaces up to its `>`; otherwise `<` is the less-than operator.
                if let Some(end) = bytes[i + 1..]
                    .iter()
                    .position(|b| matches!(b, b'>' | b' ' | b'\n' | b'\t'))
                    && bytes[i + 1 + end] == b'>'
                {
                    i += end + 1;
                }
            }
            open @ (b'(' | b'{' | b'[') => stack.push((i, open)),
            close @ (b')' | b'}' | b']') => {
                let wanted = match close {
                    b')' => b'(',
                    b'}' => b'{',
                    _ => b'[',
                };
                match stack.pop() {
                    Some((_, open)) if open == wanted => {}
                    Some((_, open)) => {
                        let (close, open) = (close as char, open as char);
                        return Some((
                            i,
                            format!("unexpected \"{close}\": the bracket open here is \"{open}\""),
                        ));
                    }
                    None => return Some((i, format!("unexpected \"{}\": no bracket is open here", close as char))),
                }
            }
            _ => {}
        }
        i += 1;
    }
    stack
        .pop()
        .map(|(at, open)| (at, format!("\"{}\" is never closed", open as char)))
}

/// The keywords and punctuation the parser expected, without its internal character classes.
fn expected_tokens(detail: &str) -> Vec<&str> {
    let list = detail.strip_prefix("expected ").unwrap_or(detail);
    let list = list.strip_prefix("one of ").unwrap_or(list);
    list.split(", ")
        .map(str::trim)
        .filter(|t| {
            (t.len() >= 3 && t.starts_with('"') && t.ends_with('"'))
                || (!t.is_empty() && t.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_'))
        })
        .collect()
}

/// The token starting at `position`: a word (name, prefixed name, variable) or one punctuation character.
fn token_at(text: &str, position: Position) -> Option<String> {
    let line = text.lines().nth(position.line.checked_sub(1)?)?;
    let rest: String = line.chars().skip(position.column.saturating_sub(1)).collect();
    let rest = rest.trim_start();
    let first = rest.chars().next()?;
    let word = |c: char| c.is_alphanumeric() || matches!(c, '_' | ':' | '?' | '$' | '-');
    Some(if word(first) {
        rest.chars().take_while(|c| word(*c)).take(40).collect()
    } else {
        first.to_string()
    })
}

/// The bundled queries, sorted by name.
pub fn bundled() -> Result<Vec<QueryDef>, Diagnostics> {
    from_inputs(&InputSet::bundled(bundled::QUERIES))
}

/// Parses every query of a set; reports all problems.
pub fn from_inputs(inputs: &InputSet) -> Result<Vec<QueryDef>, Diagnostics> {
    let mut problems = Diagnostics::default();
    let mut queries = Vec::new();
    for file in &inputs.files {
        match QueryDef::parse(&file.path, &file.text) {
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
    fn unbalanced_brackets_are_found_where_they_are() {
        let err = QueryDef::parse("q.rq", "SELECT * WHERE {\n  ?s ?p ?o ) .\n}\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "q.rq:2:12: SPARQL syntax error: unexpected \")\": the bracket open here is \"{\""
        );
        let err = QueryDef::parse("q.rq", "SELECT * WHERE { ?s ?p \"}\" . FILTER(?s < 3 \n").unwrap_err();
        assert_eq!(err.to_string(), "q.rq:1:36: SPARQL syntax error: \"(\" is never closed");
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
