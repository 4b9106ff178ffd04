//! `/void` and `/dump`, and `/void.EXT` and `/dump.EXT` as a static site has them: the dataset's description and the
//! whole graph, in the format `Accept` or the extension asks for.

use std::sync::Arc;

use http::StatusCode;
use http::header;

use super::exchange::{Incoming, Reply, not_acceptable, rdf_offers};
use super::negotiate;
use super::service::Service;
use crate::rdf::format::ExportFormat;
use crate::web::render::paths;

/// `/void`: the metadata graph, with the endpoint and dump this server offers; a browser asking for HTML is
/// sent to the dataset's own page.
pub(super) fn void(service: &Service, r: &Incoming<'_>) -> Reply {
    let mut offers: Vec<(&str, Option<ExportFormat>)> = rdf_offers().into_iter().map(|(m, f)| (m, Some(f))).collect();
    offers.insert(1, ("text/html", None));
    match negotiate::choose(r.accept(), &offers) {
        None => not_acceptable(&offers.iter().map(|(m, _)| *m).collect::<Vec<_>>()),
        Some(None) => Reply::redirect(StatusCode::SEE_OTHER, &format!("{}dataset.html", service.base_path()))
            .with(header::VARY, "Accept"),
        Some(Some(format)) => service.rdf_reply(
            &service
                .renderer
                .dataset()
                .void_quads(r.origin().as_deref(), true, service.feed().as_ref()),
            format,
        ),
    }
}

/// `/dump`: the whole graph, streamed from the store as it is sent (nothing of it is kept).
pub(super) fn dump(service: &Service, r: &Incoming<'_>) -> Reply {
    let offers = crate::rdf::format::DUMP_FORMATS.map(|f| (f.media_type(), f));
    let Some(format) = negotiate::choose(r.accept(), &offers) else {
        return not_acceptable(&offers.map(|(m, _)| m));
    };
    let file = format!("attachment; filename=\"powkg.{}\"", format.extension());
    let mut reply = Reply::new(StatusCode::OK, format.content_type(), Vec::new())
        .with(header::VARY, "Accept")
        .with(header::CONTENT_DISPOSITION, file);
    reply.streamed = Some(super::dump::body(
        Arc::clone(service.renderer.store()),
        format,
        service.renderer.minter().prefixes(),
    ));
    reply
}

/// `/void.{ext}` and `/dump.{ext}`: the dataset description and the dump in the format the extension names, as
/// a static site has them.
pub(super) fn file_of(service: &Service, r: &Incoming<'_>) -> Option<Reply> {
    let (name, extension) = r.path.rsplit_once('.')?;
    let format = ExportFormat::TABLE
        .iter()
        .find(|i| i.format.extension() == extension)?
        .format;
    match name {
        paths::VOID => Some(
            service.rdf_reply(
                &service
                    .renderer
                    .dataset()
                    .void_quads(r.origin().as_deref(), true, service.feed().as_ref()),
                format,
            ),
        ),
        paths::DUMP if crate::rdf::format::DUMP_FORMATS.contains(&format) => {
            let mut reply = Reply::new(StatusCode::OK, format.content_type(), Vec::new());
            reply.streamed = Some(super::dump::body(
                Arc::clone(service.renderer.store()),
                format,
                service.renderer.minter().prefixes(),
            ));
            Some(reply)
        }
        _ => None,
    }
}
