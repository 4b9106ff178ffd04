//! The HTTP plumbing of `powkg serve`: a request reduced to what the routes read ([`Incoming`]) and the answer
//! they build ([`Reply`]), with the answers every route shares (406, 405) and the RDF media types offered.

use std::io::Read as _;

use http::header;
use http::{Method, Request, StatusCode};

use super::body::Body;
use super::negotiate;
use crate::rdf::format::ExportFormat;

/// A finished response: status, headers and a body held in memory (so every error gets its proper status), or a
/// streamed body (the dump) that is written as it is sent.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: Vec<(header::HeaderName, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) streamed: Option<Body>,
}

impl Reply {
    pub(crate) fn new(status: StatusCode, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![(header::CONTENT_TYPE, content_type.to_owned())],
            body: body.into(),
            streamed: None,
        }
    }

    /// A plain-text answer, for errors of the machine-facing routes.
    pub(crate) fn text(status: StatusCode, message: impl Into<String>) -> Self {
        let mut message = message.into();
        message.push('\n');
        Self::new(status, "text/plain; charset=utf-8", message)
    }

    pub(crate) fn html(status: StatusCode, page: maud::Markup) -> Self {
        Self::new(status, "text/html; charset=utf-8", page.into_string())
    }

    pub(crate) fn redirect(status: StatusCode, location: &str) -> Self {
        let mut reply = Self::text(status, format!("see {location}"));
        reply.headers.push((header::LOCATION, location.to_owned()));
        reply
    }

    pub(crate) fn with(mut self, name: header::HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// 406 with what the route offers.
pub(crate) fn not_acceptable(offers: &[&str]) -> Reply {
    Reply::text(
        StatusCode::NOT_ACCEPTABLE,
        format!(
            "none of the media types in Accept is offered here; offered: {}",
            offers.join(", ")
        ),
    )
}

/// 405 with the methods the route allows.
pub(crate) fn method_not_allowed(allow: &str) -> Reply {
    Reply::text(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("this resource is read-only; allowed methods: {allow}"),
    )
    .with(header::ALLOW, allow)
}

/// RDF formats offered for graph answers, most preferred first.
pub(crate) const RDF_PREFERENCE: [ExportFormat; 6] = [
    ExportFormat::Turtle,
    ExportFormat::NTriples,
    ExportFormat::JsonLd,
    ExportFormat::RdfXml,
    ExportFormat::NQuads,
    ExportFormat::TriG,
];

/// The media types offered for graph answers with their formats: every format's registered type in the order of
/// [`RDF_PREFERENCE`], then the other types accepted for them (which win no tie against a registered one).
pub(crate) fn rdf_offers() -> Vec<(&'static str, ExportFormat)> {
    let registered = RDF_PREFERENCE.iter().map(|f| (f.media_type(), *f));
    let others = RDF_PREFERENCE
        .iter()
        .flat_map(|f| f.media_types()[1..].iter().map(move |m| (*m, *f)));
    registered.chain(others).collect()
}

/// A request reduced to what the handlers read: method, path, decoded query parameters, headers of interest and
/// the body (read only by the routes that take one, within the size limit).
pub(crate) struct Incoming<'a> {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) params: Vec<(String, String)>,
    pub(crate) request: &'a mut Request<Body>,
}

impl Incoming<'_> {
    pub(crate) fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.request.headers().get(name).and_then(|v| v.to_str().ok())
    }

    pub(crate) fn accept(&self) -> Option<&str> {
        self.header(header::ACCEPT)
    }

    /// The value of parameter `name` (the first, if repeated).
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The languages the client asked for (`lang` parameter, then `Accept-Language`).
    pub(crate) fn languages(&self) -> Vec<String> {
        negotiate::languages(self.param("lang"), self.header(header::ACCEPT_LANGUAGE))
    }

    /// The body, refused past `limit` bytes.
    pub(crate) fn body(&mut self, limit: u64) -> Result<Vec<u8>, Reply> {
        let too_large = || {
            Reply::text(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("request bodies are limited to {limit} bytes"),
            )
        };
        if self.request.body().len().is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        self.request
            .body_mut()
            .take(limit + 1)
            .read_to_end(&mut body)
            .map_err(|e| Reply::text(StatusCode::BAD_REQUEST, format!("cannot read the request body: {e}")))?;
        if body.len() as u64 > limit {
            return Err(too_large());
        }
        Ok(body)
    }

    /// The origin this request reached (`http://127.0.0.1:7878`), for absolute links in descriptions; `https` when
    /// a reverse proxy says so with `X-Forwarded-Proto`.
    pub(crate) fn origin(&self) -> Option<String> {
        let host = self.header(header::HOST)?;
        let valid = !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
        let scheme = match self.header(header::HeaderName::from_static("x-forwarded-proto")) {
            Some(p) if p.trim().eq_ignore_ascii_case("https") => "https",
            _ => "http",
        };
        valid.then(|| format!("{scheme}://{host}"))
    }
}
