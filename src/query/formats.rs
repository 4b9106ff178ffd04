//! The table of the W3C SPARQL results formats (SELECT and ASK): their names, media types and extensions.

use oxigraph::sparql::results::QueryResultsFormat;

/// A result format for SELECT/ASK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultFormat {
    /// Aligned columns for people.
    Table,
    /// A W3C SPARQL results format.
    W3c(QueryResultsFormat),
}

/// One row of the table of the W3C SPARQL results formats (SELECT and ASK).
#[derive(Debug, Clone, Copy)]
pub struct ResultsFormatInfo {
    /// The format.
    pub format: QueryResultsFormat,
    /// Its names: the first on the command line (`--format`); all of them in the endpoint's `format` parameter.
    pub names: &'static [&'static str],
    /// Media types: the registered one first (what powkg sends), then others clients send for it.
    pub media_types: &'static [&'static str],
    /// The extension of a file of results in the format (a static site's downloads).
    pub extension: &'static str,
}

/// The W3C SPARQL results formats, the server's preferred one first: the one list of their names and media types.
pub const RESULTS_FORMATS: [ResultsFormatInfo; 4] = [
    ResultsFormatInfo {
        format: QueryResultsFormat::Json,
        names: &["json", "srj"],
        media_types: &["application/sparql-results+json", "application/json"],
        extension: "srj",
    },
    ResultsFormatInfo {
        format: QueryResultsFormat::Xml,
        names: &["xml", "srx"],
        media_types: &["application/sparql-results+xml", "application/xml"],
        extension: "srx",
    },
    ResultsFormatInfo {
        format: QueryResultsFormat::Csv,
        names: &["csv"],
        media_types: &["text/csv"],
        extension: "csv",
    },
    ResultsFormatInfo {
        format: QueryResultsFormat::Tsv,
        names: &["tsv"],
        media_types: &["text/tab-separated-values"],
        extension: "tsv",
    },
];

impl ResultFormat {
    /// The names `--format` takes: `table`, then each W3C format's first name.
    pub(super) fn names() -> impl Iterator<Item = (&'static str, Self)> {
        std::iter::once(("table", Self::Table)).chain(RESULTS_FORMATS.iter().map(|i| (i.names[0], Self::W3c(i.format))))
    }

    pub(super) fn from_name(name: &str) -> Option<Self> {
        Self::names().find(|(n, _)| *n == name).map(|(_, f)| f)
    }
}
