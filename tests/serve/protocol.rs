//! The SPARQL protocol: results formats, query forms, updates refused, errors, dataset parameters and limits.

use super::*;

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
    let built = pipeline::build(&crate::util::bundled_sources(), &minter).expect("build");
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
