//! What `powkg serve` holds while it runs ([`Service`]: the renderer, the configuration, the answers' date), and
//! what every answer carries on its way out (CORS, `nosniff`, the Content-Security-Policy, no body for HEAD). Which
//! route answers a request is `router`'s.

use std::sync::Arc;

use http::header::{self, HeaderValue};
use http::{Response, StatusCode};

use super::body::Body;
use super::config::{Config, Limits};
use super::error::ServeError;
use super::exchange::Reply;
use super::revalidate::http_date;
use crate::query::QueryDef;
use crate::query::sparql::Engine;
use crate::rdf::format::ExportFormat;
use crate::rdf::iri::Minter;
use crate::store::GraphStore;
use crate::web::render::{self, Links, Renderer};

/// The Content-Security-Policy of every response: the pages load their stylesheet and script from this server
/// only, run no inline script, send forms only here and may not be framed; answers that are not pages get it too,
/// so that a browser shown one never runs anything in it.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; script-src 'self'; \
img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Everything a request may need, shared by all connections.
pub struct Service {
    /// The pages, and the store, minter and engine they read through: the engine prepares and bounds every query
    /// the server runs, the endpoint's and the pages' alike.
    pub(super) renderer: Renderer,
    pub(super) config: Config,
    /// The curated set's date (`dcterms:created`) as an HTTP date: the `Last-Modified` of the answers.
    pub(super) last_modified: Option<String>,
}

impl Service {
    /// A service over `store`, whose IRIs were minted by `minter`; `queries` are offered as examples.
    ///
    /// Reads only what the graph says about its dataset and its ontology's terms: nothing that grows with the
    /// data is read at start. The landing page's counts and lists are computed on first need.
    pub fn new(store: GraphStore, minter: Minter, queries: Vec<QueryDef>, config: Config) -> Result<Self, ServeError> {
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
        let renderer = Renderer::new(Arc::new(store), minter, engine, queries, options).map_err(ServeError::Pages)?;
        let last_modified = renderer.dataset().created.as_deref().and_then(http_date);
        Ok(Self {
            renderer,
            config,
            last_modified,
        })
    }

    /// The change feed's stream IRI, when the store keeps one.
    pub(super) fn feed(&self) -> Option<oxigraph::model::NamedNode> {
        let dir = self.renderer.store().directory()?;
        matches!(crate::changes::feed::Feed::read(dir), Ok(Some(_)))
            .then(|| crate::changes::feed::Feed::stream(self.renderer.minter()))
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

    /// An answer of the server itself (a deadline passed, a handler failed), with the headers every response
    /// carries.
    pub(crate) fn error_response(&self, status: StatusCode, message: &str, head: bool) -> Response<Body> {
        self.finish(Reply::text(status, message), head)
    }

    /// Adds the headers every response carries and drops the body of HEAD answers (keeping the length the GET
    /// would send).
    pub(super) fn finish(&self, reply: Reply, head: bool) -> Response<Body> {
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

    /// Serializes `quads` in `format` with the graph's prefixes.
    pub(super) fn rdf_reply(&self, quads: &[oxigraph::model::Quad], format: ExportFormat) -> Reply {
        match self.renderer.serialize(quads, format) {
            Ok(out) => Reply::new(StatusCode::OK, format.content_type(), out).with(header::VARY, "Accept"),
            Err(e) => Reply::text(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot serialize: {e}")),
        }
    }
}

/// The bounds on each query the server runs.
fn sparql_limits(limits: &Limits) -> crate::query::sparql::Limits {
    crate::query::sparql::Limits {
        timeout: Some(limits.query_timeout),
        max_memory: Some(limits.max_query_memory),
    }
}
