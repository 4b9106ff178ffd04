"""Shared by the `powkg serve` end-to-end modules (serve_e2e.py runs them): the clients' libraries, the command
line, results as comparable values, curl, and fresh requests on a socket of their own."""

import collections
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse

from harness import ROOT, excerpt

# The clients' libraries, imported once here: serve_e2e.py reports a missing one as a failed check, and the modules
# of the checks import them from here (None when missing, so that the modules still load and the failure is reported).
try:
    import rdflib
    import rdflib.compare
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    # Compare lexical forms as served: rdflib would otherwise rewrite typed literals ("1.50"^^xsd:decimal) on parsing.
    rdflib.NORMALIZE_LITERALS = False
    RDFLIB_ERROR = None
except ImportError as e:
    rdflib = SPARQLStore = None
    RDFLIB_ERROR = f"rdflib is not importable by {sys.executable} ({e}); install it: pip install rdflib"

try:
    import SPARQLWrapper as sparqlwrapper
    from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, SPARQLWrapper

    SPARQLWRAPPER_ERROR = None
except ImportError as e:
    sparqlwrapper = JSON = POST = POSTDIRECTLY = TURTLE = URLENCODED = SPARQLWrapper = None
    SPARQLWRAPPER_ERROR = (
        f"SPARQLWrapper is not importable by {sys.executable} ({e}); install it: pip install SPARQLWrapper==2.0.0"
    )

QUERIES_DIR = os.path.join(ROOT, "queries")

CURL = shutil.which("curl")

QUERY_TIMEOUT = 2  # --query-timeout of the server under test, seconds
CLI_TIMEOUT = 120
HTTP_TIMEOUT = 60

ENTITY = "karlag"  # an entity of the bundled data, for the linked-data checks and the mixed load
SELECT_QUERY = "camps"  # the query of the curl and SPARQLStore SELECT checks
GRAPH_QUERY = "describe-entity"  # the bundled CONSTRUCT

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

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
    """[(name, SPARQL text)] of the queries (built in and the bundled project's), as `powkg queries --format json`
    lists them with their text."""
    listed = json.loads(run_cli(powkg, "queries", "--format", "json"))
    return [(entry["name"], entry["text"]) for entry in listed]


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


def sparql_url(server, query, **params):
    return f"{server.endpoint}?{urllib.parse.urlencode({'query': query, **params})}"


# ---------------------------------------------------------------------------------------------------------------
# Requests on a socket of their own
# ---------------------------------------------------------------------------------------------------------------

FRESH_TIMEOUT = 5.0  # seconds a fresh request waits for its answer
SMALL_GET = b"GET /assets/style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def status_of(received):
    """The status code of the first response in RECEIVED, or 0."""
    found = re.match(rb"HTTP/1\.[01] (\d{3})", received)
    return int(found.group(1)) if found else 0


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
