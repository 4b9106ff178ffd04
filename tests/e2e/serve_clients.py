"""(a) of serve_e2e.py: SPARQL clients that share no code with powkg (SPARQLWrapper, rdflib's SPARQLStore) against
the endpoint, their answers compared with `powkg query` on the command line."""

import json
import urllib.error

from harness import excerpt
from serve_common import (
    GRAPH_QUERY, HTTP_TIMEOUT, JSON, POST, POSTDIRECTLY, RDFLIB_ERROR, SELECT_QUERY, TURTLE, URLENCODED, SPARQLStore,
    SPARQLWrapper, compare_rows, graph_difference, has_order_by, json_rows, parse_graph, query_form, rdflib,
    rdflib_rows, run_cli,
)

# SPARQLWrapper's ways of sending a query, used in turn.
SEND_MODES = ["GET", "POST form", "POST sparql-query"]


def sparqlwrapper_for(server, text, return_format, mode):
    client = SPARQLWrapper(server.endpoint, agent="powkg-serve-e2e")
    client.setQuery(text)
    client.setReturnFormat(return_format)
    client.setTimeout(HTTP_TIMEOUT)
    if mode == "POST form":
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
    elif mode == "POST sparql-query":
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    return client


def check_bundled_query(checks, powkg, server, name, text, mode):
    form = query_form(text)
    label = f"SPARQLWrapper {name} ({form}, {mode})"
    try:
        if form == "SELECT":
            expected = json.loads(run_cli(powkg, "query", name, "--format", "json"))
            got = sparqlwrapper_for(server, text, JSON, mode).query().convert()
            problems = []
            if got["head"].get("vars") != expected["head"].get("vars"):
                problems.append(f"variables {got['head'].get('vars')}, CLI {expected['head'].get('vars')}")
            ordered = has_order_by(text)
            difference = compare_rows(json_rows(expected), json_rows(got), ordered)
            if difference:
                problems.append(difference)
            n = len(expected["results"]["bindings"])
            how = "same rows in the same order" if ordered else "same multiset of rows"
            checks.expect(not problems, f"{label}: {how} as the CLI ({n} rows)", f"{label}: {'; '.join(problems)}")
        elif form == "ASK":
            expected = json.loads(run_cli(powkg, "query", name, "--format", "json", ok_codes=(0, 1)))
            got = sparqlwrapper_for(server, text, JSON, mode).query().convert()
            checks.expect(
                got.get("boolean") == expected.get("boolean") and isinstance(got.get("boolean"), bool),
                f"{label}: {got.get('boolean')}, as the CLI",
                f"{label}: {got.get('boolean')!r}, CLI {expected.get('boolean')!r}",
            )
        elif form in ("CONSTRUCT", "DESCRIBE"):
            if RDFLIB_ERROR:
                checks.fail(f"{label}: {RDFLIB_ERROR}")
                return
            expected = parse_graph(run_cli(powkg, "query", name, "--format", "ntriples"), "nt")
            response = sparqlwrapper_for(server, text, TURTLE, mode).query()
            content_type = response.response.headers.get("Content-Type", "")
            got = parse_graph(response.convert(), "turtle", server.endpoint)
            difference = graph_difference(expected, got)
            checks.expect(
                difference is None,
                f"{label}: isomorphic to the CLI's N-Triples ({len(got)} triples, {content_type})",
                f"{label}: {difference}",
            )
        else:
            checks.fail(f"{label}: cannot tell the query form of queries/{name}.rq")
    except Exception as e:  # an HTTP error, a parser's or the CLI's failure: the check fails
        checks.fail(f"{label}: {type(e).__name__}: {excerpt(str(e), 400)}")


def check_sparqlwrapper_default_format(checks, server, text):
    """SPARQLWrapper's default return format (XML) on a CONSTRUCT query: it sends Accept: application/rdf+xml and
    also `format=xml` (its habit for Virtuoso), which for a graph means RDF/XML here."""
    label = "SPARQLWrapper default return format (XML) on a CONSTRUCT"
    client = SPARQLWrapper(server.endpoint, agent="powkg-serve-e2e")
    client.setQuery(text)
    client.setTimeout(HTTP_TIMEOUT)
    try:
        response = client.query()
        graph = response.convert()
        checks.ok(f"{label}: {response.response.headers.get('Content-Type')}, {len(graph)} triples")
    except urllib.error.HTTPError as e:
        checks.fail(f"{label}: HTTP {e.code}")
    except Exception as e:
        checks.fail(f"{label}: {type(e).__name__}: {excerpt(str(e), 400)}")


def check_sparqlstore(checks, powkg, server, queries):
    """rdflib's SPARQLStore (SPARQL XML results, rdflib's own parsers) as a second client."""
    texts = dict(queries)
    if RDFLIB_ERROR:
        checks.fail(f"SPARQLStore: {RDFLIB_ERROR}")
        return
    graph = rdflib.Graph(store=SPARQLStore(server.endpoint, returnFormat="xml"))

    label = f"SPARQLStore {SELECT_QUERY} (SELECT, SPARQL XML results)"
    try:
        expected = json_rows(json.loads(run_cli(powkg, "query", SELECT_QUERY, "--format", "json")))
        got = rdflib_rows(graph.query(texts[SELECT_QUERY]))
        difference = compare_rows(expected, got, has_order_by(texts[SELECT_QUERY]))
        checks.expect(
            difference is None,
            f"{label}: same rows in the same order as the CLI ({len(got)} rows)",
            f"{label}: {difference}",
        )
    except Exception as e:
        checks.fail(f"{label}: {type(e).__name__}: {excerpt(str(e), 400)}")

    label = f"SPARQLStore {GRAPH_QUERY} (CONSTRUCT)"
    try:
        expected = parse_graph(run_cli(powkg, "query", GRAPH_QUERY, "--format", "ntriples"), "nt")
        got = graph.query(texts[GRAPH_QUERY]).graph
        difference = graph_difference(expected, got)
        checks.expect(
            difference is None,
            f"{label}: isomorphic to the CLI's N-Triples ({len(got)} triples)",
            f"{label}: {difference}",
        )
    except Exception as e:
        checks.fail(f"{label}: {type(e).__name__}: {excerpt(str(e), 400)}")
