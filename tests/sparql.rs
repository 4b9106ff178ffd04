//! The query engine under abuse: no query may reach the network unless allowed, overflow a stack, panic, run past
//! its deadline or take more than its memory, from `powkg query` and from the library the server uses.

use std::fmt::Write as _;
use std::io::Read as _;
use std::net::TcpListener;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use oxigraph::sparql::QueryResults;
use powkg::build::pipeline;
use powkg::query::sparql::{Engine, Limits, List, Request, SparqlError, Stopped};
use powkg::rdf::iri::{DEFAULT_BASE_IRI, Minter};
use powkg::store::GraphStore;

use crate::util::{powkg, root};

fn bundled() -> &'static (GraphStore, Minter) {
    static STORE: OnceLock<(GraphStore, Minter)> = OnceLock::new();
    STORE.get_or_init(|| {
        let minter = Minter::new(DEFAULT_BASE_IRI).expect("the default base IRI");
        let built = pipeline::build(&crate::util::bundled_sources(), &minter).expect("the bundled data builds");
        (GraphStore::in_memory(&built.quads).expect("a store"), minter)
    })
}

/// Runs `text` with `engine` and counts the rows (or triples) it gives.
fn rows(engine: &Engine, text: &str) -> Result<usize, SparqlError> {
    let (store, _) = bundled();
    let request = Request {
        path: "query",
        text,
        ..Request::default()
    };
    engine
        .run(&request, store, |results| match results {
            QueryResults::Solutions(s) => s.map(|r| r.map(drop)).collect::<Result<Vec<_>, _>>().map(|v| v.len()),
            QueryResults::Graph(t) => t.map(|r| r.map(drop)).collect::<Result<Vec<_>, _>>().map(|v| v.len()),
            QueryResults::Boolean(_) => Ok(1),
        })?
        .map_err(SparqlError::from)
}

fn engine() -> Engine {
    Engine::new(&bundled().1)
}

/// A loopback listener that counts the connections it is offered, for as long as the returned guard lives.
struct Listener {
    port: u16,
    seen: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
}

fn listener() -> Listener {
    let socket = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = socket.local_addr().expect("an address").port();
    socket.set_nonblocking(true).expect("non-blocking");
    let seen = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let (count, log) = (Arc::clone(&seen), Arc::clone(&requests));
    thread::spawn(move || {
        let until = Instant::now() + Duration::from_secs(60);
        while Instant::now() < until {
            match socket.accept() {
                Ok((mut stream, _)) => {
                    count.fetch_add(1, Ordering::SeqCst);
                    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                    let mut head = [0u8; 256];
                    let n = stream.read(&mut head).unwrap_or(0);
                    log.lock()
                        .unwrap()
                        .push(String::from_utf8_lossy(&head[..n]).into_owned());
                }
                Err(_) => thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    Listener { port, seen, requests }
}

#[test]
fn service_to_an_endpoint_not_allowed_is_refused_and_sends_nothing() {
    let target = listener();
    let query = format!(
        "SELECT * WHERE {{\n  SERVICE <http://127.0.0.1:{}/x> {{ ?s ?p ?o }}\n}}",
        target.port
    );
    let run = powkg(&root(), &["query", &query]).expect_code(2);
    assert_eq!(
        run.stderr.trim(),
        format!(
            "<inline query>:2:3: SERVICE <http://127.0.0.1:{}/x> is not allowed: powkg sends no request to an endpoint its \
             user did not allow (--allow-service URL allows one)",
            target.port
        ),
        "{run}"
    );
    // The same through the engine the server uses, silent or with a variable endpoint.
    let silent = query.replace("SERVICE", "SERVICE SILENT");
    assert!(matches!(rows(&engine(), &silent), Err(SparqlError::Invalid(_))));
    let variable = "SELECT * WHERE { BIND(<http://127.0.0.1:9/> AS ?e) SERVICE ?e { ?s ?p ?o } }";
    match rows(&engine(), variable) {
        Err(SparqlError::Invalid(d)) => assert!(d.to_string().contains("variable endpoint"), "{d}"),
        other => panic!("{other:?}"),
    }
    thread::sleep(Duration::from_millis(200));
    assert_eq!(target.seen.load(Ordering::SeqCst), 0, "the listener was contacted");
}

#[test]
fn service_to_an_allowed_endpoint_is_called() {
    let target = listener();
    let url = format!("http://127.0.0.1:{}/sparql", target.port);
    let query = format!("SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}");
    // The listener answers nothing, so the query fails; what matters is that the allowed call was made.
    let run = powkg(&root(), &["query", "--allow-service", &url, &query]);
    assert_ne!(run.code, 0, "{run}");
    assert_eq!(target.seen.load(Ordering::SeqCst), 1, "{run}");
    let requests = target.requests.lock().unwrap();
    assert!(requests[0].contains("/sparql"), "{requests:?}");
    // Another endpoint is still refused.
    let other = query.replace(&url, "http://127.0.0.1:9/other");
    powkg(&root(), &["query", "--allow-service", &url, &other]).expect_code(2);
}

#[test]
fn deeply_nested_parentheses_are_refused_with_their_position() {
    // 5,000 levels aborted `powkg query` (exit 134) with a stack overflow.
    let deep = format!("SELECT * WHERE {{ FILTER({}1{}) }}", "(".repeat(5000), ")".repeat(5000));
    let run = powkg(&root(), &["query", &deep]).expect_code(2);
    assert_eq!(
        run.stderr.trim(),
        "<inline query>:1:87: brackets nest deeper than 64 levels here: powkg refuses such queries",
        "{run}"
    );
    let braces = format!("SELECT * WHERE {}{}", "{".repeat(10_000), "}".repeat(10_000));
    let run = powkg(&root(), &["query", &braces]).expect_code(2);
    assert!(run.stderr.contains("brackets nest deeper than 64 levels"), "{run}");
    let subqueries = format!(
        "{}SELECT * WHERE {{ ?s ?p ?o }}{}",
        "SELECT * WHERE { ".repeat(2000),
        " }".repeat(2000)
    );
    powkg(&root(), &["query", &subqueries]).expect_code(2);
}

#[test]
fn long_chains_without_brackets_are_bounded_too() {
    // No bracket nests, yet the algebra is as deep as the chain: refused past the bound, answered below it.
    let chain = |n: usize| format!("SELECT * WHERE {{ BIND({} AS ?x) }}", vec!["1"; n].join(" + "));
    match rows(&engine(), &chain(20_000)) {
        Err(SparqlError::Invalid(d)) => assert!(d.to_string().contains("deeper than 4096 levels"), "{d}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(rows(&engine(), &chain(3000)).expect("a chain under the bound runs"), 1);
    let unions = |n: usize| format!("SELECT * WHERE {{ {} }}", vec!["{ BIND(1 AS ?x) }"; n].join(" UNION "));
    assert_eq!(rows(&engine(), &unions(100)).expect("100 UNION branches run"), 100);
    match rows(&engine(), &unions(20_000)) {
        Err(SparqlError::Invalid(d)) => assert!(d.to_string().contains("more than 256 UNION branches"), "{d}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn queries_whose_planning_takes_seconds_are_refused() {
    // Oxigraph's optimiser is cubic in a group's size and cannot be cancelled: a 20 KB query with 1,000 triple
    // patterns kept a query thread busy for 45 s past any deadline.
    let path = format!("SELECT * WHERE {{ ?s {} ?o }}", vec!["<http://x/p>"; 1000].join("/"));
    match rows(&engine(), &path) {
        Err(SparqlError::Invalid(d)) => assert!(d.to_string().contains("more than 256 triple patterns"), "{d}"),
        other => panic!("{other:?}"),
    }
    let bgp = |n: usize| {
        let patterns: Vec<String> = (0..n).map(|i| format!("?s{i} <http://x/p> ?s{} .", i + 1)).collect();
        format!("SELECT * WHERE {{ {} }}", patterns.join(" "))
    };
    assert!(matches!(rows(&engine(), &bgp(1000)), Err(SparqlError::Invalid(_))));
    assert_eq!(rows(&engine(), &bgp(200)).expect("200 triple patterns are planned"), 0);
    let optionals = |n: usize| {
        let groups: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    "{{ ?s{i} <http://x/p> ?s{} }} OPTIONAL {{ ?s{i} <http://x/q> ?t{i} }}",
                    i + 1
                )
            })
            .collect();
        format!("SELECT * WHERE {{ {} }}", groups.join(" "))
    };
    match rows(&engine(), &optionals(120)) {
        Err(SparqlError::Invalid(d)) => assert!(d.to_string().contains("joins more than 128 groups"), "{d}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        rows(&engine(), &optionals(30)).expect("30 groups with OPTIONAL are planned"),
        0
    );
}

/// A query holding a list of `list`'s kind with `n` entries.
fn with_list(list: List, n: usize) -> String {
    let each = |f: &dyn Fn(usize) -> String, sep: &str| (0..n).map(f).collect::<Vec<_>>().join(sep);
    let p = "<http://x/p>";
    match list {
        List::OrderKeys => format!("SELECT * WHERE {{ ?s ?p ?o }} ORDER BY {}", each(&|_| "?o".into(), " ")),
        List::GroupKeys => format!(
            "SELECT (COUNT(*) AS ?c) WHERE {{ ?s ?p ?o }} GROUP BY {}",
            each(&|_| "(STR(?o))".into(), " ")
        ),
        List::Aggregates => format!(
            "SELECT {} WHERE {{ ?s ?p ?o }}",
            each(&|i| format!("(SAMPLE(?v{i}) AS ?c{i})"), " ")
        ),
        List::Projection => format!("SELECT {} WHERE {{ ?s ?p ?o }}", each(&|i| format!("?v{i}"), " ")),
        List::ValuesVariables => format!(
            "SELECT * WHERE {{ VALUES ({}) {{ ({}) }} }}",
            each(&|i| format!("?v{i}"), " "),
            each(&|_| "1".into(), " ")
        ),
        List::ValuesRows => format!("SELECT * WHERE {{ VALUES ?x {{ {} }} }}", each(&|i| i.to_string(), " ")),
        List::Arguments => format!(
            "SELECT * WHERE {{ BIND(CONCAT({}) AS ?x) }}",
            each(&|_| "\"a\"".into(), ",")
        ),
        List::InMembers => format!(
            "SELECT * WHERE {{ ?s ?p ?o FILTER(?o IN ({})) }}",
            each(&|i| i.to_string(), ",")
        ),
        List::UnionBranches => format!(
            "SELECT * WHERE {{ {} }}",
            each(&|_| format!("{{ ?s {p} ?o }}"), " UNION ")
        ),
        // n - 1 `|` and n IRIs are 2n - 1 steps: n IRIs under one `*` are 2n.
        List::PathSteps => format!("SELECT * WHERE {{ ?s ({})* ?o }}", vec![p; n / 2].join("|")),
        List::NegatedIris => format!("SELECT * WHERE {{ ?s !({}) ?o }}", vec![p; n].join("|")),
        List::TemplateTriples => format!(
            "CONSTRUCT {{ {} }} WHERE {{ ?s ?p ?o }}",
            each(&|i| format!("?s ?p ?o{i} ."), " ")
        ),
        List::DatasetGraphs => format!(
            "SELECT * {} WHERE {{ ?s ?p ?o }}",
            each(&|i| format!("FROM <http://x/g{i}>"), " ")
        ),
        List::Variables => format!(
            "SELECT ?s WHERE {{ ?s ?p ?o FILTER({}) }}",
            (3..n).map(|i| format!("?v{i}")).collect::<Vec<_>>().join(" || ")
        ),
        List::DescribeTargets => format!("DESCRIBE {}", each(&|i| format!("<http://x/t{i}>"), " ")),
        List::TripleTermNesting => format!(
            "SELECT * WHERE {{ ?s ?p {}?o{} }}",
            "<<( ?s ?p ".repeat(n),
            " )>>".repeat(n)
        ),
    }
}

#[test]
fn every_list_in_a_query_is_bounded_and_refused_with_its_bound() {
    // 100,000 ORDER BY keys (a 300 KB POST) overflowed the query thread's stack and aborted the server; 20,000
    // kept a core busy for 90 s past the deadline. Each kind of list is answered at its bound and refused,
    // naming the bound, one past it.
    for list in List::ALL {
        let limit = list.limit();
        let expected = format!(": the query has more than {limit} {}", list.name());
        match rows(
            &engine(),
            &with_list(list, limit + 1 + usize::from(list == List::PathSteps)),
        ) {
            Err(SparqlError::Invalid(d)) => assert!(d.to_string().contains(&expected), "{list:?}: {d}"),
            other => panic!("{list:?} past its bound: {other:?}"),
        }
        if let Err(e) = rows(&engine(), &with_list(list, limit)) {
            panic!("{list:?} at its bound: {e:?}");
        }
    }
}

#[test]
fn one_hundred_thousand_order_by_keys_are_refused_not_a_crash() {
    // Exit 134 (SIGABRT: the query thread's stack overflowed) before the bound.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("keys.rq");
    let query = format!(
        "SELECT * WHERE {{ ?s ?p ?o }} ORDER BY {}",
        vec!["?o"; 100_000].join(" ")
    );
    std::fs::write(&file, query).expect("the query is written");
    let run = powkg(&root(), &["query", "--file", &file.to_string_lossy()]).expect_code(2);
    assert!(
        run.stderr.contains("more than 32 ORDER BY keys in one ORDER BY"),
        "{run}"
    );
}

#[test]
fn a_sort_past_its_deadline_frees_its_thread_within_a_second() {
    // 100,000 rows made in 0.05 s, then sorted on 30 keys that the evaluator computes at each comparison and that
    // compare equal: the sort took seconds with no check of the deadline (20,000 keys kept a core 90 s past it).
    let ten = "VALUES ?x { 0 1 2 3 4 5 6 7 8 9 }";
    let sorted = format!(
        "SELECT ?a WHERE {{ {} BIND(\"x\" AS ?z) }} ORDER BY {} ?a",
        ["?a", "?b", "?c", "?d", "?e"].map(|v| ten.replace("?x", v)).join(" "),
        vec!["STR(?z)"; 30].join(" ")
    );
    let timeout = Duration::from_millis(500);
    let limited = engine().with_limits(Limits {
        timeout: Some(timeout),
        max_memory: None,
    });
    let started = Instant::now();
    let outcome = rows(&limited, &sorted);
    let took = started.elapsed();
    assert!(
        matches!(outcome, Err(SparqlError::Stopped(Stopped::Timeout(_)))),
        "{outcome:?}"
    );
    assert!(took < timeout + Duration::from_secs(1), "stopped after {took:?}");
}

#[test]
fn order_by_over_mixed_values_does_not_panic() {
    // Panicked in Oxigraph's sort ("comparison function does not correctly implement a total order").
    let run = powkg(&root(), &["query", "SELECT * WHERE { ?s ?p ?o } ORDER BY ?o ?s"]).expect_code(0);
    assert!(run.stdout.lines().count() > 2000, "{run}");
    // Every family of literal that compares by value, with and without timezones, mixed with strings of the same
    // text: the cycles that broke the order (9 < 10 < "10" < 9) are all here.
    let mut values = Vec::new();
    for i in 0..40 {
        values.push(format!("{i}"));
        values.push(format!("\"{i}\""));
        values.push(format!("\"{i}.5\"^^xsd:decimal"));
        values.push(format!("\"{}E0\"^^xsd:double", 40 - i));
        values.push(format!("\"19{i:02}-01-01T00:00:00\"^^xsd:dateTime"));
        values.push(format!("\"19{:02}-01-01T00:00:00Z\"^^xsd:dateTime", 40 - i));
        values.push(format!("\"19{i:02}\"^^xsd:gYear"));
        values.push(format!("\"P{i}D\"^^xsd:duration"));
        values.push(format!("\"P{i}M\"^^xsd:duration"));
        values.push(format!("\"{i}\"@en"));
        values.push(format!("<http://example.org/{i}>"));
    }
    values.push("\"NaN\"^^xsd:double".to_owned());
    values.push("\"x\"^^xsd:integer".to_owned());
    let query = format!(
        "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\nSELECT ?v WHERE {{ VALUES ?v {{ {} }} }} ORDER BY ?v",
        values.join(" ")
    );
    let run = powkg(&root(), &["query", "--format", "tsv", &query]).expect_code(0);
    let sorted: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(sorted.len(), values.len(), "{run}");
    // SPARQL's order where it is defined: IRIs before literals, numbers by value, one family kept together.
    let position = |needle: &str| {
        sorted
            .iter()
            .position(|l| *l == needle)
            .unwrap_or_else(|| panic!("{needle}\n{run}"))
    };
    assert!(position("<http://example.org/0>") < position("0"));
    assert!(position("9") < position("10"), "numbers by value\n{run}");
    assert!(position("8.5") < position("9"));
    assert!(position("9") < position("\"9\""), "numbers before strings\n{run}");
    let descending = query.replace("ORDER BY ?v", "ORDER BY DESC(?v)");
    let run_desc = powkg(&root(), &["query", "--format", "tsv", &descending]).expect_code(0);
    let mut reversed: Vec<&str> = run_desc.stdout.lines().skip(1).collect();
    reversed.reverse();
    assert_eq!(reversed.len(), sorted.len());
}

#[test]
fn a_memory_bomb_is_stopped_and_reported() {
    // A short CONCAT doubling query reached 2.2 GB in 1.7 s, then aborted the process.
    let mut bomb = String::from("SELECT (STRLEN(?v40) AS ?n) WHERE { BIND(\"0123456789abcdef\" AS ?v0)");
    for i in 1..=40 {
        write!(bomb, " BIND(CONCAT(?v{p}, ?v{p}) AS ?v{i})", p = i - 1).expect("a string");
    }
    bomb.push_str(" }");
    let run = powkg(&root(), &["query", "--max-query-memory", "64M", &bomb]).expect_code(2);
    assert!(
        run.stderr.contains("needed more memory than the limit of 64 MiB"),
        "{run}"
    );
    let limited = engine().with_limits(Limits {
        timeout: Some(Duration::from_secs(30)),
        max_memory: Some(64 << 20),
    });
    assert!(matches!(
        rows(&limited, &bomb),
        Err(SparqlError::Stopped(Stopped::Memory(_)))
    ));
    // Growth by other string functions, and by many rows held at once.
    let ucase = bomb
        .replace("CONCAT(?v", "UCASE(CONCAT(?v")
        .replace(") AS ?v", ")) AS ?v");
    assert!(matches!(
        rows(&limited, &ucase),
        Err(SparqlError::Stopped(Stopped::Memory(_)))
    ));
    let replace = "SELECT (STRLEN(?b) AS ?n) WHERE { BIND(\"0123456789abcdef0123456789abcdef\" AS ?a) \
                   BIND(REPLACE(?a, \".\", ?a) AS ?b) BIND(REPLACE(?b, \".\", ?b) AS ?c) BIND(REPLACE(?c, \".\", ?c) AS ?d) }";
    assert!(matches!(
        rows(&limited, replace),
        Err(SparqlError::Stopped(Stopped::Memory(_)))
    ));
    let ten = "VALUES ?x { 0 1 2 3 4 5 6 7 8 9 }";
    let rows_held = format!(
        "SELECT ?a ?b ?c ?d ?e ?f ?g WHERE {{ {} }} ORDER BY ?a",
        ["?a", "?b", "?c", "?d", "?e", "?f", "?g"]
            .map(|v| ten.replace("?x", v))
            .join(" ")
    );
    assert!(matches!(
        rows(&limited, &rows_held),
        Err(SparqlError::Stopped(Stopped::Memory(_)))
    ));
    // The engine is fine afterwards, and a modest query is untouched by the budget.
    assert_eq!(rows(&limited, "SELECT * WHERE { ?s a ?c } LIMIT 5").unwrap(), 5);
}

#[test]
fn a_query_that_reads_no_quads_still_meets_its_deadline() {
    // VALUES against VALUES multiplies rows without reading the store, where the evaluator checks its token.
    let ten = "VALUES ?x { 0 1 2 3 4 5 6 7 8 9 }";
    let endless = format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ {} }}",
        ["?a", "?b", "?c", "?d", "?e", "?f", "?g", "?h", "?i", "?j"]
            .map(|v| ten.replace("?x", v))
            .join(" ")
    );
    let limited = engine().with_limits(Limits {
        timeout: Some(Duration::from_millis(300)),
        max_memory: None,
    });
    assert!(matches!(
        rows(&limited, &endless),
        Err(SparqlError::Stopped(Stopped::Timeout(_)))
    ));
}

/// The rows of `text` as `?var=value` cells, one string per row, sorted.
fn table(engine: &Engine, text: &str, language: Option<&str>) -> Vec<String> {
    let (store, _) = bundled();
    let request = Request {
        path: "query",
        text,
        language,
        ..Request::default()
    };
    let mut rows = engine
        .run(&request, store, |results| {
            let QueryResults::Solutions(solutions) = results else {
                return Vec::new();
            };
            solutions
                .map(|row| {
                    let row = row.expect("a row");
                    let cells: Vec<String> = row.iter().map(|(v, t)| format!("{v}={t}")).collect();
                    cells.join(" ")
                })
                .collect()
        })
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    rows.sort();
    rows
}

const LABELS: &str = "SERVICE wikibase:label { bd:serviceParam wikibase:language \"[AUTO_LANGUAGE],en\". }";

#[test]
fn the_label_service_gives_labels_in_the_languages_asked_answered_locally() {
    let camps = format!("SELECT ?camp ?campLabel ?campDescription WHERE {{ ?camp a pk:Camp . {LABELS} }}");
    let english = table(&engine(), &camps, None);
    assert_eq!(english.len(), 2, "{english:?}");
    assert!(
        english
            .iter()
            .any(|r| r.contains("?campLabel=\"Spassky camp No. 99\"@en")),
        "{english:?}"
    );
    assert!(english.iter().all(|r| r.contains("?campDescription=\"")), "{english:?}");
    // [AUTO_LANGUAGE] is the request's language, then the list goes on.
    let italian = table(&engine(), &camps, Some("it"));
    assert!(
        italian.iter().any(|r| r.contains("?campLabel=\"campo n° 99\"@it")),
        "{italian:?}"
    );
    // The command line's --lang.
    let run = powkg(&root(), &["query", "--lang", "it", "--format", "tsv", &camps]).expect_code(0);
    assert!(run.stdout.contains("\"campo n° 99\"@it"), "{run}");
    // The explicit form, with its own list of languages.
    let explicit = "SELECT ?x ?name WHERE { ?x a pk:Camp . SERVICE wikibase:label { \
                    bd:serviceParam wikibase:language \"ro,it\". ?x rdfs:label ?name } }";
    let rows = table(&engine(), explicit, None);
    assert!(rows.iter().any(|r| r.contains("?name=\"campo n° 99\"@it")), "{rows:?}");
    // Aliases, joined.
    let aliases = format!("SELECT ?s ?sAltLabel WHERE {{ VALUES ?s {{ entity:spassky-camp-99 }} {LABELS} }}");
    let rows = table(&engine(), &aliases, None);
    assert_eq!(
        rows,
        ["?s=<https://example.org/powkg/entity/spassky-camp-99> ?sAltLabel=\"Spassky camp, Spassky camp nr. 99\"@en"]
    );
}

#[test]
fn the_label_service_falls_back_to_the_local_name_and_works_in_every_pattern() {
    // No label: the IRI's local name, as WDQS gives "Q42".
    let rows = table(
        &engine(),
        &format!("SELECT ?x ?xLabel WHERE {{ VALUES ?x {{ <http://example.org/Q42> }} {LABELS} }}"),
        None,
    );
    assert_eq!(rows, ["?x=<http://example.org/Q42> ?xLabel=\"Q42\""]);
    // OPTIONAL: the label of what the optional part binds.
    let optional = format!(
        "SELECT ?camp ?campLabel ?part ?partLabel WHERE {{ ?camp a pk:Camp OPTIONAL {{ ?part wdt:P361 ?camp }} {LABELS} }}"
    );
    let rows = table(&engine(), &optional, None);
    assert!(rows.iter().all(|r| r.contains("?campLabel=")), "{rows:?}");
    // UNION: a variable bound in one branch only gets a label in that branch's rows.
    let union = format!(
        "SELECT ?x ?xLabel ?y ?yLabel WHERE {{ {{ ?x a pk:Camp }} UNION {{ ?y a pk:MilitaryUnit }} {LABELS} }}"
    );
    let rows = table(&engine(), &union, None);
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(rows.iter().filter(|r| r.contains("?xLabel=")).count(), 2, "{rows:?}");
    assert_eq!(rows.iter().filter(|r| r.contains("?yLabel=")).count(), 2, "{rows:?}");
    assert!(
        rows.iter().all(|r| !(r.contains("?xLabel=") && r.contains("?yLabel="))),
        "{rows:?}"
    );
    // A subquery, and a nested group.
    let sub =
        format!("SELECT ?c ?cLabel WHERE {{ {{ SELECT ?c WHERE {{ ?c a pk:Camp }} ORDER BY ?c LIMIT 1 }} {LABELS} }}");
    assert_eq!(table(&engine(), &sub, None).len(), 1);
    let nested = format!("SELECT ?c ?cLabel WHERE {{ {{ ?c a pk:Camp . {LABELS} }} }}");
    assert!(table(&engine(), &nested, None).iter().all(|r| r.contains("?cLabel=")));
    // Aggregates over labels.
    let counted = format!("SELECT (COUNT(DISTINCT ?cLabel) AS ?n) WHERE {{ ?c a pk:Organisation . {LABELS} }}");
    let rows = table(&engine(), &counted, None);
    assert_eq!(rows, ["?n=\"10\"^^<http://www.w3.org/2001/XMLSchema#integer>"]);
}

/// The values of the first variable of `text` run on `store`, as N-Triples terms (`-` for unbound), in order.
fn first_column(store: &GraphStore, text: &str) -> Vec<String> {
    let minter = Minter::new("http://example.org/base/").expect("a base IRI");
    let request = Request {
        path: "query",
        text,
        ..Request::default()
    };
    Engine::new(&minter)
        .run(&request, store, |results| match results {
            QueryResults::Solutions(rows) => rows
                .map(|row| {
                    let row = row.expect("a row");
                    row.values()
                        .first()
                        .cloned()
                        .flatten()
                        .map_or("-".to_owned(), |t| t.to_string())
                })
                .collect(),
            _ => Vec::new(),
        })
        .expect("the query runs")
}

#[test]
fn a_wikidata_item_named_in_a_query_finds_the_entity_linked_to_it() {
    use oxigraph::model::{GraphName, Literal, NamedNode, Quad};
    const FIRST: &str = "<http://example.org/e/first>";
    const SECOND: &str = "<http://example.org/e/second>";
    const THIRD: &str = "<http://example.org/e/third>";
    const HOLDER: &str = "<http://example.org/e/holder>";
    const UNLINKED: &str = "<http://www.wikidata.org/entity/Q200>";
    let iri = |s: &str| NamedNode::new(s.trim_matches(['<', '>'])).unwrap();
    let next = iri("http://example.org/p/next");
    let same_as = iri("http://www.w3.org/2002/07/owl#sameAs");
    let graph = GraphName::NamedNode(iri("http://example.org/g"));
    let quad = |s: &str, p: &NamedNode, o: oxigraph::model::Term| Quad::new(iri(s), p.clone(), o, graph.clone());
    let quads = vec![
        quad(FIRST, &same_as, iri("http://www.wikidata.org/entity/Q100").into()),
        quad(
            FIRST,
            &iri("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal::new_simple_literal("First").into(),
        ),
        quad(SECOND, &next, iri(FIRST).into()),
        quad(THIRD, &same_as, iri("http://www.wikidata.org/entity/Q300").into()),
        quad(THIRD, &next, iri(SECOND).into()),
        // An item the graph holds by its Wikidata IRI, linked to no entity.
        quad(HOLDER, &next, iri(UNLINKED).into()),
    ];
    let store = GraphStore::in_memory(&quads).expect("a store");
    let query = |text: &str| first_column(&store, &format!("PREFIX ex: <http://example.org/> {text}"));
    // As an object, a subject and either end of a path.
    assert_eq!(query("SELECT ?x WHERE { ?x ex:p\\/next wd:Q100 }"), vec![SECOND]);
    assert_eq!(query("SELECT ?l WHERE { wd:Q100 rdfs:label ?l }"), vec!["\"First\""]);
    assert_eq!(
        query("SELECT ?x WHERE { ?x ex:p\\/next+ wd:Q100 } ORDER BY ?x"),
        vec![SECOND, THIRD]
    );
    assert_eq!(
        query("SELECT ?y WHERE { wd:Q300 ex:p\\/next/ex:p\\/next ?y }"),
        vec![FIRST]
    );
    // An item linked to nothing matches itself.
    assert_eq!(query("SELECT ?x WHERE { ?x ex:p\\/next wd:Q200 }"), vec![HOLDER]);
    // VALUES, row by row, UNDEF left unbound.
    assert_eq!(
        query("SELECT ?v WHERE { VALUES ?v { wd:Q100 wd:Q200 UNDEF } }"),
        vec![FIRST, UNLINKED, "-"]
    );
    // Equality, sameTerm and IN.
    assert_eq!(
        query("SELECT ?x WHERE { ?x ex:p\\/next ?y FILTER(?y = wd:Q100) }"),
        vec![SECOND]
    );
    assert_eq!(
        query("SELECT ?x WHERE { ?x ex:p\\/next ?y FILTER(sameTerm(wd:Q100, ?y)) }"),
        vec![SECOND]
    );
    assert_eq!(
        query("SELECT ?x WHERE { ?x ex:p\\/next ?y FILTER(?y IN (wd:Q9, wd:Q100)) }"),
        vec![SECOND]
    );
    // The link itself is read as written; properties are left alone.
    assert_eq!(query("SELECT ?x WHERE { ?x owl:sameAs wd:Q100 }"), vec![FIRST]);
    assert!(query("SELECT ?x WHERE { ?x wd:P100 wd:Q100 }").is_empty());
}
