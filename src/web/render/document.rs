//! The documents of a thing: its page and its RDF serializations, each named by the thing's IRI plus an extension
//! and negotiated against `Accept` in the order of [`DOCUMENTS`].

use crate::rdf::format::ExportFormat;

/// A document format of a thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// The readable page.
    Html,
    /// An RDF serialization.
    Rdf(ExportFormat),
}

impl Document {
    /// The extension that names the document beside the thing's IRI.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Rdf(format) => format.extension(),
        }
    }

    /// The media type the document answers with (negotiated against `Accept`).
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Html => "text/html",
            Self::Rdf(format) => format.media_type(),
        }
    }
}

/// The documents of a thing, in the order `Accept` ties are broken.
pub const DOCUMENTS: [Document; 5] = [
    Document::Html,
    Document::Rdf(ExportFormat::Turtle),
    Document::Rdf(ExportFormat::JsonLd),
    Document::Rdf(ExportFormat::NTriples),
    Document::Rdf(ExportFormat::RdfXml),
];
