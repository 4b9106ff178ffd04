//! Any query or update text, sent to `powkg serve`'s SPARQL endpoint in process (`Service::handle`, no socket) by
//! every way the protocol allows: the handler always returns, never panics (libfuzzer-sys aborts on any panic,
//! even one the query thread catches), answers with a status the endpoint documents, refuses every update with
//! 403, and never reports a caught panic as a 500.
//!
//! Input: one selector byte, then (if the selector asks for extra parameters) one byte choosing them, then the
//! query or update text. Selector bits 0-2: how the text is sent (see `Mode`); bits 3-5: the `Accept` header;
//! bits 6-7: extra parameters (`format`, `default-graph-uri`, `named-graph-uri`).
#![no_main]

use std::collections::HashSet;
use std::io::Read as _;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use http::{Method, Request, StatusCode};
use libfuzzer_sys::fuzz_target;
use powkg::rdf::iri::{DEFAULT_BASE_IRI, GraphKind, Minter};
use powkg::build::pipeline::{self, Sources};
use powkg::query::catalog;
use powkg::web::serve::{Body, CONTENT_SECURITY_POLICY, Config, Limits, Service};
use powkg::store::GraphStore;

/// The service over the bundled graph, and the IRIs of its named graphs.
static FIXTURE: LazyLock<(Service, Vec<String>)> = LazyLock::new(|| {
    let minter = Minter::new(DEFAULT_BASE_IRI).expect("default base IRI");
    let built = pipeline::build(&Sources::default(), &minter).expect("the bundled data builds");
    let store = GraphStore::in_memory(&built.quads).expect("an in-memory store");
    let graphs = GraphKind::ALL
        .iter()
        .map(|kind| minter.graph(*kind).as_str().to_owned())
        .collect();
    let config = Config {
        limits: Limits {
            query_timeout: Duration::from_millis(500),
            max_query_memory: 256 * 1024 * 1024,
            ..Limits::default()
        },
        cors_origin: None,
        ..Config::default()
    };
    let service = Service::new(store, minter, catalog::bundled().expect("bundled queries"), config).expect("a service");
    (service, graphs)
});

/// `POWKG_FUZZ_VERBOSE=1` prints each request's mode and answer (to check seeds and reproduce findings).
static VERBOSE: LazyLock<bool> = LazyLock::new(|| std::env::var_os("POWKG_FUZZ_VERBOSE").is_some());

/// Messages of the 500s seen so far (printed once each, for the report; a 500 is allowed unless it is a panic).
static SEEN_500: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Mutex::default);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// `GET /sparql?query=…`
    GetQuery,
    /// `POST` form body `query=…`
    FormQuery,
    /// `POST` `application/sparql-query` body.
    DirectQuery,
    /// `POST` `application/sparql-update` body.
    DirectUpdate,
    /// `GET /sparql?update=…`
    GetUpdate,
    /// `POST` form body `update=…`
    FormUpdate,
    /// `HEAD /sparql?query=…`
    HeadQuery,
    /// `POST` `application/sparql-query; charset=UTF-8` body (parameters in the URL).
    DirectQueryCharset,
}

impl Mode {
    const ALL: [Mode; 8] = [
        Mode::GetQuery,
        Mode::FormQuery,
        Mode::DirectQuery,
        Mode::DirectUpdate,
        Mode::GetUpdate,
        Mode::FormUpdate,
        Mode::HeadQuery,
        Mode::DirectQueryCharset,
    ];

    fn is_update(self) -> bool {
        matches!(self, Mode::DirectUpdate | Mode::GetUpdate | Mode::FormUpdate)
    }
}

const ACCEPTS: [Option<&str>; 8] = [
    None,
    Some("*/*"),
    Some("application/sparql-results+json"),
    Some("application/sparql-results+xml"),
    Some("text/csv"),
    Some("text/tab-separated-values;q=0.9, application/n-triples;q=0.8"),
    Some("text/turtle, application/ld+json;q=0.5, application/rdf+xml;q=0.1"),
    Some("text/html"),
];

const FORMATS: [&str; 16] = [
    "json", "xml", "csv", "tsv", "srj", "srx", "turtle", "nt", "jsonld", "rdfxml", "nquads", "trig",
    "text/csv", "application/ld+json", "bogus", "",
];

fn encode(bytes: &[u8]) -> String {
    form_urlencoded::byte_serialize(bytes).collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, mut rest)) = data.split_first() else {
        return;
    };
    let (service, graphs) = &*FIXTURE;
    let mode = Mode::ALL[usize::from(selector & 0x07)];
    let accept = ACCEPTS[usize::from((selector >> 3) & 0x07)];
    let extras = selector >> 6;

    // Extra protocol parameters, as `name=value` pairs already encoded.
    let mut params: Vec<(&str, String)> = Vec::new();
    if extras != 0 {
        let Some((&choice, text)) = rest.split_first() else {
            return;
        };
        rest = text;
        let mut graph_iris: Vec<&str> = graphs.iter().map(String::as_str).collect();
        graph_iris.extend(["http://example.org/no-such-graph", "not an IRI", ""]);
        let graph = |i: u8| graph_iris[usize::from(i) % graph_iris.len()].to_owned();
        let format = FORMATS[usize::from(choice & 0x0f)].to_owned();
        match extras {
            1 => params.push(("format", format)),
            2 => params.push(("default-graph-uri", graph(choice))),
            _ => {
                params.push(("default-graph-uri", graph(choice)));
                params.push(("named-graph-uri", graph(choice >> 4)));
                params.push(("named-graph-uri", graph(choice.rotate_left(2))));
                params.push(("format", format));
            }
        }
    }
    let mut encoded_params = String::new();
    for (name, value) in &params {
        encoded_params.push('&');
        encoded_params.push_str(name);
        encoded_params.push('=');
        encoded_params.push_str(&encode(value.as_bytes()));
    }

    let text = encode(rest);
    let (method, target, content_type, body): (Method, String, Option<&str>, Vec<u8>) = match mode {
        Mode::GetQuery => (Method::GET, format!("/sparql?query={text}{encoded_params}"), None, Vec::new()),
        Mode::HeadQuery => (Method::HEAD, format!("/sparql?query={text}{encoded_params}"), None, Vec::new()),
        Mode::GetUpdate => (Method::GET, format!("/sparql?update={text}{encoded_params}"), None, Vec::new()),
        Mode::FormQuery | Mode::FormUpdate => {
            let name = if mode == Mode::FormQuery { "query" } else { "update" };
            (
                Method::POST,
                "/sparql".to_owned(),
                Some("application/x-www-form-urlencoded"),
                format!("{name}={text}{encoded_params}").into_bytes(),
            )
        }
        Mode::DirectQuery | Mode::DirectQueryCharset | Mode::DirectUpdate => {
            let content_type = match mode {
                Mode::DirectQuery => "application/sparql-query",
                Mode::DirectQueryCharset => "application/sparql-query; charset=UTF-8",
                _ => "application/sparql-update",
            };
            let target = match encoded_params.strip_prefix('&') {
                Some(query_string) => format!("/sparql?{query_string}"),
                None => "/sparql".to_owned(),
            };
            (Method::POST, target, Some(content_type), rest.to_vec())
        }
    };

    let mut builder = Request::builder()
        .method(method.clone())
        .uri(format!("http://localhost:7878{target}"))
        .header("Host", "localhost:7878");
    if let Some(accept) = accept {
        builder = builder.header("Accept", accept);
    }
    if let Some(content_type) = content_type {
        builder = builder.header("Content-Type", content_type);
    }
    let mut request = builder.body(Body::from(body)).expect("a well-formed request");

    let mut response = service.handle(&mut request);
    let status = response.status();
    let mut answer = Vec::new();
    response
        .body_mut()
        .read_to_end(&mut answer)
        .expect("an endpoint answer is read whole");
    let message = String::from_utf8_lossy(&answer);
    if *VERBOSE {
        let head: String = message.chars().take(200).collect();
        eprintln!("serve_sparql: {mode:?} {method} {accept:?} {params:?} -> {status} ({} bytes): {head}", answer.len());
    }

    assert!(
        [
            StatusCode::OK,
            StatusCode::BAD_REQUEST,
            StatusCode::FORBIDDEN,
            StatusCode::METHOD_NOT_ALLOWED,
            StatusCode::NOT_ACCEPTABLE,
            StatusCode::PAYLOAD_TOO_LARGE,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::SERVICE_UNAVAILABLE,
        ]
        .contains(&status),
        "{mode:?}: unexpected status {status}: {message}"
    );
    if mode.is_update() {
        assert_eq!(status, StatusCode::FORBIDDEN, "{mode:?}: an update must be refused: {message}");
    } else {
        assert_ne!(status, StatusCode::FORBIDDEN, "{mode:?}: a query refused as an update: {message}");
        // Every method and content type sent here is one the endpoint serves.
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{mode:?}: {message}");
        assert_ne!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{mode:?}: {message}");
    }
    assert!(
        !message.contains("internal error while evaluating the query (a bug)"),
        "{mode:?}: a panic answered {status}: {message}"
    );
    assert!(
        !message.contains("cannot start the query"),
        "{mode:?}: no query thread: {message}"
    );
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        let key: String = message.chars().take(100).collect();
        let mut seen = SEEN_500.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.len() < 1000 && seen.insert(key.clone()) {
            eprintln!("serve_sparql: new 500 ({mode:?}): {key}");
        }
    }
    let headers = response.headers();
    assert_eq!(
        headers.get("content-security-policy").and_then(|v| v.to_str().ok()),
        Some(CONTENT_SECURITY_POLICY),
        "every answer carries the CSP"
    );
    assert!(headers.get("access-control-allow-origin").is_none(), "no CORS when cors_origin is None");
    if status == StatusCode::OK {
        assert!(headers.get("content-type").is_some(), "{mode:?}: a 200 without Content-Type");
    }
    if method == Method::HEAD {
        assert!(answer.is_empty(), "a HEAD answer has no body");
    }
});
