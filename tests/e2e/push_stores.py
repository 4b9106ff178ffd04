"""The stores that tests/e2e/push_e2e.py and benches/push_bench.py push to: the Oxigraph server (PyPI `oxigraph`,
its `oxigraph serve`) and Virtuoso open source (Debian's `virtuoso-opensource`, `virtuoso-t`), each started on a
loopback port with its data in a temporary directory, and how to read a graph back from them."""

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request

import rdflib

from harness import Server, excerpt, free_port

VIRTUOSO_USER = ("powkg", "powkg-e2e-pw")


def oxigraph_cli():
    """The Oxigraph CLI: on PATH, else beside this Python (pip installs it there)."""
    return shutil.which("oxigraph") or os.path.join(os.path.dirname(sys.executable), "oxigraph")


class Oxigraph:
    name = "Oxigraph server"

    def __init__(self, tmp):
        port = free_port()
        self.server = Server(
            "oxigraph",
            # powkg's queries see the union of the named graphs as their default graph, as the server does when told.
            [oxigraph_cli(), "serve", "--location", os.path.join(tmp, "oxigraph-data"), "--bind", f"127.0.0.1:{port}",
             "--union-default-graph"],
            tmp,
            port,
        )
        root = self.server.root
        self.store, self.update, self.query = f"{root}/store", f"{root}/update", f"{root}/query"
        self.env = {}
        try:
            self.server.wait_ready(seconds=120)
        except RuntimeError:
            self.server.stop(timeout=20)
            raise

    def push_args(self):
        return ["--store-url", self.store, "--update-url", self.update]

    def stop(self):
        self.server.stop(timeout=20)


class Virtuoso:
    name = "Virtuoso"

    def __init__(self, tmp):
        directory = os.path.join(tmp, "virtuoso")
        os.makedirs(directory)
        self.sql_port, self.http_port = free_port(), free_port()
        with open("/etc/virtuoso-opensource-7/virtuoso.ini", encoding="utf-8") as f:
            ini = f.read()
        ini = ini.replace("/var/lib/virtuoso-opensource-7/db/", directory + "/")
        ini = re.sub(r"(?m)^ServerPort\s*=\s*1111\b.*$", f"ServerPort = 127.0.0.1:{self.sql_port}", ini)
        ini = re.sub(r"(?m)^ServerPort\s*=\s*8890\b.*$", f"ServerPort = 127.0.0.1:{self.http_port}", ini)
        ini = re.sub(r"(?m)^DirsAllowed\s*=.*$", f"DirsAllowed = ., /usr/share/virtuoso-opensource-7/vad, {tmp}", ini)
        # The Debian defaults stop queries at 60 s with partial answers and cut results at 10,000 rows.
        ini = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", "ResultSetMaxRows = 10000000", ini)
        ini = re.sub(r"(?m)^MaxQueryExecutionTime\s*=.*$", "MaxQueryExecutionTime = 0", ini)
        ini = re.sub(r"(?m)^MaxQueryCostEstimationTime\s*=.*$", "MaxQueryCostEstimationTime = 0", ini)
        # One transaction may hold a whole graph's replacement (the default limit, 50 MB of log, is about 300,000
        # triples: past it Virtuoso aborts the MOVE with SR325 and the target stays as it was).
        ini = re.sub(r"(?m)^\[Parameters\]$", "[Parameters]\nTransactionAfterImageLimit = 1500000000", ini, count=1)
        path = os.path.join(directory, "virtuoso.ini")
        with open(path, "w", encoding="utf-8") as f:
            f.write(ini)
        self.server = Server("virtuoso", ["virtuoso-t", "+configfile", path, "+foreground"], tmp, self.http_port,
                             cwd=directory)
        try:
            self.server.wait_ready(f"{self.server.root}/sparql", seconds=120)
        except RuntimeError:
            self.server.stop(timeout=30)
            raise
        user, password = VIRTUOSO_USER
        self.sql(
            f"DB.DBA.USER_CREATE('{user}', '{password}'); GRANT SPARQL_UPDATE TO \"{user}\"; "
            f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{user}', 15);"
        )
        root = self.server.root
        self.store, self.update = f"{root}/sparql-graph-crud-auth", f"{root}/sparql-auth"
        self.query = f"{root}/sparql"
        self.env = {"POWKG_PUSH_USER": user, "POWKG_PUSH_PASSWORD": password}

    def sql(self, statements):
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0 or "Error" in done.stdout:
            raise RuntimeError(f"isql-vt: {excerpt(done.stdout + done.stderr)}")
        return done.stdout

    def push_args(self):
        return ["--store-url", self.store, "--update-url", self.update]

    def stop(self):
        try:
            self.sql("checkpoint; shutdown;")
        except Exception:
            pass
        try:
            self.server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        self.server.stop(timeout=30)


def sparql(endpoint, query, accept="application/sparql-results+json"):
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        endpoint, data=body, headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
    )
    with urllib.request.urlopen(request, timeout=120) as answer:
        return answer.read().decode("utf-8")


def count(store, graph):
    answer = json.loads(sparql(store.query, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))
    bindings = answer["results"]["bindings"]
    return int(bindings[0]["n"]["value"]) if bindings else 0


def read_graph(store, graph):
    """The graph as the store gives it back (CONSTRUCT, N-Triples), parsed by rdflib."""
    text = sparql(
        store.query,
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
        accept="application/n-triples",
    )
    g = rdflib.Graph()
    g.parse(data=text, format="nt")
    return g

