"""(b) of serve_e2e.py: curl, one check per media type and status of the endpoint, the linked-data documents, the
VoID description, the dump and the HTTP methods."""

import csv
import io
import json
import os
import socket
import time
import urllib.parse
import xml.etree.ElementTree as ET

from serve_common import (
    ENTITY, GRAPH_QUERY, HTTP_TIMEOUT, QUERY_TIMEOUT, RDFLIB_ERROR, RUNAWAY, SELECT_QUERY, SIMPLE, curl,
    expect_reply, json_rows, parse_graph, rdflib, rdflib_term, run_cli, sparql_url,
)

RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
VOID_SPARQL_ENDPOINT = "http://rdfs.org/ns/void#sparqlEndpoint"
SD_ENDPOINT = "http://www.w3.org/ns/sparql-service-description#endpoint"


def count_rows(media_type, body):
    """Rows of a SELECT answer in one of the four result formats, read with parsers that are not powkg's."""
    text = body.decode("utf-8")
    if media_type == "application/sparql-results+json":
        return len(json.loads(text)["results"]["bindings"])
    if media_type == "application/sparql-results+xml":
        return len(ET.fromstring(body).findall(f"{RESULTS_NS}results/{RESULTS_NS}result"))
    if media_type == "text/csv":
        return len(list(csv.reader(io.StringIO(text, newline="")))) - 1
    if media_type == "text/tab-separated-values":
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return len(lines) - 1
    raise ValueError(f"no row counter for {media_type}")


def head_body(server, path):
    """(None or a problem, detail): whether a HEAD request, read to the end of the connection, gets no body."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=HTTP_TIMEOUT) as s:
        s.sendall(f"HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nConnection: close\r\n\r\n".encode())
        received = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            received += chunk
    head, sep, body = received.partition(b"\r\n\r\n")
    if not sep:
        return f"no end of headers in {received[:200]!r}", ""
    return (f"{len(body)} bytes after the headers" if body else None), "no body"


def check_curl(checks, powkg, server, tmp, queries):
    texts = dict(queries)
    select_text = texts[SELECT_QUERY]
    graph_text = texts[GRAPH_QUERY]

    # SELECT in each result format, by Accept; each parsed, as many rows as the CLI gives
    cli_rows = len(json.loads(run_cli(powkg, "query", SELECT_QUERY, "--format", "json"))["results"]["bindings"])
    for media_type in [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ]:
        def rows_match(reply, media_type=media_type):
            n = count_rows(media_type, reply.body)
            return (None if n == cli_rows else f"{n} rows, CLI {cli_rows}"), f"{n} rows"

        reply = curl(tmp, sparql_url(server, select_text), "-H", f"Accept: {media_type}")
        expect_reply(checks, f"GET SELECT Accept {media_type}", reply, 200, media_type, rows_match)

    # the format parameter instead of Accept
    reply = curl(tmp, sparql_url(server, select_text, format="tsv"))
    expect_reply(checks, "GET SELECT format=tsv", reply, 200, "text/tab-separated-values")

    # CONSTRUCT in four RDF formats: each parsed by rdflib, the same number of triples in all (and as the CLI's)
    if RDFLIB_ERROR:
        checks.fail(f"CONSTRUCT formats: {RDFLIB_ERROR}")
    else:
        cli_triples = len(parse_graph(run_cli(powkg, "query", GRAPH_QUERY, "--format", "ntriples"), "nt"))
        counts = {}
        for media_type, rdf_format in [
            ("text/turtle", "turtle"),
            ("application/n-triples", "nt"),
            ("application/ld+json", "json-ld"),
            ("application/rdf+xml", "xml"),
        ]:
            def triples(reply, rdf_format=rdf_format, media_type=media_type):
                n = len(parse_graph(reply.body, rdf_format, server.endpoint))
                counts[media_type] = n
                return (None if n == cli_triples else f"{n} triples, CLI {cli_triples}"), f"{n} triples"

            reply = curl(tmp, sparql_url(server, graph_text), "-H", f"Accept: {media_type}")
            expect_reply(checks, f"GET CONSTRUCT Accept {media_type}", reply, 200, media_type, triples)
        checks.expect(
            len(counts) == 4 and len(set(counts.values())) == 1,
            f"CONSTRUCT: the same {cli_triples} triples in all four RDF formats",
            f"CONSTRUCT: triple counts differ between formats: {counts}",
        )

    # ASK
    ask = "ASK { ?s a <http://wikiba.se/ontology#Item> }"
    reply = curl(tmp, sparql_url(server, ask), "-H", "Accept: application/sparql-results+json")
    expect_reply(
        checks, "GET ASK", reply, 200, "application/sparql-results+json",
        lambda r: (None if json.loads(r.body).get("boolean") is True else "boolean is not true", "true"),
    )

    # POST, both forms: the same rows as GET
    def same_count(reply):
        n = count_rows("application/sparql-results+json", reply.body)
        return (None if n == cli_rows else f"{n} rows, CLI {cli_rows}"), f"{n} rows"

    reply = curl(
        tmp, server.endpoint, "-H", "Accept: application/sparql-results+json",
        "--data-urlencode", f"query={select_text}",
    )
    expect_reply(checks, "POST application/x-www-form-urlencoded", reply, 200, "application/sparql-results+json",
                 same_count)
    reply = curl(
        tmp, server.endpoint, "-H", "Accept: application/sparql-results+json",
        "-H", "Content-Type: application/sparql-query", "--data-binary", select_text,
    )
    expect_reply(checks, "POST application/sparql-query", reply, 200, "application/sparql-results+json", same_count)

    # updates are refused
    update = "INSERT DATA { <urn:powkg:e2e> <urn:powkg:e2e> <urn:powkg:e2e> }"
    reply = curl(tmp, server.endpoint, "-H", "Content-Type: application/sparql-update", "--data-binary", update)
    expect_reply(checks, "POST application/sparql-update refused", reply, 403)
    reply = curl(tmp, f"{server.endpoint}?{urllib.parse.urlencode({'update': update})}")
    expect_reply(checks, "GET ?update= refused", reply, 403)
    reply = curl(tmp, sparql_url(server, "ASK { <urn:powkg:e2e> ?p ?o }"), "-H", "Accept: application/json")
    expect_reply(
        checks, "store unchanged after the refused updates", reply, 200, "application/sparql-results+json",
        lambda r: (None if json.loads(r.body).get("boolean") is False else "the update was applied", "false"),
    )

    # a syntax error: 400 with its position
    reply = curl(tmp, sparql_url(server, "SELECT * WHERE { ?s ?p }"))
    expect_reply(
        checks, "malformed query", reply, 400, None,
        lambda r: (None if "query:1:" in r.text() else "no `query:1:` position in the body", r.text().strip()),
    )

    # nothing acceptable
    reply = curl(tmp, sparql_url(server, select_text), "-H", "Accept: image/png")
    expect_reply(checks, "GET SELECT Accept image/png", reply, 406)

    # unknown path
    reply = curl(tmp, f"{server.root}/no/such/path")
    expect_reply(checks, "unknown path", reply, 404)

    # the service description
    reply = curl(tmp, server.endpoint, "-H", "Accept: text/turtle")

    def describes_endpoint(reply):
        graph = parse_graph(reply.body, "turtle", server.endpoint)
        endpoint = rdflib.URIRef(server.endpoint)
        found = (endpoint, rdflib.URIRef(SD_ENDPOINT), endpoint) in graph
        return (None if found else f"no sd:endpoint <{server.endpoint}>"), f"sd:endpoint <{server.endpoint}>"

    expect_reply(checks, "GET /sparql without a query (service description)", reply, 200, "text/turtle",
                 describes_endpoint)

    # linked data: the thing's IRI answers 303 to a document chosen by Accept
    thing_path = f"/powkg/entity/{ENTITY}"
    for accept, ext in [("text/html", "html"), ("text/turtle", "ttl")]:
        reply = curl(tmp, f"{server.root}{thing_path}", "-H", f"Accept: {accept}")
        location = reply.headers.get("location", "")
        wanted = f"{thing_path}.{ext}"
        expect_reply(
            checks, f"GET {thing_path} Accept {accept}", reply, 303, None,
            lambda r, location=location, wanted=wanted: (
                None if urllib.parse.urljoin(server.root + thing_path, location) == server.root + wanted
                else f"Location {location!r}, expected {wanted}",
                f"Location {location}",
            ),
        )

    reply = curl(tmp, f"{server.root}{thing_path}.html")
    expect_reply(checks, f"GET {thing_path}.html", reply, 200, "text/html")

    # the Turtle document holds the entity's labels, as the CLI finds them
    entity_iri = f"https://example.org/powkg/entity/{ENTITY}"
    labels = json_rows(json.loads(run_cli(
        powkg, "query", f"SELECT ?label WHERE {{ <{entity_iri}> <{RDFS_LABEL}> ?label }}", "--format", "json",
    )))
    wanted_labels = {dict(row)["label"] for row in labels}

    def has_labels(reply):
        graph = parse_graph(reply.body, "turtle", f"{server.root}{thing_path}.ttl")
        found = {rdflib_term(o) for o in graph.objects(rdflib.URIRef(entity_iri), rdflib.URIRef(RDFS_LABEL))}
        if not wanted_labels:
            return "the CLI finds no rdfs:label of the entity", ""
        if wanted_labels - found:
            return f"rdfs:label {sorted(wanted_labels - found)} missing (found {sorted(found)})", ""
        shown = ", ".join(f"{v}@{lang}" for _, v, _, lang in sorted(wanted_labels))
        return None, f"{len(graph)} triples, rdfs:label {shown}"

    reply = curl(tmp, f"{server.root}{thing_path}.ttl")
    expect_reply(checks, f"GET {thing_path}.ttl", reply, 200, "text/turtle", has_labels)

    reply = curl(tmp, f"{server.root}/powkg/entity/no-such-entity-e2e", "-H", "Accept: text/turtle")
    expect_reply(checks, "unknown entity", reply, 404)

    # a runaway query is cancelled (503) and the server still answers afterwards
    started = time.monotonic()
    reply = curl(tmp, sparql_url(server, RUNAWAY), "-H", "Accept: application/sparql-results+json")
    took = time.monotonic() - started
    expect_reply(checks, f"runaway query (--query-timeout {QUERY_TIMEOUT})", reply, 503, None,
                 lambda r: (None, f"after {took:.1f} s"))
    reply = curl(tmp, sparql_url(server, SIMPLE), "-H", "Accept: application/sparql-results+json")
    expect_reply(
        checks, "a simple query after the runaway one", reply, 200, "application/sparql-results+json",
        lambda r: (None, f"{json.loads(r.body)['results']['bindings'][0]['n']['value']} triples"),
    )

    # VoID: Turtle naming this server's endpoint; a browser goes to the dataset page
    def names_endpoint(reply):
        graph = parse_graph(reply.body, "turtle", f"{server.root}/void")
        found = set(graph.subjects(rdflib.URIRef(VOID_SPARQL_ENDPOINT), rdflib.URIRef(server.endpoint)))
        return (None if found else f"no void:sparqlEndpoint <{server.endpoint}>"), (
            f"{len(graph)} triples, void:sparqlEndpoint <{server.endpoint}>"
        )

    for path in ["/void", "/.well-known/void"]:
        reply = curl(tmp, f"{server.root}{path}", "-H", "Accept: text/turtle")
        expect_reply(checks, f"GET {path} Accept text/turtle", reply, 200, "text/turtle", names_endpoint)
    reply = curl(tmp, f"{server.root}/void", "-H", "Accept: text/html,application/xhtml+xml,*/*;q=0.8")
    location = reply.headers.get("location", "")
    expect_reply(
        checks, "GET /void from a browser", reply, 303, None,
        lambda r: (None if location == "/powkg/dataset.html" else f"Location {location!r}", f"Location {location}"),
    )

    # the N-Quads dump: the same quads as `powkg export --format nquads`
    if RDFLIB_ERROR:
        checks.fail(f"dump: {RDFLIB_ERROR}")
    else:
        exported = rdflib.Dataset()
        exported.parse(data=run_cli(powkg, "export", "--format", "nquads"), format="nquads")
        exported_quads = sum(1 for _ in exported.quads((None, None, None, None)))

        def same_quads(reply):
            dumped = rdflib.Dataset()
            dumped.parse(data=reply.body, format="nquads")
            n = sum(1 for _ in dumped.quads((None, None, None, None)))
            return (None if n == exported_quads else f"{n} quads, `powkg export` {exported_quads}"), f"{n} quads"

        reply = curl(tmp, f"{server.root}/dump", "-H", "Accept: application/n-quads")
        expect_reply(checks, "GET /dump Accept application/n-quads", reply, 200, "application/n-quads", same_quads)
        reply = curl(tmp, f"{server.root}/dump")
        expect_reply(checks, "GET /dump (no Accept: Turtle)", reply, 200, "text/turtle")

    # CORS preflight
    reply = curl(
        tmp, server.endpoint, "-X", "OPTIONS", "-H", "Origin: https://client.example",
        "-H", "Access-Control-Request-Method: POST", "-H", "Access-Control-Request-Headers: content-type",
    )
    allow_origin = reply.headers.get("access-control-allow-origin")
    expect_reply(
        checks, "OPTIONS preflight", reply, 204, None,
        lambda r: (
            None if allow_origin else "no Access-Control-Allow-Origin",
            f"Access-Control-Allow-Origin {allow_origin}",
        ),
    )

    # HEAD: the GET's status and type, no body (curl --head never reads a body, so the bytes after the headers are
    # read from a socket of our own, the connection closed by the server)
    get = curl(tmp, f"{server.root}/")
    reply = curl(tmp, f"{server.root}/", "--head")
    expect_reply(
        checks, "HEAD /", reply, 200, get.media_type or "text/html",
        lambda r: head_body(server, "/"),
    )
    length = reply.headers.get("content-length")
    checks.expect(
        length is None or length == str(len(get.body)),
        f"HEAD / Content-Length {length} (GET sends {len(get.body)} bytes)",
        f"HEAD / Content-Length: {length} while GET / sends {len(get.body)} bytes (RFC 9110 §8.6 wants the GET's "
        f"or none)",
    )

    # PUT
    reply = curl(tmp, f"{server.root}/", "-X", "PUT", "--data-binary", "x")
    expect_reply(checks, "PUT /", reply, 405, None,
                 lambda r: (None, f"Allow: {r.headers.get('allow')}"))

    # a body over the limit (1 MiB by default)
    big = os.path.join(tmp, "big.rq")
    with open(big, "w", encoding="utf-8") as f:
        f.write("SELECT * WHERE { ?s ?p ?o } LIMIT 1\n#" + "x" * (1_100 * 1024) + "\n")
    reply = curl(
        tmp, server.endpoint, "-H", "Content-Type: application/sparql-query", "--data-binary", f"@{big}",
    )
    expect_reply(checks, f"POST a {os.path.getsize(big)}-byte body", reply, 413)

