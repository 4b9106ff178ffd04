#!/usr/bin/env python3
"""A generator of queries with long lists, sent to `powkg serve`: no request may crash the server, get a 5xx other
than 503, or keep a core busy past its deadline plus one second.

Usage: python tests/e2e/query_lists.py PATH/TO/powkg [--seconds N] [--seed S]

Every list a query holds that the engine walks (ORDER BY and GROUP BY keys, aggregates, projected variables and
expressions, VALUES variables and rows, function arguments, IN members, UNION branches, property-path alternatives
and steps, negated property sets, CONSTRUCT templates, FROM clauses, chains of operators, nested triple terms, basic
graph patterns, OPTIONAL chains) is generated at lengths from 1 to what fits the server's 1 MiB request limit (and a
little past it), put in a random context (the query's top level, a subquery, OPTIONAL, EXISTS, GRAPH), and POSTed.
Each answer must be 200, 400, 413 or 503, and the server must stay up; after every 503 (a query stopped at its
deadline), the server's CPU time is read from /proc over a half second starting one second after the deadline: the
core must be free by then (less than 0.1 s of CPU in that window).

Each round sends every kind at three or four lengths; the first round always completes, later ones run until
--seconds (default 60; run it for 600 or more to fuzz) is up. Then it prints the figures per list kind and ends with
"N passed, M failed"; exits 1 if any check failed. The seed is printed, so that a failing run can be repeated.
"""

import argparse
import os
import random
import sys
import tempfile
import time
import urllib.error
import urllib.request

from harness import Checks, PowkgServer, excerpt

QUERY_TIMEOUT = 2  # --query-timeout of the server under test, seconds
REQUEST_LIMIT = 1024 * 1024  # the server's default --max-request-bytes
CPU_WINDOW = 0.5  # seconds of CPU time measured after deadline + 1 s
CPU_IDLE = 0.1  # most CPU seconds the server may use in that window
TICKS = os.sysconf("SC_CLK_TCK")
P = "<http://www.w3.org/2000/01/rdf-schema#label>"


def repeat(item, n, sep=" "):
    return sep.join(item(i) if callable(item) else item for i in range(n))


# Each generator makes the query text for a list of n entries. `where` is a group graph pattern's inside to use.
SHAPES = {
    "ORDER BY keys": lambda n: f"SELECT * WHERE {{ ?s ?p ?o }} ORDER BY {repeat(random.choice(['?o', 'DESC(?s)', 'STR(?o)', '?p']), n)}",
    "GROUP BY keys": lambda n: f"SELECT (COUNT(*) AS ?c) WHERE {{ ?s ?p ?o }} GROUP BY {repeat(random.choice(['?o', '(STR(?o))', '?s']), n)}",
    "aggregates": lambda n: f"SELECT {repeat(lambda i: f'(SAMPLE(?v{i}) AS ?c{i})', n)} WHERE {{ ?s ?p ?o }}",
    "projected variables": lambda n: f"SELECT {repeat(lambda i: f'?v{i}', n)} WHERE {{ ?s ?p ?o }}",
    "projected expressions": lambda n: f"SELECT {repeat(lambda i: f'(STR(?o) AS ?e{i})', n)} WHERE {{ ?s ?p ?o }}",
    "VALUES variables": lambda n: f"SELECT * WHERE {{ VALUES ({repeat(lambda i: f'?v{i}', n)}) {{ ({repeat('1', n)}) }} ?s ?p ?o }}",
    "VALUES rows": lambda n: f"SELECT * WHERE {{ VALUES ?x {{ {repeat(lambda i: str(i), n)} }} ?s ?p ?o }}",
    "VALUES rows x VALUES rows": lambda n: f"SELECT (COUNT(*) AS ?c) WHERE {{ VALUES ?x {{ {repeat(lambda i: str(i), n)} }} VALUES ?y {{ {repeat(lambda i: str(i), n)} }} }} ORDER BY ?x ?y",
    "CONCAT arguments": lambda n: f"SELECT * WHERE {{ ?s ?p ?o BIND(CONCAT({repeat('STR(?o)', n, ',')}) AS ?x) }}",
    "COALESCE arguments": lambda n: f"SELECT * WHERE {{ ?s ?p ?o BIND(COALESCE({repeat('?o', n, ',')}) AS ?x) }}",
    "IN members": lambda n: f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o IN ({repeat(lambda i: str(i), n, ',')})) }}",
    "NOT IN members": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(?o NOT IN ("
    + repeat(lambda i: '"%d"' % i, n, ",") + ")) }",
    "UNION branches": lambda n: f"SELECT * WHERE {{ {repeat('{ ?s ?p ?o }', n, ' UNION ')} }}",
    "path alternatives": lambda n: f"SELECT * WHERE {{ ?s {repeat(P, n, '|')} ?o }}",
    "path steps": lambda n: f"SELECT * WHERE {{ ?s {repeat(P + '*', n, '/')} ?o }}",
    "negated property set": lambda n: f"SELECT * WHERE {{ ?s !({repeat(P, n, '|')}) ?o }}",
    "CONSTRUCT template": lambda n: f"CONSTRUCT {{ {repeat(lambda i: f'?s ?p ?o{i} .', n)} }} WHERE {{ ?s ?p ?o }}",
    "FROM clauses": lambda n: f"SELECT * {repeat(lambda i: f'FROM <http://example.org/g{i}>', n)} WHERE {{ ?s ?p ?o }}",
    "|| chain": lambda n: f"SELECT * WHERE {{ ?s ?p ?o FILTER({repeat('?o', n, ' || ')}) }}",
    "+ chain": lambda n: f"SELECT * WHERE {{ BIND({repeat('1', n, ' + ')} AS ?x) }}",
    "triple patterns": lambda n: f"SELECT * WHERE {{ {repeat(lambda i: f'?s{i} ?p ?o{i} .', n)} }}",
    "OPTIONAL chain": lambda n: f"SELECT * WHERE {{ ?s ?p ?o {repeat(lambda i: f'OPTIONAL {{ ?s ?p ?o{i} }}', n)} }}",
    "nested triple terms": lambda n: "SELECT * WHERE { ?s ?p " + "<<( ?s ?p " * n + "?o" + " )>>" * n + " }",
    "DESCRIBE targets": lambda n: f"DESCRIBE {repeat(lambda i: f'<http://example.org/x{i}>', n)}",
}

# Contexts a list is put in: the query as it is, or its WHERE group moved into a subquery, OPTIONAL, EXISTS, GRAPH.
CONTEXTS = {
    "top level": lambda q: q,
    "subquery": lambda q: f"SELECT * WHERE {{ {{ {q} }} }}" if q.startswith("SELECT") else q,
    "OPTIONAL": lambda q: q.replace("WHERE {", "WHERE { ?a ?b ?c OPTIONAL {", 1) + " }" if q.startswith("SELECT") and q.endswith("}") else q,
    "EXISTS": lambda q: q.replace("WHERE {", "WHERE { ?a ?b ?c FILTER EXISTS {", 1) + " }" if q.startswith("SELECT") and q.endswith("}") else q,
    "GRAPH": lambda q: q.replace("WHERE {", "WHERE { GRAPH ?g {", 1) + " }" if q.startswith("SELECT") and q.endswith("}") else q,
}


LONGEST = {}


def longest(shape):
    """The most entries of `shape` that fit the request limit (with room for a context around them)."""
    if shape not in LONGEST:
        fits = lambda n: len(SHAPES[shape](n)) <= REQUEST_LIMIT - 200
        low, high = 1, 2
        while fits(high):
            low, high = high, high * 2
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if fits(middle) else (low, middle)
        LONGEST[shape] = low
    return LONGEST[shape]


def lengths(shape):
    """Lengths to try in one round: the longest that fits the request limit, one of the bounds' neighbourhoods or a
    power of ten below it, a random one in between, and now and then one past the limit."""
    most = longest(shape)
    fixed = [n for n in (1, 2, 5, 10, 16, 17, 32, 33, 64, 65, 100, 256, 257, 1000, 1001, 5000, 10_000, 10_001,
                         20_000, 100_000, 300_000) if n <= most]
    picks = [most, random.choice(fixed), random.randint(1, most)]
    if random.random() < 0.2:
        picks.append(most * 2)
    return picks


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def post(port, text):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/sparql", data=text.encode(), method="POST",
        headers={"Content-Type": "application/sparql-query",
                 "Accept": "application/sparql-results+json, application/n-triples;q=0.9"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status, ""
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as e:
        return None, str(e)


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("powkg")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args(argv[1:])
    random.seed(args.seed)
    print(f"seed {args.seed}; repeat with: python tests/e2e/query_lists.py {args.powkg} --seconds {args.seconds:g} "
          f"--seed {args.seed}", flush=True)
    checks = Checks()
    stats = {}  # shape -> [requests, {status: n}, slowest answer, most CPU after a deadline]
    failures = []
    with tempfile.TemporaryDirectory(prefix="powkg-lists-") as tmp:
        server = PowkgServer(args.powkg, tmp, "--query-timeout", str(QUERY_TIMEOUT), "--max-concurrent-queries", "2")
        process, port = server.process, server.port
        try:
            server.wait_ready(seconds=120)
        except RuntimeError as e:
            server.stop()
            checks.fail(str(e))
            return checks.finish()
        try:
            stop_at = time.monotonic() + args.seconds
            rounds = 0
            # every kind at least once, however short the run; then until the time is up
            while (rounds == 0 or time.monotonic() < stop_at) and not failures:
                rounds += 1
                for shape in random.sample(list(SHAPES), len(SHAPES)):
                    if (rounds > 1 and time.monotonic() >= stop_at) or failures:
                        break
                    for n in lengths(shape):
                        context = random.choice(list(CONTEXTS))
                        text = CONTEXTS[context](SHAPES[shape](n))
                        sent = time.monotonic()
                        status, body = post(port, text)
                        took = time.monotonic() - sent
                        # past the request limit the server answers 413 and closes: a client still sending may see
                        # its connection reset instead
                        cut_off = "reset" in body or "Broken pipe" in body
                        if status is None and len(text.encode()) > REQUEST_LIMIT and cut_off:
                            status = 413
                        entry = stats.setdefault(shape, [0, {}, 0.0, 0.0])
                        entry[0] += 1
                        entry[1][status] = entry[1].get(status, 0) + 1
                        entry[2] = max(entry[2], took)
                        what = f"{shape}, {n} entries, {context} ({len(text):,} bytes)"
                        if process.poll() is not None:
                            failures.append(f"{what}: the server exited with code {process.returncode}")
                            break
                        if status not in (200, 400, 413, 503):
                            failures.append(f"{what}: answered {status}: {excerpt(body, 300)}")
                            break
                        if status == 503:
                            # the core must be free from one second past the deadline on
                            free_from = sent + QUERY_TIMEOUT + 1.0
                            time.sleep(max(0.0, free_from - time.monotonic()))
                            before = cpu_seconds(process.pid)
                            time.sleep(CPU_WINDOW)
                            used = cpu_seconds(process.pid) - before
                            entry[3] = max(entry[3], used)
                            if used >= CPU_IDLE:
                                failures.append(
                                    f"{what}: {used:.2f} s of CPU in the {CPU_WINDOW} s from 1 s past the deadline")
                                break
                    if failures:
                        break
            total = sum(e[0] for e in stats.values())
            print(f"{total} requests in {rounds} rounds over {len(stats)} list kinds:", flush=True)
            for shape, (requests, statuses, slowest, cpu) in sorted(stats.items()):
                answered = ", ".join(f"{s}: {c}" for s, c in sorted(statuses.items(), key=lambda x: str(x[0])))
                print(f"  {shape}: {requests} requests ({answered}); slowest answer {slowest:.2f} s; "
                      f"most CPU after a deadline + 1 s: {cpu:.2f} s", flush=True)
            checks.expect(not failures, f"{total} generated queries: no crash, no 5xx but 503, every core freed "
                          f"within a second of its deadline", "; ".join(failures))
            checks.expect(process.poll() is None, "the server is still up", "the server is down")
        finally:
            server.stop()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
