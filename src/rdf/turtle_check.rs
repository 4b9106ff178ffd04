//! A lexical pass over a curated Turtle file (the ontology, the shapes) before it is parsed, for what the parser
//! accepts but powkg cannot carry, each refused at its file, line and column: brackets nested deeper than
//! [`MAX_NESTING`] (a list nested thousands deep parses, then defeats the canonical hash, which has no position to
//! give), RDF 1.2 triple terms (`<<`, `{|`, `~`: powkg's graphs, exports, hash and SHACL check are RDF 1.1), and
//! strings longer than [`crate::files::input::MAX_TEXT_BYTES`].

use crate::files::diagnostic::Diagnostic;
use crate::files::input::{InputFile, MAX_TEXT_BYTES, too_long_message};

/// How deep lists and blank-node brackets may nest in a curated Turtle file (as deep as a query's brackets may):
/// ontologies nest a few levels, and a list nested 200 deep is already about the most the canonical hash allows.
pub const MAX_NESTING: usize = 64;

/// The first thing of `file` that powkg refuses, at its position.
pub fn check(file: &InputFile) -> Result<(), Diagnostic> {
    let Some((offset, message)) = scan(&file.text) else {
        return Ok(());
    };
    Err(Diagnostic::at(&file.path, &file.text, offset, message))
}

/// The byte offset and message of the first refused thing of `text`.
fn scan(text: &str) -> Option<(usize, String)> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' | b'\'' => {
                let start = i;
                i = string_end(bytes, i);
                if i - start > MAX_TEXT_BYTES {
                    return Some((start, too_long_message(i - start)));
                }
                continue;
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') => return Some((i, triple_term("<<"))),
            b'<' => {
                // An IRI: nothing in it is a bracket or a quote.
                while i < bytes.len() && bytes[i] != b'>' {
                    i += 1;
                }
            }
            b'{' if bytes.get(i + 1) == Some(&b'|') => return Some((i, triple_term("{|"))),
            b'~' => return Some((i, triple_term("~"))),
            // An escape in a prefixed name's local part (`ex:a\~b`).
            b'\\' => i += 1,
            b'(' | b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some((
                        i,
                        format!(
                            "lists and bracketed blank nodes nest more than {MAX_NESTING} deep here: powkg reads at \
                             most {MAX_NESTING} levels (deeply nested blank nodes cannot be told apart for the \
                             canonical hash); give the inner nodes IRIs"
                        ),
                    ));
                }
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The offset just past the string starting at `start` (`"…"`, `'…'`, `"""…"""` or `'''…'''`), or the text's end.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let long = bytes.get(start + 1) == Some(&quote) && bytes.get(start + 2) == Some(&quote);
    let mut i = start + if long { 3 } else { 1 };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote && !long => return i + 1,
            b'\n' | b'\r' if !long => return i,
            b if b == quote && bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote) => {
                // A long string may end in one or two quotes of its own before its closing three.
                let mut end = i + 3;
                while bytes.get(end) == Some(&quote) && end - i < 5 {
                    end += 1;
                }
                return end;
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

fn triple_term(token: &str) -> String {
    format!(
        "`{token}` writes an RDF 1.2 triple term, which powkg does not take: its graphs, exports, canonical hash and \
         SHACL check are RDF 1.1; state it with plain triples (or name the statement with an IRI)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<(usize, String)> {
        scan(text)
    }

    #[test]
    fn nesting_past_the_bound_is_refused_at_the_bracket_that_passes_it() {
        let deep = format!(
            "<s> <p> {}{} .\n",
            "(".repeat(MAX_NESTING + 1),
            ")".repeat(MAX_NESTING + 1)
        );
        let (offset, message) = at(&deep).unwrap();
        assert_eq!(offset, 8 + MAX_NESTING);
        assert!(message.contains("nest more than 64 deep"), "{message}");
        let within = format!(
            "<s> <p> {}{} .\n",
            "( [ ".repeat(MAX_NESTING / 2),
            "] ) ".repeat(MAX_NESTING / 2)
        );
        assert_eq!(at(&within), None);
    }

    #[test]
    fn brackets_in_strings_iris_and_comments_do_not_count() {
        let text = format!(
            "# {open}\n<http://x/{open}> <p> \"{open}\\\"{open}\", '{open}', \"\"\"{open}\"\n\"\"\", '''{open}''' .\n",
            open = "(".repeat(MAX_NESTING + 1)
        );
        assert_eq!(at(&text), None);
    }

    #[test]
    fn triple_terms_reifiers_and_annotations_are_refused_where_written() {
        for (text, offset) in [
            ("<s> <p> <<( <a> <b> <c> )>> .", 8),
            ("<< <a> <b> <c> >> <p> <o> .", 0),
            ("<a> <b> <c> {| <p> <o> |} .", 12),
            ("<a> <b> <c> ~ <r> .", 12),
        ] {
            let (at, message) = at(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(at, offset, "{text}");
            assert!(message.contains("RDF 1.2 triple term"), "{message}");
        }
        assert_eq!(at("<a> <b> \"<< {| ~\" . # << ~\n<a> <b> ex:x\\~y ."), None);
    }

    #[test]
    fn a_string_past_the_size_bound_is_refused_at_its_start() {
        let text = format!("<a> <b> \"{}\" .", "x".repeat(MAX_TEXT_BYTES));
        let (offset, message) = at(&text).unwrap();
        assert_eq!(offset, 8);
        assert!(message.contains("64 KiB"), "{message}");
        let fits = format!("<a> <b> \"{}\" .", "x".repeat(MAX_TEXT_BYTES - 2));
        assert_eq!(at(&fits), None);
    }
}
