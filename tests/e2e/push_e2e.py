#!/usr/bin/env python3
"""`powkg push` against real stores: the Oxigraph server (PyPI `oxigraph`, its `oxigraph serve`) and Virtuoso open
source (Debian's `virtuoso-opensource`, `virtuoso-t`), each started here on a loopback port with its data in a
temporary directory, and stopped at the end.

For each store:
  (a) push the bundled graph and the example register: every graph is created (on the Oxigraph server each in one
      transactional request; on Virtuoso through a staging graph and one replacing update);
  (b) read every graph back from the store and check it holds the same triples as `powkg export` / `powkg build
      --register` (rdflib parses both sides);
  (c) run the bundled queries against the store's query endpoint and compare with `powkg query` (the Oxigraph
      server row for row; Virtuoso, whose SPARQL differs, by the number of rows where it runs the query);
  (d) push again: every graph unchanged, nothing sent;
  (e) change one claim's words: only the data graph is replaced;
  (f) kill -9 a push of a changed register midway (once a relay in front of the store has passed 4 MiB of it): the
      store still answers the old graph, the record is unchanged, and the next push replaces it and leaves no
      staging graph;
  (g) errors: wrong credentials (Virtuoso) and an unreachable store exit 2 with one line.
  (h) the gzipped shards of `powkg export --shards` load with the store's own bulk loader (Virtuoso's `ld_dir` +
      `rdf_loader_run()`, reading the `.graph` files; `oxigraph load`), each graph with the manifest's count.
  (i) change one row of the register of (f): only its subject's bucket is sent (one update), and the store's graph then
      holds the same triples as `powkg build` (rdflib);
Then, against a stub store in this script that asks for Basic credentials: none given, given by environment and by
netrc; a 413 is answered by halving the chunk, and every line arrives once. And against stub stores on two loopback
origins (two ports): the store's credentials answer its challenge and never reach the update origin; a password in
a URL shows in no message or report; a store's error page with terminal escapes is quoted without them and short; a
query answered 200 with a body that is not results is named as such, not as an unreachable store; and Basic
credentials asked for over plain HTTP by a host other than loopback are refused unless --allow-insecure-auth (checked
by src/publish/'s unit tests: these checks send traffic to loopback only).

Usage: tests/e2e/push_e2e.py POWKG_BINARY   (POWKG_PUSH_E2E_STUB_ONLY=1: the stub checks alone, in a few seconds)
Needs `oxigraph` (on PATH or beside this Python) and `virtuoso-t`/`isql-vt`; a store that is missing is reported
as a failure, not skipped. Prints one line per check and ends with "N passed, M failed" (", K skipped" when a
store did not evaluate a bundled query); exits 1 if any check failed.

The stores, how they are started and how a graph is read back from them, are in push_stores.py (benches/push_bench.py
starts them too). The rest stays in this one file of about 650 lines: (a) to (i) are steps on one store's state,
each starting from where the one before left it, and the stub stores are this file's own.
"""

import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import rdflib

import harness
from harness import Checks, excerpt
from push_stores import VIRTUOSO_USER, Oxigraph, Virtuoso, count, oxigraph_cli, read_graph, sparql

rdflib.NORMALIZE_LITERALS = False

ROOT = harness.ROOT
BASE = "https://example.org/powkg/"
REGISTER = os.path.join(ROOT, "data", "registers", "example.csv")
GRAPHS = {
    "ontology": BASE + "graph/ontology",
    "data": BASE + "graph/data",
    "metadata": BASE + "graph/metadata",
    "example": BASE + "graph/register/example",
}


class CountingProxy:
    """A TCP relay on a loopback port in front of a store's port, counting the bytes clients send through it."""

    def __init__(self, port):
        self.target, self.sent, self.lock = port, 0, threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self.pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self.pump, args=(upstream, client, False), daemon=True).start()

    def pump(self, source, sink, counted):
        try:
            while data := source.recv(1 << 16):
                sink.sendall(data)
                if counted:
                    with self.lock:
                        self.sent += len(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def rewrite(self, args):
        """The store's push arguments, through this relay."""
        return [a.replace(f"127.0.0.1:{self.target}/", f"127.0.0.1:{self.port}/") for a in args]

    def close(self):
        self.listener.close()


def run(powkg, args, env=None, timeout=600):
    return subprocess.run(
        [powkg, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )


def push(powkg, store, extra=(), env=None):
    done = run(powkg, ["push", *store.push_args(), "--report", "json", *extra], env={**store.env, **(env or {})})
    if done.returncode != 0:
        return None, done
    return {g["name"]: g for g in json.loads(done.stdout)["graphs"]}, done


def local_graphs(powkg, tmp):
    """Each graph of `powkg build --register example.csv --out x.nq`, parsed by rdflib."""
    out = os.path.join(tmp, "local.nq")
    _, error = harness.build(powkg, "--register", REGISTER, "--out", out)
    if error:
        raise RuntimeError(error)
    dataset = rdflib.Dataset()
    dataset.parse(out, format="nquads")
    graphs = {}
    for name, iri in GRAPHS.items():
        g = rdflib.Graph()
        for triple in dataset.graph(rdflib.URIRef(iri)):
            g.add(triple)
        graphs[name] = g
    return graphs


def prologue(powkg):
    """The PREFIX lines powkg predeclares, for sending bundled queries to another store."""
    done = run(powkg, ["export", "--format", "turtle"])
    return "".join(line + "\n" for line in done.stdout.splitlines() if line.startswith("PREFIX "))


def rows(results_json):
    answer = json.loads(results_json)
    variables = answer["head"]["vars"]
    out = []
    for b in answer["results"]["bindings"]:
        row = []
        for v in variables:
            term = b.get(v)
            if term is None:
                row.append("")
            elif term["type"] == "uri":
                row.append(f"<{term['value']}>")
            else:
                lang = term.get("xml:lang", "")
                row.append(f"{term['value']}@{lang}" if lang else term["value"])
        out.append(row)
    return out


def check_store(checks, powkg, store, tmp, local, header):
    label = store.name
    # (a) first push
    report, done = push(powkg, store, ["--register", REGISTER])
    if report is None:
        checks.fail(f"{label}: push exits {done.returncode}: {excerpt(done.stderr)}")
        return
    checks.expect(
        all(report[n]["action"] == "created" for n in GRAPHS),
        f"{label}: first push creates {', '.join(GRAPHS)}",
        f"{label}: first push: {[(n, g['action']) for n, g in report.items()]}",
    )
    # The Oxigraph server takes each graph in one transactional request; Virtuoso through a staging graph.
    route = "one-request" if isinstance(store, Oxigraph) else "staging"
    checks.expect(
        all(g["route"] == route for g in report.values()),
        f"{label}: every graph sent by the {route} route",
        f"{label}: routes: {[(n, g['route']) for n, g in report.items()]}",
    )
    # (b) read back
    for name, iri in GRAPHS.items():
        remote = read_graph(store, iri)
        same = set(remote) == set(local[name])
        checks.expect(
            same,
            f"{label}: graph {name} reads back with the same {len(local[name])} triples as powkg builds",
            f"{label}: graph {name}: {len(remote)} triples read back, {len(local[name])} built; "
            f"missing e.g. {excerpt(str(list(set(local[name]) - set(remote))[:2]))}",
        )
    # (c) bundled queries, against powkg's own store of the same graphs (curated and the example register)
    local_store = os.path.join(tmp, "local-store")
    if not os.path.exists(local_store):
        harness.build(powkg, "--register", REGISTER, "--store", local_store)
    listed = json.loads(run(powkg, ["queries", "--format", "json"]).stdout)
    compared = 0
    for entry in listed:
        name = entry["name"]
        text = entry["text"]
        form = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.sub(r"(?m)^#.*$", "", text), re.I)
        if not form or form.group(1).upper() not in ("SELECT", "ASK"):
            continue
        if re.search(r"SERVICE\s+wikibase:label", text):
            # The label service is the Wikidata Query Service's, answered by powkg itself; other stores have none.
            checks.skip(f"{label}: query {name} names things with the WDQS label service, which the store lacks")
            continue
        mine = run(powkg, ["query", name, "--format", "json", "--store", local_store])
        if mine.returncode != 0:
            checks.fail(f"{label}: powkg query {name} exits {mine.returncode}")
            continue
        try:
            theirs = sparql(store.query, header + text)
        except urllib.error.HTTPError as e:
            if isinstance(store, Virtuoso):
                checks.skip(f"{label}: bundled query {name} is not evaluated by the store ({e.code})")
                continue
            checks.fail(f"{label}: bundled query {name}: {e.code} {excerpt(e.read().decode('utf-8', 'replace'))}")
            continue
        if "boolean" in json.loads(mine.stdout):
            same = json.loads(mine.stdout)["boolean"] == json.loads(theirs).get("boolean")
        elif isinstance(store, Oxigraph):
            same = rows(mine.stdout) == rows(theirs)
        else:
            same = len(rows(mine.stdout)) == len(rows(theirs))
        compared += 1
        checks.expect(
            same,
            f"{label}: bundled query {name} answers as powkg query does"
            + ("" if isinstance(store, Oxigraph) else " (same number of rows)"),
            f"{label}: bundled query {name}: {len(rows(theirs)) if 'results' in theirs else theirs} vs "
            f"{len(rows(mine.stdout)) if 'results' in mine.stdout else mine.stdout}",
        )
    checks.expect(compared >= 10, f"{label}: {compared} bundled queries compared", f"{label}: only {compared} compared")
    # (d) unchanged
    report, done = push(powkg, store, ["--register", REGISTER])
    checks.expect(
        report is not None
        and all(g["action"] == "unchanged" and g["bytes_sent"] == 0 for g in report.values()),
        f"{label}: a second push sends nothing (every graph unchanged)",
        f"{label}: second push: {report or done.stderr}",
    )
    # (e) one claim changed
    data = os.path.join(tmp, f"data-{label.split()[0].lower()}")
    shutil.copytree(os.path.join(ROOT, "data"), data)
    claims = os.path.join(data, "claims.toml")
    with open(claims, encoding="utf-8") as f:
        text = f.read()
    changed = text.replace("stated that in 1945, 61,662 Romanian POWs were repatriated", "stated that in 1945, 61,662 Romanian POWs were repatriated (checked)", 1)
    if changed == text:
        checks.fail(f"{label}: the claim to change was not found in data/claims.toml")
    with open(claims, "w", encoding="utf-8") as f:
        f.write(changed)
    report, done = push(powkg, store, ["--data", data])
    actions = {n: g["action"] for n, g in (report or {}).items()}
    checks.expect(
        actions == {"ontology": "unchanged", "data": "replaced", "metadata": "unchanged"},
        f"{label}: after one claim changes, only the data graph is replaced",
        f"{label}: after one claim changes: {actions or done.stderr}",
    )
    # put the bundled data back for the next steps
    push(powkg, store)
    # (f) kill -9 midway
    big = os.path.join(tmp, f"big-{label.split()[0].lower()}.csv")
    subprocess.run([powkg, "generate-register", "--profile", harness.PROFILE, "--rows", "20000", "--seed", "1", "--out", big], check=True, capture_output=True)
    report, done = push(powkg, store, ["--register", big])
    big_graph = None
    if report:
        big_graph = next((g["graph"] for n, g in report.items() if n not in GRAPHS), None)
    if not big_graph:
        checks.fail(f"{label}: pushing a generated register failed: {excerpt(done.stderr)}")
        return
    before = count(store, big_graph)
    record_before = sparql(store.query, f"SELECT ?h WHERE {{ GRAPH <{BASE}graph/push> {{ <{big_graph}> ?p ?h }} }} ORDER BY ?h")
    subprocess.run([powkg, "generate-register", "--profile", harness.PROFILE, "--rows", "20000", "--seed", "2", "--out", big], check=True, capture_output=True)
    # Midway: powkg has sent a few MiB of the register's N-Triples (about 36 MB), into the staging graph or into the
    # one request the Oxigraph server takes, as a relay in front of the store counts them.
    port = int(urllib.parse.urlsplit(store.update).port)
    relay = CountingProxy(port)
    process = subprocess.Popen(
        [powkg, "push", *relay.rewrite(store.push_args()), "--register", big, "--chunk-size", "64K"],
        cwd=ROOT,
        env={**os.environ, **store.env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    staging = big_graph + ".powkg-staging"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and relay.sent < (4 << 20):
        time.sleep(0.01)
    midway = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    relay.close()
    checks.expect(midway, f"{label}: a push was killed while it was uploading", f"{label}: the push ended before it could be killed midway")
    after = count(store, big_graph)
    record_after = sparql(store.query, f"SELECT ?h WHERE {{ GRAPH <{BASE}graph/push> {{ <{big_graph}> ?p ?h }} }} ORDER BY ?h")
    checks.expect(
        after == before and record_after == record_before,
        f"{label}: after kill -9 the register graph still holds its {before} old triples and its record",
        f"{label}: after kill -9: {after} triples (was {before}); record changed: {record_after != record_before}",
    )
    report, done = push(powkg, store, ["--register", big])
    name = next((n for n in (report or {}) if n not in GRAPHS), None)
    checks.expect(
        report is not None and report[name]["action"] == "replaced" and count(store, staging) == 0,
        f"{label}: the next push replaces it and leaves no staging graph",
        f"{label}: the next push: {report or done.stderr}; staging holds {count(store, staging)}",
    )
    # (i) one row of the large register changes: only its subject's bucket is sent, and the store's graph is what
    # powkg builds
    row_count = change_row(big, 500)
    report, done = push(powkg, store, ["--register", big, "--graph", name])
    graph = (report or {}).get(name)
    checks.expect(
        graph is not None and graph["route"] == "changed-buckets" and graph["bytes_sent"] * 100 < graph["bytes"],
        f"{label}: one changed row of {row_count} sends only its subject's bucket "
        f"({graph and graph['bytes_sent']} of {graph and graph['bytes']} bytes: {graph and graph['reason'].split('; ')[-1]})",
        f"{label}: one changed row: {graph or excerpt(done.stderr)}",
    )
    nquads = os.path.join(tmp, f"{name}.nq")
    run(powkg, ["build", "--register", big, "--out", nquads])
    built = rdflib.Dataset()
    built.parse(nquads, format="nquads")
    expected = set(built.graph(rdflib.URIRef(big_graph)))
    remote = set(read_graph(store, big_graph))
    checks.expect(
        remote == expected and any("-Changed" in str(o) for _, _, o in remote),
        f"{label}: after it the store's register graph holds the same {len(expected)} triples as powkg builds",
        f"{label}: after the bucket update: {len(remote)} triples in the store, {len(expected)} built, "
        f"{len(remote - expected)} extra, {len(expected - remote)} missing",
    )
    check_shards(checks, powkg, store, tmp)
    check_bulk(checks, powkg, store, tmp, label)
    # (g) errors
    if isinstance(store, Virtuoso):
        done = run(powkg, ["push", *store.push_args()], env={"POWKG_PUSH_USER": VIRTUOSO_USER[0], "POWKG_PUSH_PASSWORD": "wrong"})
        checks.expect(
            done.returncode == 2 and "refused the credentials" in done.stderr and len(done.stderr.strip().splitlines()) == 1,
            f"{label}: wrong credentials: exit 2, one line ({done.stderr.strip()[:90]}…)",
            f"{label}: wrong credentials: exit {done.returncode}: {excerpt(done.stderr)}",
        )


def check_shards(checks, powkg, store, tmp):
    """`powkg export --shards --gzip` loaded by the store's own bulk loader: every graph with the manifest's count."""
    label = store.name
    base = "https://shards.example.org/kg/"
    out = os.path.join(tmp, f"shards-{label.split()[0].lower()}")
    done = run(powkg, ["export", "--format", "nquads", "--shards", "3", "--gzip", "--register", REGISTER,
                       "--base-iri", base, "--out", out])
    if done.returncode != 0:
        checks.fail(f"{label}: sharded export exits {done.returncode}: {excerpt(done.stderr)}")
        return
    expected = {}
    with open(os.path.join(out, "manifest.tsv"), encoding="utf-8") as f:
        for line in list(f)[1:]:
            file, graph, triples = line.split("\t")[:3]
            expected[graph] = expected.get(graph, 0) + int(triples)
    if isinstance(store, Virtuoso):
        store.sql(f"ld_dir('{out}', '*.nq.gz', 'http://example.org/unnamed'); rdf_loader_run(); checkpoint;")
        found = {graph: count(store, graph) for graph in expected}
    else:
        location = os.path.join(tmp, "oxigraph-bulk")
        files = sorted(os.path.join(out, f) for f in os.listdir(out) if f.endswith(".nq.gz"))
        loaded = subprocess.run(
            [oxigraph_cli(),
             "load", "--location", location, *sum((["--file", f] for f in files), [])],
            capture_output=True, text=True, timeout=600,
        )
        dumped = subprocess.run(
            [oxigraph_cli(),
             "dump", "--location", location, "--format", "nq"],
            capture_output=True, text=True, timeout=600,
        )
        found = {}
        for line in dumped.stdout.splitlines():
            graph = line.rsplit(" ", 2)[-2].strip("<>") if line.endswith(" .") else None
            if graph:
                found[graph] = found.get(graph, 0) + 1
        if loaded.returncode != 0:
            checks.fail(f"{label}: oxigraph load: {excerpt(loaded.stderr)}")
    checks.expect(
        found == expected and len(expected) == 4,
        f"{label}: its bulk loader reads the {sum(expected.values())} quads of the gzipped shards into "
        f"{len(expected)} graphs, as the manifest counts them",
        f"{label}: bulk load of the shards: {found} loaded, manifest {expected}",
    )


class Stub(http.server.BaseHTTPRequestHandler):
    """A store that asks for Basic credentials, refuses bodies over LIMIT bytes with 413 and keeps what it accepts,
    line by line."""

    LIMIT = 20_000
    CREDENTIALS = "Basic " + __import__("base64").b64encode(b"stub-user:stub-pw").decode()
    graphs = {}
    posts = []
    authorizations = []  # (port, Authorization header) of every request that carried one
    unauthorized = 0
    moves = 0
    move_delay = 0.0

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", kind="text/plain"):
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped waiting (the late replacement): nothing to answer

    def authorized(self):
        """Whether the request carries the credentials; every Authorization header is noted with the port it came to."""
        given = self.headers.get("Authorization")
        if given is not None:
            Stub.authorizations.append((self.server.server_address[1], given))
        return given == self.CREDENTIALS

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        url = urllib.parse.urlparse(self.path)
        if url.path == "/hostile":
            # An error page with terminal escapes (clear the screen, set the title) and no end.
            page = b"\x1b[2J\x1b]0;pwned\x07\x1b[31mbad request\x1b[0m\r\n" + b"x" * 5000
            return self.answer(400, page)
        if url.path == "/garbage/query":
            return self.answer(200, b"\xff\xfe\x00\x1b[2J not json", "application/sparql-results+json")
        if not self.authorized():
            Stub.unauthorized += 1
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="stub"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if url.path == "/store":
            if length > self.LIMIT:
                return self.answer(413, b"too large")
            graph = urllib.parse.parse_qs(url.query)["graph"][0]
            Stub.posts.append(length)
            Stub.graphs.setdefault(graph, []).extend(body.decode().splitlines())
            return self.answer(204)
        form = urllib.parse.parse_qs(body.decode())
        if url.path == "/update":
            text = form["update"][0]
            moved = re.match(r"MOVE SILENT GRAPH <([^>]+)> TO GRAPH <([^>]+)>", text)
            if moved:
                Stub.moves += 1
                Stub.graphs[moved.group(2)] = Stub.graphs.pop(moved.group(1), [])
                # A replacement that takes longer than the client waits: done, but its answer comes too late.
                time.sleep(Stub.move_delay)
            dropped = re.match(r"DROP SILENT GRAPH <([^>]+)>$", text)
            if dropped:
                Stub.graphs.pop(dropped.group(1), None)
            return self.answer(204)
        if url.path == "/query":
            text = form["query"][0]
            graph = re.search(r"GRAPH <([^>]+)> \{ \?s \?p \?o \}", text)
            if "COUNT" in text and graph:
                n = len(Stub.graphs.get(graph.group(1), []))
                body = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": str(n)}}]}})
            else:
                body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": []}})
            return self.answer(200, body.encode(), "application/sparql-results+json")
        return self.answer(404)


class OpenStub(Stub):
    """The same store on another origin, asking for no credentials (and noting any it is sent)."""

    def authorized(self):
        Stub.authorized(self)
        return True


def serve_stub(handler, host="127.0.0.1"):
    server = http.server.ThreadingHTTPServer((host, 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}"


def check_origins(checks, powkg):
    """Credentials go only to the origin that asked, never readable over plain HTTP to another machine, and never
    into a message or report; a store's words are shown without control characters; a 200 answer that is not
    query results is named as such."""
    credentials = {"POWKG_PUSH_USER": "stub-user", "POWKG_PUSH_PASSWORD": "stub-pw"}
    store, store_root = serve_stub(Stub)
    other, other_root = serve_stub(OpenStub)
    other_port = other.server_address[1]
    try:
        # The store's origin challenges and gets the credentials; the update and query origin (another port) never
        Stub.authorizations.clear()
        done = run(
            powkg,
            ["push", "--store-url", store_root + "/store", "--update-url", other_root + "/update", "--graph", "metadata"],
            env=credentials,
        )
        to_store = [a for port, a in Stub.authorizations if port != other_port]
        to_other = [a for port, a in Stub.authorizations if port == other_port]
        checks.expect(
            done.returncode == 0 and to_store and not to_other,
            f"two origins: the store's answered its challenge ({len(to_store)} requests with credentials), the "
            f"update origin got none",
            f"two origins: exit {done.returncode}, {len(to_store)} credentials to the store, {len(to_other)} to the "
            f"update origin {other_root}: {excerpt(done.stderr)}",
        )

        # A password in a URL is answered to its origin's challenge and shown nowhere
        with_password = store_root.replace("http://", "http://stub-user:stub-pw@")
        failed = run(powkg, ["push", "--store-url", with_password + "/nothing", "--update-url", other_root + "/update",
                             "--graph", "metadata"])
        report = run(powkg, ["push", "--store-url", with_password + "/store", "--update-url", other_root + "/update",
                             "--graph", "metadata", "--dry-run", "--report", "json"])
        bad = run(powkg, ["push", "--store-url", "http://stub-user:stub-pw@127.0.0.1:9/store", "--update-url",
                          "http://stub-user:stub-pw@127.0.0.1:9/update", "--retries", "0"])
        malformed = run(powkg, ["push", "--store-url", "http://stub-user:stub-pw@127.0.0.1:9/a b", "--update-url",
                                other_root + "/update"])
        outputs = [failed.stdout, failed.stderr, report.stdout, report.stderr, bad.stderr, malformed.stderr]
        checks.expect(
            failed.returncode == 2 and "answered 404" in failed.stderr and report.returncode == 0
            and json.loads(report.stdout)["store"] == store_root + "/store" and bad.returncode == 2
            and malformed.returncode == 2 and not any("stub-pw" in o for o in outputs),
            "a password in a URL: the store's 404, the JSON report, an unreachable store and a malformed URL show "
            "the URL without it",
            f"a password in a URL: exits {failed.returncode}, {report.returncode}, {bad.returncode}, "
            f"{malformed.returncode}: {[excerpt(o, 200) for o in outputs if 'stub-pw' in o or not o]}",
        )

        # A store's error page with terminal escapes and no end: quoted without them, and short
        hostile = run(powkg, ["push", "--store-url", other_root + "/hostile", "--update-url", other_root + "/update",
                              "--graph", "metadata"])
        controls = [c for c in hostile.stderr if ord(c) < 32 and c != "\n"]
        checks.expect(
            hostile.returncode == 2 and "answered 400" in hostile.stderr and not controls
            and len(hostile.stderr) < 1000,
            f"a store's error page with terminal escapes: quoted without them, {len(hostile.stderr)} characters",
            f"a store's error page with terminal escapes: exit {hostile.returncode}, control characters "
            f"{controls[:5]!r}, {len(hostile.stderr)} characters: {excerpt(repr(hostile.stderr))}",
        )

        # A 200 answer that is not query results is the store's, not an unreachable store
        garbage = run(powkg, ["push", "--store-url", other_root + "/store", "--update-url", other_root + "/update",
                              "--query-url", other_root + "/garbage/query", "--graph", "metadata", "--retries", "0"])
        checks.expect(
            garbage.returncode == 2 and f"{other_root}/garbage/query: the store answered 200 with a body that is "
            "not SPARQL query results in JSON" in garbage.stderr and "cannot reach" not in garbage.stderr,
            f"a query answered 200 with a body that is not results: {garbage.stderr.strip()[:160]}",
            f"a query answered 200 with garbage: exit {garbage.returncode}: {excerpt(garbage.stderr)}",
        )
    finally:
        store.shutdown()
        other.shutdown()

    # Basic over plain HTTP to a host that is not this machine (refused unless --allow-insecure-auth) is checked by
    # the unit tests of src/publish/: a stub there would have to listen on an address other than loopback, and these
    # checks send traffic to loopback only.


def check_halving(checks, powkg):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        without = run(powkg, ["push", "--store-url", root + "/store", "--update-url", root + "/update", "--graph", "data"])
        checks.expect(
            without.returncode == 2 and "it needs credentials" in without.stderr,
            "stub store: no credentials for a store that asks: exit 2, one line",
            f"stub store: no credentials: exit {without.returncode}: {excerpt(without.stderr)}",
        )
        done = run(
            powkg,
            ["push", "--store-url", root + "/store", "--update-url", root + "/update", "--graph", "data", "--chunk-size", "64K", "--report", "json"],
            env={"POWKG_PUSH_USER": "stub-user", "POWKG_PUSH_PASSWORD": "stub-pw"},
        )
        built = run(powkg, ["export", "--format", "nquads"]).stdout
        expected = sorted(
            line.rsplit(" ", 2)[0] + " ." for line in built.splitlines() if line.endswith(f"<{GRAPHS['data']}> .")
        )
        got = sorted(Stub.graphs.get(GRAPHS["data"], []))
        checks.expect(
            done.returncode == 0 and got == expected and Stub.posts and max(Stub.posts) <= Stub.LIMIT,
            f"stub store: 413s answered by halving ({len(Stub.posts)} requests of at most {max(Stub.posts or [0])} bytes), "
            f"each of the {len(expected)} lines once",
            f"stub store: exit {done.returncode} {excerpt(done.stderr)}; {len(got)} lines stored, {len(expected)} expected",
        )
        # A replacement whose answer comes after powkg stopped waiting is not sent again: a second MOVE would move
        # the emptied staging graph over the target.
        Stub.moves, Stub.move_delay = 0, 12.0
        late = run(
            powkg,
            ["push", "--store-url", root + "/store", "--update-url", root + "/update", "--graph", "data",
             "--timeout", "1", "--retries", "3"],
            env={"POWKG_PUSH_USER": "stub-user", "POWKG_PUSH_PASSWORD": "stub-pw"},
        )
        Stub.move_delay = 0.0
        checks.expect(
            Stub.moves == 1 and sorted(Stub.graphs.get(GRAPHS["data"], [])) == expected and late.returncode == 2,
            "stub store: a replacement answered too late is sent once, not repeated; exit 2 as the store did not "
            "confirm it, the graph intact",
            f"stub store: late replacement: {Stub.moves} MOVE requests, exit {late.returncode}, "
            f"{len(Stub.graphs.get(GRAPHS['data'], []))} lines in the target: {excerpt(late.stderr)}",
        )
        # The same credentials from a netrc file, for the store's host.
        with tempfile.NamedTemporaryFile("w", suffix=".netrc", delete=False) as netrc:
            netrc.write("machine elsewhere.example login x password y\nmachine 127.0.0.1 login stub-user password stub-pw\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("POWKG_PUSH_")}
        env["NETRC"] = netrc.name
        from_netrc = subprocess.run(
            [powkg, "push", "--store-url", root + "/store", "--update-url", root + "/update", "--graph", "metadata"],
            cwd=ROOT, capture_output=True, text=True, env=env, timeout=300,
        )
        os.unlink(netrc.name)
        checks.expect(
            from_netrc.returncode == 0 and "created" in from_netrc.stdout,
            "stub store: Basic credentials read from the netrc entry of the store's host",
            f"stub store: netrc: exit {from_netrc.returncode}: {excerpt(from_netrc.stderr)}",
        )
    finally:
        server.shutdown()


def change_row(csv, index):
    """Changes line INDEX of the register CSV (its third cell gets a suffix); the number of rows."""
    with open(csv, encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)
    cells = lines[index].split(",")
    cells[2] = cells[2] + "-Changed"
    lines[index] = ",".join(cells)
    with open(csv, "w", encoding="utf-8") as f:
        f.writelines(lines)
    return len(lines) - 1


def check_bulk(checks, powkg, store, tmp, label):
    """`push --bulk`: a register graph the store does not hold goes in by the bulk route and holds what powkg builds;
    pushed again it is unchanged; one changed row then takes the atomic changed-buckets route."""
    csv = os.path.join(tmp, f"bulk-{label.split()[0].lower()}.csv")
    subprocess.run([powkg, "generate-register", "--profile", harness.PROFILE, "--rows", "20000", "--seed", "3", "--out", csv],
                   check=True, capture_output=True)
    mapping = csv[:-len(".csv")] + ".toml"
    with open(mapping, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r'(?m)^id = "[^"]*"', 'id = "bulk-load"', text, count=1)
    with open(mapping, "w", encoding="utf-8") as f:
        f.write(text)
    report, done = push(powkg, store, ["--register", csv, "--bulk"])
    graph = (report or {}).get("bulk-load")
    checks.expect(
        graph is not None and graph["route"] == "bulk" and graph["action"] == "created",
        f"{label}: push --bulk loads a new register graph by the bulk route ({graph and graph['seconds']:.1f} s)",
        f"{label}: push --bulk: {graph or excerpt(done.stderr)}",
    )
    if graph is None:
        return
    nquads = os.path.join(tmp, "bulk.nq")
    run(powkg, ["build", "--register", csv, "--out", nquads])
    built = rdflib.Dataset()
    built.parse(nquads, format="nquads")
    expected = set(built.graph(rdflib.URIRef(graph["graph"])))
    remote = set(read_graph(store, graph["graph"]))
    checks.expect(remote == expected, f"{label}: the bulk-loaded graph holds the {len(expected)} triples powkg builds",
                  f"{label}: bulk-loaded graph: {len(remote)} triples, {len(expected)} built")
    again, done = push(powkg, store, ["--register", csv, "--bulk", "--graph", "bulk-load"])
    checks.expect(again is not None and again["bulk-load"]["action"] == "unchanged",
                  f"{label}: the bulk push was recorded: pushed again, the graph is unchanged",
                  f"{label}: pushed again after --bulk: {again or excerpt(done.stderr)}")
    change_row(csv, 100)
    after, done = push(powkg, store, ["--register", csv, "--bulk", "--graph", "bulk-load"])
    checks.expect(after is not None and after["bulk-load"]["route"] == "changed-buckets",
                  f"{label}: with --bulk, a graph the store holds still takes an atomic route (changed-buckets)",
                  f"{label}: a changed row after --bulk: {after or excerpt(done.stderr)}")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    powkg = os.path.abspath(sys.argv[1])
    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="powkg-push-") as tmp:
        local = local_graphs(powkg, tmp)
        header = prologue(powkg)
        done = run(powkg, ["push", "--store-url", "http://127.0.0.1:9/store", "--update-url", "http://127.0.0.1:9/update", "--retries", "1"])
        checks.expect(
            done.returncode == 2 and "cannot reach" in done.stderr and len(done.stderr.strip().splitlines()) == 1,
            f"an unreachable store: exit 2, one line ({done.stderr.strip()})",
            f"an unreachable store: exit {done.returncode}: {excerpt(done.stderr)}",
        )
        check_halving(checks, powkg)
        check_origins(checks, powkg)
        if os.environ.get("POWKG_PUSH_E2E_STUB_ONLY"):  # the stub checks alone, without the stores (quick)
            sys.exit(checks.finish())
        for kind in (Oxigraph, Virtuoso):
            try:
                store = kind(tmp)
            except Exception as e:
                checks.fail(f"{kind.name}: cannot start: {e}")
                continue
            try:
                check_store(checks, powkg, store, tmp, local, header)
            finally:
                store.stop()
    sys.exit(checks.finish())


if __name__ == "__main__":
    main()
