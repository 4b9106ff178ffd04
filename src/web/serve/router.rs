//! Which route answers a request: [`Service::handle`] turns one request into one response and touches no socket
//! (`transport` puts it behind HTTP/1.1), dispatching by method and path to the endpoint, the pages, the dataset's
//! files and the graph's IRIs, then revalidating the answer against the request's conditions.

use http::header;
use http::{Method, Request, Response, StatusCode};

use super::body::Body;
use super::dataset;
use super::exchange::{Incoming, Reply, method_not_allowed};
use super::pages;
use super::resource;
use super::revalidate::{Conditions, revalidate};
use super::service::Service;
use super::sparql;
use crate::web::render::{self, paths};

/// The methods this server answers.
const METHODS: &str = "GET, HEAD, POST, OPTIONS";

/// The methods of every route but the endpoint.
const READ_METHODS: &str = "GET, HEAD, OPTIONS";

// The route table is kept apart from what the service holds (`service`), so that the routes it calls can take a
// `&Service` without the two naming each other.
impl Service {
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
            paths::VOID | "/.well-known/void" => return dataset::void(self, r),
            paths::DUMP => return dataset::dump(self, r),
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
        if let Some(reply) = dataset::file_of(self, r) {
            return reply;
        }
        let base_path = self.renderer.base_path().to_owned();
        if let Some(reply) = r
            .path
            .strip_prefix(base_path.as_str())
            .and_then(|rest| super::feed::route(self, r, rest))
        {
            return reply;
        }
        match r.path.strip_prefix(self.renderer.base_path()) {
            Some(rest) if !rest.is_empty() => resource::dereference(self, r),
            _ => pages::not_found(r),
        }
    }
}
