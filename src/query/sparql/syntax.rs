//! What is found in a query's text before its algebra: brackets, their nesting and the positions of keywords,
//! and the parser's errors turned into located diagnostics a user can act on.

use super::limits::List;
use crate::files::diagnostic::{Diagnostic, Position};

/// The deepest nesting of brackets (`(`, `{`, `[`) a query may have. The parser recurses once per level, so a
/// bound keeps a 5 KB query from overflowing a stack; real queries rarely pass 10 levels.
pub const MAX_NESTING: usize = 64;

/// A token of interest outside comments, strings and IRIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lexeme {
    Open(u8),
    Close(u8),
    /// The start of a word (keyword, prefixed name, variable) and its length in bytes.
    Word(usize),
}

/// Walks `text`, skipping comments, string literals and IRI references, and reports brackets and words.
fn scan(text: &str, mut on: impl FnMut(usize, Lexeme) -> bool) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let word = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'?' | b'$' | b'-' | b'.') || b >= 0x80;
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
                    if !on(i, Lexeme::Word(end + 2)) {
                        return;
                    }
                    i += end + 1;
                }
            }
            open @ (b'(' | b'{' | b'[') if !on(i, Lexeme::Open(open)) => return,
            close @ (b')' | b'}' | b']') if !on(i, Lexeme::Close(close)) => return,
            b if word(b) && b != b'.' && b != b'-' => {
                let len = bytes[i..].iter().take_while(|b| word(**b)).count();
                let len = bytes[i..i + len]
                    .iter()
                    .rposition(|b| *b != b'.')
                    .map_or(len, |p| p + 1);
                if !on(i, Lexeme::Word(len)) {
                    return;
                }
                i += len - 1;
            }
            _ => {}
        }
        i += 1;
    }
}

/// The first place where brackets nest deeper than [`MAX_NESTING`].
pub fn too_deep(path: &str, text: &str) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut found = None;
    scan(text, |at, lexeme| {
        match lexeme {
            Lexeme::Open(_) => {
                depth += 1;
                if depth > MAX_NESTING {
                    found = Some(at);
                    return false;
                }
            }
            Lexeme::Close(_) => depth = depth.saturating_sub(1),
            Lexeme::Word(_) => {}
        }
        true
    });
    found.map(|at| {
        Diagnostic::at(
            path,
            text,
            at,
            format!("brackets nest deeper than {MAX_NESTING} levels here: powkg refuses such queries"),
        )
    })
}

/// The first place where the text holds more entries of a list than [`List::limit`] allows, among the lists that
/// the parser itself takes time quadratic in: distinct variables (1 MiB of them took the parser 55 s) and
/// `DESCRIBE` targets (each becomes a variable of the parser's own). These are checked on the text, before parsing;
/// every other list is checked on the algebra (`bounds.rs`).
pub fn too_long(text: &str) -> Option<(List, usize)> {
    let mut variables = std::collections::HashSet::new();
    let mut describing: Option<usize> = None;
    let mut found = None;
    scan(text, |at, lexeme| {
        match lexeme {
            Lexeme::Open(b'{') => describing = None,
            Lexeme::Open(_) | Lexeme::Close(_) => {}
            Lexeme::Word(len) => {
                let word = &text[at..at + len];
                if let Some(name) = word.strip_prefix(['?', '$'])
                    && variables.insert(name)
                    && variables.len() > List::Variables.limit()
                {
                    found = Some((List::Variables, at));
                    return false;
                }
                if word.eq_ignore_ascii_case("DESCRIBE") {
                    describing = Some(0);
                } else if word.eq_ignore_ascii_case("WHERE") || word.eq_ignore_ascii_case("FROM") {
                    describing = None;
                } else if let Some(targets) = describing.as_mut() {
                    *targets += 1;
                    if *targets > List::DescribeTargets.limit() {
                        found = Some((List::DescribeTargets, at));
                        return false;
                    }
                }
            }
        }
        true
    });
    found
}

/// The names of the variables the text uses (`?x` and `$x` alike, without the sign).
pub fn variables(text: &str) -> std::collections::HashSet<String> {
    let mut names = std::collections::HashSet::new();
    scan(text, |at, lexeme| {
        if let Lexeme::Word(len) = lexeme
            && let Some(name) = text[at..at + len].strip_prefix(['?', '$'])
            && !name.is_empty()
        {
            names.insert(name.to_owned());
        }
        true
    });
    names
}

/// The byte offset of each `SERVICE` keyword and the text of the endpoint that follows it (`<…>`, a prefixed
/// name or a variable), in the order they appear.
pub fn services(text: &str) -> Vec<(usize, String)> {
    let mut words = Vec::new();
    scan(text, |at, lexeme| {
        if let Lexeme::Word(len) = lexeme {
            words.push((at, &text[at..at + len]));
        }
        true
    });
    let mut found = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if words[i].1.eq_ignore_ascii_case("SERVICE") {
            let mut j = i + 1;
            if words.get(j).is_some_and(|(_, w)| w.eq_ignore_ascii_case("SILENT")) {
                j += 1;
            }
            if let Some((_, name)) = words.get(j) {
                found.push((words[i].0, (*name).to_owned()));
            }
        }
        i += 1;
    }
    found
}

/// The first prefixed name whose prefix is neither predeclared (`declared`) nor declared by the query's own `PREFIX`
/// lines: the parser reports it only as an unexpected token further on.
pub fn unknown_prefix<'a>(path: &str, text: &str, declared: impl Iterator<Item = &'a str>) -> Option<Diagnostic> {
    let mut known: std::collections::HashSet<&str> = declared.collect();
    let mut after_prefix_keyword = false;
    let mut found = None;
    scan(text, |at, lexeme| {
        let Lexeme::Word(len) = lexeme else {
            after_prefix_keyword = false;
            return true;
        };
        let word = &text[at..at + len];
        if word.eq_ignore_ascii_case("PREFIX") {
            after_prefix_keyword = true;
            return true;
        }
        let prefixed = !word.starts_with(['?', '$', '<', '_']) && !word.starts_with(|c: char| c.is_ascii_digit());
        if let (true, Some((prefix, _))) = (prefixed, word.split_once(':')) {
            if after_prefix_keyword {
                known.insert(prefix);
            } else if !known.contains(prefix) {
                found = Some((at, prefix));
                return false;
            }
        }
        after_prefix_keyword = false;
        true
    });
    found.map(|(at, prefix)| Diagnostic::at(path, text, at, format!("unknown prefix \"{prefix}:\"")))
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

/// The first bracket that closes nothing or is never closed.
fn unbalanced_bracket(text: &str) -> Option<(usize, String)> {
    let mut stack: Vec<(usize, u8)> = Vec::new();
    let mut found = None;
    scan(text, |at, lexeme| {
        match lexeme {
            Lexeme::Open(open) => stack.push((at, open)),
            Lexeme::Close(close) => {
                let wanted = match close {
                    b')' => b'(',
                    b'}' => b'{',
                    _ => b'[',
                };
                match stack.pop() {
                    Some((_, open)) if open == wanted => {}
                    Some((_, open)) => {
                        let (close, open) = (close as char, open as char);
                        found = Some((
                            at,
                            format!("unexpected \"{close}\": the bracket open here is \"{open}\""),
                        ));
                        return false;
                    }
                    None => {
                        found = Some((at, format!("unexpected \"{}\": no bracket is open here", close as char)));
                        return false;
                    }
                }
            }
            Lexeme::Word(_) => {}
        }
        true
    });
    found.or_else(|| {
        stack
            .pop()
            .map(|(at, open)| (at, format!("\"{}\" is never closed", open as char)))
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_past_the_bound_is_found_where_it_starts() {
        let deep = format!("SELECT * WHERE {{ FILTER({}1{}) }}", "(".repeat(100), ")".repeat(100));
        let d = too_deep("query", &deep).unwrap();
        assert_eq!(
            d.to_string(),
            format!(
                "query:1:{}: brackets nest deeper than 64 levels here: powkg refuses such queries",
                24 + 63
            )
        );
        let shallow = format!("SELECT * WHERE {{ FILTER({}1{}) }}", "(".repeat(10), ")".repeat(10));
        assert!(too_deep("query", &shallow).is_none());
        // Brackets in strings, IRIs and comments do not count.
        let quoted = format!(
            "SELECT * WHERE {{ BIND(\"{}\" AS ?x) }} # {}",
            "(".repeat(100),
            "{".repeat(100)
        );
        assert!(too_deep("query", &quoted).is_none());
    }

    #[test]
    fn lists_the_parser_is_slow_on_are_found_on_the_text() {
        let variables = |n: usize| {
            let patterns = (0..n).map(|i| format!("?s <p> ?o{i} .")).collect::<Vec<_>>().join(" ");
            format!("SELECT * WHERE {{ {patterns} }} # ?not ?counted")
        };
        assert_eq!(too_long(&variables(999)), None);
        let past = variables(1000);
        let at = past.find("?o999").unwrap();
        assert_eq!(too_long(&past), Some((List::Variables, at)));
        let targets = |n: usize| format!("DESCRIBE {} WHERE {{ ?a ?b ?c }}", "<x> ".repeat(n));
        assert_eq!(too_long(&targets(256)), None);
        assert_eq!(too_long(&targets(257)), Some((List::DescribeTargets, 9 + 256 * 4)));
    }

    #[test]
    fn services_are_listed_with_their_endpoint() {
        let q = "SELECT * WHERE { SERVICE <http://a/> { ?s ?p ?o } # SERVICE <http://no/>\n service silent ex:b { } SERVICE ?e {} }";
        let names: Vec<String> = services(q).into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, ["<http://a/>", "ex:b", "?e"]);
    }

    #[test]
    fn an_undeclared_prefix_is_named_where_it_is_used() {
        let declared = ["wdt", "rdfs"];
        let q = "PREFIX ex: <http://example.org/>\nSELECT * WHERE {\n  ?x ex:a ?y ; wdt:P31 ?c ; foo:bar ?d }";
        let d = unknown_prefix("query", q, declared.into_iter()).unwrap();
        assert_eq!(d.to_string(), "query:3:29: unknown prefix \"foo:\"");
        let fine = "SELECT * WHERE { ?x <http://a/b:c> \"d:e\" ; rdfs:label ?l } # x:y";
        assert!(unknown_prefix("query", fine, declared.into_iter()).is_none());
    }

    #[test]
    fn unbalanced_brackets_are_found_where_they_are() {
        let d = syntax_diagnostic(
            "q.rq",
            "SELECT * WHERE {\n  ?s ?p ?o ) .\n}\n",
            "error at 2:12: expected x",
        );
        assert_eq!(
            d.to_string(),
            "q.rq:2:12: SPARQL syntax error: unexpected \")\": the bracket open here is \"{\""
        );
    }
}
