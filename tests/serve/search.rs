//! The search page and the search service, and the data blocks pages embed, whatever markup the data holds.

use super::*;

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
        data,
        ..crate::util::bundled_sources()
    };
    let built = pipeline::build(&sources, &minter).expect("the data builds");
    let store = GraphStore::in_memory(&built.quads).expect("an in-memory store");
    let service = Service::new(
        store,
        minter,
        crate::util::bundled_queries_result().expect("bundled queries"),
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
