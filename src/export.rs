//! RDF output in every supported format. Turtle is pretty (sophia); the other formats go through Oxigraph's
//! serializers. Input quads are sorted first, so identical input always gives identical bytes. Triple-only formats
//! write the union of the named graphs; N-Quads, TriG and JSON-LD keep the graphs.

use std::io::{self, Write};
use std::path::Path;

use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfSerializer};
use oxigraph::model::{Quad, Triple};

/// An RDF output format.
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

impl ExportFormat {
    /// Every format with its name and file extensions.
    pub const ALL: [(Self, &'static str, &'static [&'static str]); 6] = [
        (Self::Turtle, "turtle", &["ttl"]),
        (Self::NTriples, "ntriples", &["nt"]),
        (Self::NQuads, "nquads", &["nq"]),
        (Self::TriG, "trig", &["trig"]),
        (Self::RdfXml, "rdfxml", &["rdf", "xml", "owl"]),
        (Self::JsonLd, "jsonld", &["jsonld", "json"]),
    ];

    /// The format called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, n, _)| *n == name).map(|(f, _, _)| *f)
    }

    /// The format a file name's extension implies.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Self::ALL
            .iter()
            .find(|(_, _, exts)| exts.contains(&ext.as_str()))
            .map(|(f, _, _)| *f)
    }

    /// The format's name.
    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(f, _, _)| *f == self).map_or("", |(_, n, _)| n)
    }

    /// The format's media type (Oxigraph's: `text/turtle`, `application/n-triples`, ...).
    pub fn media_type(self) -> &'static str {
        self.oxigraph().media_type()
    }

    /// Whether the format keeps named graphs.
    pub fn keeps_graphs(self) -> bool {
        matches!(self, Self::NQuads | Self::TriG | Self::JsonLd)
    }

    /// The Oxigraph format, for writing and for reading back.
    pub fn oxigraph(self) -> RdfFormat {
        match self {
            Self::Turtle => RdfFormat::Turtle,
            Self::NTriples => RdfFormat::NTriples,
            Self::NQuads => RdfFormat::NQuads,
            Self::TriG => RdfFormat::TriG,
            Self::RdfXml => RdfFormat::RdfXml,
            Self::JsonLd => RdfFormat::JsonLd {
                profile: JsonLdProfileSet::empty(),
            },
        }
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
        crate::turtle::write_pretty(&triples, prefixes, out)?;
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
