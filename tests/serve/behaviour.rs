//! How the service behaves around its answers: CORS and HEAD, snapshots under rebuilds, unserved methods, what
//! pages link, the streamed dump, large registers, revalidation.

use super::*;

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
            let union = pipeline::build(
                &crate::util::bundled_sources(),
                &Minter::new(DEFAULT_BASE_IRI).expect("base"),
            )
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
    crate::util::generate_register(dir.path(), rows, Some("9"), "big.csv");
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
    let store = GraphStore::in_memory(
        &pipeline::build(&crate::util::bundled_sources(), &minter)
            .expect("build")
            .quads,
    )
    .expect("store");
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
