"""What changed between two builds, checked by independent readers: `powkg diff`, its patches applied by rdflib and
by the Oxigraph server's command line, and the change feed (LDES) read back by an rdflib client.

Usage: python3 tests/e2e/changes_e2e.py PATH/TO/powkg

1. The bundled project is built into a store; a copy of it with one claim's value changed (and one claim removed,
   one entity relabelled) is built into a second store and, again, into the first (so that its feed gets a second
   build's members).
2. `powkg diff` between the two stores names the changed claim, its old and new value and its source, the removed
   claim and the relabelled entity, and exits 1; between a store and itself it exits 0; on a missing input, 2.
3. Its RDF Patch, applied to the old store's dump by a parser written here from Apache Jena's RDF Patch format
   (rdflib), gives the new dump (isomorphic); its SPARQL Update, run by the Oxigraph server's own command line on
   the old dump, gives the new dump too.
4. The feed is read by an LDES client written here with rdflib from the LDES 1.0 specification's consumer rules,
   over HTTP from `powkg serve` and from the files of `powkg site`: it starts at the stream, follows every
   `tree:relation`, keeps each thing's latest version (by `dcterms:created`, then page order), drops deletions, and
   the union of what is left equals the graph.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from site_e2e import nginx_conf  # noqa: E402  (an nginx serving a site with its own nginx.conf)

from rdflib import Dataset, URIRef, Literal  # noqa: E402
from rdflib.compare import isomorphic  # noqa: E402
from rdflib.namespace import RDF, DCTERMS  # noqa: E402

BASE = "https://example.org/powkg/"
TREE = "https://w3id.org/tree#"
LDES = "https://w3id.org/ldes#"
AS = "https://www.w3.org/ns/activitystreams#"
OXIGRAPH = os.path.join(os.path.dirname(sys.executable), "oxigraph")


def run(cmd, cwd=harness.ROOT):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=cwd)


def changed_project(folder):
    """A copy of the bundled project with the Italian figure of captures changed, one claim removed and one entity
    relabelled."""
    project = os.path.join(folder, "changed")
    os.makedirs(project)
    for name in ("powkg.toml",):
        shutil.copy(os.path.join(harness.ROOT, name), project)
    for name in ("data", "ontology", "queries"):
        shutil.copytree(os.path.join(harness.ROOT, name), os.path.join(project, name))
    # The kept results of the project's queries describe the bundled graph, not this one.
    for name in os.listdir(os.path.join(project, "queries")):
        if ".expected." in name:
            os.remove(os.path.join(project, "queries", name))
    claims = os.path.join(project, "data", "claims.toml")
    with open(claims, encoding="utf-8") as f:
        text = f.read()
    marker = 'id = "captured-after-switch-it"'
    head, tail = text.split(marker, 1)
    assert "quantity = 140000" in tail.split("[[claim]]", 1)[0], "the bundled claim changed: update this test"
    tail = tail.replace("quantity = 140000", "quantity = 150000", 1)
    text = head + marker + tail
    # Remove the last claim block whole.
    blocks = text.split("\n[[claim]]\n")
    removed = blocks[-1].split('id = "', 1)[1].split('"', 1)[0]
    text = "\n[[claim]]\n".join(blocks[:-1]) + "\n"
    with open(claims, "w", encoding="utf-8") as f:
        f.write(text)
    entities = os.path.join(project, "data", "entities.toml")
    with open(entities, encoding="utf-8") as f:
        etext = f.read()
    # The first English label of the file gets a suffix.
    at = etext.index('label = { en = "') + len('label = { en = "')
    end = etext.index('"', at)
    relabelled_to = etext[at:end] + " (revised)"
    etext = etext[:at] + relabelled_to + etext[end:]
    with open(entities, "w", encoding="utf-8") as f:
        f.write(etext)
    return project, removed, relabelled_to


def dump(powkg, store, path):
    out = run([powkg, "export", "--store", store, "--format", "nquads", "--out", path])
    if out.returncode != 0:
        raise RuntimeError(f"export of {store} exited {out.returncode}: {out.stderr}")
    ds = Dataset()
    ds.parse(path, format="nquads")
    return ds


def quads_of(ds):
    return {(s, p, o, g.identifier if hasattr(g, "identifier") else g) for s, p, o, g in ds.quads((None, None, None, None))}


def apply_rdf_patch(ds, text):
    """Applies an RDF Patch (Apache Jena's format: header rows `H`, transaction rows `TX`/`TC`/`TA`, data rows `A`
    and `D` of N-Triples terms with an optional graph) to the rdflib Dataset DS, row by row."""
    rows = 0
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        code, _, rest = line.partition(" ")
        if code in ("H", "TX", "TC", "TA", "PA", "PD"):
            continue
        if code not in ("A", "D"):
            raise ValueError(f"line {number}: unknown row {code!r}")
        # One N-Quads statement: parsed by rdflib's own N-Quads reader.
        scratch = Dataset()
        scratch.parse(data=rest + "\n", format="nquads")
        (s, p, o, graph), = list(scratch.quads((None, None, None, None)))
        target = ds.graph(graph.identifier if hasattr(graph, "identifier") else graph)
        if code == "A":
            target.add((s, p, o))
        else:
            target.remove((s, p, o))
        rows += 1
    return rows


def same_datasets(a, b):
    """Whether two datasets hold the same graphs with isomorphic contents."""
    names = lambda ds: {c.identifier for c in ds.graphs() if len(c)}
    if names(a) != names(b):
        return False, f"graphs differ: {sorted(names(a) ^ names(b))[:5]}"
    for name in names(a):
        if not isomorphic(a.graph(name), b.graph(name)):
            return False, f"graph {name} differs"
    return True, ""


class Fetcher:
    """Gets a feed document by IRI: over HTTP from a server (the base IRI's origin mapped to the server's), or from
    a site's files."""

    def __init__(self, server_root=None, site=None):
        self.server_root = server_root
        self.site = site
        self.fetched = []
        self.types = set()

    def get(self, iri):
        self.fetched.append(iri)
        assert iri.startswith(BASE), iri
        path = "/" + iri[len("https://example.org/"):]
        if self.site:
            with open(os.path.join(self.site, path.lstrip("/") + ".nq"), encoding="utf-8") as f:
                return f.read(), False
        request = urllib.request.Request(self.server_root + path, headers={"Accept": "application/n-quads"})
        with urllib.request.urlopen(request, timeout=30) as r:
            self.types.add((r.headers.get("Content-Type") or "").split(";")[0])
            return r.read().decode("utf-8"), "immutable" in (r.headers.get("Cache-Control") or "")


def read_feed(start, fetcher):
    """An LDES client: from START (the stream's IRI), the root node (`START tree:view ?root`), then every node by
    its relations; each member's quads are its named graph. Returns (the stream, members as (time, page order,
    kind, version of, triples)), pages seen, and immutable pages."""
    text, _ = fetcher.get(start)
    doc = Dataset()
    doc.parse(data=text, format="nquads")
    views = list(doc.default_graph.objects(URIRef(start), URIRef(TREE + "view")))
    assert len(views) == 1, f"{start} names {len(views)} views"
    stream = URIRef(start)
    queue, seen, members, immutable = [str(views[0])], set(), [], 0
    order = 0
    while queue:
        node = queue.pop(0)
        if node in seen:
            continue
        seen.add(node)
        text, cache_immutable = fetcher.get(node)
        page = Dataset()
        page.parse(data=text, format="nquads")
        dg = page.default_graph
        if (URIRef(node), URIRef(LDES + "immutable"), Literal(True)) in dg:
            immutable += 1
        for relation in dg.objects(URIRef(node), URIRef(TREE + "relation")):
            for target in dg.objects(relation, URIRef(TREE + "node")):
                queue.append(str(target))
        for member in dg.objects(stream, URIRef(TREE + "member")):
            kind = {str(t) for t in dg.objects(member, RDF.type)}
            version_of = next(dg.objects(member, DCTERMS.isVersionOf))
            created = str(next(dg.objects(member, DCTERMS.created)))
            triples = set(page.graph(member).triples((None, None, None)))
            order += 1
            members.append((created, order, kind, version_of, triples))
    return members, seen, immutable


def rebuild_state(members):
    latest = {}
    for created, order, kind, version_of, triples in sorted(members, key=lambda m: (m[0], m[1])):
        latest[version_of] = (kind, triples)
    state = set()
    for kind, triples in latest.values():
        if AS + "Delete" in kind:
            continue
        state |= triples
    return state, latest


def main():
    checks = harness.Checks()
    powkg = harness.powkg_binary(sys.argv, __doc__, checks)
    if powkg is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="powkg-changes-") as folder:
        old_store = os.path.join(folder, "old.store")
        new_store = os.path.join(folder, "new.store")
        feed_store = os.path.join(folder, "feed.store")
        project, removed, relabelled_to = changed_project(folder)
        for store, where in ((old_store, harness.ROOT), (feed_store, harness.ROOT), (new_store, project), (feed_store, project)):
            out = run([powkg, "build", "--store", store, "--feed-page-size", "40"], cwd=where)
            if out.returncode != 0:
                checks.fail(f"build into {store} from {where} exited {out.returncode}: {harness.excerpt(out.stderr)}")
                return checks.finish()
        checks.ok("the bundled project and a changed copy built into stores (one store built twice)")

        # 2. The report.
        text = run([powkg, "diff", old_store, new_store])
        checks.check(text.returncode == 1, f"powkg diff of two different stores exits 1 (got {text.returncode})")
        report = text.stdout
        checks.expect(
            "captured-after-switch-it" in report and "140000" in report and "150000" in report,
            "the text report names the changed claim with its old and new values",
            f"the text report lacks the changed claim or its values:\n{harness.excerpt(report, 2000)}",
        )
        js = run([powkg, "diff", old_store, new_store, "--format", "json"])
        data = json.loads(js.stdout)
        changed = {c["id"]: c for c in data["claims"]["changed"]}
        c = changed.get("captured-after-switch-it")
        value = c and next((p for p in c["changes"] if p["part"] == "value"), None)
        checks.expect(
            data["format"] == "powkg-diff" and data["version"] == 1 and value is not None
            and value["old"] == ["140000"] and value["new"] == ["150000"]
            and any("Italian" in s or "Wikipedia" in s for s in c["source"]),
            "JSON: the claim's value part goes 140000 → 150000, with its source named",
            f"JSON report of the changed claim: {json.dumps(c)[:800]}",
        )
        checks.expect(
            any(x["id"] == removed for x in data["claims"]["removed"]),
            f"JSON: the removed claim {removed} is listed as removed",
            f"JSON: removed claims are {[x['id'] for x in data['claims']['removed']]}, not {removed}",
        )
        checks.expect(
            any(any(relabelled_to in label for label in x["new"]) for x in data["entities"]["relabelled"]),
            "JSON: the relabelled entity is listed with its new label",
            f"JSON: relabelled entities {data['entities']['relabelled']}",
        )
        checks.check(data["cost"]["differing_buckets"] < data["cost"]["buckets"],
                     f"only the buckets that differ were read ({data['cost']['differing_buckets']} of {data['cost']['buckets']})")
        same = run([powkg, "diff", old_store, old_store])
        checks.check(same.returncode == 0 and "equal" in same.stdout, f"a store compared with itself: exit {same.returncode}, equal")
        missing = run([powkg, "diff", old_store, os.path.join(folder, "nothing.nq")])
        checks.check(missing.returncode == 2 and "nothing.nq" in missing.stderr,
                     f"a missing input: exit {missing.returncode}, named in the message")
        project_side = run([powkg, "diff", harness.ROOT, project])
        checks.check(project_side.returncode == 1 and "captured-after-switch-it" in project_side.stdout,
                     "two project directories compared (each built for the comparison): the changed claim is named")

        # 3. The patches.
        old_ds = dump(powkg, old_store, os.path.join(folder, "old.nq"))
        new_ds = dump(powkg, new_store, os.path.join(folder, "new.nq"))
        patch = run([powkg, "diff", old_store, new_store, "--format", "rdf-patch"])
        rows = apply_rdf_patch(old_ds, patch.stdout)
        ok, why = same_datasets(old_ds, new_ds)
        checks.expect(ok and patch.stdout.startswith("TX .") and patch.stdout.rstrip().endswith("TC ."),
                      f"the RDF Patch ({rows} rows) applied to the old dump by rdflib gives the new dump",
                      f"the RDF Patch applied to the old dump does not give the new one: {why}")
        update = run([powkg, "diff", old_store, new_store, "--format", "sparql-update"])
        update_file = os.path.join(folder, "update.ru")
        with open(update_file, "w", encoding="utf-8") as f:
            f.write(update.stdout)
        location = os.path.join(folder, "oxigraph")
        steps = [
            [OXIGRAPH, "load", "--location", location, "--file", os.path.join(folder, "old.nq")],
            [OXIGRAPH, "update", "--location", location, "--update-file", update_file],
            [OXIGRAPH, "dump", "--location", location, "--file", os.path.join(folder, "patched.nq")],
        ]
        failed = next((r for r in (run(s) for s in steps) if r.returncode != 0), None)
        if failed is not None:
            checks.fail(f"the Oxigraph CLI failed: {harness.excerpt(failed.stderr)}")
        else:
            patched = Dataset()
            patched.parse(os.path.join(folder, "patched.nq"), format="nquads")
            fresh_new = Dataset()
            fresh_new.parse(os.path.join(folder, "new.nq"), format="nquads")
            ok, why = same_datasets(patched, fresh_new)
            checks.expect(ok, "the SPARQL Update run by the Oxigraph CLI on the old dump gives the new dump",
                          f"the SPARQL Update applied by Oxigraph does not give the new dump: {why}")

        # 4. The feed, over HTTP and from a site.
        graph = set()
        feed_ds = dump(powkg, feed_store, os.path.join(folder, "feed.nq"))
        for s, p, o, _g in feed_ds.quads((None, None, None, None)):
            graph.add((s, p, o))
        server = harness.PowkgServer(powkg, folder, "--store", feed_store)
        try:
            server.wait_ready()
            fetcher = Fetcher(server_root=server.root)
            members, pages, immutable = read_feed(BASE + "feed", fetcher)
            state, _latest = rebuild_state(members)
            builds = {m[0] for m in members}
            checks.expect(len(pages) > 2 and immutable >= 1,
                          f"the served feed: {len(pages)} nodes walked, {immutable} marked immutable, {len(members)} members",
                          f"the served feed has {len(pages)} nodes and {immutable} immutable ones")
            checks.expect(state == graph,
                          f"the state rebuilt from the served feed's latest versions equals the graph ({len(state)} triples)",
                          f"rebuilt state differs from the graph: {len(state - graph)} extra, {len(graph - state)} missing; "
                          f"e.g. {sorted(state ^ graph)[:3]}")
            removed_iri = URIRef(BASE + "statement/" + removed)
            checks.check(not any(t[0] == removed_iri for t in state),
                         "the removed claim's statement is in no latest version")
            second = [m for m in members if m[0] == max(builds)]
            checks.expect(0 < len(second) < len(members) / 4,
                          f"the second build appended {len(second)} members (what changed), the first {len(members) - len(second)}",
                          f"the second build appended {len(second)} of {len(members)} members")
            with urllib.request.urlopen(server.root + "/void.nt", timeout=30) as r:
                void = r.read().decode("utf-8")
            checks.check(f"<{BASE}feed> <http://purl.org/dc/terms/conformsTo> <https://w3id.org/ldes/specification>" in void,
                         "the served VoID/DCAT description points to the feed as an LDES distribution")
        finally:
            server.stop()
        site = os.path.join(folder, "site")
        out = run([powkg, "site", "--store", feed_store, "--out", site])
        if out.returncode != 0:
            checks.fail(f"powkg site exited {out.returncode}: {harness.excerpt(out.stderr)}")
        else:
            members, pages, _ = read_feed(BASE + "feed", Fetcher(site=site))
            state, _ = rebuild_state(members)
            checks.check(state == graph, f"the state rebuilt from the site's feed files equals the graph ({len(pages)} nodes)")
            # The same site behind nginx with its own nginx.conf: the feed at its IRIs' paths.
            os.chmod(folder, 0o755)  # nginx's workers read the site as another user
            port = harness.free_port()
            conf = nginx_conf(os.path.join(folder, "nginx"), site, port)
            nginx = harness.Server("nginx", ["nginx", "-p", os.path.dirname(conf), "-c", conf], os.path.dirname(conf), port)
            try:
                nginx.wait_ready(seconds=30)
                fetcher = Fetcher(server_root=nginx.root)
                members, pages, _ = read_feed(BASE + "feed", fetcher)
                state, _ = rebuild_state(members)
                checks.check(state == graph and fetcher.types == {"application/n-quads"},
                             f"the state rebuilt from the site's feed served by nginx (its nginx.conf, as "
                             f"{sorted(fetcher.types)}) equals the graph ({len(pages)} nodes)")
            finally:
                nginx.stop()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
