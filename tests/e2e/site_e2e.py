#!/usr/bin/env python3
"""`powkg site` end to end, with nginx as the static host (run by .ci/run; needs Debian's nginx).

    python3 tests/e2e/site_e2e.py target/release/powkg

Checks:
  1. Two runs over the same graph write byte-identical sites.
  2. A killed run leaves the previous site whole (SIGKILL while a register's site is being written).
  3. nginx, started here on 127.0.0.1 with the site's own `nginx.conf` (only `listen` and `root` changed), answers
     the same `curl -H Accept:` checks as `powkg serve` does over the same graph: status, media type, and where a
     303 points.
  4. No broken links: every page reachable from the landing page and the sitemaps is crawled through nginx, and
     every `href`/`src` of every page (and every `<loc>` of the sitemaps) must answer 200 after redirects.
  3b. A bundled query's downloads are the same bytes from the site's files (through nginx), from the endpoint and
     from `powkg query` (one results writer).
  5. The sitemap index lists sitemap files of at most 50,000 addresses, all under the base IRI's origin.
  6. `--out` is replaced only when it is nothing, an empty folder or an earlier site (marked by `.powkg-site`): a
     folder of the user's files, the `--data` folder, the store (`--store st --out st`), an ancestor of the working
     directory and a regular file are refused with exit 2 and kept byte for byte.
  7. No file outside the site: a register whose record ids hold `..` segments is refused at its row, and a thing
     whose IRI has them (from an ontology file) stops the site, naming it; nothing is written outside `--out`.
  8. A base IRI holding `;`, `'` and `$` gives an `nginx.conf` that `nginx -t` accepts and that answers at that base;
     a base IRI with port 99999 is refused; past `ulimit -f`, `site` and `build` exit 2 naming the file.

Prints one line per check ("ok   ..." or "FAIL ...") and ends with "N passed, M failed"; exits 1 if any check failed.
"""

import hashlib
import html.parser
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from harness import PROFILE, ROOT, Checks, PowkgServer, Server, build, free_port

POWKG = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/powkg")
CHECKS = Checks()
check = CHECKS.check


def tree_digest(root):
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            digest.update(os.path.relpath(path, root).encode())
            with open(path, "rb") as f:
                digest.update(hashlib.sha256(f.read()).digest())
    return digest.hexdigest()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url, accept=None, follow=False):
    """(status, content type without parameters, Location, body)."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    opener = urllib.request.build_opener() if follow else OPENER
    try:
        with opener.open(request, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", "").split(";")[0].strip(), r.headers.get("Location"), r.read()
    except urllib.error.HTTPError as e:
        return e.code, (e.headers.get("Content-Type") or "").split(";")[0].strip(), e.headers.get("Location"), e.read()


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)


def nginx_conf(conf_dir, site, port):
    """The configuration of an nginx serving `site` on 127.0.0.1:`port` with the site's own `nginx.conf`."""
    os.makedirs(conf_dir, exist_ok=True)
    with open(os.path.join(site, "nginx.conf"), encoding="utf-8") as f:
        snippet = f.read()
    snippet = snippet.replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};")
    snippet = snippet.replace("root /srv/powkg-site;", f"root {site};")
    path = os.path.join(conf_dir, "nginx.conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write(
            "daemon off;\nworker_processes 1;\npid " + os.path.join(conf_dir, "nginx.pid") + ";\n"
            "error_log " + os.path.join(conf_dir, "error.log") + ";\nevents { worker_connections 64; }\n"
            "http {\n access_log off;\n client_body_temp_path " + conf_dir + ";\n proxy_temp_path " + conf_dir + ";\n"
            " fastcgi_temp_path " + conf_dir + ";\n uwsgi_temp_path " + conf_dir + ";\n scgi_temp_path " + conf_dir + ";\n"
            + snippet + "}\n"
        )
    return path


def powkg(args, cwd=None):
    return subprocess.run([POWKG] + args, capture_output=True, cwd=cwd)


def refused(run, path, why):
    """Whether `run` exited 2 naming `path` and saying `why`."""
    return run.returncode == 2 and path.encode() in run.stderr and why.encode() in run.stderr


def where_a_site_goes(work):
    """6. What `--out` may replace."""
    # A folder of the user's files: every byte kept.
    mine = os.path.join(work, "mine")
    os.makedirs(os.path.join(mine, "sub"))
    notes = bytes(range(256)) * 4
    for name in ("notes.bin", "sub/more.txt"):
        with open(os.path.join(mine, name), "wb") as f:
            f.write(notes)
    before = tree_digest(mine)
    run = powkg(["site", "--out", mine])
    check(refused(run, mine, "no .powkg-site"), f"a folder of the user's files is refused: {run.returncode} {run.stderr!r}")
    check(tree_digest(mine) == before and sorted(os.listdir(mine)) == ["notes.bin", "sub"],
          "the user's folder is kept byte for byte")
    # The --data folder it reads, and a folder inside it.
    data = os.path.join(work, "data")
    shutil.copytree(os.path.join(ROOT, "data"), data)
    before = tree_digest(data)
    run = powkg(["site", "--data", data, "--out", data])
    check(refused(run, data, "--data input"), f"--out the --data folder is refused: {run.returncode} {run.stderr!r}")
    inner = os.path.join(data, "public")
    run = powkg(["site", "--data", data, "--out", inner])
    check(refused(run, inner, "inside the --data input"), f"--out inside --data is refused: {run.stderr!r}")
    check(tree_digest(data) == before, "the --data folder is kept byte for byte")
    # The store it reads.
    st = os.path.join(work, "st")
    _, error = build(POWKG, "--store", st)
    if error:
        raise RuntimeError(error)
    before = tree_digest(st)
    run = powkg(["site", "--store", st, "--out", st])
    check(refused(run, st, "--store input"), f"--store st --out st is refused: {run.returncode} {run.stderr!r}")
    check(tree_digest(st) == before and powkg(["query", "camps", "--store", st]).returncode == 0,
          "the store is kept byte for byte and still opens")
    # The working directory and its ancestors.
    deep = os.path.join(work, "a", "b")
    os.makedirs(deep)
    with open(os.path.join(work, "a", "keep.txt"), "w", encoding="utf-8") as f:
        f.write("kept")
    for out in (os.path.join(work, "a"), "..", "."):
        os.makedirs(deep, exist_ok=True)  # a run that replaced its ancestor took it
        run = powkg(["site", "--out", out], cwd=deep)
        check(refused(run, out, "working directory"), f"--out {out} from a/b is refused: {run.stderr!r}")
    check(os.path.isfile(os.path.join(work, "a", "keep.txt")) and os.path.isdir(deep),
          "the working directory's ancestor is kept")
    # A regular file.
    plain = os.path.join(work, "file.txt")
    with open(plain, "wb") as f:
        f.write(notes)
    run = powkg(["site", "--out", plain])
    check(refused(run, plain, "not a folder"), f"a regular file at --out is refused: {run.stderr!r}")
    check(os.path.isfile(plain) and open(plain, "rb").read() == notes, "the regular file is kept byte for byte")
    # An empty folder is filled, and an earlier site replaced whole.
    empty = os.path.join(work, "empty")
    os.makedirs(empty)
    run = powkg(["site", "--out", empty])
    check(run.returncode == 0 and os.path.isfile(os.path.join(empty, ".powkg-site")),
          f"an empty folder takes a site, marked .powkg-site: {run.stderr!r}")
    with open(os.path.join(empty, "stale.html"), "w", encoding="utf-8") as f:
        f.write("stale")
    run = powkg(["site", "--out", empty])
    check(run.returncode == 0 and b"nothing changed" in run.stderr,
          f"an earlier site of the same graph is found current and left as it is: {run.stderr!r}")
    run = powkg(["site", "--out", empty, "--whole"])
    check(run.returncode == 0 and not os.path.exists(os.path.join(empty, "stale.html"))
          and os.path.isfile(os.path.join(empty, "index.html")),
          f"with --whole an earlier site is replaced whole: {run.stderr!r}")
    leftovers = [n for n in os.listdir(work) if ".site-" in n]
    check(not leftovers, f"refused runs leave no staging folder: {leftovers}")


def nothing_outside(work):
    """7. Dot segments in things' IRIs never put a file outside the site."""
    box = os.path.join(work, "box", "in")
    os.makedirs(box)
    reg = os.path.join(box, "reg.csv")
    with open(reg, "w", encoding="utf-8") as f:
        f.write("record_id,given_name,family_name\nSYN-1,Ion,Pop\n../../../../../../PWNED,Ion,Pop\n")
    with open(os.path.join(box, "reg.toml"), "w", encoding="utf-8") as f:
        f.write('[register]\nid = "reg"\ntitle = "t"\ntitle_language = "en"\nsynthetic = true\n'
                'item = "{+base}prisoner/{register}/{+record_id}"\nclass = "Person"\n'
                'label = ["given_name", "family_name"]\nlabel_language = "ro"\n'
                '[[column]]\nname = "record_id"\n[[column]]\nname = "given_name"\n[[column]]\nname = "family_name"\n')
    st = os.path.join(box, "st")
    run = powkg(["build", "--store", st, "--register", reg])
    check(run.returncode == 2 and f"{reg}:3: column record_id".encode() in run.stderr
          and b'path segment ".."' in run.stderr,
          f"a record id with .. segments is refused at its row: {run.returncode} {run.stderr!r}")
    if run.returncode == 0:
        # Before record ids were checked: the site of that store.
        powkg(["site", "--store", st, "--out", os.path.join(box, "public")])
    # A thing with dot segments that no register check saw: an ontology file names it.
    ontology = os.path.join(box, "ontology")
    shutil.copytree(os.path.join(ROOT, "ontology"), ontology)
    with open(os.path.join(ontology, "zz-dots.ttl"), "w", encoding="utf-8") as f:
        f.write("<https://example.org/powkg/x/../../../../../PWNED> "
                "<http://www.w3.org/2000/01/rdf-schema#label> \"dots\"@en .\n")
    out = os.path.join(box, "public")
    run = powkg(["site", "--ontology", ontology, "--out", out])
    check(run.returncode == 2 and b"PWNED" in run.stderr and b"segment" in run.stderr and not os.path.exists(out),
          f"a thing whose IRI has .. segments stops the site, naming it: {run.returncode} {run.stderr[-400:]!r}")
    written = [os.path.join(d, n) for d, _, names in os.walk(work) for n in names if n.startswith("PWNED")]
    check(not written, f"nothing is written outside --out: {written}")


def odd_bases_and_limits(work):
    """8. Base IRIs nginx's syntax reads, an impossible port, a file size limit."""
    base_path = "/po;w'k$g/"
    site = os.path.join(work, "odd")
    run = powkg(["site", "--base-iri", "https://example.org" + base_path, "--out", site])
    check(run.returncode == 0, f"a site under a base holding ; ' $: {run.stderr!r}")
    if run.returncode == 0:
        os.chmod(site, 0o755)
        port = free_port()
        conf = nginx_conf(os.path.join(work, "odd-nginx"), site, port)
        test = subprocess.run(["nginx", "-t", "-p", os.path.dirname(conf), "-c", conf], capture_output=True)
        check(test.returncode == 0, f"nginx -t accepts its nginx.conf: {test.stderr.decode()[-300:]}")
        if test.returncode == 0:
            nginx = Server("nginx", ["nginx", "-p", os.path.dirname(conf), "-c", conf], os.path.dirname(conf), port)
            try:
                nginx.wait_ready(seconds=30)
                thing = base_path + "entity/karlag"
                status, _, location, _ = fetch(f"http://127.0.0.1:{port}{thing}", "text/turtle")
                check(status == 303 and location == thing + ".ttl",
                      f"nginx answers at that base: {status} {location}")
                status, ctype, _, _ = fetch(f"http://127.0.0.1:{port}{thing}.ttl", "*/*")
                check(status == 200 and ctype == "text/turtle", f"{thing}.ttl: {status} {ctype}")
            finally:
                nginx.stop()
    out = os.path.join(work, "port")
    run = powkg(["site", "--base-iri", "https://example.org:99999/powkg/", "--out", out])
    check(run.returncode == 2 and b"port 99999" in run.stderr and not os.path.exists(out),
          f"a base IRI with port 99999 is refused: {run.returncode} {run.stderr!r}")
    # Past the file size limit, the write fails with EFBIG instead of SIGXFSZ killing the process.
    limited = os.path.join(work, "limited")
    os.makedirs(limited)
    for args, named in ((["site", "--out", "public"], "public/"), (["build", "--out", "x.ttl"], "x.ttl")):
        # Run from a directory outside the project: the project is named by POWKG_PROJECT.
        run = subprocess.run(["bash", "-c", 'ulimit -f 1; exec "$0" "$@"', POWKG] + args, capture_output=True,
                             cwd=limited, env={**os.environ, "POWKG_PROJECT": ROOT})
        check(run.returncode == 2 and named.encode() in run.stderr and b"File too large" in run.stderr,
              f"powkg {' '.join(args)} under ulimit -f 1: exit {run.returncode}, {run.stderr!r}")
    check(os.listdir(limited) == [], f"nothing is left after the limit: {os.listdir(limited)}")


def main():
    work = tempfile.mkdtemp(prefix="powkg-site-e2e-")
    os.chmod(work, 0o755)  # nginx's workers read the site as another user
    nginx = server = None
    try:
        site = os.path.join(work, "public")
        # 1. Determinism.
        subprocess.run([POWKG, "site", "--out", site], check=True, capture_output=True)
        first = tree_digest(site)
        subprocess.run([POWKG, "site", "--out", site, "--whole"], check=True, capture_output=True)
        check(tree_digest(site) == first, "two runs over the same graph write byte-identical sites")
        for name in ["index.html", "sitemap.xml", "nginx.conf", ".htaccess", "404.html", "dump.nq", "void.ttl",
                     "powkg/entity/karlag.html", "powkg/entity/karlag.ttl", "powkg/entity/karlag.jsonld",
                     "powkg/entity/karlag.nt", "query/index.html"]:
            check(os.path.isfile(os.path.join(site, name)), f"the site has {name}")

        # 6-8. Where a site may write, and what its configuration holds.
        where_a_site_goes(work)
        nothing_outside(work)
        odd_bases_and_limits(work)

        # Compact JSON-LD documents mean the same as the N-Triples ones (rdflib reads both); pages embed schema.org.
        import json
        import rdflib
        for thing in ["powkg/entity/karlag", "powkg/source/en-article", "powkg/dataset"]:
            jsonld, nt = rdflib.Dataset(), rdflib.Dataset()
            jsonld.parse(os.path.join(site, thing + ".jsonld"), format="json-ld")
            nt.parse(os.path.join(site, thing + ".nt"), format="nt")
            triples = lambda d: {(s_, p_, o_) for s_, p_, o_, _ in d.quads()}
            check(triples(jsonld) == triples(nt) and len(triples(nt)) > 3, f"{thing}.jsonld reads as {thing}.nt")
            with open(os.path.join(site, thing + ".jsonld"), encoding="utf-8") as f:
                doc = json.load(f)
            check("rdfs" in doc.get("@context", {}), f"{thing}.jsonld carries the graph's prefixes as its context")
        with open(os.path.join(site, "context.jsonld"), encoding="utf-8") as f:
            check(json.load(f)["@context"]["pk"].endswith("ontology#"), "the context is published")

        def data_blocks(path):
            with open(os.path.join(site, path), encoding="utf-8") as f:
                page = f.read()
            blocks = []
            for part in page.split('<script type="application/ld+json">')[1:]:
                blocks.append(json.loads(part.split("</script>")[0]))
            return blocks
        landing = data_blocks("index.html")
        what = "the landing page has a schema.org Dataset with licence and distributions"
        CHECKS.expect(any(b.get("@type") == "Dataset" and b.get("license") and b.get("distribution") for b in landing),
                      what, f"{what}: {landing}")
        camp = data_blocks("powkg/entity/karlag.html") + data_blocks("powkg/entity/allies.html")
        what = "an entity page has a schema.org Thing with its Wikidata item"
        CHECKS.expect(any(b.get("@type") == "Thing" and any("wikidata.org" in s_ for s_ in b.get("sameAs", []))
                          for b in camp), what, f"{what}: {camp}")
        for b in landing + camp:
            graph = rdflib.Graph()
            # schema.org's context is remote: read the block with the vocabulary mapped locally.
            b = dict(b, **{"@context": {"@vocab": "https://schema.org/"}})
            graph.parse(data=json.dumps(b), format="json-ld")
            check(len(graph) > 3, "a schema.org block reads as JSON-LD")

        # The dataset description meets DCAT-AP's mandatory properties (shapes of our own, pyshacl).
        import pyshacl
        shapes = os.path.join(ROOT, "tests", "fixtures", "dcat-ap", "shapes.ttl")
        void = rdflib.Graph().parse(os.path.join(site, "void.ttl"), format="turtle")
        conforms, _, text = pyshacl.validate(void, shacl_graph=rdflib.Graph().parse(shapes), inference="none")
        what = "the site's dataset description conforms to the DCAT-AP shapes"
        CHECKS.expect(conforms, what, f"{what}: {text}")
        broken = rdflib.Graph().parse(os.path.join(site, "void.ttl"), format="turtle")
        broken.remove((None, rdflib.URIRef("http://www.w3.org/ns/dcat#accessURL"), None))
        conforms, _, _ = pyshacl.validate(broken, shacl_graph=rdflib.Graph().parse(shapes), inference="none")
        check(not conforms, "the DCAT-AP shapes catch a distribution with no access URL")

        # 2. A killed run leaves the previous site whole: a store with a register takes long enough to kill.
        store = os.path.join(work, "store")
        csv = os.path.join(work, "reg.csv")
        subprocess.run([POWKG, "generate-register", "--profile", PROFILE, "--rows", "20000", "--out", csv], check=True, capture_output=True)
        _, error = build(POWKG, "--store", store, "--register", csv)
        if error:
            raise RuntimeError(error)
        killed = subprocess.Popen([POWKG, "site", "--store", store, "--out", site],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.5)
        if killed.poll() is None:
            killed.send_signal(signal.SIGKILL)
            killed.wait()
            check(tree_digest(site) == first, "a killed run leaves the previous site as it was")
        else:
            check(False, "the register's site took under 1.5 s: the kill check did not run")
        registered = os.path.join(work, "registered")
        started = time.time()
        subprocess.run([POWKG, "site", "--store", store, "--out", registered], check=True, capture_output=True)
        print(f"site of the 20,000-row register store: {time.time() - started:.1f} s", flush=True)
        subprocess.run([POWKG, "site", "--out", site], check=True, capture_output=True)
        check(tree_digest(site) == first, "the next run writes the same site again")
        leftovers = [n for n in os.listdir(work) if ".site-" in n]
        check(not leftovers, f"the next run removes what the killed one left: {leftovers}")
        with open(os.path.join(registered, "sitemap.xml"), encoding="utf-8") as f:
            index = ET.fromstring(f.read())
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        maps = [e.text for e in index.findall("s:sitemap/s:loc", ns)]
        check(len(maps) >= 1, f"the sitemap index lists the sitemap files ({len(maps)})")
        total = 0
        for loc in maps:
            path = os.path.join(registered, urllib.parse.urlsplit(loc).path.lstrip("/"))
            with open(path, encoding="utf-8") as f:
                urls = [e.text for e in ET.fromstring(f.read()).findall("s:url/s:loc", ns)]
            check(len(urls) <= 50000, f"{loc} lists at most 50,000 addresses ({len(urls)})")
            check(all(u.startswith("https://example.org/") for u in urls), f"{loc}: addresses under the base's origin")
            total += len(urls)
        check(total > 20000, f"the sitemaps list every record's page ({total} addresses)")

        # The server's pages of a class and of the links to a camp (read with OFFSET) list what the site's files
        # list (streamed): the same things, in the same order, on the same page.
        import re
        reg_server = PowkgServer(POWKG, work, "--store", store, name="serve-register")
        try:
            reg_server.wait_ready(seconds=30)
            listed = lambda page: [h.removesuffix(".html") for h in re.findall(r'<li><a href="(/powkg/[^"]+)"', page)]
            classes = os.path.join(registered, "classes")
            largest = max(os.listdir(classes), key=lambda c: len(os.listdir(os.path.join(classes, c))))
            last = len(os.listdir(os.path.join(classes, largest)))
            karlag = os.path.join(registered, "mentions", "powkg", "entity", "karlag")
            pages = [f"/classes/{largest}/{n}.html" for n in (1, 2, last)]
            pages += [f"/mentions/powkg/entity/karlag/{n}.html" for n in (1, 2, len(os.listdir(karlag)))]
            for path in pages:
                with open(os.path.join(registered, path.lstrip("/")), encoding="utf-8") as f:
                    written = listed(f.read())
                served = fetch(f"{reg_server.root}{path}", "text/html")
                check(served[0] == 200 and written and listed(served[3].decode()) == written,
                      f"{path}: the server lists the {len(written)} things the site's file lists, in its order")
        finally:
            reg_server.stop()

        # 3. nginx with the site's own configuration against powkg serve.
        port = free_port()
        conf_dir = os.path.join(work, "nginx")
        conf = nginx_conf(conf_dir, site, port)
        subprocess.run(["nginx", "-t", "-p", conf_dir, "-c", conf], check=True, capture_output=True)
        nginx = Server("nginx", ["nginx", "-p", conf_dir, "-c", conf], conf_dir, port)
        nginx.wait_ready(seconds=30)
        server = PowkgServer(POWKG, work)
        server.wait_ready(seconds=30)
        static, dynamic = nginx.root, server.root
        cases = [
            ("/powkg/entity/karlag", "text/html"),
            ("/powkg/entity/karlag", "text/turtle"),
            ("/powkg/entity/karlag", "application/ld+json"),
            ("/powkg/entity/karlag", "application/json"),
            ("/powkg/entity/karlag", "application/n-triples"),
            ("/powkg/entity/karlag", "application/rdf+xml"),
            ("/powkg/entity/karlag", "*/*"),
            ("/powkg/entity/karlag", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            ("/powkg/entity/karlag.ttl", "*/*"),
            ("/powkg/entity/karlag.jsonld", "*/*"),
            ("/powkg/entity/karlag.nt", "*/*"),
            ("/powkg/entity/karlag.html", "text/html"),
            ("/powkg/dataset", "text/turtle"),
            ("/powkg/ontology", "text/turtle"),
            ("/powkg/source/en-article", "text/html"),
            ("/void", "text/turtle"),
            ("/void", "application/ld+json"),
            ("/void", "text/html"),
            ("/dump", "application/n-quads"),
            ("/dump", "application/trig"),
            ("/dump", "text/turtle"),
            ("/dump.nq", "*/*"),
            ("/void.ttl", "*/*"),
            ("/powkg/entity/no-such-thing", "text/turtle"),
            ("/powkg/entity/no-such-thing.html", "text/html"),
            ("/", "text/html"),
            ("/assets/style.css", "*/*"),
        ]
        # Statements have IRIs of their own: take one from the site.
        statements = sorted(os.listdir(os.path.join(site, "powkg", "statement")))
        check(bool(statements), "the site has statement pages")
        if statements:
            cases.append(("/powkg/statement/" + statements[0].rsplit(".", 1)[0], "application/ld+json"))
        for path, accept in cases:
            s = fetch(static + path, accept)
            d = fetch(dynamic + path, accept)
            check(s[0] == d[0], f"{path} Accept {accept}: nginx {s[0]}, powkg serve {d[0]}")
            if path == "/void" and accept == "text/turtle":
                void = rdflib.Graph().parse(data=d[3].decode(), format="turtle")
                conforms, _, text = pyshacl.validate(void, shacl_graph=rdflib.Graph().parse(shapes), inference="none")
                what = "the server's dataset description conforms to the DCAT-AP shapes"
                CHECKS.expect(conforms, what, f"{what}: {text}")
            if s[0] in (200, 303):
                check(s[1] == d[1] or s[0] == 303, f"{path} Accept {accept}: type nginx {s[1]}, serve {d[1]}")
            if s[0] == 303:
                check(s[2] == d[2], f"{path} Accept {accept}: Location nginx {s[2]}, serve {d[2]}")
            # The dataset description names the endpoint at the request's origin: only the things' documents compare.
            if s[0] == 200 and path.startswith("/powkg/") and path.endswith((".ttl", ".nt", ".jsonld")):
                check(s[3] == d[3], f"{path}: the same document from the site and the server")

        # 3b. One results writer: a bundled query's downloads on the site, the endpoint's answer and powkg query's.
        with open(os.path.join(ROOT, "queries", "camps.rq"), encoding="utf-8") as f:
            camps = f.read()
        for name, extension, media_type in [("csv", "csv", "text/csv"), ("tsv", "tsv", "text/tab-separated-values"),
                                            ("json", "srj", "application/sparql-results+json"),
                                            ("xml", "srx", "application/sparql-results+xml")]:
            s = fetch(f"{static}/query/camps.{extension}", "*/*")
            d = fetch(f"{dynamic}/sparql?" + urllib.parse.urlencode({"format": name, "query": camps}), "*/*")
            cli = subprocess.run([POWKG, "query", "camps", "--format", name], check=True, capture_output=True).stdout
            check(s[0] == 200 and s[1] == media_type, f"/query/camps.{extension}: nginx {s[0]} {s[1]}")
            check(d[0] == 200 and d[1] == media_type, f"the endpoint's {name}: {d[0]} {d[1]}")
            named = fetch(f"{dynamic}/query/camps.{extension}", "*/*")
            check(len(cli) > 100 and s[3] == d[3] == cli == named[3],
                  f"camps as {name}: the same bytes from the site, the endpoint, the server's /query/camps.{extension}"
                  " and powkg query")
        page = fetch(f"{static}/query/camps.html", "text/html")[3].decode()
        check('href="/query/camps.csv"' in page, "the site's query page links its CSV download")

        # 4. No broken links: crawl through nginx.
        seen, todo, broken, pages = set(), ["/"], [], 0
        for loc in maps_of(site):
            todo.append(urllib.parse.urlsplit(loc).path)
        while todo:
            path = todo.pop()
            if path in seen:
                continue
            seen.add(path)
            status, ctype, _, body = fetch(static + path, "text/html", follow=True)
            if status != 200:
                broken.append((path, status))
                continue
            if ctype != "text/html":
                continue
            pages += 1
            parser = Links()
            parser.feed(body.decode("utf-8", "replace"))
            for link in parser.links:
                target = urllib.parse.urljoin(path, link)
                parts = urllib.parse.urlsplit(target)
                if parts.scheme in ("http", "https") and parts.netloc not in ("", f"127.0.0.1:{port}"):
                    continue  # outside the site: Wikidata, the licence
                if parts.scheme not in ("", "http", "https"):
                    continue
                todo.append(parts.path + (("?" + parts.query) if parts.query else ""))
        check(not broken, f"no broken links ({len(broken)} of {len(seen)}): {broken[:10]}")
        check(pages > 500, f"the crawl reached every page ({pages} pages)")
        print(f"crawled {len(seen)} addresses, {pages} pages", flush=True)
    finally:
        for p in (nginx, server):
            if p is not None:
                p.stop()
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(CHECKS.finish())


def maps_of(site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    with open(os.path.join(site, "sitemap.xml"), encoding="utf-8") as f:
        index = ET.fromstring(f.read())
    out = []
    for loc in index.findall("s:sitemap/s:loc", ns):
        path = os.path.join(site, urllib.parse.urlsplit(loc.text).path.lstrip("/"))
        with open(path, encoding="utf-8") as f:
            out.extend(e.text for e in ET.fromstring(f.read()).findall("s:url/s:loc", ns))
    return out


if __name__ == "__main__":
    main()
