//! `powkg serve`: a read-only SPARQL 1.1 Protocol endpoint and linked-data pages over a loaded store.
//!
//! [`Service::handle`] turns one request into one response and touches no socket, so routing, negotiation, errors
//! and limits are tested in process; [`run`] puts it behind hyper's HTTP/1.1 server (see `transport`: a connection
//! limit overall and per client, a deadline for each request's head, body and handling, a bound on stalled writes
//! and on each connection's requests and age) and waits for SIGINT or SIGTERM. Routes:
//!
//! | path | what |
//! |---|---|
//! | `/` | landing page: the dataset, its licence, counts, entities by class, sources |
//! | `/sparql` | the endpoint (GET, POST form, POST `application/sparql-query`); without a query, the service description |
//! | `/query` | the query page: a form, the bundled queries as examples, results as a paged table (no JavaScript needed) |
//! | `/query/NAME.html` | a bundled query: its description, a field per parameter, its results |
//! | `/search` | the search page (`format=json`: the hits as JSON) |
//! | `/classes/SLUG/N.html`, `/mentions{path}/N.html` | a class's entities, what points at a thing: paged |
//! | `/describe/SLUG.html` | the page of an ontology term (also `/describe?iri=…`) |
//! | `/context.jsonld` | the JSON-LD context of the documents |
//! | `/void`, `/.well-known/void` | the VoID/DCAT dataset description |
//! | `/dump`, `/dump.EXT` | the whole graph, streamed: Turtle, N-Triples, N-Quads, TriG, RDF/XML or JSON-LD by `Accept` or extension |
//! | `{base path}…` | every IRI minted under the base: 303 to its document, `….html`, `.ttl`, `.nt`, `.jsonld`, `.rdf` |
//!
//! The pages are drawn by [`crate::web::render`], which `powkg site` shares; this module is the HTTP around them.
//! The store is read-only: nothing here writes to it, and SPARQL updates are refused with 403. Every page does
//! bounded work (lists end with "N more" and a query for the rest), and every SPARQL query a page runs goes through
//! the endpoint's own evaluation, under its limits.

mod admission;
mod body;
mod dump;
mod exchange;
mod negotiate;
mod pages;
mod resource;
mod sparql;
mod transport;

use std::sync::Arc;
use std::time::Duration;

use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use sha2::Digest as _;

use crate::error::Error;
use crate::query::QueryDef;
use crate::query::sparql::Engine;
use crate::rdf::format::ExportFormat;
use crate::rdf::iri::Minter;
use crate::store::GraphStore;
use crate::web::render::{self, Links, Renderer, paths};
use exchange::{Incoming, Reply, method_not_allowed, not_acceptable, rdf_offers};

pub use body::Body;
pub use transport::run;

/// The Content-Security-Policy of every response: the pages load their stylesheet and script from this server
/// only, run no inline script, send forms only here and may not be framed; answers that are not pages get it too,
/// so that a browser shown one never runs anything in it.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; script-src 'self'; \
img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Resource limits of the server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// A query running longer is cancelled and answered with 503.
    pub query_timeout: Duration,
    /// Time from a request's head to its answer: a request still being read or handled then is answered with 503.
    pub request_timeout: Duration,
    /// Time a client has to send a request's head (and a kept-alive connection to start its next request).
    pub header_timeout: Duration,
    /// Longest a client may keep the server waiting to send the next bytes of an answer before it is disconnected.
    pub send_timeout: Duration,
    /// Largest request body accepted (413 beyond).
    pub max_request_bytes: u64,
    /// Largest serialized result sent (500 beyond: the query should use LIMIT).
    pub max_result_bytes: usize,
    /// Most rows the query page shows (the endpoint itself is bounded by `max_result_bytes` only).
    pub max_page_rows: usize,
    /// Memory one query may take (503 beyond, as for the time limit).
    pub max_query_memory: usize,
    /// Most queries evaluated at once; others wait for a slot until their deadline (503 then).
    pub max_concurrent_queries: usize,
    /// Most connections from one client address (an IPv6 client: its /64) at once; past it, its idle connections are
    /// closed for the newcomer, and the newcomer is refused (503) when none is idle.
    pub max_connections_per_client: usize,
    /// Requests answered on one connection; the last answer says `Connection: close`.
    pub max_requests_per_connection: u64,
    /// Time a connection may stay open: past it, it takes no new request (the one in progress is answered).
    pub max_connection_age: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            query_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            send_timeout: Duration::from_secs(60),
            max_request_bytes: 1024 * 1024,
            max_result_bytes: 16 * 1024 * 1024,
            max_page_rows: 1000,
            max_query_memory: 1024 * 1024 * 1024,
            max_concurrent_queries: 8,
            max_connections_per_client: 32,
            max_requests_per_connection: 1000,
            max_connection_age: Duration::from_secs(300),
        }
    }
}

impl Limits {
    /// The default request deadline for a query timeout: the query's time plus room to read the request and
    /// write the answer.
    pub fn request_timeout_for(query_timeout: Duration) -> Duration {
        query_timeout + Duration::from_secs(5)
    }
}

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Resource limits.
    pub limits: Limits,
    /// `Access-Control-Allow-Origin` for browser clients on other origins; `None` sends no CORS headers.
    pub cors_origin: Option<String>,
    /// The SPARQL endpoints queries may call with `SERVICE` (none by default: the server makes no request).
    pub allowed_services: Vec<oxigraph::model::NamedNode>,
}

impl Default for Config {
    /// Default limits; CORS open to every origin (the data is public and the server read-only).
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            cors_origin: Some("*".to_owned()),
            allowed_services: Vec::new(),
        }
    }
}

/// Everything a request may need, shared by all connections.
pub struct Service {
    /// The pages, and the store, minter and engine they read through: the engine prepares and bounds every query
    /// the server runs, the endpoint's and the pages' alike.
    renderer: Renderer,
    config: Config,
    /// The curated set's date (`dcterms:created`) as an HTTP date: the `Last-Modified` of the answers.
    last_modified: Option<String>,
}

/// The methods this server answers.
const METHODS: &str = "GET, HEAD, POST, OPTIONS";

/// The methods of every route but the endpoint.
const READ_METHODS: &str = "GET, HEAD, OPTIONS";

impl Service {
    /// A service over `store`, whose IRIs were minted by `minter`; `queries` are offered as examples.
    ///
    /// Reads only what the graph says about its dataset and its ontology's terms: nothing that grows with the
    /// data is read at start. The landing page's counts and lists are computed on first need.
    pub fn new(store: GraphStore, minter: Minter, queries: Vec<QueryDef>, config: Config) -> Result<Self, Error> {
        let limits = &config.limits;
        // The search index of the store (an in-memory store gets one built now; an old on-disk store without one
        // serves everything else, and its search page says how to get one).
        let search = crate::search::SearchIndex::of_store(&store, &minter);
        let engine = Engine::new(&minter)
            .with_limits(sparql_limits(limits))
            .with_slots(limits.max_concurrent_queries)
            .allowing_services(config.allowed_services.clone())
            .with_search(search);
        let options = render::Options {
            links: Links::Server,
            page_rows: limits.max_page_rows,
            // The landing page waits for its counts at most a part of the request's deadline, so that it still
            // answers in time on a very large graph.
            summary_wait: Some(limits.request_timeout * 3 / 4),
        };
        let renderer = Renderer::new(Arc::new(store), minter, engine, queries, options)?;
        let last_modified = renderer.dataset().created.as_deref().and_then(http_date);
        Ok(Self {
            renderer,
            config,
            last_modified,
        })
    }

    /// The pages this server answers with.
    pub fn renderer(&self) -> &Renderer {
        &self.renderer
    }

    /// The path under which the graph's IRIs are served (`/powkg/`).
    pub fn base_path(&self) -> &str {
        self.renderer.base_path()
    }

    /// How this service behaves.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether the landing page's counts and lists have been computed yet (they are on first need, never at
    /// start).
    pub fn summary_ready(&self) -> bool {
        self.renderer.summary_ready()
    }

    /// Answers one request.
    pub fn handle(&self, request: &mut Request<Body>) -> Response<Body> {
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let params = request
            .uri()
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let mut incoming = Incoming {
            method: method.clone(),
            path,
            params,
            request,
        };
        let reply = if method == Method::OPTIONS {
            Reply::new(StatusCode::NO_CONTENT, "text/plain", Vec::new()).with(header::ALLOW, METHODS)
        } else if ![Method::GET, Method::HEAD, Method::POST].contains(&method) {
            // CONNECT (whose target is an authority, not a path), PUT, DELETE, TRACE, PATCH and extension methods:
            // none of them is served anywhere.
            method_not_allowed(if incoming.path == "/sparql" {
                METHODS
            } else {
                READ_METHODS
            })
        } else {
            self.route(&mut incoming)
        };
        let conditions = Conditions {
            if_none_match: request
                .headers()
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok()),
            if_modified_since: request
                .headers()
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok()),
            last_modified: self.last_modified.as_deref(),
        };
        let reply = revalidate(reply, method == Method::GET || method == Method::HEAD, &conditions);
        self.finish(reply, method == Method::HEAD)
    }

    fn route(&self, r: &mut Incoming<'_>) -> Reply {
        let read_only = r.method == Method::GET || r.method == Method::HEAD;
        match r.path.as_str() {
            "/sparql" => return sparql::endpoint(self, r),
            _ if !read_only => return method_not_allowed(READ_METHODS),
            paths::HOME => return pages::landing(self, r),
            paths::QUERY => return pages::query_page(self, r, None),
            paths::SEARCH => return pages::search_page(self, r),
            "/describe" => return pages::describe_page(self, r),
            paths::VOID | "/.well-known/void" => return self.void(r),
            paths::DUMP => return self.dump(r),
            paths::STYLE => return Reply::new(StatusCode::OK, "text/css", render::STYLE),
            paths::CONTEXT => {
                let context = crate::rdf::jsonld::context_document(&self.renderer.minter().prefixes());
                return Reply::new(StatusCode::OK, "application/ld+json", context);
            }
            paths::QUERY_JS => return Reply::new(StatusCode::OK, "text/javascript", render::QUERY_JS),
            _ => {}
        }
        if let Some(reply) = pages::route(self, r) {
            return reply;
        }
        if let Some(reply) = self.file_of(r) {
            return reply;
        }
        match r.path.strip_prefix(self.renderer.base_path()) {
            Some(rest) if !rest.is_empty() => resource::dereference(self, r),
            _ => pages::not_found(r),
        }
    }

    /// An answer of the server itself (a deadline passed, a handler failed), with the headers every response
    /// carries.
    pub(crate) fn error_response(&self, status: StatusCode, message: &str, head: bool) -> Response<Body> {
        self.finish(Reply::text(status, message), head)
    }

    /// Adds the headers every response carries and drops the body of HEAD answers (keeping the length the GET
    /// would send).
    fn finish(&self, reply: Reply, head: bool) -> Response<Body> {
        let mut response = Response::builder().status(reply.status);
        for (name, value) in &reply.headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                response = response.header(name, value);
            }
        }
        if let Some(origin) = &self.config.cors_origin {
            // No Access-Control-Allow-Methods: GET, HEAD and POST, all this server answers, are CORS-safelisted
            // methods that a preflight accepts without it.
            response = response
                .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.as_str())
                .header(
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    "Accept, Accept-Language, Content-Type",
                )
                .header(header::ACCESS_CONTROL_MAX_AGE, "86400");
        }
        response = response
            .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
            .header(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
        let body = match (head, reply.streamed) {
            (true, Some(_)) => Body::empty(),
            (true, None) => {
                response = response.header(header::CONTENT_LENGTH, reply.body.len());
                Body::empty()
            }
            (false, Some(streamed)) => streamed,
            (false, None) => Body::from(reply.body),
        };
        response.body(body).unwrap_or_else(|_| {
            let mut fallback = Response::new(Body::from("cannot build the response"));
            *fallback.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        })
    }

    /// `/void`: the metadata graph, with the endpoint and dump this server offers; a browser asking for HTML is
    /// sent to the dataset's own page.
    fn void(&self, r: &Incoming<'_>) -> Reply {
        let mut offers: Vec<(&str, Option<ExportFormat>)> =
            rdf_offers().into_iter().map(|(m, f)| (m, Some(f))).collect();
        offers.insert(1, ("text/html", None));
        match negotiate::choose(r.accept(), &offers) {
            None => not_acceptable(&offers.iter().map(|(m, _)| *m).collect::<Vec<_>>()),
            Some(None) => Reply::redirect(StatusCode::SEE_OTHER, &format!("{}dataset.html", self.base_path()))
                .with(header::VARY, "Accept"),
            Some(Some(format)) => {
                self.rdf_reply(&self.renderer.dataset().void_quads(r.origin().as_deref(), true), format)
            }
        }
    }

    /// `/dump`: the whole graph, streamed from the store as it is sent (nothing of it is kept).
    fn dump(&self, r: &Incoming<'_>) -> Reply {
        let offers = crate::rdf::format::DUMP_FORMATS.map(|f| (f.media_type(), f));
        let Some(format) = negotiate::choose(r.accept(), &offers) else {
            return not_acceptable(&offers.map(|(m, _)| m));
        };
        let file = format!("attachment; filename=\"powkg.{}\"", format.extension());
        let mut reply = Reply::new(StatusCode::OK, format.content_type(), Vec::new())
            .with(header::VARY, "Accept")
            .with(header::CONTENT_DISPOSITION, file);
        reply.streamed = Some(dump::body(
            Arc::clone(self.renderer.store()),
            format,
            self.renderer.minter().prefixes(),
        ));
        reply
    }

    /// `/void.{ext}` and `/dump.{ext}`: the dataset description and the dump in the format the extension names, as
    /// a static site has them.
    fn file_of(&self, r: &Incoming<'_>) -> Option<Reply> {
        let (name, extension) = r.path.rsplit_once('.')?;
        let format = ExportFormat::TABLE
            .iter()
            .find(|i| i.format.extension() == extension)?
            .format;
        match name {
            paths::VOID => {
                Some(self.rdf_reply(&self.renderer.dataset().void_quads(r.origin().as_deref(), true), format))
            }
            paths::DUMP if crate::rdf::format::DUMP_FORMATS.contains(&format) => {
                let mut reply = Reply::new(StatusCode::OK, format.content_type(), Vec::new());
                reply.streamed = Some(dump::body(
                    Arc::clone(self.renderer.store()),
                    format,
                    self.renderer.minter().prefixes(),
                ));
                Some(reply)
            }
            _ => None,
        }
    }

    /// Serializes `quads` in `format` with the graph's prefixes.
    fn rdf_reply(&self, quads: &[oxigraph::model::Quad], format: ExportFormat) -> Reply {
        match self.renderer.serialize(quads, format) {
            Ok(out) => Reply::new(StatusCode::OK, format.content_type(), out).with(header::VARY, "Accept"),
            Err(e) => Reply::text(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot serialize: {e}")),
        }
    }
}

/// A request's validators and the answer's date.
struct Conditions<'a> {
    if_none_match: Option<&'a str>,
    if_modified_since: Option<&'a str>,
    /// The curated set's date as an HTTP date, the `Last-Modified` of every answer.
    last_modified: Option<&'a str>,
}

/// Tags a complete 200 answer of a GET or HEAD with an `ETag` (a digest of its bytes: the store never changes while
/// served, so an answer changes only with a rebuild) and a `Last-Modified` (the curated set's date), and answers a
/// matching `If-None-Match` with 304 and no body; without one, an `If-Modified-Since` that repeats the
/// `Last-Modified` (as clients do) also gets 304 (RFC 9110 §13.2.2: `If-None-Match` wins).
fn revalidate(mut reply: Reply, cacheable: bool, conditions: &Conditions<'_>) -> Reply {
    if !cacheable || reply.status != StatusCode::OK || reply.streamed.is_some() {
        return reply;
    }
    let digest = sha2::Sha256::digest(&reply.body);
    let tag = crate::rdf::hash::hex(&digest[..12]);
    let etag = format!("\"{tag}\"");
    let unchanged = match conditions.if_none_match {
        Some(value) => value
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == etag),
        None => conditions
            .if_modified_since
            .zip(conditions.last_modified)
            .is_some_and(|(since, modified)| since.trim() == modified),
    };
    if unchanged {
        reply.status = StatusCode::NOT_MODIFIED;
        reply.body.clear();
        reply.headers.retain(|(name, _)| *name != header::CONTENT_TYPE);
    }
    if let Some(modified) = conditions.last_modified {
        reply = reply.with(header::LAST_MODIFIED, modified);
    }
    reply.with(header::ETAG, etag)
}

/// `YYYY-MM-DD` as an HTTP date at midnight UTC (`Tue, 24 Nov 2026 00:00:00 GMT`); `None` for another form.
fn http_date(date: &str) -> Option<String> {
    // Sakamoto's day of the week (0 = Sunday).
    const OFFSETS: [u32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = date.get(..10)?.split('-').map(str::parse::<u32>);
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day))) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let y = if month < 3 { year - 1 } else { year };
    let weekday = (y + y / 4 - y / 100 + y / 400 + OFFSETS[month as usize - 1] + day) % 7;
    Some(format!(
        "{}, {day:02} {} {year} 00:00:00 GMT",
        DAYS[weekday as usize],
        MONTHS[month as usize - 1]
    ))
}

/// The bounds on each query the server runs.
fn sparql_limits(limits: &Limits) -> crate::query::sparql::Limits {
    crate::query::sparql::Limits {
        timeout: Some(limits.query_timeout),
        max_memory: Some(limits.max_query_memory),
    }
}

#[cfg(test)]
mod tests {
    use super::http_date;

    #[test]
    fn dates_are_written_as_http_dates() {
        assert_eq!(
            http_date("2026-11-24").as_deref(),
            Some("Tue, 24 Nov 2026 00:00:00 GMT")
        );
        assert_eq!(
            http_date("2000-02-29").as_deref(),
            Some("Tue, 29 Feb 2000 00:00:00 GMT")
        );
        assert_eq!(
            http_date("1944-08-23").as_deref(),
            Some("Wed, 23 Aug 1944 00:00:00 GMT")
        );
        assert_eq!(http_date("2026-13-01"), None);
        assert_eq!(http_date("yesterday"), None);
    }
}
