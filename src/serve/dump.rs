//! `/dump`: the whole graph, streamed from the store quad by quad into the response in the store's own order, so
//! that neither the server nor the answer holds the graph in memory whatever its size. Every format is written by
//! Oxigraph's streaming serializers: N-Quads, TriG and JSON-LD keep the named graphs; N-Triples, Turtle and RDF/XML
//! write each quad's triple (a triple stated in two graphs appears twice, which every parser reads as one). The
//! sorted, pretty, byte-for-byte reproducible files are `powkg export`'s job.

use std::io::{self, Write};
use std::sync::Arc;

use super::body::{Body, Producer};
use crate::export::ExportFormat;
use crate::store::GraphStore;

/// Formats `/dump` offers, the first one the default.
pub(super) const FORMATS: [ExportFormat; 6] = [
    ExportFormat::Turtle,
    ExportFormat::NQuads,
    ExportFormat::TriG,
    ExportFormat::NTriples,
    ExportFormat::JsonLd,
    ExportFormat::RdfXml,
];

/// The body of a dump of `store` in `format`: nothing is read from the store until it is sent.
pub(super) fn body(store: Arc<GraphStore>, format: ExportFormat, prefixes: Vec<(String, String)>) -> Body {
    let producer: Producer = Box::new(move |out: &mut dyn Write| write(&store, format, &prefixes, out));
    Body::stream(producer)
}

/// Writes every quad of `store` in `format` to `out`, one at a time.
pub(crate) fn write(
    store: &GraphStore,
    format: ExportFormat,
    prefixes: &[(String, String)],
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut serializer = crate::export::serializer(format, prefixes)?.for_writer(out);
    for quad in store.iter() {
        let quad = quad.map_err(io::Error::other)?;
        if format.keeps_graphs() {
            serializer.serialize_quad(&quad)?;
        } else {
            serializer.serialize_triple(quad.as_ref())?;
        }
    }
    serializer.finish()?;
    Ok(())
}
