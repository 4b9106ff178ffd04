"""(e) of serve_e2e.py, over a store with a large register: the pages of its source, of its busiest camp and of its
largest class show their first links and count or page the rest."""

import json
import os
import re
import time
import urllib.parse

from harness import PROFILE, build, excerpt
from serve_common import curl, expect_reply, run_cli, sparql_url

REGISTER_ROWS = 20_000  # rows of the synthetic register the abuse server serves (its dump: tens of megabytes)


def build_register_store(powkg, tmp):
    """An on-disk store of the bundled graph and a synthetic register (`e2e-register`); returns its path, or raises
    RuntimeError with powkg's words."""
    csv_path = os.path.join(tmp, "e2e-register.csv")
    store = os.path.join(tmp, "kgstore")
    run_cli(powkg, "generate-register", "--profile", PROFILE, "--rows", str(REGISTER_ROWS), "--seed", "3", "--out", csv_path)
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

