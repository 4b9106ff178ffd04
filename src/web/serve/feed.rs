//! `{base path}feed`, `feed/root` and `feed/page/N`: the change feed (a Linked Data Event Stream) the store keeps,
//! as N-Quads or TriG. A page is immutable once the next one exists, and says so (`Cache-Control: immutable`), so
//! that harvesters and caches fetch it once.

use http::StatusCode;
use http::header;

use super::exchange::{Incoming, Reply, not_acceptable};
use super::negotiate;
use super::service::Service;
use crate::changes::feed::Feed;
use crate::rdf::format::ExportFormat;

/// Seconds a cache may keep the root or the open page: a build may append to them at any time.
const OPEN_MAX_AGE: u32 = 60;

/// The answer to a path under the base path (`rest`, what follows it) when it is the feed's, else `None`.
pub(super) fn route(service: &Service, r: &Incoming<'_>, rest: &str) -> Option<Reply> {
    let rest = rest
        .strip_prefix("feed")
        .filter(|r| r.is_empty() || r.starts_with(['/', '.']))?;
    let (rest, format) = match rest.rsplit_once('.') {
        Some((stem, "nq")) => (stem, Some(ExportFormat::NQuads)),
        Some((stem, "trig")) => (stem, Some(ExportFormat::TriG)),
        _ => (rest, None),
    };
    let minter = service.renderer.minter();
    let Some(dir) = service.renderer.store().directory() else {
        return Some(Reply::text(
            StatusCode::NOT_FOUND,
            "this graph keeps no change feed (it is not an on-disk store)",
        ));
    };
    let feed = match Feed::read(dir) {
        Ok(Some(feed)) => feed,
        Ok(None) => {
            return Some(Reply::text(
                StatusCode::NOT_FOUND,
                "this store keeps no change feed: build it with `powkg build --store DIR` (without --no-feed)",
            ));
        }
        Err(e) => {
            return Some(Reply::text(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("cannot read the change feed: {e}"),
            ));
        }
    };
    let (body, immutable) = match rest {
        "" | "/root" => (feed.root(minter), false),
        _ => {
            let number = rest
                .strip_prefix("/page/")
                .and_then(|n| n.parse::<u64>().ok().filter(|_| !n.starts_with('+')));
            let Some(number) = number else {
                return Some(Reply::text(
                    StatusCode::NOT_FOUND,
                    "no such document of the change feed",
                ));
            };
            match feed.page(minter, number) {
                Ok(Some(body)) => (body, feed.is_immutable(number)),
                // A page the retention dropped, or one not written yet.
                Ok(None) if feed.pages.first().is_some_and(|p| number < p.number) => {
                    return Some(Reply::text(
                        StatusCode::GONE,
                        "this page of the change feed is past its retention",
                    ));
                }
                Ok(None) => return Some(Reply::text(StatusCode::NOT_FOUND, "no such page of the change feed")),
                Err(e) => {
                    return Some(Reply::text(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        format!("cannot read the change feed: {e}"),
                    ));
                }
            }
        }
    };
    let offers = [
        (ExportFormat::NQuads.media_type(), ExportFormat::NQuads),
        (ExportFormat::TriG.media_type(), ExportFormat::TriG),
    ];
    let format = match format {
        Some(f) => f,
        None => match negotiate::choose(r.accept(), &offers) {
            Some(f) => f,
            None => return Some(not_acceptable(&offers.map(|(m, _)| m))),
        },
    };
    let body = if format == ExportFormat::NQuads {
        body
    } else {
        let quads: Result<Vec<_>, _> = oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::NQuads)
            .for_slice(&body)
            .collect();
        match quads
            .map_err(|e| e.to_string())
            .and_then(|q| service.renderer.serialize(&q, format).map_err(|e| e.to_string()))
        {
            Ok(out) => out,
            Err(e) => {
                return Some(Reply::text(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("cannot serialize: {e}"),
                ));
            }
        }
    };
    let cache = if immutable {
        "public, max-age=31536000, immutable".to_owned()
    } else {
        format!("public, max-age={OPEN_MAX_AGE}")
    };
    Some(
        Reply::new(StatusCode::OK, format.content_type(), body)
            .with(header::VARY, "Accept")
            .with(header::CACHE_CONTROL, cache),
    )
}
