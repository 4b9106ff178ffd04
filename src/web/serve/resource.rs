//! Dereferencing the graph's IRIs (the 303 pattern of "Cool URIs for the Semantic Web"): the IRI of a thing
//! (`{base}entity/riverside`) answers 303 See Other to a document chosen by `Accept`, the thing's IRI plus an extension
//! (`….html`, `.ttl`, `.nt`, `.jsonld`, `.rdf`); a document answers 200 in its own format. Minted ids never hold a
//! dot, so an extension is never part of an id. Unknown IRIs are 404.
//! What a document holds is the renderer's ([`crate::web::render::Renderer::describe`]).

use http::StatusCode;
use http::header;
use oxigraph::model::NamedNode;

use super::exchange::{Incoming, Reply, not_acceptable};
use super::negotiate;
use super::pages;
use super::service::Service;
use crate::web::render::{DOCUMENTS, Document};

/// Answers a request for a path under the base path.
pub(super) fn dereference(service: &Service, r: &Incoming<'_>) -> Reply {
    let last_segment = r.path.rsplit('/').next().unwrap_or("");
    let (thing_path, extension) = match last_segment.rsplit_once('.') {
        Some((_, ext)) => (&r.path[..r.path.len() - ext.len() - 1], Some(ext)),
        None => (r.path.as_str(), None),
    };
    let document = match extension {
        None => None,
        Some(ext) => match DOCUMENTS.iter().find(|d| d.extension() == ext) {
            Some(d) => Some(*d),
            None => return pages::not_found(r),
        },
    };
    let Ok(iri) = NamedNode::new(format!("{}{thing_path}", service.renderer.base_origin())) else {
        return pages::not_found(r);
    };
    let quads = match service.renderer.describe(&iri) {
        Ok(q) => q,
        Err(failure) => return pages::failed(r, &failure),
    };
    if quads.is_empty() {
        return pages::not_found(r);
    }
    match document {
        None => {
            // Each document's registered type first, then the other types read as it (`application/json` for JSON-LD).
            let registered = DOCUMENTS.iter().map(|d| (d.media_type(), d.extension()));
            let others = DOCUMENTS.iter().flat_map(|d| match d {
                Document::Rdf(format) => format.media_types()[1..].iter().map(|m| (*m, d.extension())).collect(),
                Document::Html => Vec::new(),
            });
            let offers: Vec<(&str, &str)> = registered.chain(others).collect();
            let Some(ext) = negotiate::choose(r.accept(), &offers) else {
                return not_acceptable(&DOCUMENTS.map(Document::media_type));
            };
            let query = r.request.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
            Reply::redirect(StatusCode::SEE_OTHER, &format!("{thing_path}.{ext}{query}")).with(header::VARY, "Accept")
        }
        Some(document) => {
            let reply = match document {
                Document::Html => pages::resource(service, r, &iri, &quads),
                Document::Rdf(format) => {
                    // A document has one format: no `Vary: Accept`.
                    let mut reply = service.rdf_reply(&quads, format);
                    reply.headers.retain(|(name, _)| *name != header::VARY);
                    reply
                }
            };
            // Every document names the thing's other documents (RFC 8288).
            let alternates: Vec<String> = DOCUMENTS
                .iter()
                .filter(|d| **d != document)
                .map(|d| {
                    format!(
                        "<{thing_path}.{}>; rel=\"alternate\"; type=\"{}\"",
                        d.extension(),
                        d.media_type()
                    )
                })
                .collect();
            reply.with(header::LINK, alternates.join(", "))
        }
    }
}
