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

The checks live in modules by topic, run from here in this order: serve_clients.py (a), serve_protocol.py (b),
serve_load.py (c, c2), serve_pages.py and serve_limits.py (e); serve_common.py holds what they share (curl, the
command line, results as comparable values) and harness.py the tally and the servers.
"""

import os
import sys
import tempfile
import time

from harness import Checks, PowkgServer, excerpt, powkg_binary
from serve_clients import SEND_MODES, check_bundled_query, check_sparqlstore, check_sparqlwrapper_default_format
from serve_common import (
    CURL, GRAPH_QUERY, QUERY_TIMEOUT, RDFLIB_ERROR, SPARQLWRAPPER_ERROR, bundled_queries, rdflib, sparqlwrapper,
)
from serve_limits import ABUSE_OPTIONS, PANIC_PATH, check_abuse
from serve_load import check_keepalive_flood, check_load
from serve_pages import REGISTER_ROWS, build_register_store, check_large_store
from serve_protocol import check_curl

START_TIMEOUT = 60  # seconds to wait for the server to answer
STOP_TIMEOUT = 10  # seconds for SIGTERM to end it


def main(argv):
    checks = Checks()
    powkg = powkg_binary(argv, __doc__, checks)
    if powkg is None:
        return checks.finish() if len(argv) == 2 else 2
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
