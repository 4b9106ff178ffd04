//! The one writer of N-Triples and N-Quads lines, with the one escaping of their strings, and the one chunker that
//! hands lines over in chunks of whole lines: exports, the store's sharded dumps, the dumps `powkg serve` and
//! `powkg site` stream, the bodies `powkg push` sends, register rows and the canonical hash all write their lines
//! here. Lines are byte for byte those of Oxigraph's serializers (the canonical form of N-Triples: `\t`, `\b`, `\n`,
//! `\f`, `\r`, `\"` and `\\` escaped, the other control characters and U+FFFE, U+FFFF as `\uXXXX`), written
//! straight into a byte buffer, as a register of a million rows needs.

use std::borrow::Borrow;
use std::io::{self, Write as _};

use oxigraph::model::{
    GraphNameRef, LiteralRef, NamedNode, NamedNodeRef, NamedOrBlankNodeRef, Quad, QuadRef, TermRef, TripleRef,
};

use crate::rdf::vocab::xsd;

/// Bytes of lines a [`LineChunks`] gathers before handing them on.
pub const LINE_CHUNK: usize = 1 << 20;

/// The end of every line of a graph: ` <graph> .\n` with its graph (N-Quads), ` .\n` without (N-Triples).
pub fn line_end(graph: Option<&NamedNode>) -> String {
    match graph {
        Some(g) => format!(" <{}> .\n", g.as_str()),
        None => " .\n".to_owned(),
    }
}

/// Appends `<iri>`.
pub fn push_iri(out: &mut Vec<u8>, iri: &str) {
    out.push(b'<');
    out.extend_from_slice(iri.as_bytes());
    out.push(b'>');
}

/// Appends `value` as a quoted string, escaped.
pub fn push_string(out: &mut Vec<u8>, value: &str) {
    out.push(b'"');
    let bytes = value.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let width = match bytes[i] {
            0x00..=0x1F | b'"' | b'\\' | 0x7F => 1,
            // U+FFFE and U+FFFF are EF BF BE and EF BF BF; 0xEF only ever starts a character.
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => 3,
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        match bytes[i] {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0C => out.extend_from_slice(b"\\f"),
            0xEF if bytes[i + 2] == 0xBE => out.extend_from_slice(b"\\uFFFE"),
            0xEF => out.extend_from_slice(b"\\uFFFF"),
            b => {
                let _ = write!(out, "\\u{b:04X}");
            }
        }
        i += width;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Appends a literal: its quoted value, then its language (and direction) or its datatype (none for a plain
/// string).
pub fn push_literal(out: &mut Vec<u8>, literal: LiteralRef<'_>) {
    push_string(out, literal.value());
    if let Some(language) = literal.language() {
        out.push(b'@');
        out.extend_from_slice(language.as_bytes());
        if let Some(direction) = literal.direction() {
            let _ = write!(out, "--{direction}");
        }
    } else if literal.datatype() != xsd::STRING {
        out.extend_from_slice(b"^^");
        push_iri(out, literal.datatype().as_str());
    }
}

/// Appends a subject (or a graph name): an IRI or a blank node.
pub fn push_subject(out: &mut Vec<u8>, subject: NamedOrBlankNodeRef<'_>) {
    match subject {
        NamedOrBlankNodeRef::NamedNode(n) => push_iri(out, n.as_str()),
        NamedOrBlankNodeRef::BlankNode(b) => {
            out.extend_from_slice(b"_:");
            out.extend_from_slice(b.as_str().as_bytes());
        }
    }
}

/// Appends a term.
pub fn push_term(out: &mut Vec<u8>, term: TermRef<'_>) {
    match term {
        TermRef::NamedNode(n) => push_iri(out, n.as_str()),
        TermRef::BlankNode(b) => push_subject(out, b.into()),
        TermRef::Literal(l) => push_literal(out, l),
        // A triple term (RDF 1.2), which powkg never makes: as Oxigraph writes it.
        TermRef::Triple(_) => {
            let _ = write!(out, "{term}");
        }
    }
}

/// Appends the line `subject predicate object` and `end` (see [`line_end`]).
pub fn push_statement(
    out: &mut Vec<u8>,
    subject: NamedOrBlankNodeRef<'_>,
    predicate: NamedNodeRef<'_>,
    object: TermRef<'_>,
    end: &[u8],
) {
    push_subject(out, subject);
    out.push(b' ');
    push_iri(out, predicate.as_str());
    out.push(b' ');
    push_term(out, object);
    out.extend_from_slice(end);
}

/// Appends the N-Triples line of `triple`.
pub fn push_triple(out: &mut Vec<u8>, triple: TripleRef<'_>) {
    push_statement(out, triple.subject, triple.predicate, triple.object, b" .\n");
}

/// Appends the N-Quads line of `quad`: its graph before the dot, unless it is in the default graph.
pub fn push_quad(out: &mut Vec<u8>, quad: QuadRef<'_>) {
    match quad.graph_name {
        GraphNameRef::NamedNode(n) => push_statement_in(out, quad, n.into()),
        GraphNameRef::BlankNode(b) => push_statement_in(out, quad, b.into()),
        GraphNameRef::DefaultGraph => push_statement(out, quad.subject, quad.predicate, quad.object, b" .\n"),
    }
}

fn push_statement_in(out: &mut Vec<u8>, quad: QuadRef<'_>, graph: NamedOrBlankNodeRef<'_>) {
    push_statement(out, quad.subject, quad.predicate, quad.object, b" ");
    push_subject(out, graph);
    out.extend_from_slice(b" .\n");
}

/// Gathers whole lines into chunks of about [`LINE_CHUNK`] bytes and hands each to `deliver`.
pub struct LineChunks<'d> {
    deliver: &'d mut dyn FnMut(Vec<u8>) -> io::Result<()>,
    buffer: Vec<u8>,
}

impl<'d> LineChunks<'d> {
    /// Chunks for `deliver`.
    pub fn new(deliver: &'d mut dyn FnMut(Vec<u8>) -> io::Result<()>) -> Self {
        Self {
            deliver,
            buffer: Self::empty(),
        }
    }

    fn empty() -> Vec<u8> {
        Vec::with_capacity(LINE_CHUNK + 64 * 1024)
    }

    /// The chunk being gathered, to append whole lines to.
    pub fn lines(&mut self) -> &mut Vec<u8> {
        &mut self.buffer
    }

    /// Hands the chunk over once it holds [`LINE_CHUNK`] bytes; called between lines.
    pub fn hand_over_if_full(&mut self) -> io::Result<()> {
        if self.buffer.len() >= LINE_CHUNK {
            (self.deliver)(std::mem::replace(&mut self.buffer, Self::empty()))?;
        }
        Ok(())
    }

    /// Hands over what is left.
    pub fn finish(self) -> io::Result<()> {
        if !self.buffer.is_empty() {
            (self.deliver)(self.buffer)?;
        }
        Ok(())
    }
}

/// Writes the line of each of `items` with `line`, in chunks of whole lines each handed to `deliver`; returns the
/// number of items.
fn chunked<T>(
    items: impl Iterator<Item = io::Result<T>>,
    mut line: impl FnMut(&mut Vec<u8>, &T),
    deliver: &mut dyn FnMut(Vec<u8>) -> io::Result<()>,
) -> io::Result<u64> {
    let mut chunks = LineChunks::new(deliver);
    let mut count = 0;
    for item in items {
        line(chunks.lines(), &item?);
        count += 1;
        chunks.hand_over_if_full()?;
    }
    chunks.finish()?;
    Ok(count)
}

/// Writes the line of each of `items`, with `line`, to `out` as soon as it is made (a stream stops where the items
/// fail, every line before written); returns the number of items.
pub fn write_lines<T>(
    items: impl Iterator<Item = io::Result<T>>,
    mut line: impl FnMut(&mut Vec<u8>, &T),
    out: &mut dyn io::Write,
) -> io::Result<u64> {
    let mut buffer = Vec::new();
    let mut count = 0;
    for item in items {
        buffer.clear();
        line(&mut buffer, &item?);
        out.write_all(&buffer)?;
        count += 1;
    }
    Ok(count)
}

/// Writes quads as lines (`subject predicate object` then `end`: ` .\n` for N-Triples, ` <graph> .\n` for N-Quads,
/// see [`line_end`]) in chunks of whole lines, each handed to `deliver`; returns the number of lines.
pub fn line_chunks<Q: Borrow<Quad>>(
    quads: impl Iterator<Item = io::Result<Q>>,
    end: &str,
    deliver: &mut dyn FnMut(Vec<u8>) -> io::Result<()>,
) -> io::Result<u64> {
    chunked(
        quads,
        |out, q| {
            let q = q.borrow();
            push_statement(
                out,
                q.subject.as_ref(),
                q.predicate.as_ref(),
                q.object.as_ref(),
                end.as_bytes(),
            );
        },
        deliver,
    )
}

#[cfg(test)]
mod tests {
    use oxigraph::model::{BlankNode, GraphName, Literal, Triple};

    use super::*;

    fn line(quad: &Quad) -> String {
        let mut out = Vec::new();
        push_quad(&mut out, quad.as_ref());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_as_oxigraph_escapes_them() {
        let mut every: String = (0..=0x7F_u8).map(char::from).collect();
        every.push_str("é\u{FFFD}\u{FFFE}\u{FFFF}\u{1F600}\u{FEFF}ï¿");
        for value in [every.as_str(), "", "plain", "\"\\", "a\tb\u{7F}c\u{FFFE}"] {
            let literal = Literal::new_simple_literal(value);
            let mut out = Vec::new();
            push_literal(&mut out, literal.as_ref());
            assert_eq!(String::from_utf8(out).unwrap(), literal.to_string(), "{value:?}");
        }
    }

    #[test]
    fn lines_are_those_of_oxigraph() {
        let s = NamedNode::new_unchecked("http://example.org/s");
        let p = NamedNode::new_unchecked("http://example.org/p");
        let g = NamedNode::new_unchecked("http://example.org/g");
        let objects: Vec<oxigraph::model::Term> = vec![
            s.clone().into(),
            BlankNode::new_unchecked("b1").into(),
            Literal::new_simple_literal("x\ny").into(),
            Literal::new_language_tagged_literal_unchecked("zi", "ro").into(),
            Literal::new_directional_language_tagged_literal_unchecked("zi", "ar", oxigraph::model::BaseDirection::Rtl)
                .into(),
            Literal::new_typed_literal(
                "2",
                NamedNode::new_unchecked("http://www.w3.org/2001/XMLSchema#integer"),
            )
            .into(),
            Triple::new(s.clone(), p.clone(), s.clone()).into(),
        ];
        let graphs: [GraphName; 3] = [
            g.clone().into(),
            BlankNode::new_unchecked("g1").into(),
            GraphName::DefaultGraph,
        ];
        for object in objects {
            for graph in &graphs {
                let quad = Quad::new(BlankNode::new_unchecked("s1"), p.clone(), object.clone(), graph.clone());
                assert_eq!(line(&quad), format!("{quad} .\n"));
                let quad = Quad::new(s.clone(), p.clone(), object.clone(), graph.clone());
                assert_eq!(line(&quad), format!("{quad} .\n"));
            }
        }
    }

    #[test]
    fn chunks_hold_whole_lines_and_every_line_once() {
        let quad = Quad::new(
            NamedNode::new_unchecked("http://example.org/s"),
            NamedNode::new_unchecked("http://example.org/p"),
            Literal::new_simple_literal("x".repeat(1000)),
            GraphName::DefaultGraph,
        );
        let n = 3 * LINE_CHUNK / 1000;
        let mut chunks = Vec::new();
        let lines = line_chunks((0..n).map(|_| Ok(&quad)), " .\n", &mut |c| {
            chunks.push(c);
            Ok(())
        })
        .unwrap();
        assert_eq!(lines, n as u64);
        assert!(chunks.len() > 1);
        assert!(chunks.iter().all(|c| c.ends_with(b".\n")));
        let all: Vec<u8> = chunks.concat();
        assert_eq!(all, format!("{quad} .\n").repeat(n).into_bytes());
    }
}
