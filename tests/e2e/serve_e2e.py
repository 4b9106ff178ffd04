#!/usr/bin/env python3
"""End-to-end test of `powkg serve` over a real loopback socket, with clients that share no code with powkg.

Usage: python tests/e2e/serve_e2e.py PATH/TO/powkg

Needs rdflib and SPARQLWrapper (pip install rdflib SPARQLWrapper==2.0.0), curl and wrk on PATH. Starts
`powkg serve --bind 127.0.0.1:PORT --query-timeout 2` on a free port, waits for it (at most 60 s), then:

  (a) every bundled query (`powkg queries --format json`, text read from queries/NAME.rq) is sent through
      SPARQLWrapper (GET, form POST and application/sparql-query POST in turn) and compared with
      `powkg query NAME` on the command line: SELECT as multisets of rows of (variable, kind, value, datatype,
      language), and as sequences when the query has ORDER BY; ASK as booleans; CONSTRUCT/DESCRIBE as graphs, by
      rdflib's isomorphism with the CLI's N-Triples. rdflib's SPARQLStore is a second client for a SELECT and the
      CONSTRUCT;
  (b) curl, one check per media type and status: SELECT in the four result formats, CONSTRUCT in four RDF formats
      (each parsed by rdflib, same triple count), ASK, both POST forms, updates refused (403), a syntax error
      (400 with its position), 406, 404, the 303s of an entity IRI and its documents, a runaway query (503, and the
      server still answers), the VoID description, the N-Quads dump (same quads as `powkg export`), CORS
      preflight, HEAD, PUT (405) and a body over the limit (413);
  (c) a bounded load test with wrk: 32 connections for 5 s on one bundled query, then 5 s alternating a second
      query with an entity page; no socket errors and no 4xx/5xx, with requests/s, p50 and p99 printed;
  (c2) 130 keep-alive connections from 127.0.0.1, each sending a small GET every 5 s (more than --max-connections,
      128): fresh requests from 127.0.0.2 and from 127.0.0.1 are each answered within 3 s;
  (d) SIGTERM stops the server with exit code 0 within a few seconds;
  (e) abuse, on a second server with small limits (--max-connections 8, --header-timeout 2, --request-timeout 1,
      --send-timeout 2, --max-query-memory 64M) over an on-disk store of the bundled graph and a 20,000-row synthetic register: the pages
      of the register's source and of its busiest camp (the first links, and a count of all), a CONNECT request (405, and the server goes on), a panicking handler (500, logged with
      its method and path, and the server goes on; the server's test hook POWKG_TEST_PANIC_PATH), a `javascript:`
      IRI in query results (shown, never linked), the Content-Security-Policy of pages, errors and RDF, a query past
      the request's deadline (503), a request body that never arrives (408), an idle kept-alive connection (closed
      after the header timeout), a client that stops reading the dump (disconnected after the send timeout), and
      12 clients sending a request head one byte per second: a normal client is still answered within the
      header timeout and every slow client is dropped; a client whose 4 connections (--max-connections-per-client 4)
      are all busy gets 503 while another address is answered; the 5th answer on a connection
      (--max-requests-per-connection 5) says `Connection: close` and the connection ends; a connection in use is
      closed at --max-connection-seconds 3; and queries that must not harm it: SERVICE to a loopback
      listener (400, and the listener sees no connection), brackets nested 900 and 10,000 deep and a 20,000-term
      chain (400), 100,000 and 20,000 ORDER BY keys (400: they overflowed the stack and outlived the deadline),
      ORDER BY ?o ?s over the curated graph (200: it panicked
      Oxigraph's sort) and a doubling CONCAT chain
      (503 at the memory limit); after each, the server still answers.

Prints one line per check ("ok", "FAIL", "skip") and ends with "N passed, M failed" (", K skipped" when a known
limitation was met: it is reported as such and turns into "ok" once it is gone); exits 1 if any check failed.
Takes about 60 s.
"""

import collections
import csv
import io
import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import harness
from harness import Checks, PowkgServer, build, excerpt

try:
    import rdflib
    import rdflib.compare
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    # Compare lexical forms as served: rdflib would otherwise rewrite typed literals ("1.50"^^xsd:decimal) on parsing.
    rdflib.NORMALIZE_LITERALS = False
    RDFLIB_ERROR = None
except ImportError as e:
    rdflib = None
    RDFLIB_ERROR = f"rdflib is not importable by {sys.executable} ({e}); install it: pip install rdflib"

try:
    import SPARQLWrapper as sparqlwrapper
    from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, SPARQLWrapper

    SPARQLWRAPPER_ERROR = None
except ImportError as e:
    sparqlwrapper = None
    SPARQLWRAPPER_ERROR = (
        f"SPARQLWrapper is not importable by {sys.executable} ({e}); install it: pip install SPARQLWrapper==2.0.0"
    )

ROOT = harness.ROOT
QUERIES_DIR = os.path.join(ROOT, "queries")

CURL = shutil.which("curl")
WRK = shutil.which("wrk")

QUERY_TIMEOUT = 2  # --query-timeout of the server under test, seconds
START_TIMEOUT = 60  # seconds to wait for the server to answer
STOP_TIMEOUT = 10  # seconds for SIGTERM to end it
CLI_TIMEOUT = 120
HTTP_TIMEOUT = 60

ENTITY = "karlag"  # an entity of the bundled data, for the linked-data checks and the mixed load
LOAD_QUERY = "camps"  # cheap but real: the single-query load test
MIXED_QUERY = "divisions"  # alternated with ENTITY's page in the mixed load test
SELECT_QUERY = "camps"  # the query of the curl and SPARQLStore SELECT checks
GRAPH_QUERY = "describe-entity"  # the bundled CONSTRUCT

RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
VOID_SPARQL_ENDPOINT = "http://rdfs.org/ns/void#sparqlEndpoint"
SD_ENDPOINT = "http://www.w3.org/ns/sparql-service-description#endpoint"

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SIMPLE = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


# ---------------------------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------------------------


def run_cli(powkg, *args, ok_codes=(0,)):
    """Runs powkg with ARGS; returns its standard output (bytes), or raises RuntimeError with its words."""
    cmd = [powkg, *args]
    try:
        run = subprocess.run(cmd, capture_output=True, timeout=CLI_TIMEOUT, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise RuntimeError(f"{' '.join(cmd)}: {e}") from e
    if run.returncode not in ok_codes:
        stderr = run.stderr.decode("utf-8", "replace")
        raise RuntimeError(f"{' '.join(cmd)} exited {run.returncode}: {excerpt(stderr)}")
    return run.stdout


def bundled_queries(powkg):
    """[(name, SPARQL text)] of the bundled queries, listed by `powkg queries` and read from queries/NAME.rq."""
    listed = json.loads(run_cli(powkg, "queries", "--format", "json"))
    queries = []
    for entry in listed:
        with open(os.path.join(QUERIES_DIR, f"{entry['name']}.rq"), encoding="utf-8") as f:
            queries.append((entry["name"], f.read()))
    return queries


def query_form(text):
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first keyword after the prologue (comments and prefixes)."""
    body = re.sub(r"(?m)^\s*#.*$", "", text)
    body = re.sub(r"(?is)^\s*((PREFIX\s+[^:\s]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", "", body)
    found = re.match(r"(?i)\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body)
    return found.group(1).upper() if found else None


def has_order_by(text):
    body = re.sub(r"(?m)^\s*#.*$", "", text)
    return re.search(r"(?i)\bORDER\s+BY\b", body) is not None


# ---------------------------------------------------------------------------------------------------------------
# Results as comparable values
# ---------------------------------------------------------------------------------------------------------------


def json_term(binding):
    """A SPARQL JSON results term as a tuple: (kind, value, datatype, language)."""
    kind = binding.get("type")
    if kind == "uri":
        return ("uri", binding["value"], None, None)
    if kind == "bnode":
        return ("bnode", None, None, None)  # labels are local to one answer
    if kind in ("literal", "typed-literal"):
        lang = binding.get("xml:lang")
        if lang:
            return ("literal", binding["value"], None, lang.lower())
        datatype = binding.get("datatype")
        return ("literal", binding["value"], None if datatype == XSD_STRING else datatype, None)
    return (kind, json.dumps(binding, sort_keys=True), None, None)


def rdflib_term(term):
    """An rdflib term as json_term() would read it."""
    if isinstance(term, rdflib.URIRef):
        return ("uri", str(term), None, None)
    if isinstance(term, rdflib.BNode):
        return ("bnode", None, None, None)
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ("literal", str(term), None, term.language.lower())
        datatype = str(term.datatype) if term.datatype is not None else None
        return ("literal", str(term), None if datatype in (XSD_STRING, RDF_LANGSTRING) else datatype, None)
    return (type(term).__name__, str(term), None, None)


def json_rows(results):
    """The rows of a SPARQL JSON results document, each a sorted tuple of (variable, term) for its bound variables."""
    return [
        tuple(sorted((var, json_term(value)) for var, value in binding.items()))
        for binding in results["results"]["bindings"]
    ]


def rdflib_rows(result):
    """The rows of an rdflib SELECT result, as json_rows() gives them."""
    return [
        tuple(sorted((str(var), rdflib_term(value)) for var, value in row.asdict().items() if value is not None))
        for row in result
    ]


def compare_rows(expected, got, ordered):
    """None when GOT has the rows of EXPECTED (in the same order when ORDERED), else what differs."""
    want, have = collections.Counter(expected), collections.Counter(got)
    if want != have:
        missing = list((want - have).elements())
        extra = list((have - want).elements())
        return (
            f"{len(got)} rows, CLI {len(expected)}; {len(missing)} CLI rows missing (first: "
            f"{excerpt(str(missing[:1]), 300)}), {len(extra)} rows not in the CLI's "
            f"(first: {excerpt(str(extra[:1]), 300)})"
        )
    if ordered and expected != got:
        first = next(i for i, (a, b) in enumerate(zip(expected, got)) if a != b)
        return f"same rows in another order: first difference at row {first + 1}"
    return None


def graph_difference(expected, got):
    """None when the two rdflib graphs are isomorphic, else a short account of the difference."""
    if rdflib.compare.isomorphic(expected, got):
        return None
    _, only_expected, only_got = rdflib.compare.graph_diff(
        rdflib.compare.to_isomorphic(expected), rdflib.compare.to_isomorphic(got)
    )
    sample = [" ".join(n.n3() for n in t) for t in list(only_expected)[:1] + list(only_got)[:1]]
    return (
        f"not isomorphic: {len(got)} triples, CLI {len(expected)}; {len(only_expected)} only in the CLI's, "
        f"{len(only_got)} only in the endpoint's: {sample}"
    )


def parse_graph(data, rdf_format, base=None):
    graph = rdflib.Graph()
    graph.parse(data=data, format=rdf_format, publicID=base)
    return graph


# ---------------------------------------------------------------------------------------------------------------
# curl
# ---------------------------------------------------------------------------------------------------------------


class Reply:
    def __init__(self, status, content_type, body, headers, error=None):
        self.status = status
        self.content_type = content_type
        self.body = body
        self.headers = headers  # lower-case name -> value (the last one, if repeated)
        self.error = error

    @property
    def media_type(self):
        return self.content_type.split(";")[0].strip().lower()

    def text(self):
        return self.body.decode("utf-8", "replace")

    def __str__(self):
        return f"{self.status} {self.content_type or '(no Content-Type)'}"


def curl(tmp, url, *options):
    """Runs `curl -s -o BODY -D HEADERS -w '%{http_code} %{content_type}' OPTIONS URL`."""
    body_path = os.path.join(tmp, "curl.body")
    header_path = os.path.join(tmp, "curl.headers")
    for path in (body_path, header_path):
        if os.path.exists(path):
            os.remove(path)
    cmd = [
        CURL, "-s", "-g", "--max-time", str(HTTP_TIMEOUT), "-o", body_path, "-D", header_path,
        "-w", "%{http_code} %{content_type}", *options, url,
    ]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=HTTP_TIMEOUT + 10)
    status_text, _, content_type = run.stdout.partition(" ")
    body = b""
    if os.path.exists(body_path):
        with open(body_path, "rb") as f:
            body = f.read()
    headers = {}
    if os.path.exists(header_path):
        with open(header_path, encoding="latin-1") as f:
            for line in f:
                name, sep, value = line.partition(":")
                if sep:
                    headers[name.strip().lower()] = value.strip()
    error = f"curl exited {run.returncode}: {excerpt(run.stderr)}" if run.returncode != 0 else None
    status = int(status_text) if status_text.isdigit() else 0
    return Reply(status, content_type.strip(), body, headers, error)


def expect_reply(checks, name, reply, status, media_type=None, extra=None):
    """One check: REPLY has STATUS (and MEDIA_TYPE); EXTRA(reply) returns (None or a problem, detail for ok)."""
    problems = []
    detail = ""
    if reply.error:
        problems.append(reply.error)
    if reply.status != status:
        problems.append(f"status {reply.status}, expected {status}")
    if media_type is not None and reply.media_type != media_type:
        problems.append(f"Content-Type {reply.content_type!r}, expected {media_type}")
    if not problems and extra is not None:
        try:
            problem, detail = extra(reply)
        except Exception as e:  # a parser's failure is the check's failure
            problem = f"{type(e).__name__}: {excerpt(str(e), 300)}"
        if problem:
            problems.append(problem)
    if problems:
        checks.fail(f"{name}: {'; '.join(problems)} (body: {excerpt(reply.text(), 200)!r})")
    else:
        checks.ok(f"{name}: {reply}{f', {detail}' if detail else ''}")


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


def sparql_url(server, query, **params):
    return f"{server.endpoint}?{urllib.parse.urlencode({'query': query, **params})}"


# ---------------------------------------------------------------------------------------------------------------
# (a) SPARQL clients against the command line
# ---------------------------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------------------------
# (b) curl: one check per media type and status
# ---------------------------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------------------------
# (c) load
# ---------------------------------------------------------------------------------------------------------------


def parse_wrk(output):
    """Figures of wrk's --latency output: requests, seconds, requests/s, p50, p99 and the error lines."""
    figures = {"errors": []}
    found = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)\b", output)
    if found:
        figures["requests"] = int(found.group(1))
        figures["duration"] = found.group(2) + found.group(3)
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if found:
        figures["rps"] = float(found.group(1))
    for pct in ("50", "99"):
        found = re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+\s*(?:us|ms|s|m))\s*$", output, re.MULTILINE)
        if found:
            figures[f"p{pct}"] = found.group(1).replace(" ", "")
    for line in output.splitlines():
        if "Socket errors" in line or "Non-2xx or 3xx responses" in line:
            figures["errors"].append(line.strip())
    return figures


def run_wrk(checks, label, args):
    if not WRK:
        checks.fail(f"{label}: wrk not found on PATH; install it: apt-get install wrk")
        return
    cmd = [WRK, "-t2", "-c32", "-d5s", "--timeout", "10s", "--latency", *args]
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        checks.fail(f"{label}: {e}")
        return
    figures = parse_wrk(run.stdout)
    problems = []
    if run.returncode != 0:
        problems.append(f"wrk exited {run.returncode}: {excerpt(run.stderr or run.stdout, 300)}")
    problems.extend(figures["errors"])
    if not figures.get("requests"):
        problems.append("no request completed")
    for key in ("rps", "p50", "p99"):
        if key not in figures:
            problems.append(f"no {key} in wrk's output")
    if problems:
        checks.fail(f"{label}: {'; '.join(problems)}")
        return
    checks.ok(
        f"{label}: 32 connections, {figures['requests']} requests in {figures['duration']}, 0 errors; "
        f"{figures['rps']:.1f} requests/s, latency p50 {figures['p50']}, p99 {figures['p99']}"
    )


FLOOD_CLIENTS = 130  # keep-alive connections from one address, more than the default --max-connections (128)
FLOOD_PERIOD = 5.0  # seconds between the small GETs each of them sends (below the default --header-timeout, 10 s)
FRESH_REQUESTS = 4  # fresh requests from each of two addresses while the flood runs
FRESH_TIMEOUT = 5.0  # seconds a fresh request waits for its answer
FRESH_LIMIT = 3.0  # seconds within which each must be answered
SMALL_GET = b"GET /assets/style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def fresh_request(port, source, timeout=FRESH_TIMEOUT):
    """One GET on a new connection from SOURCE (a loopback address); returns (status or 0, seconds, error)."""
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0)) as s:
            s.sendall(b"GET /assets/style.css HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            received = b""
            while b"\r\n" not in received:
                chunk = s.recv(4096)
                if not chunk:
                    break
                received += chunk
        return status_of(received), time.monotonic() - started, None
    except OSError as e:
        return 0, time.monotonic() - started, f"{type(e).__name__}: {e}"


def check_keepalive_flood(checks, server):
    """FLOOD_CLIENTS keep-alive connections from 127.0.0.1, each sending a small GET every FLOOD_PERIOD s (and
    reconnecting when the server closes it), for a bounded time: fresh requests from another address (127.0.0.2)
    and from the flooding one are answered within FRESH_LIMIT s. Before the per-client limit and the closing of idle
    connections, the flood held every connection and no fresh request was answered."""
    stats = {"answers": 0, "closed": 0, "refused": 0, "reconnected": 0}
    began = time.monotonic()
    # Each flooding client: its connection (None once the server closed it: it reconnects at its next GET, as an
    # HTTP client does) and when it sends next.
    clients = [[None, began + i * FLOOD_PERIOD / FLOOD_CLIENTS] for i in range(FLOOD_CLIENTS)]

    def connect():
        try:
            s = socket.create_connection(("127.0.0.1", server.port), timeout=1, source_address=("127.0.0.1", 0))
            s.setblocking(False)
            return s
        except OSError:
            return None

    for client in clients:
        client[0] = connect()
    fresh = []

    def fresh_clients():
        time.sleep(1.0)  # the flood is under way
        for i in range(FRESH_REQUESTS * 2):
            source = "127.0.0.2" if i % 2 == 0 else "127.0.0.1"
            status, took, error = fresh_request(server.port, source)
            fresh.append((source, status, took, error))
            time.sleep(1.0)

    def closed(client):
        stats["closed"] += 1
        client[0].close()
        client[0] = None

    thread = threading.Thread(target=fresh_clients)
    thread.start()
    deadline = began + 90  # bounded whatever happens: the fresh clients finish well before
    try:
        while thread.is_alive() and time.monotonic() < deadline:
            now = time.monotonic()
            for client in clients:
                if now < client[1]:
                    continue
                client[1] += FLOOD_PERIOD
                if client[0] is None:
                    client[0] = connect()
                    stats["reconnected"] += 1
                    if client[0] is None:
                        continue
                try:
                    client[0].send(SMALL_GET)
                except OSError:
                    closed(client)
            live = {client[0]: client for client in clients if client[0] is not None}
            readable, _, _ = select.select(list(live), [], [], 0.05) if live else ([], [], [])
            for s in readable:
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if data:
                    stats["answers"] += data.count(b"HTTP/1.1 200")
                    stats["refused"] += data.count(b"HTTP/1.1 503")
                else:
                    closed(live[s])
    finally:
        for client in clients:
            if client[0] is not None:
                client[0].close()
        thread.join(timeout=60)
    label = (
        f"{FLOOD_CLIENTS} keep-alive connections from 127.0.0.1 sending a GET every {FLOOD_PERIOD:.0f} s "
        f"({stats['answers']} answered, {stats['closed']} closed by the server, {stats['refused']} refused 503, "
        f"{stats['reconnected']} reconnections)"
    )
    for source in ("127.0.0.2", "127.0.0.1"):
        mine = [(status, took, error) for src, status, took, error in fresh if src == source]
        answered = [took for status, took, _ in mine if status == 200 and took <= FRESH_LIMIT]
        detail = ", ".join(f"{status or error} in {took:.2f} s" for status, took, error in mine)
        checks.expect(
            len(mine) == FRESH_REQUESTS and len(answered) == FRESH_REQUESTS,
            f"{label}: {len(answered)} of {FRESH_REQUESTS} fresh requests from {source} answered, the slowest in "
            f"{max(answered, default=0):.2f} s",
            f"{label}: fresh requests from {source}: {detail} (wanted {FRESH_REQUESTS} answered 200 within "
            f"{FRESH_LIMIT:.0f} s)",
        )


def check_load(checks, server, tmp, queries):
    texts = dict(queries)
    accept_json = "application/sparql-results+json"
    run_wrk(
        checks, f"load GET /sparql {LOAD_QUERY}",
        ["-H", f"Accept: {accept_json}", sparql_url(server, texts[LOAD_QUERY])],
    )

    # mixed: a second query and an entity page in turn, each with its own Accept (a small wrk Lua script)
    query_path = "/sparql?" + urllib.parse.urlencode({"query": texts[MIXED_QUERY]})
    page_path = f"/powkg/entity/{ENTITY}.html"
    script = os.path.join(tmp, "mixed.lua")
    with open(script, "w", encoding="utf-8") as f:
        f.write(
            "-- alternates a SPARQL query and an entity page\n"
            f'local paths = {{ "{query_path}", "{page_path}" }}\n'
            f'local accepts = {{ "{accept_json}", "text/html" }}\n'
            "local n = 0\n"
            "request = function()\n"
            "  n = n + 1\n"
            "  local k = n % 2 + 1\n"
            '  return wrk.format("GET", paths[k], { ["Accept"] = accepts[k] })\n'
            "end\n"
        )
    run_wrk(checks, f"load mixed /sparql {MIXED_QUERY} + {page_path}", ["-s", script, f"{server.root}/"])

    reply = curl(tmp, sparql_url(server, SIMPLE), "-H", f"Accept: {accept_json}")
    expect_reply(checks, "a query after the load", reply, 200, accept_json)

# ---------------------------------------------------------------------------------------------------------------
# (e) abuse: a second server with small limits, and clients that try to hold, crash or misuse it
# ---------------------------------------------------------------------------------------------------------------

ABUSE_MAX_CONNECTIONS = 8  # --max-connections of the abuse server
HEADER_TIMEOUT = 2  # its --header-timeout, seconds
REQUEST_TIMEOUT = 1  # its --request-timeout, below its --query-timeout, so that the request's deadline comes first
ABUSE_QUERY_TIMEOUT = 5
SEND_TIMEOUT = 2  # its --send-timeout
SLOW_CLIENTS = ABUSE_MAX_CONNECTIONS + 4  # slow-header clients: more than the connection limit
PANIC_PATH = "/e2e-panic"  # POWKG_TEST_PANIC_PATH: the handler panics on this path (a test hook of the server)
JAVASCRIPT_QUERY = 'SELECT ?x WHERE { BIND(IRI("javascript:alert(1)") AS ?x) }'

PER_CLIENT = 4  # its --max-connections-per-client
REQUESTS_PER_CONNECTION = 5  # its --max-requests-per-connection
CONNECTION_SECONDS = 3  # its --max-connection-seconds

ABUSE_OPTIONS = (
    "--max-connections", str(ABUSE_MAX_CONNECTIONS), "--header-timeout", str(HEADER_TIMEOUT),
    "--request-timeout", str(REQUEST_TIMEOUT), "--query-timeout", str(ABUSE_QUERY_TIMEOUT),
    "--send-timeout", str(SEND_TIMEOUT), "--max-query-memory", "64M",
    "--max-connections-per-client", str(PER_CLIENT), "--max-requests-per-connection", str(REQUESTS_PER_CONNECTION),
    "--max-connection-seconds", str(CONNECTION_SECONDS),
)
ABUSE_MEMORY = "64 MiB"  # its --max-query-memory, as the server words it


def bomb_query(steps=40):
    """A query whose string doubles at each step: 16 bytes * 2^40 if nothing stops it."""
    binds = " ".join(f"BIND(CONCAT(?v{i - 1}, ?v{i - 1}) AS ?v{i})" for i in range(1, steps + 1))
    return f'SELECT (STRLEN(?v{steps}) AS ?n) WHERE {{ BIND("0123456789abcdef" AS ?v0) {binds} }}'


class Listener:
    """A loopback TCP listener that counts the connections it is offered: a SERVICE target that must see none."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]

    def connections(self, wait=0.5):
        seen = 0
        until = time.monotonic() + wait
        while time.monotonic() < until:
            try:
                conn, _ = self.socket.accept()
                conn.close()
                seen += 1
            except socket.timeout:
                pass
        return seen

    def close(self):
        self.socket.close()


def check_query_abuse(checks, server, tmp):
    """Queries that made the server a proxy, overflowed its stack, panicked its sort or exhausted its memory: each
    gets its answer, and the server goes on."""
    accept = ("-H", "Accept: application/sparql-results+json")

    def still_answers(after):
        reply = curl(tmp, sparql_url(server, SIMPLE), *accept)
        expect_reply(checks, f"a query after {after}", reply, 200, "application/sparql-results+json")

    # SERVICE to a loopback listener: refused with the endpoint named, and the listener sees no connection
    listener = Listener()
    try:
        target = f"http://127.0.0.1:{listener.port}/x"
        for how, query in [
            ("SERVICE", f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"),
            ("SERVICE SILENT", f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}"),
            ("SERVICE ?variable", f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}"),
        ]:
            reply = curl(tmp, sparql_url(server, query), *accept)
            expect_reply(
                checks, f"{how} to a loopback listener", reply, 400, None,
                lambda r: (None if "is not allowed" in r.text() else excerpt(r.text()), "refused: not allowed"),
            )
            reply = curl(tmp, f"{server.root}/query?{urllib.parse.urlencode({'query': query})}")
            checks.expect(reply.status in (200, 400) and "is not allowed" in reply.text(),
                          f"{how} from the query page: refused", f"{how} from the query page: {reply}")
        seen = listener.connections()
        checks.expect(seen == 0, "the SERVICE listener saw no connection",
                      f"the SERVICE listener was contacted {seen} times")
    finally:
        listener.close()

    # brackets nested 900 deep (a 5 KB GET) overflowed the stack; nested groups and subqueries too
    for what, query in [
        ("parentheses nested 900 deep", "SELECT * WHERE { FILTER(" + "(" * 900 + "1" + ")" * 900 + ") }"),
        ("groups nested 10,000 deep", "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000),
        ("a chain of 20,000 additions", "SELECT * WHERE { BIND(" + " + ".join(["1"] * 20_000) + " AS ?x) }"),
    ]:
        reply = curl(tmp, f"{server.root}/sparql", "--data-urlencode", f"query={query}", *accept)
        expect_reply(
            checks, what, reply, 400, None,
            lambda r: (None if "deeper than" in r.text() else excerpt(r.text()), "refused with the bound"),
        )
    still_answers("deep nesting")

    # 100,000 ORDER BY keys (a 300 KB POST) overflowed the query thread's stack: SIGABRT, the server gone; 20,000
    # were answered 503 but kept a core busy for 90 s more
    for keys in (100_000, 20_000):
        body_path = os.path.join(tmp, "order-keys.rq")
        with open(body_path, "w") as f:
            f.write("SELECT * WHERE { ?s ?p ?o } ORDER BY" + " ?o" * keys)
        reply = curl(tmp, f"{server.root}/sparql", "-H", "Content-Type: application/sparql-query",
                     "--data-binary", f"@{body_path}", *accept)
        expect_reply(
            checks, f"{keys:,} ORDER BY keys", reply, 400, None,
            lambda r: (None if "more than 32 ORDER BY keys" in r.text() else excerpt(r.text()),
                       "refused with the bound"),
        )
    still_answers("100,000 ORDER BY keys")

    # ORDER BY over literals of every kind panicked Oxigraph's sort
    curated = "SELECT * WHERE { GRAPH <https://example.org/powkg/graph/data> { ?s ?p ?o } } ORDER BY ?o ?s"
    reply = curl(tmp, sparql_url(server, curated), *accept)
    expect_reply(checks, "ORDER BY ?o ?s over the curated graph", reply, 200, "application/sparql-results+json")

    # a doubling CONCAT chain reached 2.2 GB in 1.7 s, then aborted the server
    started = time.monotonic()
    reply = curl(tmp, sparql_url(server, bomb_query()), *accept)
    took = time.monotonic() - started
    expect_reply(
        checks, f"a doubling CONCAT chain ({took:.1f} s)", reply, 503, None,
        lambda r: (None if f"more memory than the limit of {ABUSE_MEMORY}" in r.text() else excerpt(r.text()),
                   "stopped at the memory limit"),
    )
    still_answers("the memory bomb")


def raw_exchange(port, data, wait=HTTP_TIMEOUT):
    """Sends DATA on a fresh connection and reads until the server closes it or WAIT seconds pass; returns
    (bytes received, seconds taken, whether the server closed the connection)."""
    started = time.monotonic()
    received = b""
    closed = False
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(data)
        s.settimeout(0.2)
        while time.monotonic() - started < wait:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            received += chunk
    return received, time.monotonic() - started, closed


def status_of(received):
    """The status code of the first response in RECEIVED, or 0."""
    found = re.match(rb"HTTP/1\.[01] (\d{3})", received)
    return int(found.group(1)) if found else 0


def check_slow_headers(checks, server):
    """More slow-header clients than the connection limit, one byte per second each: a normal client is still
    answered within the header timeout (plus a margin), and every slow client is dropped."""
    head = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200
    slow = []
    try:
        for _ in range(SLOW_CLIENTS):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            s.setblocking(False)
            slow.append(s)
        started = time.monotonic()
        normal = {}

        def normal_client():
            time.sleep(0.3)
            t0 = time.monotonic()
            try:
                with urllib.request.urlopen(f"{server.root}/sparql?query=ASK%7B%7D", timeout=30) as response:
                    response.read()
                    normal["status"] = response.status
            except Exception as e:  # the check reports it
                normal["error"] = f"{type(e).__name__}: {e}"
            normal["took"] = time.monotonic() - t0

        thread = threading.Thread(target=normal_client)
        thread.start()
        dropped = {}
        answered = []
        deadline = started + 4 * HEADER_TIMEOUT + 4  # bounded: the slow clients stop trying then
        sent = 0
        next_byte = started
        while time.monotonic() < deadline and len(dropped) < len(slow):
            now = time.monotonic()
            if now >= next_byte:
                for i, s in enumerate(slow):
                    if i not in dropped:
                        try:
                            s.send(head[sent:sent + 1])
                        except OSError:
                            dropped[i] = time.monotonic() - started
                sent += 1
                next_byte += 1.0
            alive = [s for i, s in enumerate(slow) if i not in dropped]
            readable, _, _ = select.select(alive, [], [], max(0.0, min(0.2, next_byte - time.monotonic())))
            for s in readable:
                i = slow.index(s)
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                if data:
                    answered.append(data[:40])
                dropped[i] = time.monotonic() - started
        thread.join(timeout=40)
    finally:
        for s in slow:
            s.close()
    label = (
        f"{SLOW_CLIENTS} slow-header clients (1 byte/s) against --max-connections {ABUSE_MAX_CONNECTIONS} "
        f"--header-timeout {HEADER_TIMEOUT}"
    )
    took = normal.get("took", 0.0)
    checks.expect(
        normal.get("status") == 200 and took <= HEADER_TIMEOUT + 2.5,
        f"{label}: a normal client is answered in {took:.1f} s",
        f"{label}: the normal client got {normal} (wanted 200 within {HEADER_TIMEOUT + 2.5} s)",
    )
    latest = max(dropped.values()) if dropped else 0.0
    checks.expect(
        len(dropped) == len(slow) and not answered and latest <= 2 * HEADER_TIMEOUT + 2.5,
        f"{label}: all dropped by the server, the last after {latest:.1f} s",
        f"{label}: {len(dropped)} of {len(slow)} dropped (last after {latest:.1f} s), answers {answered}",
    )


def read_response(s, wait=10):
    """Reads one response with a Content-Length from socket S; returns (status, headers as a lower-case dict, whether
    the server closed the connection before it was whole)."""
    s.settimeout(wait)
    received = b""
    try:
        while b"\r\n\r\n" not in received:
            chunk = s.recv(65536)
            if not chunk:
                return status_of(received), {}, True
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        headers = {}
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower().decode()] = value.strip().decode()
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                return status_of(head), headers, True
            body += chunk
        return status_of(head), headers, False
    except OSError:
        return status_of(received), {}, True


def closed_by_server(s, wait):
    """Whether the server closes S (EOF or reset) within WAIT seconds, and after how long."""
    started = time.monotonic()
    s.settimeout(0.2)
    while time.monotonic() - started < wait:
        try:
            if not s.recv(4096):
                return True, time.monotonic() - started
        except socket.timeout:
            continue
        except OSError:
            return True, time.monotonic() - started
    return False, wait


def check_connection_limits(checks, server):
    """--max-connections-per-client: a client whose connections are all busy is refused with 503 (another address is
    not); --max-requests-per-connection: the last answer says `Connection: close` and the connection ends;
    --max-connection-seconds: a connection in use is closed at its age."""
    # PER_CLIENT connections from 127.0.0.3, each busy sending a dump its client does not read
    busy = []
    try:
        for _ in range(PER_CLIENT):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.bind(("127.0.0.3", 0))
            s.connect(("127.0.0.1", server.port))
            s.sendall(b"GET /dump HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/n-triples\r\n\r\n")
            busy.append(s)
        time.sleep(0.5)
        status, took, error = fresh_request(server.port, "127.0.0.3")
        checks.expect(
            status == 503 and took < 2,
            f"a client past --max-connections-per-client {PER_CLIENT}, all of them busy: 503 in {took:.2f} s",
            f"a client past --max-connections-per-client {PER_CLIENT}: {status or error} after {took:.2f} s "
            f"(wanted 503)",
        )
        status, took, error = fresh_request(server.port, "127.0.0.4")
        checks.expect(
            status == 200 and took < 2,
            f"meanwhile another address is answered ({took:.2f} s)",
            f"another address while 127.0.0.3 is at its limit: {status or error} after {took:.2f} s",
        )
    finally:
        for s in busy:
            s.close()
    answered = None
    for _ in range(20):  # the server sees the dumps' clients gone at its next write
        status, took, _ = fresh_request(server.port, "127.0.0.3")
        if status == 200:
            answered = took
            break
        time.sleep(0.25)
    checks.expect(answered is not None, "the client is answered again once its connections are closed",
                  "the client at its limit is still refused after closing its connections")

    # PER_CLIENT connections from 127.0.0.5 holding part of a request's head: a newcomer from that address has one of
    # them closed for it, and is answered well before the header timeout would have closed them
    partial = []
    try:
        for _ in range(PER_CLIENT):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=5, source_address=("127.0.0.5", 0))
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
            partial.append(s)
        time.sleep(0.2)
        status, took, error = fresh_request(server.port, "127.0.0.5")
    finally:
        for s in partial:
            s.close()
    checks.expect(
        status == 200 and took < HEADER_TIMEOUT / 2,
        f"a client whose {PER_CLIENT} connections hold part of a head: a newcomer from it is answered in {took:.2f} s",
        f"a client whose {PER_CLIENT} connections hold part of a head: a newcomer got {status or error} after "
        f"{took:.2f} s (wanted 200 within {HEADER_TIMEOUT / 2} s)",
    )

    # the request cap: REQUESTS_PER_CONNECTION answers on one connection, the last saying Connection: close
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        answers = []
        for _ in range(REQUESTS_PER_CONNECTION):
            s.sendall(SMALL_GET)
            answers.append(read_response(s))
        closed, took = closed_by_server(s, HEADER_TIMEOUT + 3)
    last = answers[-1][1].get("connection", "")
    checks.expect(
        all(a[0] == 200 and not a[2] for a in answers) and last.lower() == "close"
        and all("close" not in a[1].get("connection", "") for a in answers[:-1]) and closed and took < 1,
        f"--max-requests-per-connection {REQUESTS_PER_CONNECTION}: {len(answers)} answers, the last with "
        f"`Connection: close`, then closed ({took:.2f} s after)",
        f"--max-requests-per-connection {REQUESTS_PER_CONNECTION}: answers {[(a[0], a[1].get('connection')) for a in answers]}"
        f", closed {closed} after {took:.2f} s",
    )

    # the age limit: a connection sending a request every 0.8 s (under the header timeout, fewer than the cap) is
    # closed at its age, before the header timeout could close it
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        started = time.monotonic()
        statuses = []
        closed = False
        while not closed and len(statuses) < REQUESTS_PER_CONNECTION - 1:
            s.sendall(SMALL_GET)
            statuses.append(read_response(s)[0])
            closed, _ = closed_by_server(s, 0.8)
        if not closed:
            closed, _ = closed_by_server(s, HEADER_TIMEOUT + 1)
        age = time.monotonic() - started
    checks.expect(
        all(status == 200 for status in statuses) and closed and CONNECTION_SECONDS - 0.5 <= age < CONNECTION_SECONDS + 0.9,
        f"--max-connection-seconds {CONNECTION_SECONDS}: a connection in use ({len(statuses)} requests) is closed after "
        f"{age:.1f} s",
        f"--max-connection-seconds {CONNECTION_SECONDS}: answers {statuses}, closed {closed} after {age:.1f} s",
    )


def check_abuse(checks, server, tmp):
    # a CONNECT request is answered 405, and the server goes on
    received, _, _ = raw_exchange(
        server.port, b"CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1:9\r\nConnection: close\r\n\r\n", wait=10,
    )
    checks.expect(
        status_of(received) == 405,
        "CONNECT 127.0.0.1:9: 405",
        f"CONNECT: {received[:200]!r}",
    )
    reply = curl(tmp, f"{server.root}/")
    expect_reply(checks, "GET / after CONNECT", reply, 200, "text/html")

    # a panic in a handler: 500, logged with the method and path, and the server goes on
    reply = curl(tmp, f"{server.root}{PANIC_PATH}")
    expect_reply(checks, f"GET {PANIC_PATH} (the handler panics)", reply, 500)
    time.sleep(0.2)
    logged = f"GET {PANIC_PATH}" in server.output()
    checks.expect(logged, "the panic is logged with the method and path",
                  f"no `GET {PANIC_PATH}` in the server's output: {excerpt(server.output(), 400)}")
    reply = curl(tmp, sparql_url(server, SIMPLE), "-H", "Accept: application/sparql-results+json")
    expect_reply(checks, "a query after the panic", reply, 200, "application/sparql-results+json")

    # a `javascript:` IRI in results is shown, never linked; every answer has a Content-Security-Policy
    reply = curl(tmp, f"{server.root}/query?{urllib.parse.urlencode({'query': JAVASCRIPT_QUERY})}")
    expect_reply(
        checks, "query page with a javascript: IRI in its results", reply, 200, "text/html",
        lambda r: (
            "a clickable javascript: link" if re.search(r'href\s*=\s*"\s*javascript:', r.text(), re.I)
            else None if "javascript:alert(1)" in r.text() else "the IRI is not shown",
            "shown as text, not linked",
        ),
    )
    for path in ["/", "/query", f"/powkg/entity/{ENTITY}.html", f"/powkg/entity/{ENTITY}.ttl", "/no/such/path",
                 f"/sparql?{urllib.parse.urlencode({'query': SIMPLE})}"]:
        reply = curl(tmp, f"{server.root}{path}")
        csp = reply.headers.get("content-security-policy", "")
        checks.expect(
            "default-src 'none'" in csp and "script-src 'self'" in csp,
            f"GET {path}: {reply.status} with Content-Security-Policy",
            f"GET {path}: {reply.status}, Content-Security-Policy {csp!r}",
        )

    # the request's deadline: a query longer than --request-timeout (below its --query-timeout) gets 503 then
    started = time.monotonic()
    reply = curl(tmp, sparql_url(server, RUNAWAY), "-H", "Accept: application/sparql-results+json")
    took = time.monotonic() - started
    expect_reply(
        checks, f"runaway query past --request-timeout {REQUEST_TIMEOUT}", reply, 503, None,
        lambda r: (None if took < REQUEST_TIMEOUT + 2 else f"after {took:.1f} s", f"after {took:.1f} s"),
    )
    reply = curl(tmp, sparql_url(server, SIMPLE), "-H", "Accept: application/sparql-results+json")
    expect_reply(checks, "a query after the request deadline", reply, 200, "application/sparql-results+json")

    # a body that never arrives whole: 408 at the request's deadline, the connection closed
    received, took, closed = raw_exchange(
        server.port,
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 100\r\n\r\nSELECT",
        wait=REQUEST_TIMEOUT + 8,
    )
    checks.expect(
        status_of(received) == 408 and closed and took < REQUEST_TIMEOUT + 3,
        f"a stalled request body: 408 after {took:.1f} s, connection closed",
        f"a stalled request body: {received[:80]!r} after {took:.1f} s (closed: {closed})",
    )

    # an idle kept-alive connection is closed after the header timeout
    received, took, closed = raw_exchange(
        server.port, b"GET /assets/style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", wait=HEADER_TIMEOUT + 8,
    )
    checks.expect(
        status_of(received) == 200 and closed and took < HEADER_TIMEOUT + 3,
        f"an idle kept-alive connection: answered, then closed after {took:.1f} s",
        f"an idle kept-alive connection: {received[:40]!r}, closed: {closed} after {took:.1f} s",
    )

    check_query_abuse(checks, server, tmp)
    check_connection_limits(checks, server)

    # a client that stops reading a dump is disconnected after the send timeout, and the server goes on
    check_stalled_dump(checks, server, tmp)
    check_slow_headers(checks, server)
    reply = curl(tmp, f"{server.root}/")
    expect_reply(checks, "GET / after the abuse", reply, 200, "text/html")


REGISTER_ROWS = 20_000  # rows of the synthetic register the abuse server serves (its dump: tens of megabytes)


def build_register_store(powkg, tmp):
    """An on-disk store of the bundled graph and a synthetic register (`e2e-register`); returns its path, or raises
    RuntimeError with powkg's words."""
    csv_path = os.path.join(tmp, "e2e-register.csv")
    store = os.path.join(tmp, "kgstore")
    run_cli(powkg, "generate-register", "--rows", str(REGISTER_ROWS), "--seed", "3", "--out", csv_path)
    _, error = build(powkg, "--no-validate", "--register", csv_path, "--store", store)
    if error:
        raise RuntimeError(error)
    return store


def check_large_store(checks, server, tmp):
    """The pages of a register's source and of its busiest camp show their first links and count the rest."""
    busiest = "SELECT ?camp WHERE { ?p pkdt:heldAt ?camp } GROUP BY ?camp ORDER BY DESC(COUNT(?p)) LIMIT 1"
    reply = curl(tmp, sparql_url(server, busiest), "-H", "Accept: application/sparql-results+json")
    try:
        camp = json.loads(reply.body)["results"]["bindings"][0]["camp"]["value"]
    except (ValueError, KeyError, IndexError):
        checks.fail(f"the busiest camp of the register: {reply} {excerpt(reply.text(), 200)}")
        return
    for path in [urllib.parse.urlparse(camp).path + ".html", "/powkg/source/e2e-register.html"]:
        started = time.monotonic()
        reply = curl(tmp, f"{server.root}{path}")
        took = time.monotonic() - started

        def bounded(r, took=took):
            mentions = r.text().split('aria-labelledby="mentions"')[-1].split("</section>")[0]
            items = mentions.count("<li>")
            counted = re.search(r"of the ([\d,]+) links to this", mentions)
            if not counted or items > 300:
                return f"{items} mentions listed, count {counted and counted.group(1)}", ""
            return None, f"{items} mentions listed of {counted.group(1)} links, in {took:.1f} s"

        expect_reply(checks, f"GET {path}", reply, 200, "text/html", bounded)
    # The landing page's counts are computed on a thread of their own; a request waits for them only part of its
    # deadline (here under a second), so the page may first say that they are being computed.
    for _ in range(20):
        reply = curl(tmp, f"{server.root}/")
        if "being computed" not in reply.text():
            break
        time.sleep(0.5)
    expect_reply(
        checks, "GET / of the register store", reply, 200, "text/html",
        lambda r: (None if "list them all" in r.text() and 'href="/classes/' in r.text() else "no bounded list",
                   "lists bounded, the rest on the class's paged index"),
    )
    # A camp of the register: its page within a second, its links page by page.
    for camp in ("karlag",):
        started = time.monotonic()
        page = curl(tmp, f"{server.root}/powkg/entity/{camp}.html")
        took = time.monotonic() - started
        expect_reply(
            checks, f"GET the page of a register camp ({took:.2f} s)", page, 200, "text/html",
            lambda r, camp=camp: (None if f'href="/mentions/powkg/entity/{camp}/1.html"' in r.text()
                                  else "no link to the paged links", "links to its paged list of links"),
        )
        started = time.monotonic()
        page = curl(tmp, f"{server.root}/mentions/powkg/entity/{camp}/3.html")
        took = time.monotonic() - started
        expect_reply(
            checks, f"GET page 3 of the links to a register camp ({took:.2f} s)", page, 200, "text/html",
            lambda r: (None if r.text().count("<li>") >= 1000 and 'rel="prev"' in r.text() else "not a full page",
                       "1,000 links and the way back"),
        )
    # The paged index of the largest class: page 2 of a class of thousands answers with 1,000 links and both pager
    # links.
    hrefs = re.findall(r'href="(/classes/[0-9a-f]+/)1\.html"', reply.text())
    if not hrefs:
        checks.fail("GET / of the register store: no class index link")
        return
    started = time.monotonic()
    page = curl(tmp, f"{server.root}{hrefs[-1]}2.html")
    took = time.monotonic() - started
    expect_reply(
        checks, f"GET {hrefs[-1]}2.html (page 2 of a register class, {took:.2f} s)", page, 200, "text/html",
        lambda r: (None if r.text().count("<li>") >= 1000 and 'rel="prev"' in r.text() and 'rel="next"' in r.text()
                   else "not a full page with previous and next", "1,000 entities, previous and next"),
    )


def check_stalled_dump(checks, server, tmp):
    full = curl(tmp, f"{server.root}/dump", "-H", "Accept: application/n-triples")
    if full.status != 200:
        checks.fail(f"GET /dump: {full}")
        return
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", server.port))
        s.sendall(b"GET /dump HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/n-triples\r\n\r\n")
        time.sleep(SEND_TIMEOUT + 2)
        s.settimeout(10)
        received = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                received += chunk
        except OSError:
            pass
    complete = received.endswith(b"\r\n0\r\n\r\n")
    label = f"a client that reads nothing of a {len(full.body)}-byte dump for {SEND_TIMEOUT + 2} s"
    checks.expect(
        not complete and len(received) < len(full.body),
        f"{label}: disconnected after {len(received)} bytes (--send-timeout {SEND_TIMEOUT})",
        f"{label}: got {len(received)} bytes, complete: {complete}",
    )


# ---------------------------------------------------------------------------------------------------------------


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    powkg = os.path.abspath(argv[1])
    checks = Checks()
    if not (os.path.isfile(powkg) and os.access(powkg, os.X_OK)):
        checks.fail(f"{argv[1]} is not an executable powkg binary")
        return checks.finish()
    for missing in (RDFLIB_ERROR, SPARQLWRAPPER_ERROR, None if CURL else "curl not found on PATH"):
        if missing:
            checks.fail(missing)
    if checks.failed:
        return checks.finish()
    print(f"# SPARQLWrapper {sparqlwrapper.__version__}, rdflib {rdflib.__version__}, powkg {powkg}", flush=True)

    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="powkg-serve-e2e-") as tmp:
        for attempt in range(3):  # the free port may be taken between free_port() and the server's bind
            server = PowkgServer(powkg, tmp, "--query-timeout", str(QUERY_TIMEOUT))
            try:
                server.wait_ready(seconds=START_TIMEOUT)
                problem = None
            except RuntimeError as e:
                problem = str(e)
            if not (problem and server.process.poll() is not None and "in use" in server.output()):
                break
        try:
            if problem:
                checks.fail(f"server starts on {server.root}: {problem}")
            else:
                printed = f"listening on {server.root}/" in server.output()
                checks.expect(
                    printed,
                    f"server starts and answers on {server.root} (--query-timeout {QUERY_TIMEOUT})",
                    f"server answers on {server.root} but did not print that URL: {excerpt(server.output())}",
                )
                queries = bundled_queries(powkg)
                checks.expect(
                    len(queries) > 0, f"{len(queries)} bundled queries listed", "no bundled queries listed"
                )
                for i, (name, text) in enumerate(queries):
                    check_bundled_query(checks, powkg, server, name, text, SEND_MODES[i % len(SEND_MODES)])
                check_sparqlwrapper_default_format(checks, server, dict(queries)[GRAPH_QUERY])
                check_sparqlstore(checks, powkg, server, queries)
                check_curl(checks, powkg, server, tmp, queries)
                check_load(checks, server, tmp, queries)
                check_keepalive_flood(checks, server)
        except Exception as e:  # the script's own failure is a failed check; the server is stopped all the same
            checks.fail(f"unexpected {type(e).__name__}: {excerpt(str(e))}")
        finally:
            code = server.stop(timeout=STOP_TIMEOUT)
            checks.expect(
                code == 0,
                f"stops cleanly on SIGTERM (exit code 0 within {STOP_TIMEOUT} s)",
                f"stops cleanly on SIGTERM: "
                + (f"exit code {code}" if code is not None else f"still running after {STOP_TIMEOUT} s, killed")
                + f"; output: {excerpt(server.output(), 400)}",
            )
        try:
            store = build_register_store(powkg, tmp)
        except RuntimeError as e:
            checks.fail(f"a store with a {REGISTER_ROWS}-row register: {e}")
            store = None
        options = ABUSE_OPTIONS + (("--store", store) if store else ())
        began_serving = time.monotonic()
        # RUST_BACKTRACE=0: with it set (as some shells and CI images do), the panic hook symbolizes a backtrace
        # from the release binary's debug info, which can take longer than this server's 1 s request limit on a cold
        # page cache, and the panic is then answered 503 by the deadline instead of 500.
        abuse = PowkgServer(powkg, tmp, *options, name="abuse",
                            env={"POWKG_TEST_PANIC_PATH": PANIC_PATH, "RUST_BACKTRACE": "0"})
        try:
            try:
                abuse.wait_ready(seconds=START_TIMEOUT)
                problem = None
            except RuntimeError as e:
                problem = str(e)
            if problem:
                checks.fail(f"abuse server starts on {abuse.root}: {problem}")
            else:
                took = time.monotonic() - began_serving
                checks.ok(f"abuse server on the {REGISTER_ROWS}-row register store answers / {took:.1f} s after start")
                if store:
                    check_large_store(checks, abuse, tmp)
                check_abuse(checks, abuse, tmp)
        except Exception as e:
            checks.fail(f"unexpected {type(e).__name__}: {excerpt(str(e))}")
        finally:
            code = abuse.stop(timeout=STOP_TIMEOUT)
            checks.expect(
                code == 0,
                "the abuse server stops cleanly on SIGTERM after the abuse",
                f"the abuse server on SIGTERM: exit code {code}; output: {excerpt(abuse.output(), 400)}",
            )
            if store:
                left = [name for name in os.listdir(tmp) if name.startswith(".kgstore.serving-")]
                checks.expect(not left, "its store snapshot is removed when it stops",
                              f"store snapshots left after SIGTERM: {left}")

    print(f"# {time.monotonic() - began:.0f} s", flush=True)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
