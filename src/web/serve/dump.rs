//! `/dump`: the whole graph, streamed from the store quad by quad into the response in the store's own order, so
//! that neither the server nor the answer holds the graph in memory whatever its size. Every format is streamed
//! ([`crate::rdf::format::write_quads`]: powkg's one line writer for N-Triples and N-Quads, Oxigraph's streaming
//! serializers for the others): N-Quads, TriG and JSON-LD keep the named graphs; N-Triples, Turtle and RDF/XML
//! write each quad's triple (a triple stated in two graphs appears twice, which every parser reads as one). The
//! sorted, pretty, byte-for-byte reproducible files are `powkg export`'s job.

use std::io::Write;
use std::sync::Arc;

use super::body::{Body, Producer};
use crate::rdf::format::ExportFormat;
use crate::store::GraphStore;

/// The body of a dump of `store` in `format`: nothing is read from the store until it is sent.
pub(super) fn body(store: Arc<GraphStore>, format: ExportFormat, prefixes: Vec<(String, String)>) -> Body {
    let producer: Producer = Box::new(move |out: &mut dyn Write| {
        crate::rdf::format::write_quads(
            store.iter().map(|q| q.map_err(std::io::Error::other)),
            format,
            &prefixes,
            out,
        )
    });
    Body::stream(producer)
}
