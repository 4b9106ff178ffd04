//! The server's front door to the pages: reads what a request asks for (languages, a query, a page number), has
//! the renderer draw the page, and answers with it, a failure's status, or text for clients that want no HTML.

use http::StatusCode;
use oxigraph::model::{NamedNode, Quad};

use super::exchange::{Incoming, Reply};
use super::negotiate;
use super::service::Service;
use crate::query::QueryDef;
use crate::query::results::{self, Form};
use crate::web::render::{self, Failure, QueryForm, View, paths};

/// The view a request asks for: its languages, and its `lang` parameter for the links.
fn view<'a>(service: &'a Service, r: &Incoming<'_>) -> View<'a> {
    View::new(&service.renderer, r.languages(), r.param("lang"))
}

fn wants_html(r: &Incoming<'_>) -> bool {
    negotiate::choose(r.accept(), &[("text/html", true), ("text/plain", false)]).unwrap_or(false)
}

/// The status a failure is answered with.
fn status(failure: &Failure) -> StatusCode {
    match failure {
        Failure::BadInput(_) => StatusCode::BAD_REQUEST,
        Failure::NotFound(_) => StatusCode::NOT_FOUND,
        Failure::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        Failure::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A page that could not be drawn: its status and message.
pub(super) fn failed(r: &Incoming<'_>, failure: &Failure) -> Reply {
    if matches!(failure, Failure::NotFound(_)) {
        return not_found(r);
    }
    Reply::text(status(failure), failure.message())
}

/// 404: a page for browsers, text for the rest.
pub(super) fn not_found(r: &Incoming<'_>) -> Reply {
    let message = format!("nothing is known about {}", r.path);
    if !wants_html(r) {
        return Reply::text(StatusCode::NOT_FOUND, message);
    }
    Reply::html(StatusCode::NOT_FOUND, render::not_found(&message))
}

/// `/`: the landing page.
pub(super) fn landing(service: &Service, r: &Incoming<'_>) -> Reply {
    let endpoint = r
        .origin()
        .map_or_else(|| paths::SPARQL.to_owned(), |o| format!("{o}{}", paths::SPARQL));
    Reply::html(StatusCode::OK, render::landing(&view(service, r), Some(&endpoint)))
}

/// The values the request gives for the parameters `def` declares (the empty ones left out).
fn bound_params(def: &QueryDef, r: &Incoming<'_>) -> Vec<(String, String)> {
    def.params
        .iter()
        .filter_map(|p| {
            r.param(&p.name)
                .filter(|v| !v.is_empty())
                .map(|v| (p.name.clone(), v.to_owned()))
        })
        .collect()
}

/// `/query` (a query sent, or the form) and `/query/{name}.html` (a bundled query, with form fields for its
/// parameters).
pub(super) fn query_page(service: &Service, r: &Incoming<'_>, example: Option<&str>) -> Reply {
    let queries = service.renderer.queries();
    let name = example.or_else(|| r.param("example"));
    let example = match name {
        Some(name) => match queries.iter().find(|q| q.name == name) {
            Some(def) => Some(def),
            None => return not_found(r),
        },
        None => None,
    };
    let params = example.map(|def| bound_params(def, r)).unwrap_or_default();
    let page = match r.param("page").map(str::parse::<usize>) {
        None => 1,
        Some(Ok(n)) if n >= 1 => n,
        Some(_) => {
            return Reply::text(
                StatusCode::BAD_REQUEST,
                "expected a page number from 1 in the page parameter",
            );
        }
    };
    let languages = r.languages();
    let form = QueryForm {
        example,
        sent: r.param("query"),
        params,
        page,
        language: languages.first().map(String::as_str),
        written: &[],
    };
    let (page, failure) = render::query_page(&view(service, r), &form);
    Reply::html(failure.as_ref().map_or(StatusCode::OK, status), page)
}

/// `/search?q=…&class=…`: the search page; `format=json` gives the hits as JSON.
pub(super) fn search_page(service: &Service, r: &Incoming<'_>) -> Reply {
    if r.param("format") == Some("json") {
        let Some(query) = r.param("q") else {
            return Reply::text(StatusCode::BAD_REQUEST, "expected a query in the q parameter");
        };
        let limit = r.param("limit").and_then(|l| l.parse().ok()).unwrap_or(20);
        let languages = r.languages();
        let language = languages.first().map(String::as_str);
        return match service.renderer.search(query, r.param("class"), language, limit) {
            Ok(hits) => Reply::new(
                StatusCode::OK,
                "application/json",
                serde_json::to_vec(&hits).unwrap_or_default(),
            ),
            Err(failure) => failed(r, &failure),
        };
    }
    let (page, failure) = render::search_page(&view(service, r), r.param("q"), r.param("class"));
    Reply::html(failure.as_ref().map_or(StatusCode::OK, status), page)
}

/// The page of a thing the graph describes.
pub(super) fn resource(service: &Service, r: &Incoming<'_>, iri: &NamedNode, quads: &[Quad]) -> Reply {
    match render::resource(&view(service, r), iri, quads) {
        Ok(page) => Reply::html(StatusCode::OK, page),
        Err(failure) => failed(r, &failure),
    }
}

/// `/describe?iri=…`: the page of any IRI the graph describes that is not minted under the base (ontology classes
/// and properties, Wikidata properties); the pages link to `/describe/{slug}.html`, which answers the same.
pub(super) fn describe_page(service: &Service, r: &Incoming<'_>) -> Reply {
    let Some(iri) = r.param("iri").and_then(|i| NamedNode::new(i).ok()) else {
        return Reply::text(StatusCode::BAD_REQUEST, "expected an absolute IRI in the iri parameter");
    };
    describe(service, r, &iri)
}

fn describe(service: &Service, r: &Incoming<'_>, iri: &NamedNode) -> Reply {
    match service.renderer.describe(iri) {
        Ok(quads) if !quads.is_empty() => resource(service, r, iri, &quads),
        Ok(_) => not_found(r),
        Err(failure) => failed(r, &failure),
    }
}

/// The pages at paths of [`paths`] that carry a name: `/describe/{slug}.html`, `/classes/{slug}/{n}.html`,
/// `/mentions{thing path}/{n}.html`, `/query/{name}.html` and the bundled query's results as files have them
/// (`/query/{name}.csv`, …). `None` when the path is none of them.
pub(super) fn route(service: &Service, r: &Incoming<'_>) -> Option<Reply> {
    let path = r.path.clone();
    Some(match paths::named(&path)? {
        paths::Named::Describe(slug) => {
            let described = &service.renderer.dataset().described;
            match described.iter().find(|iri| paths::slug(iri) == slug) {
                Some(iri) => describe(service, r, &iri.clone()),
                None => not_found(r),
            }
        }
        paths::Named::Example {
            name,
            extension: "html",
        } => query_page(service, r, Some(name)),
        paths::Named::Example { name, extension } => example_results(service, r, name, extension),
        paths::Named::Mentions { thing, page } => mentions_page(service, r, thing, page),
        paths::Named::Class { slug, page } => class_page(service, r, slug, page),
    })
}

/// `/query/{name}.{extension}`: the bundled query's results in the format of the extension (its parameters from the
/// request's, as on its page), as a static site has them; through the one results writer, within the server's
/// result size limit.
fn example_results(service: &Service, r: &Incoming<'_>, name: &str, extension: &str) -> Reply {
    let renderer = &service.renderer;
    let Some(def) = renderer.queries().iter().find(|q| q.name == name) else {
        return not_found(r);
    };
    let Some(download) = render::downloads(false)
        .into_iter()
        .chain(render::downloads(true))
        .find(|d| d.extension() == extension)
    else {
        return not_found(r);
    };
    let params = bound_params(def, r);
    let limit = service.config.limits.max_result_bytes;
    let prefixes = renderer.minter.prefixes();
    let ran = crate::query::run(
        def,
        &params,
        &renderer.store,
        &renderer.engine,
        &renderer.minter,
        |results| {
            if !download.writing.fits(Form::of(&results)) {
                // The query gives results of the other form: they have no file of this extension.
                return Ok(None);
            }
            let mut out = Vec::new();
            results::write(results, download.writing, &prefixes, Some(limit), &mut out)?;
            Ok(Some(out))
        },
    );
    match ran {
        Ok(Some(bytes)) => Reply::new(StatusCode::OK, &download.writing.content_type(), bytes),
        Ok(None) => not_found(r),
        Err(e) => failed(r, &Failure::of_bundled(&e)),
    }
}

/// `/mentions{thing path}/{n}.html`: page n of the links to a thing.
fn mentions_page(service: &Service, r: &Incoming<'_>, thing: &str, page: &str) -> Reply {
    let renderer = &service.renderer;
    let (Some(iri), Ok(page)) = (renderer.thing_at(thing), page.parse::<usize>()) else {
        return not_found(r);
    };
    if page == 0 {
        return not_found(r);
    }
    match renderer.links_to(&iri, page) {
        Ok((links, _)) if links.is_empty() => not_found(r),
        Ok((links, has_next)) => Reply::html(
            StatusCode::OK,
            render::mentions_page(&view(service, r), &iri, page, &links, has_next),
        ),
        Err(failure) => failed(r, &failure),
    }
}

/// `/classes/{slug}/{n}.html`: page n of a class's entities.
fn class_page(service: &Service, r: &Incoming<'_>, slug: &str, page: &str) -> Reply {
    let renderer = &service.renderer;
    let Ok(page) = page.parse::<usize>() else {
        return not_found(r);
    };
    let Some(class) = renderer.entity_classes().into_iter().find(|c| paths::slug(c) == slug) else {
        return not_found(r);
    };
    if page == 0 {
        return not_found(r);
    }
    let (members, has_next) = match renderer.members(&class, page) {
        Ok(listed) => listed,
        Err(failure) => return failed(r, &failure),
    };
    if members.is_empty() && page > 1 {
        return not_found(r);
    }
    Reply::html(
        StatusCode::OK,
        render::class_page(&view(service, r), &class, page, &members, has_next),
    )
}
