"""(e) of serve_e2e.py: a second server with small limits, and clients that try to hold, crash or misuse it; after
each, the server still answers."""

import os
import re
import select
import socket
import threading
import time
import urllib.parse
import urllib.request

from harness import excerpt
from serve_common import (
    ENTITY, HTTP_TIMEOUT, RUNAWAY, SIMPLE, SMALL_GET, curl, expect_reply, fresh_request, sparql_url, status_of,
)

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

