//! Things' documents and pages: 303s, content negotiation, languages, conflicts side by side, the landing page and
//! the query pages.

use super::*;

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
    for q in crate::util::bundled_queries_result().expect("bundled") {
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
    let with_params = crate::util::bundled_queries_result()
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
    let store = GraphStore::in_memory(
        &pipeline::build(&crate::util::bundled_sources(), &minter)
            .expect("build")
            .quads,
    )
    .expect("store");
    let def = crate::util::bundled_queries_result()
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
    let store = GraphStore::in_memory(
        &pipeline::build(&crate::util::bundled_sources(), &minter)
            .expect("build")
            .quads,
    )
    .expect("store");
    for def in crate::util::bundled_queries_result().expect("bundled") {
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
