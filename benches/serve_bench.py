#!/usr/bin/env python3
"""Throughput and latency of `powkg serve` for two bundled queries at concurrency 1 and 16, beside Oxigraph's own
server on the same data in the same run.

    python3 benches/serve_bench.py [--powkg BIN] [--oxigraph BIN] [--seconds N]

Servers measured (each on its own loopback port, one at a time, so that they never compete for the 2 cores):
  powkg serve              in-memory store, built from the bundled data at start
  powkg serve --store DIR  RocksDB store made by `powkg build --store DIR` (served from a snapshot)
  oxigraph serve-read-only the same quads (`powkg export --format nquads`) loaded with `oxigraph load`,
                           --union-default-graph so that queries see what powkg's default graph holds, and
                           --timeout-s 5, the query time limit powkg serve has by default

The load comes from wrk (Debian's `wrk`): keep-alive connections, GET /sparql?query=… with
Accept: application/sparql-results+json. Before timing, each server's answer to each query is checked to be the
same multiset of rows as powkg's. Oxigraph's CLI is `cargo install oxigraph-cli` (no release binaries are reachable
here); without it the comparison rows are left out and the script says so.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from harness import Server, free_port  # noqa: E402  (servers started and waited for as the end-to-end tests do)

QUERIES = ["camps", "conflicting-claims"]
JSON = "application/sparql-results+json"


def fetch_rows(url):
    request = urllib.request.Request(url, headers={"Accept": JSON})
    with urllib.request.urlopen(request, timeout=60) as response:
        data = json.load(response)
    return Counter(json.dumps(b, sort_keys=True) for b in data["results"]["bindings"])


def wrk(url, connections, seconds):
    threads = min(connections, 2)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Accept: {JSON}", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = 0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors += int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors += sum(int(x) for x in m.groups()) if m else 0
    return rate, latency(50), latency(99), errors


def main():
    # powkg runs in temporary directories here: the project it builds is the repository's own, the bundled one.
    os.environ.setdefault("POWKG_PROJECT", str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    parser.add_argument("--powkg", default=f"{target}/release/powkg")
    parser.add_argument("--oxigraph", default=shutil.which("oxigraph") or "/var/cache/oxigraph-cli/bin/oxigraph")
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    # The bundled queries rely on the prefixes powkg predeclares; a peer server gets them written out (the PREFIX
    # lines of powkg's Turtle export), which changes nothing for powkg.
    export = subprocess.run([args.powkg, "export", "--format", "turtle"], check=True, capture_output=True, text=True)
    prologue = "".join(line + "\n" for line in export.stdout.splitlines() if line.startswith("PREFIX "))
    # A query of the bundled project's own, or one built into powkg.
    texts = {
        q: prologue + next(p for p in (ROOT / "queries" / f"{q}.rq", ROOT / "src" / "query" / "builtin" / f"{q}.rq")
                           if p.exists()).read_text()
        for q in QUERIES
    }
    work = Path(tempfile.mkdtemp(prefix="powkg-serve-bench-"))
    servers = []
    try:
        store = work / "kgstore"
        subprocess.run([args.powkg, "build", "--store", str(store)], check=True, capture_output=True)
        dump = work / "powkg.nq"
        subprocess.run([args.powkg, "export", "--format", "nquads", "--out", str(dump)], check=True)
        plan = [
            ("powkg serve (in memory)", [args.powkg, "serve", "--bind"], "/sparql", "{addr}"),
            ("powkg serve --store (RocksDB)", [args.powkg, "serve", "--store", str(store), "--bind"], "/sparql",
             "{addr}"),
        ]
        if Path(args.oxigraph).exists():
            oxstore = work / "oxstore"
            subprocess.run([args.oxigraph, "load", "--location", str(oxstore), "--file", str(dump)], check=True,
                           capture_output=True)
            version = subprocess.run([args.oxigraph, "--version"], capture_output=True, text=True).stdout.strip()
            plan.append((f"{version} serve-read-only (RocksDB)",
                         [args.oxigraph, "serve-read-only", "--location", str(oxstore), "--union-default-graph",
                          "--timeout-s", "5", "--bind"], "/query", "{addr}"))
        else:
            print(f"note: no Oxigraph CLI at {args.oxigraph} (cargo install oxigraph-cli); comparison left out")

        reference = None
        rows = []
        for i, (name, command, path, _) in enumerate(plan):
            port = free_port()
            server = Server(f"server-{i}", command + [f"127.0.0.1:{port}"], str(work), port)
            servers.append(server)
            base = f"{server.root}{path}"
            try:
                server.wait_ready(f"{base}?query={urllib.parse.quote('ASK {}')}", seconds=120)
            except RuntimeError as e:
                sys.exit(f"{name}: {e}")
            urls = {q: f"{base}?query={urllib.parse.quote(t)}" for q, t in texts.items()}
            answers = {q: fetch_rows(u) for q, u in urls.items()}
            if reference is None:
                reference = answers
            for q in QUERIES:
                if answers[q] != reference[q]:
                    sys.exit(f"{name}: {q} answers differ from powkg's in-memory server")
            for q in QUERIES:
                wrk(urls[q], 4, 1)  # warm up
                for connections in (1, 16):
                    rate, p50, p99, errors = wrk(urls[q], connections, args.seconds)
                    rows.append((name, q, sum(answers[q].values()), connections, rate, p50, p99, errors))
            server.stop(timeout=30)

        print(f"\nSPARQL over HTTP on loopback, {args.seconds} s per cell, wrk keep-alive, Accept: {JSON}")
        header = f"{'server':<44} {'query':<20} {'rows':>5} {'clients':>7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
        print(header)
        print("-" * len(header))
        for name, q, n, c, rate, p50, p99, errors in rows:
            print(f"{name:<44} {q:<20} {n:>5} {c:>7} {rate:>9.0f} {p50:>8.2f} {p99:>8.2f} {errors:>6}")
        for q in QUERIES:
            for c in (1, 16):
                cells = {r[0]: r[4] for r in rows if r[1] == q and r[3] == c}
                ox = [v for k, v in cells.items() if k.startswith("oxigraph")]
                if ox:
                    mine = cells["powkg serve --store (RocksDB)"]
                    print(f"ratio powkg --store / oxigraph, {q}, {c} client(s): {mine / ox[0]:.2f}")
        print(f"reproduce: python3 benches/serve_bench.py --seconds {args.seconds}")
        if any(r[7] for r in rows):
            sys.exit("errors under load")
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
