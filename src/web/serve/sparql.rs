//! The SPARQL 1.1 Protocol, read-only: query by GET, by form POST and by `application/sparql-query` POST; the
//! protocol's dataset parameters; results negotiated by `Accept` or a `format` parameter; a service description
//! when no query is given. Updates are refused (403). Queries run through the server's [`crate::query::sparql::Engine`]
//! (deadline, memory budget, query slots, no outbound `SERVICE`), and their results are serialized on the query
//! thread within a size limit, so that every failure, late ones included, gets its own status and message.

use http::header;
use http::{Method, StatusCode};
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term, Triple};
use oxigraph::sparql::results::QueryResultsFormat;
use oxigraph::sparql::{QueryEvaluationError, QueryResults};

use super::exchange::{Incoming, Reply, method_not_allowed, not_acceptable, rdf_offers};
use super::negotiate;
use super::service::Service;
use crate::query::RESULTS_FORMATS;
use crate::query::results::{self, Form, WriteError, Writing};
use crate::query::sparql::{Request, SparqlError, Stopped};
use crate::rdf::format::ExportFormat;
use crate::rdf::vocab::{rdf, sd, void};

/// Result formats for SELECT and ASK with their media types, from the results format table: every registered type
/// in the table's order (most preferred first), then the other types accepted for them.
fn result_offers() -> Vec<(&'static str, QueryResultsFormat)> {
    let registered = RESULTS_FORMATS.iter().map(|i| (i.media_types[0], i.format));
    let others = RESULTS_FORMATS
        .iter()
        .flat_map(|i| i.media_types[1..].iter().map(move |m| (*m, i.format)));
    registered.chain(others).collect()
}

/// Names the `format` parameter takes for SELECT/ASK results, beside media types, with the media type each means.
fn result_names() -> Vec<(&'static str, &'static str)> {
    RESULTS_FORMATS
        .iter()
        .flat_map(|i| i.names.iter().map(|n| (*n, i.media_types[0])))
        .collect()
}

/// Names the `format` parameter takes for graph results: each format's name, aliases and extensions from the format
/// table, with its media type. `xml` and `json` mean RDF/XML and JSON-LD here, as on Fuseki and Virtuoso, so that a
/// client sending one `format` for every query form gets a fitting answer.
fn graph_names() -> Vec<(&'static str, &'static str)> {
    ExportFormat::TABLE
        .iter()
        .flat_map(|info| {
            std::iter::once(&info.name)
                .chain(info.aliases)
                .chain(info.extensions)
                .map(|n| (*n, info.media_types[0]))
        })
        .collect()
}

/// What the client asked for: a `format` parameter (name or media type) and the `Accept` header.
#[derive(Clone, Copy)]
pub(crate) struct Wanted<'a> {
    format: Option<&'a str>,
    accept: Option<&'a str>,
}

impl Wanted<'_> {
    /// The `format` parameter when it names an offer for this query form; otherwise `Accept` decides (a client
    /// may send a `format` meant for another server or another form, as `SPARQLWrapper` does by default).
    fn pick<T: Copy>(self, names: &[(&str, &str)], offers: &[(&str, T)]) -> Option<T> {
        let by_parameter = self.format.and_then(|f| {
            let media_type = names
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(f))
                .map_or(f, |(_, m)| *m);
            media_type
                .contains('/')
                .then(|| negotiate::choose(Some(media_type), offers))
                .flatten()
        });
        by_parameter.or_else(|| negotiate::choose(self.accept, offers))
    }
}

/// A query as the protocol delivers it.
pub(crate) struct Protocol {
    pub query: String,
    default_graphs: Vec<String>,
    named_graphs: Vec<String>,
    /// `format` parameter, which overrides `Accept`.
    format: Option<String>,
    /// The client's language (`lang` parameter, then `Accept-Language`): what `[AUTO_LANGUAGE]` stands for.
    language: Option<String>,
}

fn forbidden_update() -> Reply {
    Reply::text(
        StatusCode::FORBIDDEN,
        "this endpoint is read-only: SPARQL updates are refused (rebuild the graph with `powkg build`)",
    )
}

/// Reads the protocol request; `None` when it carries no query (a GET of the endpoint itself).
fn read(service: &Service, r: &mut Incoming<'_>) -> Result<Option<Protocol>, Reply> {
    let mut params = r.params.clone();
    if r.method == Method::POST {
        let content_type = r
            .header(header::CONTENT_TYPE)
            .map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .unwrap_or_default();
        match content_type.as_str() {
            "application/x-www-form-urlencoded" => {
                let body = r.body(service.config.limits.max_request_bytes)?;
                params.extend(form_urlencoded::parse(&body).into_owned());
            }
            "application/sparql-query" => {
                let body = r.body(service.config.limits.max_request_bytes)?;
                let text = String::from_utf8(body)
                    .map_err(|e| Reply::text(StatusCode::BAD_REQUEST, format!("the query is not valid UTF-8: {e}")))?;
                if params.iter().any(|(k, _)| k == "query") {
                    return Err(Reply::text(
                        StatusCode::BAD_REQUEST,
                        "a query in the body and another in the URL: send one",
                    ));
                }
                params.push(("query".to_owned(), text));
            }
            "application/sparql-update" => return Err(forbidden_update()),
            other => {
                return Err(Reply::text(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    format!(
                        "unsupported Content-Type \"{other}\": POST a query as application/sparql-query or \
                         application/x-www-form-urlencoded"
                    ),
                ));
            }
        }
    } else if r.method != Method::GET && r.method != Method::HEAD {
        return Err(method_not_allowed("GET, HEAD, POST, OPTIONS"));
    }
    if params
        .iter()
        .any(|(k, _)| k == "update" || k == "using-graph-uri" || k == "using-named-graph-uri")
    {
        return Err(forbidden_update());
    }
    let values = |name: &str| -> Vec<String> {
        params
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let mut queries = values("query");
    if queries.len() > 1 {
        return Err(Reply::text(
            StatusCode::BAD_REQUEST,
            format!("{} query parameters: send exactly one", queries.len()),
        ));
    }
    let Some(query) = queries.pop() else {
        if r.method == Method::POST {
            return Err(Reply::text(
                StatusCode::BAD_REQUEST,
                "no query parameter in the request",
            ));
        }
        return Ok(None);
    };
    Ok(Some(Protocol {
        query,
        default_graphs: values("default-graph-uri"),
        named_graphs: values("named-graph-uri"),
        format: values("format").pop(),
        language: r.languages().into_iter().next(),
    }))
}

/// `/sparql`.
pub(super) fn endpoint(service: &Service, r: &mut Incoming<'_>) -> Reply {
    match read(service, r) {
        Err(reply) => reply,
        Ok(None) => description(service, r),
        Ok(Some(request)) => {
            let wanted = Wanted {
                format: request.format.as_deref(),
                accept: r.accept(),
            };
            run(service, &request, |results| serialize(service, results, wanted))
        }
    }
}

/// The protocol's graph IRIs named by parameter `kind`, or 400 for the first that is not an IRI.
fn iris<T: From<NamedNode>>(kind: &str, values: &[String]) -> Result<Vec<T>, Reply> {
    values
        .iter()
        .map(|value| {
            NamedNode::new(value.as_str()).map(T::from).map_err(|e| {
                Reply::text(
                    StatusCode::BAD_REQUEST,
                    format!("{kind} \"{value}\" is not an IRI: {e}"),
                )
            })
        })
        .collect()
}

/// The answer for an evaluation error met while reading results.
pub(crate) fn failed(error: &QueryEvaluationError) -> Reply {
    match error {
        QueryEvaluationError::Cancelled => Reply::text(StatusCode::SERVICE_UNAVAILABLE, "query cancelled"),
        QueryEvaluationError::Dataset(_) | QueryEvaluationError::Unexpected(_) => Reply::text(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("query evaluation failed: {error}"),
        ),
        _ => Reply::text(StatusCode::BAD_REQUEST, format!("query evaluation failed: {error}")),
    }
}

/// Runs the query through the server's engine (prologue, checks, deadline, memory budget, query slots) with the
/// protocol's dataset, and lets `consume` turn its results into the answer on the query thread. A malformed or
/// refused query is 400 with its position; a stopped one 503 (deadline, memory, busy) or 500 (a bug).
pub(crate) fn run(
    service: &Service,
    request: &Protocol,
    consume: impl FnOnce(QueryResults<'static>) -> Reply + Send,
) -> Reply {
    let (default_graphs, named_graphs) = match (
        iris("default-graph-uri", &request.default_graphs),
        iris("named-graph-uri", &request.named_graphs),
    ) {
        (Ok(default), Ok(named)) => (default, named),
        (Err(reply), _) | (_, Err(reply)) => return reply,
    };
    let query = Request {
        path: "query",
        text: &request.query,
        bindings: Vec::new(),
        default_graphs,
        named_graphs,
        language: request.language.as_deref(),
    };
    match service.renderer.engine.run(&query, &service.renderer.store, consume) {
        Ok(reply) => reply,
        Err(SparqlError::Invalid(problem)) => Reply::text(StatusCode::BAD_REQUEST, problem.to_string()),
        Err(SparqlError::Evaluation(e)) => failed(&e),
        Err(SparqlError::Stopped(stopped)) => {
            let status = match stopped {
                Stopped::Timeout(_) | Stopped::Memory(_) | Stopped::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
                Stopped::Panic(_) | Stopped::Thread(_) => {
                    eprintln!("powkg serve: {stopped} (query: {:?})", request.query);
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            };
            Reply::text(status, stopped.to_string())
        }
    }
}

/// Writes the results in the negotiated format, within the size limit, through the one results writer.
fn serialize(service: &Service, results: QueryResults<'static>, wanted: Wanted<'_>) -> Reply {
    let writing = match Form::of(&results) {
        Form::Solutions | Form::Boolean => {
            let offers = result_offers();
            match wanted.pick(&result_names(), &offers) {
                Some(format) => Writing::Results(format),
                None => return not_acceptable(&offers.iter().map(|(m, _)| *m).collect::<Vec<_>>()),
            }
        }
        Form::Graph => {
            let offers = rdf_offers();
            match wanted.pick(&graph_names(), &offers) {
                Some(format) => Writing::Graph(format),
                None => return not_acceptable(&offers.iter().map(|(m, _)| *m).collect::<Vec<_>>()),
            }
        }
    };
    let limit = service.config.limits.max_result_bytes;
    let mut out = Vec::new();
    let prefixes = service.renderer.minter.prefixes();
    match results::write(results, writing, &prefixes, Some(limit), &mut out) {
        Ok(_) => Reply::new(StatusCode::OK, &writing.content_type(), out).with(header::VARY, "Accept"),
        Err(WriteError::Evaluation(e)) => failed(&e),
        // A limit met, as the deadline and the memory budget are: not a fault of the server.
        Err(e @ WriteError::TooLarge(_)) => Reply::text(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
        // A bug.
        Err(e) => Reply::text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// The SPARQL service description (W3C), at the endpoint's own IRI; a browser asking for HTML is sent to the
/// query page instead.
fn description(service: &Service, r: &Incoming<'_>) -> Reply {
    #[derive(Clone, Copy)]
    enum Answer {
        Page,
        Rdf(ExportFormat),
    }
    let mut offers: Vec<(&str, Answer)> = rdf_offers().into_iter().map(|(m, f)| (m, Answer::Rdf(f))).collect();
    offers.insert(1, ("text/html", Answer::Page));
    match negotiate::choose(r.accept(), &offers) {
        None => not_acceptable(&offers.iter().map(|(m, _)| *m).collect::<Vec<_>>()),
        Some(Answer::Page) => Reply::redirect(StatusCode::SEE_OTHER, "/query"),
        Some(Answer::Rdf(format)) => {
            let origin = r.origin();
            service.rdf_reply(&description_quads(service, origin.as_deref()), format)
        }
    }
}

fn description_quads(service: &Service, origin: Option<&str>) -> Vec<Quad> {
    let endpoint = origin.map_or_else(
        || format!("{}sparql", service.renderer.minter.base()),
        |o| format!("{o}/sparql"),
    );
    let node = |iri: String| NamedNode::new_unchecked(iri);
    let e = node(endpoint.clone());
    let dataset = node(format!("{endpoint}#dataset"));
    let default_graph = node(format!("{endpoint}#default-graph"));
    let sd_term = |local: &str| node(format!("{}{local}", sd::NS));
    let formats = |local: &str| node(format!("http://www.w3.org/ns/formats/{local}"));
    let mut triples = vec![
        Triple::new(e.clone(), rdf::TYPE, sd_term("Service")),
        Triple::new(e.clone(), sd_term("endpoint"), e.clone()),
        Triple::new(e.clone(), sd_term("supportedLanguage"), sd_term("SPARQL11Query")),
        Triple::new(e.clone(), sd_term("feature"), sd_term("UnionDefaultGraph")),
        Triple::new(e.clone(), sd_term("defaultDataset"), dataset.clone()),
        Triple::new(dataset.clone(), rdf::TYPE, sd_term("Dataset")),
        Triple::new(dataset.clone(), sd_term("defaultGraph"), default_graph.clone()),
        Triple::new(default_graph.clone(), rdf::TYPE, sd_term("Graph")),
        Triple::new(dataset.clone(), void::SUBSET, service.renderer.dataset.dataset.clone()),
    ];
    if let Some(n) = service.renderer.summary().and_then(|s| s.quads()) {
        triples.push(Triple::new(
            default_graph,
            void::TRIPLES,
            Literal::from(i64::try_from(n).unwrap_or(i64::MAX)),
        ));
    }
    for local in [
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "N-Quads",
        "TriG",
        "JSON-LD",
        "RDF_XML",
    ] {
        triples.push(Triple::new(e.clone(), sd_term("resultFormat"), formats(local)));
    }
    for kind in crate::rdf::iri::GraphKind::ALL {
        let g = service.renderer.minter.graph(kind);
        let described = node(format!("{endpoint}#graph-{}", kind.name()));
        triples.push(Triple::new(dataset.clone(), sd_term("namedGraph"), described.clone()));
        triples.push(Triple::new(described.clone(), rdf::TYPE, sd_term("NamedGraph")));
        triples.push(Triple::new(described, sd_term("name"), Term::from(g)));
    }
    triples
        .into_iter()
        .map(|t| t.in_graph(GraphName::DefaultGraph))
        .collect()
}
