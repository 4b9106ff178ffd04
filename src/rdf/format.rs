//! RDF output in every supported format. Turtle is pretty (sophia); N-Triples and N-Quads are written by the one
//! line writer ([`crate::rdf::ntriples`]); the other formats go through Oxigraph's serializers. Input quads are
//! sorted first, so identical input always gives identical bytes. Triple-only formats write the union of the named
//! graphs; N-Quads, TriG and JSON-LD keep the graphs. [`ExportFormat::TABLE`] is the one table of the RDF formats
//! and their names, extensions and media types.

use std::io::{self, Write};
use std::path::Path;

use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, NamedNode, Quad, Triple};

use crate::rdf::ntriples;

/// An RDF output format. [`ExportFormat::TABLE`] is the one list of the formats powkg reads and writes: the CLI's
/// `--format` values, the file extensions, the media types the server offers and accepts and the `format` parameter
/// of its endpoint all come from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Turtle, pretty.
    Turtle,
    /// N-Triples.
    NTriples,
    /// N-Quads (keeps named graphs).
    NQuads,
    /// TriG (keeps named graphs).
    TriG,
    /// RDF/XML.
    RdfXml,
    /// JSON-LD (keeps named graphs).
    JsonLd,
}

/// One row of the format table.
#[derive(Debug, Clone, Copy)]
pub struct FormatInfo {
    /// The format.
    pub format: ExportFormat,
    /// Its name on the command line (`--format`) and in the endpoint's `format` parameter.
    pub name: &'static str,
    /// What it is called in help texts.
    pub title: &'static str,
    /// Further names the endpoint's `format` parameter takes for it (beside the name and the extensions).
    pub aliases: &'static [&'static str],
    /// File extensions, the one powkg writes first.
    pub extensions: &'static [&'static str],
    /// Media types: the registered one first (what powkg sends), then others clients send for it and powkg
    /// accepts.
    pub media_types: &'static [&'static str],
    /// The `Content-Type` powkg's server answers with: the media type, with the charset where its registration
    /// takes one.
    pub content_type: &'static str,
    /// Whether it keeps named graphs (otherwise it holds the union of the graphs' triples).
    pub keeps_graphs: bool,
    /// Oxigraph's format, for writing and reading back.
    pub oxigraph: RdfFormat,
}

impl ExportFormat {
    /// Every format, in the order of the enum (`TABLE[f as usize].format == f`).
    pub const TABLE: [FormatInfo; 6] = [
        FormatInfo {
            format: Self::Turtle,
            name: "turtle",
            title: "Turtle",
            aliases: &["n3"],
            extensions: &["ttl"],
            media_types: &["text/turtle", "application/x-turtle"],
            content_type: "text/turtle; charset=utf-8",
            keeps_graphs: false,
            oxigraph: RdfFormat::Turtle,
        },
        FormatInfo {
            format: Self::NTriples,
            name: "ntriples",
            title: "N-Triples",
            aliases: &[],
            extensions: &["nt"],
            media_types: &["application/n-triples", "text/plain"],
            content_type: "application/n-triples",
            keeps_graphs: false,
            oxigraph: RdfFormat::NTriples,
        },
        FormatInfo {
            format: Self::NQuads,
            name: "nquads",
            title: "N-Quads",
            aliases: &[],
            extensions: &["nq"],
            media_types: &["application/n-quads"],
            content_type: "application/n-quads",
            keeps_graphs: true,
            oxigraph: RdfFormat::NQuads,
        },
        FormatInfo {
            format: Self::TriG,
            name: "trig",
            title: "TriG",
            aliases: &[],
            extensions: &["trig"],
            media_types: &["application/trig"],
            content_type: "application/trig; charset=utf-8",
            keeps_graphs: true,
            oxigraph: RdfFormat::TriG,
        },
        FormatInfo {
            format: Self::RdfXml,
            name: "rdfxml",
            title: "RDF/XML",
            aliases: &[],
            extensions: &["rdf", "xml", "owl"],
            media_types: &["application/rdf+xml"],
            content_type: "application/rdf+xml",
            keeps_graphs: false,
            oxigraph: RdfFormat::RdfXml,
        },
        FormatInfo {
            format: Self::JsonLd,
            name: "jsonld",
            title: "JSON-LD",
            aliases: &[],
            extensions: &["jsonld", "json"],
            media_types: &["application/ld+json", "application/json"],
            content_type: "application/ld+json",
            keeps_graphs: true,
            oxigraph: RdfFormat::JsonLd {
                profile: JsonLdProfileSet::empty(),
            },
        },
    ];

    /// Every format, in the table's order.
    pub const ALL: [Self; 6] = {
        let mut all = [Self::Turtle; 6];
        let mut i = 0;
        while i < all.len() {
            all[i] = Self::TABLE[i].format;
            i += 1;
        }
        all
    };

    /// The format's row of the table.
    pub fn info(self) -> &'static FormatInfo {
        &Self::TABLE[self as usize]
    }

    /// The format called `name` (its name on the command line).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The format a name, an alias or an extension stands for, ignoring case (the endpoint's `format` parameter).
    pub fn from_any_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| {
            let info = f.info();
            std::iter::once(&info.name)
                .chain(info.aliases)
                .chain(info.extensions)
                .any(|n| n.eq_ignore_ascii_case(name))
        })
    }

    /// The format a file name's extension implies.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Self::ALL.into_iter().find(|f| f.extensions().contains(&ext.as_str()))
    }

    /// The format `media_type` (registered or alias, without parameters) names, ignoring case.
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.media_types().iter().any(|m| m.eq_ignore_ascii_case(media_type)))
    }

    /// The format's name.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The format's file extensions, the one powkg writes first.
    pub fn extensions(self) -> &'static [&'static str] {
        self.info().extensions
    }

    /// The extension powkg gives the files it writes.
    pub fn extension(self) -> &'static str {
        self.info().extensions[0]
    }

    /// The format's name for people (`Turtle`, `N-Triples`, ...).
    pub fn title(self) -> &'static str {
        self.info().title
    }

    /// The format's registered media type (`text/turtle`, `application/n-triples`, ...).
    pub fn media_type(self) -> &'static str {
        self.info().media_types[0]
    }

    /// The registered media type, then the others powkg accepts for the format.
    pub fn media_types(self) -> &'static [&'static str] {
        self.info().media_types
    }

    /// The `Content-Type` the server sends for the format.
    pub fn content_type(self) -> &'static str {
        self.info().content_type
    }

    /// Whether the format keeps named graphs.
    pub fn keeps_graphs(self) -> bool {
        self.info().keeps_graphs
    }

    /// The Oxigraph format, for writing and for reading back.
    pub fn oxigraph(self) -> RdfFormat {
        self.info().oxigraph
    }
}

/// Writes sorted `quads` in `format`; returns the number of statements written (quads for formats that keep graphs,
/// distinct triples otherwise), the figure third-party parsers must find.
pub fn write(
    quads: &[Quad],
    format: ExportFormat,
    prefixes: &[(String, String)],
    out: &mut dyn Write,
) -> io::Result<usize> {
    if format == ExportFormat::NQuads {
        ntriples::write_lines(
            quads.iter().map(Ok),
            |line, q| ntriples::push_quad(line, q.as_ref()),
            out,
        )?;
        return Ok(quads.len());
    }
    if format.keeps_graphs() {
        let mut serializer = serializer(format, prefixes)?.for_writer(out);
        for quad in quads {
            serializer.serialize_quad(quad)?;
        }
        serializer.finish()?;
        return Ok(quads.len());
    }
    let triples = union_triples(quads);
    if format == ExportFormat::Turtle {
        crate::rdf::turtle::write_pretty(&triples, prefixes, out)?;
    } else if format == ExportFormat::NTriples {
        ntriples::write_lines(
            triples.iter().map(Ok),
            |line, t| ntriples::push_triple(line, t.as_ref()),
            out,
        )?;
    } else {
        let mut serializer = serializer(format, prefixes)?.for_writer(out);
        for triple in &triples {
            serializer.serialize_triple(triple)?;
        }
        serializer.finish()?;
    }
    Ok(triples.len())
}

/// The distinct triples of all graphs, sorted.
pub fn union_triples(quads: &[Quad]) -> Vec<Triple> {
    let mut triples: Vec<Triple> = quads.iter().map(|q| Triple::from(q.clone())).collect();
    triples.sort_by_cached_key(ToString::to_string);
    triples.dedup();
    triples
}

/// Oxigraph's streaming serializer for `format`, with `prefixes` declared.
pub(crate) fn serializer(format: ExportFormat, prefixes: &[(String, String)]) -> io::Result<RdfSerializer> {
    let mut serializer = RdfSerializer::from_format(format.oxigraph());
    for (prefix, iri) in prefixes {
        serializer = serializer
            .with_prefix(prefix, iri)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    }
    Ok(serializer)
}

/// The formats the whole graph is offered in (`/dump` of `powkg serve`, `dump.*` of `powkg site`), the first one the
/// default of negotiation.
pub const DUMP_FORMATS: [ExportFormat; 6] = [
    ExportFormat::Turtle,
    ExportFormat::NQuads,
    ExportFormat::TriG,
    ExportFormat::NTriples,
    ExportFormat::JsonLd,
    ExportFormat::RdfXml,
];

/// Writes every quad `quads` gives in `format` to `out`, one at a time, in the order given (nothing held): the
/// dumps of a whole store by `powkg serve` and `powkg site`. Formats without graphs get each quad's triple.
pub fn write_quads(
    quads: impl Iterator<Item = io::Result<Quad>>,
    format: ExportFormat,
    prefixes: &[(String, String)],
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        ExportFormat::NQuads => {
            ntriples::write_lines(quads, |line, q| ntriples::push_quad(line, q.as_ref()), out)?;
            return Ok(());
        }
        ExportFormat::NTriples => {
            ntriples::write_lines(quads, |line, q| ntriples::push_triple(line, q.as_ref().into()), out)?;
            return Ok(());
        }
        _ => {}
    }
    let mut serializer = serializer(format, prefixes)?.for_writer(out);
    for quad in quads {
        let quad = quad?;
        if format.keeps_graphs() {
            serializer.serialize_quad(&quad)?;
        } else {
            serializer.serialize_triple(quad.as_ref())?;
        }
    }
    serializer.finish()?;
    Ok(())
}

/// A document in one of the [`DUMP_FORMATS`] made of segments: its prelude (Turtle's prefixes, RDF/XML's root
/// element, JSON-LD's context), the bodies of its segments (with a separator between two non-empty ones), its ending.
/// A segment's body is what [`write_quads`] writes of its quads without the prelude and the ending, so that a
/// document can be put together from segments written at different times (a site's dumps, updated bucket by
/// bucket). A subject's quads must all be in one segment (the formats group them).
#[derive(Debug, Clone)]
pub struct Segments {
    format: ExportFormat,
    prefixes: Vec<(String, String)>,
    prelude: Vec<u8>,
    ending: &'static [u8],
    separator: &'static [u8],
}

impl Segments {
    /// The segments of documents in `format` with `prefixes`.
    pub fn new(format: ExportFormat, prefixes: &[(String, String)]) -> io::Result<Self> {
        let mut segments = Self {
            format,
            prefixes: prefixes.to_vec(),
            prelude: Vec::new(),
            ending: b"",
            separator: b"",
        };
        // The prelude is what a document of one triple has before the triple.
        let probe = NamedNode::new_unchecked("urn:powkg:segment");
        let mut doc = Vec::new();
        write_quads(
            std::iter::once(Ok(Quad::new(
                probe.clone(),
                probe.clone(),
                probe,
                GraphName::DefaultGraph,
            ))),
            format,
            prefixes,
            &mut doc,
        )?;
        let unexpected = || io::Error::other(format!("{}: a document of an unexpected shape", format.name()));
        match format {
            ExportFormat::NTriples | ExportFormat::NQuads => {}
            ExportFormat::Turtle | ExportFormat::TriG => {
                let mut end = 0;
                for line in doc.split_inclusive(|b| *b == b'\n') {
                    if !line.starts_with(b"@prefix ") {
                        break;
                    }
                    end += line.len();
                }
                segments.prelude = doc[..end].to_vec();
            }
            ExportFormat::RdfXml => {
                let root = find(&doc, b"<rdf:RDF").ok_or_else(unexpected)?;
                let open = find(&doc[root..], b">\n").ok_or_else(unexpected)?;
                segments.prelude = doc[..root + open + 2].to_vec();
                segments.ending = b"</rdf:RDF>";
            }
            // An array of node objects, or one in `@graph` beside a context.
            ExportFormat::JsonLd if doc.starts_with(b"[") => {
                segments.prelude = b"[".to_vec();
                segments.ending = b"]";
                segments.separator = b",";
            }
            ExportFormat::JsonLd => {
                let graph = find(&doc, b"\"@graph\":[").ok_or_else(unexpected)?;
                segments.prelude = doc[..graph + 10].to_vec();
                segments.ending = b"]}";
                segments.separator = b",";
            }
        }
        if !doc.starts_with(&segments.prelude) || !doc.ends_with(segments.ending) {
            return Err(unexpected());
        }
        Ok(segments)
    }

    /// What the document starts with.
    pub fn prelude(&self) -> &[u8] {
        &self.prelude
    }

    /// What the document ends with.
    pub fn ending(&self) -> &[u8] {
        self.ending
    }

    /// What stands between two non-empty bodies.
    pub fn separator(&self) -> &[u8] {
        self.separator
    }

    /// The body of the segment of `quads` (empty for none).
    pub fn body(&self, quads: &[Quad]) -> io::Result<Vec<u8>> {
        if quads.is_empty() {
            return Ok(Vec::new());
        }
        let mut doc = Vec::new();
        write_quads(quads.iter().cloned().map(Ok), self.format, &self.prefixes, &mut doc)?;
        if !doc.starts_with(&self.prelude)
            || !doc.ends_with(self.ending)
            || doc.len() < self.prelude.len() + self.ending.len()
        {
            return Err(io::Error::other(format!(
                "{}: a segment of an unexpected shape",
                self.format.name()
            )));
        }
        Ok(doc[self.prelude.len()..doc.len() - self.ending.len()].to_vec())
    }
}

/// Where `needle` first is in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_the_order_of_the_enum_and_agrees_with_oxigraph() {
        for (i, info) in ExportFormat::TABLE.iter().enumerate() {
            assert_eq!(info.format as usize, i, "{}", info.name);
            assert_eq!(info.media_types[0], info.oxigraph.media_type(), "{}", info.name);
            assert_eq!(info.extensions[0], info.oxigraph.file_extension(), "{}", info.name);
            assert_eq!(info.keeps_graphs, info.oxigraph.supports_datasets(), "{}", info.name);
            assert!(info.content_type.starts_with(info.media_types[0]), "{}", info.name);
        }
    }

    #[test]
    fn names_extensions_and_media_types_name_one_format_each() {
        let mut seen = std::collections::HashSet::new();
        for info in &ExportFormat::TABLE {
            let names: std::collections::BTreeSet<_> = std::iter::once(&info.name)
                .chain(info.aliases)
                .chain(info.extensions)
                .collect();
            for n in names {
                assert!(seen.insert(format!("name {n}")), "{n} names two formats");
                assert_eq!(ExportFormat::from_any_name(&n.to_uppercase()), Some(info.format), "{n}");
            }
            for m in info.media_types {
                assert!(seen.insert(format!("type {m}")), "{m} names two formats");
                assert_eq!(ExportFormat::from_media_type(m), Some(info.format), "{m}");
            }
        }
        assert_eq!(ExportFormat::from_any_name("xml"), Some(ExportFormat::RdfXml));
        assert_eq!(ExportFormat::from_any_name("json"), Some(ExportFormat::JsonLd));
        assert_eq!(ExportFormat::from_name("ttl"), None);
    }

    #[test]
    fn segments_put_together_read_as_the_document_of_all_their_quads() {
        let q = |s: &str, o: &str, g: Option<&str>| {
            Quad::new(
                NamedNode::new_unchecked(format!("http://example.org/{s}")),
                NamedNode::new_unchecked("http://example.org/p"),
                oxigraph::model::Literal::new_simple_literal(o),
                g.map_or(GraphName::DefaultGraph, |g| NamedNode::new_unchecked(g).into()),
            )
        };
        let parts = [
            vec![q("a", "1", None), q("a", "2", Some("http://example.org/g"))],
            vec![],
            vec![q("b", "3", Some("http://example.org/g"))],
        ];
        let prefixes = vec![("ex".to_owned(), "http://example.org/".to_owned())];
        for format in DUMP_FORMATS {
            let segments = Segments::new(format, &prefixes).unwrap();
            let mut doc = segments.prelude().to_vec();
            let mut first = true;
            for part in &parts {
                let body = segments.body(part).unwrap();
                if !body.is_empty() && !first {
                    doc.extend_from_slice(segments.separator());
                }
                first &= body.is_empty();
                doc.extend_from_slice(&body);
            }
            doc.extend_from_slice(segments.ending());
            let parsed: Vec<Quad> = oxigraph::io::RdfParser::from_format(format.oxigraph())
                .for_reader(doc.as_slice())
                .collect::<Result<_, _>>()
                .unwrap_or_else(|e| panic!("{}: {e}\n{}", format.name(), String::from_utf8_lossy(&doc)));
            assert_eq!(parsed.len(), 3, "{}: {}", format.name(), String::from_utf8_lossy(&doc));
            if format.keeps_graphs() {
                assert_eq!(
                    parsed.iter().filter(|p| !p.graph_name.is_default_graph()).count(),
                    2,
                    "{}",
                    format.name()
                );
            }
        }
    }
}
