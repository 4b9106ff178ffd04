"""(c) and (c2) of serve_e2e.py: a bounded load test with wrk, then keep-alive connections past --max-connections
against fresh requests."""

import os
import re
import select
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse

from harness import excerpt
from serve_common import ENTITY, SIMPLE, SMALL_GET, curl, expect_reply, fresh_request, sparql_url

WRK = shutil.which("wrk")
LOAD_QUERY = "camps"  # cheap but real: the single-query load test
MIXED_QUERY = "divisions"  # alternated with ENTITY's page in the mixed load test


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
FRESH_LIMIT = 3.0  # seconds within which each must be answered


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
