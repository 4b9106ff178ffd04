//! `powkg serve` in process: requests go straight to `Service::handle`, no socket. Routing, content negotiation,
//! the SPARQL protocol, errors and limits. The same answers over a real socket, from other ecosystems' clients and
//! a browser, are checked by `tests/e2e/serve_e2e.py` and `tests/js/browser.mjs` (run by `.ci/run`). This file holds
//! the service and request helpers the topics below share.

mod behaviour;
mod pages;
mod protocol;
mod search;

use std::io::Read as _;
use std::sync::OnceLock;
use std::time::Duration;

use http::{Method, Request, Response, StatusCode};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::NamedNode;
use powkg::build::pipeline::{self, Sources};
use powkg::query;
use powkg::query::sparql::Engine;
use powkg::rdf::iri::{DEFAULT_BASE_IRI, GraphKind, Minter};
use powkg::store::GraphStore;
use powkg::web::serve::{Body, CONTENT_SECURITY_POLICY, Config, Limits, Service};

fn service_with(config: Config) -> Service {
    let minter = Minter::new(DEFAULT_BASE_IRI).expect("the default base IRI");
    let built = pipeline::build(&crate::util::bundled_sources(), &minter).expect("the bundled data builds");
    let store = GraphStore::in_memory(&built.quads).expect("an in-memory store");
    Service::new(
        store,
        minter,
        crate::util::bundled_queries_result().expect("bundled queries"),
        config,
    )
    .expect("a service")
}

fn service() -> &'static Service {
    static SERVICE: OnceLock<Service> = OnceLock::new();
    SERVICE.get_or_init(|| service_with(Config::default()))
}

/// What a request got back.
struct Answer {
    status: StatusCode,
    response: Response<Body>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    #[track_caller]
    fn expect(self, status: StatusCode) -> Self {
        assert_eq!(self.status, status, "body: {}", self.body);
        self
    }
}

fn send(service: &Service, method: Method, target: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut builder = Request::builder()
        .method(method)
        .uri(format!("http://localhost:7878{target}"))
        .header("Host", "localhost:7878");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let mut request = builder.body(Body::from(body.to_owned())).expect("a request");
    let mut response = service.handle(&mut request);
    let mut body = String::new();
    response.body_mut().read_to_string(&mut body).expect("a UTF-8 body");
    Answer {
        status: response.status(),
        response,
        body,
    }
}

fn get(target: &str, accept: &str) -> Answer {
    send(service(), Method::GET, target, &[("Accept", accept)], "")
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn sparql_get(query: &str, accept: &str) -> Answer {
    get(&format!("/sparql?query={}", encode(query)), accept)
}

/// A query by GET to `service`, with no headers.
fn query_on(service: &Service, query: &str) -> Answer {
    send(
        service,
        Method::GET,
        &format!("/sparql?query={}", encode(query)),
        &[],
        "",
    )
}

/// Number of triples in an RDF document, parsed by Oxigraph.
fn triples(body: &str, format: RdfFormat) -> usize {
    RdfParser::from_format(format)
        .for_slice(body.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("unparsable {format:?}: {e}\n{body}"))
        .len()
}

const COUNT_ALL: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }";

/// Quads of the bundled build, as the pipeline counts them (every served count must agree).
fn quads() -> usize {
    static QUADS: OnceLock<usize> = OnceLock::new();
    *QUADS.get_or_init(|| {
        let minter = Minter::new(DEFAULT_BASE_IRI).expect("base");
        pipeline::build(&crate::util::bundled_sources(), &minter)
            .expect("build")
            .quads
            .len()
    })
}

/// `2759` as `2,759`, as the landing page writes counts.
fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
