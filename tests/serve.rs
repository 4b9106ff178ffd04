//! `powkg serve` in process: requests go straight to `Service::handle`, no socket. Routing, content negotiation,
//! the SPARQL protocol, errors and limits. The same answers over a real socket, from other ecosystems' clients and
//! a browser, are checked by `tests/e2e/serve_e2e.py` and `tests/js/browser.mjs` (run by `.ci/run`).

use std::io::Read as _;
use std::sync::OnceLock;
use std::time::Duration;

use http::{Method, Request, Response, StatusCode};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::NamedNode;
use powkg::build::pipeline::{self, Sources};
use powkg::query::sparql::Engine;
use powkg::query::{self, catalog};
use powkg::rdf::iri::{DEFAULT_BASE_IRI, GraphKind, Minter};
use powkg::store::GraphStore;
use powkg::web::serve::{Body, CONTENT_SECURITY_POLICY, Config, Limits, Service};

fn service_with(config: Config) -> Service {
    let minter = Minter::new(DEFAULT_BASE_IRI).expect("the default base IRI");
    let built = pipeline::build(&Sources::default(), &minter).expect("the bundled data builds");
    let store = GraphStore::in_memory(&built.quads).expect("an in-memory store");
    Service::new(store, minter, catalog::bundled().expect("bundled queries"), config).expect("a service")
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
        pipeline::build(&Sources::default(), &minter)
            .expect("build")
            .quads
            .len()
    })
}

#[test]
fn select_results_come_in_every_w3c_format_by_accept_or_format_parameter() {
    let n = quads();
    for (accept, media_type, expected) in [
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
            format!("\"value\":\"{n}\""),
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            format!(">{n}</literal>"),
        ),
        ("text/csv", "text/csv", format!("n\r\n{n}\r\n")),
        (
            "text/tab-separated-values",
            "text/tab-separated-values",
            format!("?n\n{n}\n"),
        ),
        ("*/*", "application/sparql-results+json", format!("\"value\":\"{n}\"")),
    ] {
        let answer = sparql_get(COUNT_ALL, accept).expect(StatusCode::OK);
        assert!(
            answer.header("content-type").starts_with(media_type),
            "{accept}: {}",
            answer.header("content-type")
        );
        assert!(answer.body.contains(&expected), "{accept}: {}", answer.body);
    }
    // The `format` parameter wins over Accept where it fits the query form. Where it does not, the choice is left to
    // Accept (SPARQLWrapper sends format=xml on every query); for graphs, xml and json mean RDF/XML and JSON-LD.
    let construct = "CONSTRUCT WHERE { ?s a wikibase:Item } LIMIT 1";
    for (format, query, accept, media_type) in [
        ("csv", COUNT_ALL, "application/sparql-results+xml", "text/csv"),
        ("csv", construct, "text/turtle", "text/turtle"),
        ("xml", construct, "text/turtle", "application/rdf+xml"),
        ("xml", COUNT_ALL, "*/*", "application/sparql-results+xml"),
    ] {
        let answer = get(&format!("/sparql?format={format}&query={}", encode(query)), accept).expect(StatusCode::OK);
        assert!(
            answer.header("content-type").starts_with(media_type),
            "format={format}, Accept {accept}: {}",
            answer.header("content-type")
        );
    }
    let refused = sparql_get(COUNT_ALL, "image/png").expect(StatusCode::NOT_ACCEPTABLE);
    assert!(
        refused.body.contains("application/sparql-results+json"),
        "{}",
        refused.body
    );
    let ask = sparql_get("ASK { ?x a wikibase:Statement }", "application/sparql-results+json").expect(StatusCode::OK);
    assert!(ask.body.contains("\"boolean\":true"), "{}", ask.body);
}

#[test]
fn graph_results_come_in_every_rdf_format() {
    let query = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a wikibase:Item ; rdfs:label ?l }";
    let reference = sparql_get(query, "application/n-triples").expect(StatusCode::OK);
    let n = triples(&reference.body, RdfFormat::NTriples);
    assert!(n > 37, "every entity has labels: {n}");
    for (accept, format) in [
        ("text/turtle", RdfFormat::Turtle),
        (
            "application/ld+json",
            RdfFormat::JsonLd {
                profile: oxigraph::io::JsonLdProfileSet::empty(),
            },
        ),
        ("application/rdf+xml", RdfFormat::RdfXml),
    ] {
        let answer = sparql_get(query, accept).expect(StatusCode::OK);
        assert!(answer.header("content-type").starts_with(accept));
        assert_eq!(triples(&answer.body, format), n, "{accept}");
    }
}

#[test]
fn queries_by_get_form_post_and_direct_post_agree() {
    let by_get = sparql_get(COUNT_ALL, "text/csv").expect(StatusCode::OK);
    let by_form = send(
        service(),
        Method::POST,
        "/sparql",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "text/csv"),
        ],
        &format!("query={}", encode(COUNT_ALL)),
    )
    .expect(StatusCode::OK);
    let direct = send(
        service(),
        Method::POST,
        "/sparql",
        &[
            ("Content-Type", "application/sparql-query; charset=utf-8"),
            ("Accept", "text/csv"),
        ],
        COUNT_ALL,
    )
    .expect(StatusCode::OK);
    assert_eq!(by_get.body, by_form.body);
    assert_eq!(by_get.body, direct.body);
    send(
        service(),
        Method::POST,
        "/sparql",
        &[("Content-Type", "text/plain")],
        COUNT_ALL,
    )
    .expect(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let two = get(&format!("/sparql?query={0}&query={0}", encode(COUNT_ALL)), "*/*").expect(StatusCode::BAD_REQUEST);
    assert!(two.body.contains("exactly one"), "{}", two.body);
}

#[test]
fn updates_are_refused_and_the_store_is_unchanged() {
    let update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }";
    for answer in [
        send(
            service(),
            Method::POST,
            "/sparql",
            &[("Content-Type", "application/sparql-update")],
            update,
        ),
        send(
            service(),
            Method::POST,
            "/sparql",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            &format!("update={}", encode(update)),
        ),
        get(&format!("/sparql?update={}", encode(update)), "*/*"),
    ] {
        let answer = answer.expect(StatusCode::FORBIDDEN);
        assert!(answer.body.contains("read-only"), "{}", answer.body);
    }
    let put = send(service(), Method::PUT, "/powkg/entity/karlag", &[], "").expect(StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(put.header("allow"), "GET, HEAD, OPTIONS");
    assert!(sparql_get(COUNT_ALL, "text/csv").body.contains(&quads().to_string()));
}

#[test]
fn malformed_queries_get_400_with_line_and_column() {
    let answer = sparql_get("SELECT ?x WHERE {\n  ?x a wikibase:Item .\n", "*/*").expect(StatusCode::BAD_REQUEST);
    assert!(
        answer.body.starts_with("query:1:17: SPARQL syntax error"),
        "{}",
        answer.body
    );
    let answer = sparql_get("SELECT ?x WHERE { ?x nope:thing ?y }", "*/*").expect(StatusCode::BAD_REQUEST);
    assert!(answer.body.starts_with("query:1:"), "{}", answer.body);
    let bad_graph = get(
        &format!("/sparql?default-graph-uri=not%20an%20iri&query={}", encode(COUNT_ALL)),
        "*/*",
    );
    assert!(
        bad_graph
            .expect(StatusCode::BAD_REQUEST)
            .body
            .contains("default-graph-uri")
    );
}

#[test]
fn protocol_dataset_parameters_choose_the_graphs() {
    let minter = Minter::new(DEFAULT_BASE_IRI).expect("base");
    let built = pipeline::build(&Sources::default(), &minter).expect("build");
    let size = |kind| {
        built
            .graph_sizes
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, n)| *n)
            .expect("a size")
    };
    let metadata = minter.graph(GraphKind::Metadata);
    let data = minter.graph(GraphKind::Data);
    let count = |params: &str, query: &str| -> usize {
        let body = get(&format!("/sparql?{params}&query={}", encode(query)), "text/csv")
            .expect(StatusCode::OK)
            .body;
        body.lines()
            .nth(1)
            .and_then(|l| l.trim().parse().ok())
            .expect("a count")
    };
    let g = |iri: &oxigraph::model::NamedNode| encode(iri.as_str());
    assert_eq!(
        count(&format!("default-graph-uri={}", g(&metadata)), COUNT_ALL),
        size(GraphKind::Metadata)
    );
    assert_eq!(
        count(
            &format!("default-graph-uri={}&default-graph-uri={}", g(&metadata), g(&data)),
            COUNT_ALL
        ),
        size(GraphKind::Metadata) + size(GraphKind::Data)
    );
    let in_named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }";
    assert_eq!(
        count(&format!("named-graph-uri={}", g(&data)), in_named),
        size(GraphKind::Data)
    );
    // No protocol dataset: the default graph is the union of all graphs.
    assert_eq!(count("x=1", COUNT_ALL), built.quads.len());
}

#[test]
fn a_runaway_query_is_cancelled_and_the_service_still_answers() {
    let service = service_with(Config {
        limits: Limits {
            query_timeout: Duration::from_millis(300),
            ..Limits::default()
        },
        cors_origin: None,
        ..Config::default()
    });
    let runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";
    let answer = query_on(&service, runaway).expect(StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        answer.body.contains("ran longer than the limit of 0.3 s"),
        "{}",
        answer.body
    );
    let after = query_on(&service, COUNT_ALL);
    assert!(after.expect(StatusCode::OK).body.contains(&quads().to_string()));
}

#[test]
fn request_and_result_sizes_are_limited() {
    let service = service_with(Config {
        limits: Limits {
            max_request_bytes: 64,
            max_result_bytes: 2048,
            ..Limits::default()
        },
        cors_origin: None,
        ..Config::default()
    });
    let long = format!("{COUNT_ALL} # {}", "x".repeat(100));
    let answer = send(
        &service,
        Method::POST,
        "/sparql",
        &[("Content-Type", "application/sparql-query")],
        &long,
    )
    .expect(StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.body.contains("64 bytes"), "{}", answer.body);
    let everything = "SELECT * WHERE { ?s ?p ?o }";
    // A limit met, as the deadline and the memory budget are, not a bug of the server (it was 500).
    let answer = query_on(&service, everything).expect(StatusCode::SERVICE_UNAVAILABLE);
    assert!(answer.body.contains("limit of 2048 bytes"), "{}", answer.body);
    let everything = "CONSTRUCT WHERE { ?s ?p ?o }";
    query_on(&service, everything).expect(StatusCode::SERVICE_UNAVAILABLE);
}

#[test]
fn the_endpoint_describes_itself_and_sends_browsers_to_the_query_page() {
    let description = get("/sparql", "text/turtle").expect(StatusCode::OK);
    assert!(description.body.contains("sd:Service"), "{}", description.body);
    assert!(
        description.body.contains("<http://localhost:7878/sparql>"),
        "{}",
        description.body
    );
    assert!(triples(&description.body, RdfFormat::Turtle) > 10);
    let browser = get("/sparql", "text/html,application/xhtml+xml,*/*;q=0.8").expect(StatusCode::SEE_OTHER);
    assert_eq!(browser.header("location"), "/query");
}

#[test]
fn thing_iris_answer_303_to_the_document_accept_chooses() {
    for (accept, location) in [
        ("text/html", "/powkg/entity/karlag.html"),
        ("text/turtle", "/powkg/entity/karlag.ttl"),
        ("application/ld+json", "/powkg/entity/karlag.jsonld"),
        ("application/n-triples", "/powkg/entity/karlag.nt"),
        ("application/rdf+xml;q=0.9, text/html;q=0.1", "/powkg/entity/karlag.rdf"),
    ] {
        let answer = get("/powkg/entity/karlag", accept).expect(StatusCode::SEE_OTHER);
        assert_eq!(answer.header("location"), location, "{accept}");
        assert_eq!(answer.header("vary"), "Accept");
    }
    let kept = get("/powkg/entity/karlag?lang=it", "text/html").expect(StatusCode::SEE_OTHER);
    assert_eq!(kept.header("location"), "/powkg/entity/karlag.html?lang=it");
    get("/powkg/entity/no-such-entity", "text/turtle").expect(StatusCode::NOT_FOUND);
    get("/powkg/entity/no-such-entity.html", "text/html").expect(StatusCode::NOT_FOUND);
    get("/powkg/entity/karlag.exe", "*/*").expect(StatusCode::NOT_FOUND);
    get("/elsewhere", "text/html").expect(StatusCode::NOT_FOUND);
}

#[test]
fn powkg_terms_dereference_the_ontology_document_and_the_property_families() {
    // A hash namespace: the ontology's document describes every term `…/ontology#…`.
    let ontology = get("/powkg/ontology.nt", "*/*").expect(StatusCode::OK);
    for term in ["ontology#Camp>", "ontology#heldAt>", "ontology#conflictsWith>"] {
        assert!(
            ontology.body.contains(&format!(
                "<https://example.org/powkg/{term} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
            )),
            "{term} is described in the ontology's document"
        );
    }
    // A predicate of a property's family: described by the property that declares it.
    let direct = get("/powkg/prop/direct/heldAt.nt", "*/*").expect(StatusCode::OK);
    assert!(
        direct.body.contains(
            "<https://example.org/powkg/ontology#heldAt> <http://wikiba.se/ontology#directClaim> <https://example.org/powkg/prop/direct/heldAt>"
        ),
        "{}",
        direct.body
    );
    get("/powkg/prop/direct/no-such-property.nt", "*/*").expect(StatusCode::NOT_FOUND);
}

#[test]
fn an_entity_document_holds_its_statements_and_their_references_in_every_format() {
    let nt = get("/powkg/entity/romanian-pows.nt", "*/*").expect(StatusCode::OK);
    assert_eq!(nt.header("content-type"), "application/n-triples");
    let n = triples(&nt.body, RdfFormat::NTriples);
    for needle in [
        "<https://example.org/powkg/entity/romanian-pows> <http://www.w3.org/2000/01/rdf-schema#label> \"Romanian prisoners of war in the Soviet Union\"@en .",
        "<https://example.org/powkg/entity/romanian-pows> <https://example.org/powkg/prop/numberCaptured> <https://example.org/powkg/statement/captured-after-switch-en> .",
        "<https://example.org/powkg/statement/captured-after-switch-en> <https://example.org/powkg/ontology#conflictsWith> <https://example.org/powkg/statement/captured-after-switch-it> .",
        "<http://wikiba.se/ontology#quantityUpperBound> \"100000\"^^<http://www.w3.org/2001/XMLSchema#decimal> .",
        "<https://example.org/powkg/prop/reference/quotation> \"up to 100,000 of them having been disarmed after August 23, 1944\"@en .",
    ] {
        assert!(nt.body.contains(needle), "missing {needle}");
    }
    for (ext, format) in [
        ("ttl", RdfFormat::Turtle),
        ("rdf", RdfFormat::RdfXml),
        (
            "jsonld",
            RdfFormat::JsonLd {
                profile: oxigraph::io::JsonLdProfileSet::empty(),
            },
        ),
    ] {
        let answer = get(&format!("/powkg/entity/romanian-pows.{ext}"), "*/*").expect(StatusCode::OK);
        assert_eq!(triples(&answer.body, format), n, "{ext}");
    }
    // A statement's document holds its value and reference nodes, not the statement it conflicts with.
    let statement = get("/powkg/statement/captured-after-switch-en.nt", "*/*")
        .expect(StatusCode::OK)
        .body;
    assert!(statement.contains("<https://example.org/powkg/ontology#conflictsWith> <https://example.org/powkg/statement/captured-after-switch-it> ."));
    assert!(
        statement.contains("<http://wikiba.se/ontology#quantityAmount>"),
        "{statement}"
    );
    assert!(
        !statement.contains("\n<https://example.org/powkg/statement/captured-after-switch-it> "),
        "{statement}"
    );
    // A source's document holds the citations minted beneath its IRI.
    let source = get("/powkg/source/olivotto-2006.nt", "*/*").expect(StatusCode::OK);
    assert!(
        source
            .body
            .contains("<https://example.org/powkg/source/olivotto-2006/citation/"),
        "{}",
        source.body
    );
}

#[test]
fn entity_pages_follow_the_readers_language_with_fallback() {
    let english = get("/powkg/entity/kazakhstan.html", "text/html").expect(StatusCode::OK);
    assert!(
        english.body.contains("<h1 lang=\"en\">Kazakhstan</h1>"),
        "{}",
        english.body
    );
    let italian = send(
        service(),
        Method::GET,
        "/powkg/entity/kazakhstan.html",
        &[("Accept", "text/html"), ("Accept-Language", "it-IT,it;q=0.9,en;q=0.5")],
        "",
    )
    .expect(StatusCode::OK);
    assert!(
        italian.body.contains("<h1 lang=\"it\">Kazakistan</h1>"),
        "{}",
        italian.body
    );
    let romanian = get("/powkg/entity/sighet-prison.html?lang=ro", "text/html").expect(StatusCode::OK);
    assert!(
        romanian.body.contains("<h1 lang=\"ro\">Închisoarea Sighet</h1>"),
        "{}",
        romanian.body
    );
    // No Romanian label: English.
    let fallback = get("/powkg/entity/kazakhstan.html?lang=ro", "text/html").expect(StatusCode::OK);
    assert!(
        fallback.body.contains("<h1 lang=\"en\">Kazakhstan</h1>"),
        "{}",
        fallback.body
    );
    assert!(fallback.body.contains("href=\"/powkg/entity/"), "local links");
    assert!(fallback.body.contains(".html?lang=ro\""), "links keep the language");
    assert!(
        english.body.contains("href=\"http://www.wikidata.org/entity/Q232\""),
        "Wikidata link"
    );
}

#[test]
fn conflicting_claims_stand_side_by_side_with_their_sources() {
    let page = get("/powkg/entity/romanian-pows.html", "text/html")
        .expect(StatusCode::OK)
        .body;
    let section = &page[page
        .find("Where the sources disagree")
        .expect("a disagreements section")..];
    let table = &section[..section.find("</table>").expect("a table")];
    for needle in [
        "captured-after-switch-en",
        "captured-after-switch-it",
        "100,000",
        "140,000",
        "up to",
        "footnote",
    ] {
        assert!(table.contains(needle), "side-by-side table lacks {needle}: {table}");
    }
    let statement = get("/powkg/statement/captured-after-switch-en.html", "text/html").expect(StatusCode::OK);
    assert!(statement.body.contains("Disagrees with"), "{}", statement.body);
    assert!(statement.body.contains("class=\"side-by-side\""), "{}", statement.body);
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

#[test]
fn landing_void_and_dump_describe_the_dataset() {
    let landing = get("/", "text/html").expect(StatusCode::OK).body;
    for needle in [
        "Romanian prisoners of war",
        "rel=\"license\" href=\"https://creativecommons.org/licenses/by-sa/\"",
        "href=\"/query\"",
        "href=\"/dump\"",
        "href=\"/void\"",
        &format!("<td class=\"num\">{}</td>", group_thousands(quads())),
        "href=\"/powkg/entity/karlag.html\"",
    ] {
        assert!(landing.contains(needle), "landing page lacks {needle}");
    }
    let void = get("/void", "text/turtle").expect(StatusCode::OK).body;
    assert!(
        void.contains("void:sparqlEndpoint <http://localhost:7878/sparql>"),
        "{void}"
    );
    assert!(void.contains("dcterms:license"), "{void}");
    assert_eq!(
        get("/.well-known/void", "text/turtle").expect(StatusCode::OK).body,
        void
    );
    let browser = get("/void", "text/html").expect(StatusCode::SEE_OTHER);
    assert_eq!(browser.header("location"), "/powkg/dataset.html");
    let nquads = get("/dump", "application/n-quads").expect(StatusCode::OK);
    assert_eq!(triples(&nquads.body, RdfFormat::NQuads), quads());
    let turtle = get("/dump", "*/*").expect(StatusCode::OK);
    assert!(turtle.header("content-type").starts_with("text/turtle"));
    assert_eq!(get("/dump", "*/*").body, turtle.body, "the dump is deterministic");
}

#[test]
fn the_query_page_runs_queries_and_offers_the_bundled_ones() {
    let page = get("/query", "text/html").expect(StatusCode::OK).body;
    for q in catalog::bundled().expect("bundled") {
        assert!(
            page.contains(&format!("href=\"/query/{}.html\"", q.name)),
            "example {}",
            q.name
        );
    }
    let example = get("/query?example=camps", "text/html").expect(StatusCode::OK).body;
    assert!(example.contains("SELECT"), "the example's text is shown");
    assert!(
        example.contains("id=\"result-table\""),
        "an example page runs its query"
    );
    assert_eq!(
        get("/query/camps.html", "text/html").expect(StatusCode::OK).body,
        example
    );
    get("/query/no-such-query.html", "text/html").expect(StatusCode::NOT_FOUND);
    // A bundled query with parameters gets a form field for each, and the value given is bound.
    let with_params = catalog::bundled()
        .expect("bundled")
        .into_iter()
        .find(|q| !q.params.is_empty())
        .expect("a bundled query with parameters");
    let form = get(&format!("/query/{}.html", with_params.name), "text/html")
        .expect(StatusCode::OK)
        .body;
    for p in &with_params.params {
        assert!(
            form.contains(&format!("name=\"{}\"", p.name)),
            "field for ?{}: {form}",
            p.name
        );
    }
    let query = "SELECT ?label WHERE { <https://example.org/powkg/entity/karlag> rdfs:label ?label } ORDER BY ?label";
    let results = get(&format!("/query?query={}", encode(query)), "text/html")
        .expect(StatusCode::OK)
        .body;
    assert!(results.contains("id=\"result-table\""), "{results}");
    assert!(results.contains("<span lang=\"en\">Karlag</span>"), "{results}");
    let broken = get(&format!("/query?query={}", encode("SELECT WHERE")), "text/html").expect(StatusCode::BAD_REQUEST);
    assert!(broken.body.contains("role=\"alert\""), "{}", broken.body);
    // Results page through: 1,500 rows of VALUES show as rows 1 to 1,000 of 1,500, then 1,001 to 1,500.
    let many = format!(
        "SELECT ?n WHERE {{ VALUES ?n {{ {} }} }}",
        (1..=1500).map(|n| n.to_string()).collect::<Vec<_>>().join(" ")
    );
    let first = get(&format!("/query?query={}", encode(&many)), "text/html")
        .expect(StatusCode::OK)
        .body;
    assert!(first.contains("Rows 1 to 1,000 of 1,500."), "{first}");
    assert!(first.contains("rel=\"next\""), "a next link");
    assert!(!first.contains("rel=\"prev\""), "no previous link on page 1");
    let second = get(&format!("/query?query={}&page=2", encode(&many)), "text/html")
        .expect(StatusCode::OK)
        .body;
    assert!(second.contains("Rows 1,001 to 1,500 of 1,500."), "{second}");
    assert!(
        second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""),
        "{second}"
    );
    get(&format!("/query?query={}&page=0", encode(&many)), "text/html").expect(StatusCode::BAD_REQUEST);
    for format in ["csv", "tsv", "json"] {
        assert!(
            first.contains(&format!("/sparql?format={format}&amp;query=")),
            "{format} download"
        );
    }
}

#[test]
fn a_bundled_query_has_its_results_at_its_own_paths_with_its_parameters() {
    // The page of a query with parameters links its downloads at /query/NAME.EXT with the values given.
    let page = get("/query/conflicting-claims.html?source=en-article", "text/html")
        .expect(StatusCode::OK)
        .body;
    assert!(
        page.contains("href=\"/query/conflicting-claims.csv?source=en-article\""),
        "{page}"
    );
    let all = get("/query/conflicting-claims.csv", "*/*").expect(StatusCode::OK);
    assert_eq!(all.header("content-type"), "text/csv; charset=utf-8");
    let english = get("/query/conflicting-claims.csv?source=en-article", "*/*").expect(StatusCode::OK);
    let rows = |a: &Answer| a.body.lines().count();
    assert!(rows(&english) > 1 && rows(&english) <= rows(&all), "{}", english.body);
    // The same bytes as powkg query writes.
    let minter = Minter::new(DEFAULT_BASE_IRI).expect("base");
    let store =
        GraphStore::in_memory(&pipeline::build(&Sources::default(), &minter).expect("build").quads).expect("store");
    let def = catalog::bundled()
        .expect("bundled")
        .into_iter()
        .find(|d| d.name == "conflicting-claims")
        .expect("the query");
    let params = [("source".to_owned(), "en-article".to_owned())];
    let cli = query::run(&def, &params, &store, &Engine::new(&minter), &minter, |results| {
        let mut out = Vec::new();
        query::write_results(results, Some("csv"), false, &minter.prefixes(), &mut out)?;
        Ok(out)
    })
    .expect("the query runs");
    assert_eq!(english.body.as_bytes(), cli.as_slice());
    // A graph query in an RDF format; a format of the other form, an unknown one or a bad value are refused.
    let karlag = get("/query/describe-entity.ttl?entity=karlag", "*/*").expect(StatusCode::OK);
    assert!(
        karlag.header("content-type").starts_with("text/turtle"),
        "{}",
        karlag.header("content-type")
    );
    assert!(
        karlag.body.contains("karlag") && karlag.body.contains("Karlag"),
        "{}",
        karlag.body
    );
    get("/query/camps.ttl", "*/*").expect(StatusCode::NOT_FOUND);
    get("/query/camps.xyz", "*/*").expect(StatusCode::NOT_FOUND);
    get("/query/no-such-query.csv", "*/*").expect(StatusCode::NOT_FOUND);
    get("/query/describe-entity.ttl?entity=Not%20an%20id", "*/*").expect(StatusCode::BAD_REQUEST);
}

#[test]
fn bundled_queries_answer_the_same_over_the_endpoint_as_on_the_command_line() {
    let minter = Minter::new(DEFAULT_BASE_IRI).expect("base");
    let store =
        GraphStore::in_memory(&pipeline::build(&Sources::default(), &minter).expect("build").quads).expect("store");
    for def in catalog::bundled().expect("bundled") {
        let (graph, expected) = query::run(&def, &[], &store, &Engine::new(&minter), &minter, |results| {
            let mut expected = Vec::new();
            let graph = matches!(results, oxigraph::sparql::QueryResults::Graph(_));
            let format = if graph { "ntriples" } else { "tsv" };
            query::write_results(results, Some(format), false, &minter.prefixes(), &mut expected)?;
            Ok((graph, expected))
        })
        .expect("the query runs");
        let accept = if graph {
            "application/n-triples"
        } else {
            "text/tab-separated-values"
        };
        let answer = sparql_get(&def.text, accept).expect(StatusCode::OK);
        assert_eq!(
            answer.body,
            String::from_utf8(expected).expect("UTF-8"),
            "query {}",
            def.name
        );
    }
}

#[test]
fn every_response_carries_cors_and_head_has_no_body() {
    let answer = get("/", "text/html");
    assert_eq!(answer.header("access-control-allow-origin"), "*");
    let preflight = send(
        service(),
        Method::OPTIONS,
        "/sparql",
        &[
            ("Origin", "https://portal.example"),
            ("Access-Control-Request-Method", "POST"),
        ],
        "",
    )
    .expect(StatusCode::NO_CONTENT);
    assert!(
        preflight
            .header("access-control-allow-headers")
            .contains("Content-Type")
    );
    let head = send(service(), Method::HEAD, "/powkg/entity/karlag.ttl", &[], "").expect(StatusCode::OK);
    assert!(head.body.is_empty());
    let private = service_with(Config {
        cors_origin: None,
        ..Config::default()
    });
    let answer = send(&private, Method::GET, "/", &[], "");
    assert!(answer.response.headers().get("access-control-allow-origin").is_none());
}

/// `serve --store` reads a private snapshot, so builds may replace the store meanwhile.
#[cfg(feature = "rocksdb")]
#[test]
fn a_served_store_snapshot_survives_rebuilds_and_is_removed_after() {
    use crate::util::{powkg, tempdir};
    let dir = tempdir();
    let store_dir = dir.path().join("kgstore");
    powkg(dir.path(), &["build", "--store", "kgstore"]).expect_code(0);
    let snapshots = || {
        std::fs::read_dir(dir.path())
            .expect("the directory")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().starts_with(".kgstore.serving-"))
            })
            .count()
    };
    let minter = Minter::new(DEFAULT_BASE_IRI).expect("base");
    let store = GraphStore::open_snapshot(&store_dir, &[&powkg::search::IndexFiles]).expect("a snapshot");
    assert_eq!(snapshots(), 1);
    let service = Service::new(store, minter, Vec::new(), Config::default()).expect("a service");
    for _ in 0..2 {
        powkg(dir.path(), &["build", "--store", "kgstore"]).expect_code(0);
    }
    let answer = query_on(&service, COUNT_ALL);
    assert!(answer.expect(StatusCode::OK).body.contains(&quads().to_string()));
    send(&service, Method::GET, "/powkg/entity/karlag.ttl", &[], "").expect(StatusCode::OK);
    drop(service);
    assert_eq!(snapshots(), 0, "the snapshot is removed with the store");

    // A store built under another base IRI is refused with the base it was built with.
    let other = Minter::new("https://example.org/pow/").expect("base");
    let store = GraphStore::open_snapshot(&store_dir, &[&powkg::search::IndexFiles]).expect("a snapshot");
    let error = Service::new(store, other, Vec::new(), Config::default())
        .err()
        .expect("an error");
    assert!(
        error
            .to_string()
            .contains("built with --base-iri https://example.org/powkg/"),
        "{error}"
    );
}

#[test]
fn connect_and_other_unserved_methods_get_405_not_a_panic() {
    for method in ["CONNECT", "TRACE", "DELETE", "PATCH", "BREW"] {
        let method = Method::from_bytes(method.as_bytes()).expect("a method");
        for (target, allow) in [
            ("/", "GET, HEAD, OPTIONS"),
            ("/sparql", "GET, HEAD, POST, OPTIONS"),
            ("/powkg/entity/karlag", "GET, HEAD, OPTIONS"),
        ] {
            let answer = send(service(), method.clone(), target, &[], "").expect(StatusCode::METHOD_NOT_ALLOWED);
            assert_eq!(answer.header("allow"), allow, "{method} {target}");
        }
    }
    // A CONNECT request's target is an authority, not a path.
    let mut request = Request::builder()
        .method(Method::CONNECT)
        .uri("example.org:443")
        .body(Body::empty())
        .expect("a request");
    assert_eq!(service().handle(&mut request).status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[test]
fn javascript_iris_in_results_are_shown_never_linked() {
    for scheme in [
        "javascript:alert(1)",
        "JavaScript:alert(document.domain)",
        "data:text/html,hello",
    ] {
        let query = format!("SELECT ?x WHERE {{ BIND(IRI(\"{scheme}\") AS ?x) }}");
        let page = get(&format!("/query?query={}", encode(&query)), "text/html").expect(StatusCode::OK);
        assert!(page.body.contains("id=\"result-table\""), "{}", page.body);
        let lower = page.body.to_ascii_lowercase();
        assert!(!lower.contains("href=\"javascript:"), "{}", page.body);
        assert!(!lower.contains("href=\"data:text"), "{}", page.body);
        assert!(
            page.body.contains("class=\"iri\""),
            "the IRI is shown as text: {}",
            page.body
        );
    }
    // http(s) IRIs stay links.
    let query = "SELECT ?x WHERE { BIND(IRI(\"https://www.wikidata.org/wiki/Q1\") AS ?x) }";
    let page = get(&format!("/query?query={}", encode(query)), "text/html").expect(StatusCode::OK);
    assert!(
        page.body.contains("href=\"https://www.wikidata.org/wiki/Q1\""),
        "{}",
        page.body
    );
}

#[test]
fn every_answer_carries_the_content_security_policy() {
    assert!(CONTENT_SECURITY_POLICY.contains("script-src 'self'"));
    assert!(CONTENT_SECURITY_POLICY.contains("default-src 'none'"));
    for (target, accept, status) in [
        ("/", "text/html", StatusCode::OK),
        ("/query", "text/html", StatusCode::OK),
        ("/powkg/entity/karlag.html", "text/html", StatusCode::OK),
        ("/powkg/entity/karlag.ttl", "text/turtle", StatusCode::OK),
        (
            "/sparql?query=ASK%7B%7D",
            "application/sparql-results+json",
            StatusCode::OK,
        ),
        ("/sparql?query=SELECT", "*/*", StatusCode::BAD_REQUEST),
        ("/no/such/page", "text/html", StatusCode::NOT_FOUND),
        ("/dump", "application/n-triples", StatusCode::OK),
        ("/assets/query.js", "*/*", StatusCode::OK),
    ] {
        let answer = get(target, accept).expect(status);
        assert_eq!(
            answer.header("content-security-policy"),
            CONTENT_SECURITY_POLICY,
            "{target}"
        );
    }
    // The pages load nothing the policy refuses: no inline script or style, no other origin.
    for target in ["/", "/query", "/powkg/entity/karlag.html"] {
        let page = get(target, "text/html").body;
        assert!(!page.contains("<script>"), "{target}: inline script");
        assert!(!page.contains(" style="), "{target}: inline style");
        assert!(!page.contains("<style"), "{target}: inline style");
        // Scripts come from this server; the only other script elements are JSON-LD data blocks, which never run.
        for script in page.split("<script").skip(1) {
            let script = script.trim_start();
            assert!(
                script.starts_with("src=\"/assets/") || script.starts_with("type=\"application/ld+json\">"),
                "{target}: <script{script}"
            );
        }
    }
}

#[test]
fn the_dump_is_streamed_whole_in_every_format_and_nothing_is_kept() {
    let n = quads();
    for (accept, format) in [
        ("application/n-quads", RdfFormat::NQuads),
        ("application/trig", RdfFormat::TriG),
        ("application/n-triples", RdfFormat::NTriples),
        ("text/turtle", RdfFormat::Turtle),
        ("application/rdf+xml", RdfFormat::RdfXml),
    ] {
        let mut request = Request::builder()
            .uri("/dump")
            .header("Accept", accept)
            .body(Body::empty())
            .expect("a request");
        let mut response = service().handle(&mut request);
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.body().is_streamed(),
            "{accept}: the dump is written as it is sent, not held"
        );
        let mut body = String::new();
        response.body_mut().read_to_string(&mut body).expect("the dump");
        let parsed = RdfParser::from_format(format)
            .for_slice(body.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|e| panic!("{accept}: unparsable dump: {e}"));
        if matches!(format, RdfFormat::NQuads | RdfFormat::TriG) {
            assert_eq!(parsed.len(), n, "{accept}");
        } else {
            // Triple formats hold each quad's triple; a triple stated in two graphs is one triple.
            let distinct: std::collections::HashSet<_> = parsed.into_iter().map(|q| q.to_string()).collect();
            let union = pipeline::build(&Sources::default(), &Minter::new(DEFAULT_BASE_IRI).expect("base"))
                .expect("build")
                .quads
                .into_iter()
                .map(|q| {
                    oxigraph::model::Triple::from(q)
                        .in_graph(oxigraph::model::GraphName::DefaultGraph)
                        .to_string()
                })
                .collect::<std::collections::HashSet<_>>();
            assert_eq!(distinct, union, "{accept}");
        }
    }
    let head = send(service(), Method::HEAD, "/dump", &[("Accept", "text/turtle")], "").expect(StatusCode::OK);
    assert!(head.body.is_empty());
}

/// A service over the bundled graph and a synthetic register of `rows` rows (built by the binary into N-Quads).
fn service_with_register(rows: &str) -> (Service, String) {
    use crate::util::{powkg, tempdir};
    let dir = tempdir();
    powkg(
        dir.path(),
        &["generate-register", "--rows", rows, "--seed", "9", "--out", "big.csv"],
    )
    .expect_code(0);
    powkg(
        dir.path(),
        &["build", "--no-validate", "--register", "big.csv", "--out", "big.nq"],
    )
    .expect_code(0);
    let quads = RdfParser::from_format(RdfFormat::NQuads)
        .for_reader(std::fs::File::open(dir.path().join("big.nq")).expect("the N-Quads"))
        .collect::<Result<Vec<_>, _>>()
        .expect("parsable N-Quads");
    let store = GraphStore::in_memory(&quads).expect("a store");
    let minter = Minter::new(DEFAULT_BASE_IRI).expect("base");
    let service = Service::new(store, minter, Vec::new(), Config::default()).expect("a service");
    // The camp holding the most prisoners of the register.
    let busiest = query_on(
        &service,
        "SELECT ?camp WHERE { ?p pkdt:heldAt ?camp } GROUP BY ?camp ORDER BY DESC(COUNT(?p)) LIMIT 1",
    )
    .expect(StatusCode::OK)
    .body;
    let camp = busiest
        .split('"')
        .find(|s| s.starts_with("https://example.org/powkg/entity/"))
        .unwrap_or_else(|| panic!("a camp in {busiest}"))
        .to_owned();
    (service, camp)
}

/// The number in "of the N links" / "… and N more" of a page, digits only.
fn said_number(page: &str, before: &str) -> usize {
    let at = page
        .find(before)
        .unwrap_or_else(|| panic!("no \"{before}\" in the page"));
    page[at + before.len()..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("no number after \"{before}\""))
}

#[test]
fn pages_of_a_large_register_show_the_first_links_and_say_how_many_more() {
    let (service, camp) = service_with_register("5000");
    assert!(!service.summary_ready());
    let path = camp.trim_start_matches("https://example.org");
    let page = send(&service, Method::GET, &format!("{path}.html"), &[], "")
        .expect(StatusCode::OK)
        .body;
    let listed = page
        .split("<section aria-labelledby=\"mentions\">")
        .nth(1)
        .expect("a Mentioned by section");
    let listed = listed.split("</section>").next().unwrap_or_default();
    let items = listed.matches("<li>").count();
    assert!(items > 0 && items <= 300, "{items} mentions listed");
    let total = said_number(listed, " of the ");
    assert!(total > 300, "the camp's page counts all {total} links");
    assert!(listed.contains("list them with a query"), "{listed}");
    // The paged list of all of them: the first page full, the last one holding the rest, nothing past it.
    let first_page = format!("/mentions{path}/1.html");
    assert!(listed.contains(&format!("href=\"{first_page}\"")), "{listed}");
    let first = send(&service, Method::GET, &first_page, &[], "")
        .expect(StatusCode::OK)
        .body;
    let per_page = 1000;
    let page_count = total.div_ceil(per_page);
    let last = send(
        &service,
        Method::GET,
        &format!("/mentions{path}/{page_count}.html"),
        &[],
        "",
    )
    .expect(StatusCode::OK)
    .body;
    let count = |page: &str| {
        page.split("<ul class=\"links\">")
            .nth(1)
            .unwrap_or_default()
            .split("</ul>")
            .next()
            .unwrap_or_default()
            .matches("<li>")
            .count()
    };
    assert_eq!(count(&first), per_page.min(total));
    assert_eq!(
        count(&last),
        total - (page_count - 1) * per_page,
        "the last page holds the rest"
    );
    send(
        &service,
        Method::GET,
        &format!("/mentions{path}/{}.html", page_count + 1),
        &[],
        "",
    )
    .expect(StatusCode::NOT_FOUND);

    let source = send(&service, Method::GET, "/powkg/source/big.html", &[], "")
        .expect(StatusCode::OK)
        .body;
    let listed = source
        .split("<section aria-labelledby=\"mentions\">")
        .nth(1)
        .expect("a Mentioned by section");
    let items = listed
        .split("</section>")
        .next()
        .unwrap_or_default()
        .matches("<li>")
        .count();
    assert!(items <= 300, "{items} mentions of the register's source listed");
    assert!(
        said_number(listed, " of the ") >= 5000,
        "the source's page counts every row"
    );

    let ttl = send(&service, Method::GET, &format!("{path}.ttl"), &[], "")
        .expect(StatusCode::OK)
        .body;
    assert!(
        !ttl.contains("/prisoner/big/"),
        "the camp's description holds no prisoner: what points at it is not read"
    );

    let landing = send(&service, Method::GET, "/", &[], "").expect(StatusCode::OK).body;
    assert!(service.summary_ready());
    assert!(landing.contains("… and "), "the landing page bounds its lists");
    assert!(
        said_number(&landing, "… and ") > 4000,
        "the persons beyond the first 500 are counted"
    );
    assert!(
        landing.matches("/powkg/prisoner/big/").count() <= 1000,
        "at most 500 per class listed"
    );
}

#[test]
fn startup_computes_no_counts_or_lists_they_wait_for_the_first_page() {
    let minter = Minter::new(DEFAULT_BASE_IRI).expect("base");
    let store =
        GraphStore::in_memory(&pipeline::build(&Sources::default(), &minter).expect("build").quads).expect("store");
    let service = Service::new(store, minter, Vec::new(), Config::default()).expect("a service");
    assert!(!service.summary_ready(), "Service::new counted the graph");
    send(&service, Method::GET, "/powkg/entity/karlag.html", &[], "").expect(StatusCode::OK);
    send(&service, Method::GET, "/sparql?query=ASK%7B%7D", &[], "").expect(StatusCode::OK);
    assert!(!service.summary_ready(), "an entity page or a query counted the graph");
    let landing = send(&service, Method::GET, "/", &[], "").expect(StatusCode::OK).body;
    assert!(service.summary_ready());
    assert!(landing.contains(&format!("<td class=\"num\">{}</td>", group_thousands(quads()))));
}

#[test]
fn documents_revalidate_name_their_alternates_and_pages_list_classes_and_terms() {
    // ETag and If-None-Match: the same document again is 304 with no body; another tag gets the document.
    let page = get("/powkg/entity/karlag.ttl", "*/*").expect(StatusCode::OK);
    let etag = page.header("etag").to_owned();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    let again = send(
        service(),
        Method::GET,
        "/powkg/entity/karlag.ttl",
        &[("If-None-Match", &etag)],
        "",
    )
    .expect(StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    send(
        service(),
        Method::GET,
        "/powkg/entity/karlag.ttl",
        &[("If-None-Match", "\"other\"")],
        "",
    )
    .expect(StatusCode::OK);
    // Last-Modified is the curated set's date; a client repeating it in If-Modified-Since gets 304.
    let modified = page.header("last-modified").to_owned();
    assert!(modified.ends_with(" 00:00:00 GMT"), "{modified}");
    send(
        service(),
        Method::GET,
        "/powkg/entity/karlag.ttl",
        &[("If-Modified-Since", &modified)],
        "",
    )
    .expect(StatusCode::NOT_MODIFIED);
    // A document's Link header names the thing's other documents.
    let link = page.header("link").to_owned();
    for alternate in ["karlag.html>", "karlag.jsonld>", "karlag.nt>"] {
        assert!(link.contains(alternate), "{link}");
    }
    assert!(!link.contains("karlag.ttl>"), "not itself: {link}");
    // application/json negotiates JSON-LD.
    let json = get("/powkg/entity/karlag", "application/json").expect(StatusCode::SEE_OTHER);
    assert_eq!(json.header("location"), "/powkg/entity/karlag.jsonld");
    // The landing page links each class's paged index, which lists its entities.
    let landing = get("/", "text/html").expect(StatusCode::OK).body;
    let class_page = landing
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("/classes/"));
    assert!(
        class_page.is_none(),
        "a bundled class fits the landing page: no index link needed"
    );
    let camp = get("/powkg/entity/karlag.html", "text/html")
        .expect(StatusCode::OK)
        .body;
    let class_link = camp
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("/describe/"))
        .expect("the camp's type links to its term page")
        .to_owned();
    let term = get(&class_link, "text/html").expect(StatusCode::OK).body;
    assert!(term.contains("<h1"), "{term}");
    get("/describe/0000000000000000.html", "text/html").expect(StatusCode::NOT_FOUND);
    // The class index of camps: page 1 lists Karlag, page 2 does not exist.
    let camp_class = NamedNode::new("https://example.org/powkg/ontology#Camp").expect("iri");
    let index = get(&powkg::web::render::paths::class(&camp_class, 1), "text/html")
        .expect(StatusCode::OK)
        .body;
    assert!(index.contains("/powkg/entity/karlag.html"), "{index}");
    get(&powkg::web::render::paths::class(&camp_class, 2), "text/html").expect(StatusCode::NOT_FOUND);
    // What points at a thing, page by page: Karlag is pointed at by the Spassky camp's statement of its parent.
    let links = get("/mentions/powkg/entity/karlag/1.html", "text/html")
        .expect(StatusCode::OK)
        .body;
    assert!(links.contains("/powkg/"), "{links}");
    get("/mentions/powkg/entity/karlag/2.html", "text/html").expect(StatusCode::NOT_FOUND);
    get("/mentions/powkg/entity/no-such-thing/1.html", "text/html").expect(StatusCode::NOT_FOUND);
    get("/mentions/elsewhere/1.html", "text/html").expect(StatusCode::NOT_FOUND);
    // The dump and the dataset description by extension, as a static site has them.
    let nq = get("/dump.nq", "*/*").expect(StatusCode::OK);
    assert!(nq.header("content-type").starts_with("application/n-quads"));
    get("/void.ttl", "*/*").expect(StatusCode::OK);
}

#[test]
fn the_search_page_finds_names_however_they_are_written() {
    let page = get("/search?q=Lascar", "text/html").expect(StatusCode::OK).body;
    assert!(page.contains("Lasc\u{103}r"), "Lascăr from \"Lascar\": {page}");
    assert!(page.contains("<mark>"), "the matched words are marked");
    let first_hit = page.split("<ol class=\"hits\">").nth(1).expect("a list of hits");
    assert!(
        first_hit.split("</li>").next().unwrap_or("").contains("/powkg/entity/"),
        "the person comes first: {first_hit}"
    );
    let json = get("/search?q=Horea&class=MilitaryUnit&format=json", "*/*").expect(StatusCode::OK);
    let hits: serde_json::Value = serde_json::from_str(&json.body).expect("JSON hits");
    let iris: Vec<&str> = hits
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|h| h["iri"].as_str())
        .collect();
    assert!(!iris.is_empty(), "Horea finds the division");
    // An unbalanced quote is read as text; a query with nothing to search for is a clear 400.
    let unbalanced = get("/search?q=%22Lascar&format=json", "*/*").expect(StatusCode::OK);
    assert!(
        unbalanced.body.contains("lascar") || unbalanced.body.contains("Lasc"),
        "{}",
        unbalanced.body
    );
    get("/search?q=%22&format=json", "*/*").expect(StatusCode::BAD_REQUEST);
    get("/search?q=*&format=json", "*/*").expect(StatusCode::BAD_REQUEST);
    get(&format!("/search?q={}&format=json", "x".repeat(10_000)), "*/*").expect(StatusCode::BAD_REQUEST);
    get("/search?q=Lascar&class=no%3Asuch&format=json", "*/*").expect(StatusCode::BAD_REQUEST);
    let long = get(&format!("/search?q={}", "x".repeat(10_000)), "text/html").expect(StatusCode::BAD_REQUEST);
    assert!(long.body.contains("role=\"alert\""), "the page says why");
    // Every page has the search box.
    for target in ["/", "/query", "/powkg/entity/karlag.html"] {
        assert!(get(target, "text/html").body.contains("action=\"/search\""), "{target}");
    }
}

#[test]
fn the_endpoint_answers_the_search_service_locally() {
    // The same join as on the command line, through the SPARQL protocol: the service is the server's own index.
    let query = r#"SELECT ?item ?statement WHERE {
        SERVICE pks:search { bd:serviceParam pks:query "Horea" ; pks:class pk:MilitaryUnit ; pks:limit 5 .
                             ?item pks:score ?score . }
        ?item pkp:nameAsWritten ?statement .
    } ORDER BY ?statement"#;
    let answer = sparql_get(query, "text/csv").expect(StatusCode::OK);
    let lines: Vec<&str> = answer.body.lines().collect();
    assert_eq!(lines.len(), 3, "{}", answer.body);
    assert!(
        lines[1].ends_with("statement/division-name-horea-it"),
        "{}",
        answer.body
    );
    assert!(
        lines[2].ends_with("statement/division-name-horia-en"),
        "{}",
        answer.body
    );
    // A bad search inside a query is the client's error.
    let bad = r#"SELECT ?item WHERE { SERVICE pks:search { bd:serviceParam pks:query "*" . ?item pks:score ?s . } }"#;
    sparql_get(bad, "text/csv").expect(StatusCode::BAD_REQUEST);
}

/// The body of every schema.org data block of `page`, each checked to hold no `<`, `>` or `&` (which could end the
/// element or reopen it) and parsed as JSON.
fn data_blocks(page: &str) -> Vec<serde_json::Value> {
    const OPEN: &str = "<script type=\"application/ld+json\">";
    let mut blocks = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find(OPEN) {
        let body = &rest[at + OPEN.len()..];
        let end = body.find("</script>").expect("a closed data block");
        let text = &body[..end];
        assert!(
            !text.contains(['<', '>', '&']),
            "a data block holds markup characters: {text}"
        );
        blocks.push(serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}")));
        rest = &body[end..];
    }
    blocks
}

/// A copy of the bundled data whose dataset title and one entity's label and description hold `<!--<script>`.
fn data_with_markup_in_texts(dir: &std::path::Path) -> std::path::PathBuf {
    let data = crate::util::copy_bundled_data(dir);
    let dataset = std::fs::read_to_string(data.join("dataset.toml")).unwrap();
    let dataset = dataset.replacen("title = { en = \"", "title = { en = \"<!--<script> ", 1);
    std::fs::write(data.join("dataset.toml"), dataset).unwrap();
    std::fs::write(
        data.join("zz-markup.toml"),
        "[[entity]]\nid = \"markup-camp\"\ntype = \"Camp\"\n\
         label = { en = \"Camp <!--<script>\", it = \"Campo <!--<script>\" }\n\
         description = { en = \"a </script> & <!-- text\", it = \"un testo\" }\n",
    )
    .unwrap();
    data
}

#[test]
fn a_text_holding_script_markup_stays_inside_its_data_block_and_the_page_stays_whole() {
    let dir = crate::util::tempdir();
    let data = data_with_markup_in_texts(dir.path());
    let minter = Minter::new(DEFAULT_BASE_IRI).expect("the default base IRI");
    let sources = Sources {
        data: Some(data),
        ontology: None,
    };
    let built = pipeline::build(&sources, &minter).expect("the data builds");
    let store = GraphStore::in_memory(&built.quads).expect("an in-memory store");
    let service = Service::new(
        store,
        minter,
        catalog::bundled().expect("bundled queries"),
        Config::default(),
    )
    .expect("a service");
    for (path, name) in [
        ("/powkg/entity/markup-camp.html", "Camp <!--<script>"),
        ("/", "<!--<script> Romanian"),
    ] {
        let page = send(&service, Method::GET, path, &[("Accept", "text/html")], "").expect(StatusCode::OK);
        let blocks = data_blocks(&page.body);
        assert_eq!(blocks.len(), 1, "{path}: {}", page.body);
        // The text reads back whole from the JSON.
        assert!(blocks[0]["name"].to_string().contains(name), "{path}: {}", blocks[0]);
        // The page goes on after the data block: its landmarks and its end are there, outside any script.
        let after = &page.body[page.body.find("</script>").unwrap()..];
        assert!(
            after.contains("<main") && after.trim_end().ends_with("</html>"),
            "{path}: {}",
            page.body
        );
    }

    // The static site's pages are drawn by the same renderer.
    let run = crate::util::powkg(
        dir.path(),
        &["site", "--data", "data", "--out", "public", "--query-timeout", "60"],
    );
    let run = run.expect_code(0);
    for file in ["public/powkg/entity/markup-camp.html", "public/index.html"] {
        let page = std::fs::read_to_string(dir.path().join(file)).unwrap_or_else(|e| panic!("{file}: {e}\n{run}"));
        assert_eq!(data_blocks(&page).len(), 1, "{file}");
        let after = &page[page.find("</script>").unwrap()..];
        assert!(
            after.contains("<main") && after.trim_end().ends_with("</html>"),
            "{file}: {page}"
        );
    }
}
