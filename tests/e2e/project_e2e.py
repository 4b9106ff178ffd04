#!/usr/bin/env python3
"""powkg on a project that is not the bundled one, end to end: the fictional canal fixture, with no word of the
bundled topic anywhere powkg speaks.

    python3 tests/e2e/project_e2e.py target/release/powkg

On a copy of tests/fixtures/projects/canal (a FICTIONAL project: the invented Ashworth Navigation, English only,
dates before 1900) in a temporary directory, every command run from inside the project (found by its powkg.toml):
  1. `build --store`, `build --out graph.nq`, `validate`, `queries` (the project's two queries and the generic
     built-in ones, none of the bundled project's own), `query NAME` of each project query (the same rows as its
     NAME.expected.tsv), `queries --project DIR` from outside the project, `site --out`;
  2. `serve --store` on 127.0.0.1 and a free port: the landing page, every curated entity's page, a register
     record's page, the query index and every listed query's page, the search page (HTML and JSON);
  3. the `--help` of powkg and of every subcommand, and the messages of bad inputs: a claim with an unknown
     property, an entity of an unknown class, a configured language ("fr") no label is written in, `search --class
     Nope` (exit 2, naming the project's classes) and an unknown query name;
  4. the built graph: every label, alias and description of the data, metadata and register graphs, and of the
     project's own classes and properties, is in English; a date before 1900 is in it.
Every text of 1-3, the site's pages and the graph's N-Quads are searched for the words of the bundled topic (whole
words, case and diacritics folded): the seed list below, the bundled ontology's own camelCase class and property
names, and the proper names of the bundled entities' labels. Each hit is printed with where it was found.

Prints one line per check ("ok   ...", "FAIL ...") and a summary of what was checked, then "N passed, M failed";
exits 1 if any check failed.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unicodedata
import urllib.error
import urllib.parse
import urllib.request

from harness import ROOT, Checks, Server, excerpt, free_port, powkg_binary

FIXTURE = os.path.join(ROOT, "tests", "fixtures", "projects", "canal")
CLI_TIMEOUT = 600  # seconds for one command; a build on a busy machine is slow
HTTP_TIMEOUT = 60
BASE = "https://example.org/canal/"
BASE_PATH = urllib.parse.urlparse(BASE).path  # "/canal/": where the server answers for the base's IRIs
REGISTER_RECORD = "lock/locks/ANL-001"  # one row of registers/locks.csv, under the base
SEARCH_WORD = "Penhallow"  # a name of the fixture, found by search
SEARCH_LABEL = "Josiah Penhallow"

# The words of the bundled topic named by hand; the rest are read from the bundled project (bundled_words()).
SEED_WORDS = [
    "Romanian", "Romanians", "Romania", "Soviet", "USSR", "prisoner", "prisoners", "POW", "POWs", "Lascar",
    "Karlag", "Molotov", "Horia", "Horea", "Iliescu", "Sighet", "Vorkuta", "Norilsk", "Spassky", "Kazakhstan",
    "Stalingrad", "Wehrmacht", "Tudor Vladimirescu", "numberRepatriated", "MilitaryUnit", "Camp", "Camps",
    "Gulag", "Bessarabia", "Bukovina",
]
# Capitalised words of the bundled entities' labels that are ordinary words, not names of the topic.
GENERIC_LABEL_WORDS = {
    "allies", "april", "axis", "communist", "coup", "division", "english", "ii", "international", "italian", "king",
    "memento", "michael", "no", "northern", "oblast", "powers", "radio", "republic", "socialist", "toronto",
    "union", "war", "wikipedia", "wikisource", "world", "ion", "rss", "ssr", "stato", "unione", "repubblica",
    "potenze", "asse", "socialista", "internațional", "international", "alleati",
}
# Terms of powkg's core model (built into every project), which a bundled ontology file may still declare.
CORE_TERMS = {
    "accordingTo", "remark", "nameAsWritten", "conflictsWith", "boundKind", "BoundKind", "AtLeast", "UpTo",
    "translatedTitle", "seedFile", "sourceDocument", "contentHash", "subjectBuckets", "citingSource", "citedWork",
    "EncyclopediaArticle", "NewsArticle", "RadioFeature", "JournalArticle", "ArchiveDocument", "WebPage",
    "WikimediaArticle",
}
# The bundled project's own queries, about its topic: a project lists none of them.
BUNDLED_ONLY_QUERIES = ["camps", "deaths", "divisions", "register-records-by-camp", "missing-italian-labels"]
# The generic queries built into powkg, listed in every project.
GENERIC_QUERIES = [
    "bibliography", "conflicting-claims", "timeline", "figures", "entity-statements", "name-variants",
    "wikidata-links", "properties", "describe-entity", "missing-labels", "unreferenced-statements",
]

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
LABEL_PREDICATES = {
    RDFS_LABEL: "rdfs:label",
    "http://www.w3.org/2004/02/skos/core#altLabel": "skos:altLabel",
    "http://schema.org/description": "schema:description",
}
XSD = "http://www.w3.org/2001/XMLSchema#"
DATE_TYPES = {XSD + t for t in ("dateTime", "date", "gYear", "gYearMonth")}

NQUAD = re.compile(
    r'^(<[^>]*>|_:\S+)\s+(<[^>]*>)\s+(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?)'
    r"\s*(<[^>]*>)?\s*\.\s*$"
)
LITERAL = re.compile(r'^"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$')


# ---------------------------------------------------------------------------------------------------------------
# The words of the bundled topic
# ---------------------------------------------------------------------------------------------------------------


def fold(text):
    """TEXT without diacritics (Unicode decomposition, combining marks dropped), lower-cased."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def fold_with_offsets(text):
    """(fold(TEXT) character by character, the offset in TEXT of each folded character), so that a match in the
    folded text can be shown in the original's words."""
    folded, offsets = [], []
    for index, char in enumerate(text):
        for c in fold(char):
            folded.append(c)
            offsets.append(index)
    return "".join(folded), offsets


def bundled_project_dirs():
    """(data directory, ontology directory) of the bundled project, from its powkg.toml where it has one."""
    conf = {}
    path = os.path.join(ROOT, "powkg.toml")
    if os.path.isfile(path):
        with open(path, "rb") as f:
            conf = tomllib.load(f)
    return (os.path.join(ROOT, conf.get("data", "data")), os.path.join(ROOT, conf.get("ontology", "ontology")))


def bundled_words():
    """The words of the bundled topic: SEED_WORDS, the bundled ontology's own camelCase class and property names
    (not those of powkg's core model or of the fixture), and the proper names in the bundled entities' labels and
    aliases. Returns (words, {origin: count})."""
    words = {w: "seed list" for w in SEED_WORDS}
    data_dir, ontology_dir = bundled_project_dirs()
    core = set(CORE_TERMS)
    for path in glob.glob(os.path.join(ROOT, "src", "build", "core", "*.ttl")):
        with open(path, encoding="utf-8") as f:
            core.update(re.findall(r"^pk:(\w+)\s+a\s", f.read(), re.M))
    fixture_terms = set()
    for path in glob.glob(os.path.join(FIXTURE, "ontology", "*.toml")):
        with open(path, "rb") as f:
            declared = tomllib.load(f)
        fixture_terms.update(r["id"] for kind in ("class", "property") for r in declared.get(kind, []))
    for path in glob.glob(os.path.join(ontology_dir, "*.ttl")):
        with open(path, encoding="utf-8") as f:
            for name in re.findall(r"^pk:(\w+)\s+a\s", f.read(), re.M):
                camel = re.search(r"[a-z][A-Z]", name)
                if camel and name not in core and name not in fixture_terms:
                    words.setdefault(name, "bundled ontology")
    for path in glob.glob(os.path.join(data_dir, "*.toml")):
        with open(path, "rb") as f:
            records = tomllib.load(f)
        for entity in records.get("entity", []):
            texts = list(entity.get("label", {}).values())
            for aliases in entity.get("aliases", {}).values():
                texts.extend(aliases)
            for text in texts:
                for word in re.findall(r"[^\W\d_]+", text):
                    if word[0].isupper() and len(word) >= 3 and fold(word) not in GENERIC_LABEL_WORDS:
                        words.setdefault(word, "bundled entity labels")
    # One spelling per folded form (Lascăr and Lascar are one word to the search below).
    unique = {}
    for word, origin in words.items():
        unique.setdefault(fold(word), (word, origin))
    origins = {}
    for _, origin in unique.values():
        origins[origin] = origins.get(origin, 0) + 1
    return sorted(w for w, _ in unique.values()), origins


def word_pattern(words):
    """One regular expression matching any of WORDS as a whole word (a phrase's words separated by any space), on
    folded text."""
    alternatives = sorted((r"\s+".join(re.escape(fold(p)) for p in w.split()) for w in words), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(alternatives) + r")(?!\w)")


class TopicScan:
    """Every text powkg wrote, searched for the words of the bundled topic; each hit kept with where it was found."""

    def __init__(self, words):
        self.pattern = word_pattern(words)
        self.texts = 0
        self.characters = 0
        self.hits = []  # (where, word, context)

    def scan(self, where, text):
        self.texts += 1
        self.characters += len(text)
        folded, offsets = fold_with_offsets(text)
        seen = set()
        for match in self.pattern.finditer(folded):
            word = match.group(1)
            if word in seen:
                continue
            seen.add(word)
            first, last = offsets[match.start()], offsets[match.end() - 1] + 1
            context = text[max(0, first - 60):last + 60].replace("\n", " ")
            self.hits.append((where, text[first:last], context))


# ---------------------------------------------------------------------------------------------------------------
# Running powkg
# ---------------------------------------------------------------------------------------------------------------


class Runner:
    """Runs powkg commands, keeps every output for the topic scan, counts them."""

    def __init__(self, powkg, checks, scan):
        self.powkg = powkg
        self.checks = checks
        self.scan = scan
        self.commands = 0

    def run(self, args, cwd, label=None):
        """Runs `powkg ARGS` in CWD; returns (exit code or None, standard output, standard error). Both outputs are
        scanned for the topic's words, under LABEL (the command line by default)."""
        label = label or "powkg " + " ".join(args)
        self.commands += 1
        try:
            run = subprocess.run([self.powkg, *args], cwd=cwd, capture_output=True, timeout=CLI_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as e:
            self.checks.fail(f"{label}: {e}")
            return None, "", ""
        out = run.stdout.decode("utf-8", "replace")
        err = run.stderr.decode("utf-8", "replace")
        self.scan.scan(f"{label} (stdout)", out)
        self.scan.scan(f"{label} (stderr)", err)
        return run.returncode, out, err

    def expect(self, args, cwd, code=0, label=None, codes=None):
        """Runs ARGS and checks its exit code is CODE (or one of CODES); returns (ok, stdout, stderr)."""
        label = label or "powkg " + " ".join(args)
        got, out, err = self.run(args, cwd, label)
        wanted = codes or (code,)
        ok = got in wanted
        if ok:
            self.checks.ok(f"{label}: exit {got}")
        else:
            self.checks.fail(
                f"{label}: exit {got}, expected {' or '.join(map(str, wanted))}: {excerpt(err or out, 1500)}"
            )
        return ok, out, err


def copy_fixture(top, name):
    """A fresh copy of the fixture project at TOP/NAME."""
    target = os.path.join(top, name)
    shutil.copytree(FIXTURE, target)
    return target


def fixture_records():
    """The fixture's entities, queries and own terms: (entity ids with their English labels, query names, class
    ids, property ids)."""
    with open(os.path.join(FIXTURE, "data", "entities.toml"), "rb") as f:
        entities = [(e["id"], e["label"]["en"]) for e in tomllib.load(f)["entity"]]
    queries = sorted(os.path.basename(p)[: -len(".rq")] for p in glob.glob(os.path.join(FIXTURE, "queries", "*.rq")))
    classes, properties = [], []
    for path in glob.glob(os.path.join(FIXTURE, "ontology", "*.toml")):
        with open(path, "rb") as f:
            declared = tomllib.load(f)
        classes += [c["id"] for c in declared.get("class", [])]
        properties += [p["id"] for p in declared.get("property", [])]
    return entities, queries, classes, properties


# ---------------------------------------------------------------------------------------------------------------
# 1. The commands on the fixture
# ---------------------------------------------------------------------------------------------------------------


def check_commands(runner, checks, top, project, queries):
    """build, validate, queries, query, site; returns the listed query names (from `queries --format json`)."""
    store = os.path.join(project, "kgstore")
    runner.expect(["build", "--store", store], project)
    checks.check(os.path.isdir(store), "build --store wrote the store directory")
    ok, _, _ = runner.expect(["build", "--out", "graph.nq"], project)
    checks.check(os.path.isfile(os.path.join(project, "graph.nq")), "build --out graph.nq wrote the graph")
    runner.expect(["validate"], project)

    runner.expect(["queries"], project)
    ok, out, _ = runner.expect(["queries", "--format", "json"], project)
    listed = []
    if ok:
        try:
            listed = [q["name"] for q in json.loads(out)]
        except (ValueError, KeyError, TypeError) as e:
            checks.fail(f"powkg queries --format json: not a list of queries ({e}): {excerpt(out)}")
    for name in queries:
        checks.check(name in listed, f"queries lists the project's query {name}")
    missing = [q for q in GENERIC_QUERIES if q not in listed]
    checks.expect(
        not missing, f"queries lists the {len(GENERIC_QUERIES)} generic built-in queries",
        f"queries does not list the generic built-in queries {', '.join(missing)}",
    )
    leaked = [q for q in BUNDLED_ONLY_QUERIES if q in listed]
    checks.expect(
        not leaked, "queries lists none of the bundled project's own queries",
        f"queries lists the bundled project's own queries {', '.join(leaked)}",
    )
    outside = os.path.join(top, "elsewhere")
    os.makedirs(outside, exist_ok=True)
    ok, out, _ = runner.expect(["queries", "--project", project, "--format", "json"], outside,
                               label="powkg queries --project DIR --format json (from outside the project)")
    if ok:
        try:
            names = [q["name"] for q in json.loads(out)]
        except (ValueError, KeyError, TypeError):
            names = []
        checks.check(all(q in names for q in queries), "queries --project DIR lists the project's queries")

    for name in queries:
        ok, out, _ = runner.expect(["query", name, "--format", "tsv"], project)
        if ok:
            with open(os.path.join(project, "queries", f"{name}.expected.tsv"), encoding="utf-8") as f:
                expected = f.read()
            checks.expect(
                out == expected, f"query {name}: the rows of {name}.expected.tsv",
                f"query {name}: rows differ from {name}.expected.tsv:\n{out}",
            )
    for name in GENERIC_QUERIES:
        if name in listed:
            # Each in its default format (TSV in a pipe, Turtle for a CONSTRUCT); an assertion query may answer 1.
            runner.expect(["query", name], project, codes=(0, 1))

    site = os.path.join(top, "public")
    runner.expect(["site", "--out", site], project)
    return listed, store, site


def scan_site(scan, checks, site, entities):
    """The site's pages hold the entities' pages; every page is scanned. Returns the number of pages scanned."""
    pages = 0
    for path in sorted(glob.glob(os.path.join(site, "**", "*.html"), recursive=True)):
        with open(path, encoding="utf-8", errors="replace") as f:
            scan.scan(f"site {os.path.relpath(path, site)}", f.read())
        pages += 1
    for extra in ("nginx.conf", ".htaccess"):
        path = os.path.join(site, extra)
        if os.path.isfile(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                scan.scan(f"site {extra}", f.read())
    missing = [e for e, _ in entities if not os.path.isfile(os.path.join(site, BASE_PATH.strip("/"), "entity", f"{e}.html"))]
    checks.expect(
        pages > 0 and not missing, f"site: {pages} pages, every entity's page among them",
        f"site: {pages} pages; no page for the entities {', '.join(missing) or '(none)'}",
    )
    return pages


# ---------------------------------------------------------------------------------------------------------------
# 2. The server
# ---------------------------------------------------------------------------------------------------------------


def fetch(url, accept=None):
    """(status, content type without parameters, body text) of a GET, redirects followed."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as r:
            ctype = r.headers.get("Content-Type", "").split(";")[0].strip()
            return r.status, ctype, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        ctype = (e.headers.get("Content-Type") or "").split(";")[0].strip()
        return e.code, ctype, e.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as e:
        return 0, "", str(e)


def check_server(powkg, checks, scan, project, store, folder, entities, listed):
    """serve --store from inside the project; returns the number of pages fetched."""
    port = free_port()
    server = Server("serve", [powkg, "serve", "--store", store, "--bind", f"127.0.0.1:{port}"], folder, port,
                    cwd=project)
    fetched = 0
    try:
        try:
            server.wait_ready()
        except RuntimeError as e:
            checks.fail(f"powkg serve: {e}")
            return fetched

        def page(path, expect_text=None, media="text/html", accept=None):
            nonlocal fetched
            status, ctype, body = fetch(server.root + path, accept)
            fetched += 1
            scan.scan(f"GET {path}", body)
            problem = None
            if status != 200 or ctype != media:
                problem = f"answered {status} {ctype or '(no type)'}"
            elif expect_text and expect_text not in body:
                problem = f"does not show {expect_text!r}"
            checks.expect(problem is None, f"GET {path}: 200 {media}" + (f", shows {expect_text!r}" if expect_text else ""),
                          f"GET {path}: {problem}: {excerpt(body, 300)}")
            return body

        page("/", "Ashworth")
        for entity, label in entities:
            page(f"{BASE_PATH}entity/{entity}.html", label)
        page(f"{BASE_PATH}{REGISTER_RECORD}.html", "Marrowby Bottom Lock")
        page(f"{BASE_PATH}source/loddon-1911.html", "A History of the Ashworth Navigation")
        page("/query")
        for name in listed:
            page(f"/query/{name}.html")
        page(f"/search?q={SEARCH_WORD}", SEARCH_LABEL)
        page("/search?q=lock&class=Lock", "Caddow Deep Lock")
        body = page(f"/search?q={SEARCH_WORD}&format=json", media="application/json")
        try:
            hits = json.loads(body)
            checks.check(any(SEARCH_LABEL in json.dumps(h) for h in hits), f"search JSON finds {SEARCH_LABEL}")
        except ValueError:
            checks.fail(f"/search?format=json: not JSON: {excerpt(body, 300)}")
        page("/void.ttl", media="text/turtle")
    finally:
        code = server.stop()
        checks.check(code == 0, f"powkg serve stopped on SIGTERM with exit {code}")
        scan.scan("powkg serve (its own output)", server.output())
    return fetched


# ---------------------------------------------------------------------------------------------------------------
# 3. Help texts and bad inputs
# ---------------------------------------------------------------------------------------------------------------


def check_help(runner, checks, neutral):
    """The --help of powkg and of every subcommand, from a directory outside any project; returns how many."""
    ok, out, _ = runner.expect(["--help"], neutral)
    if not ok:
        return 0
    section = out.split("Commands:", 1)[-1].split("\n\n", 1)[0]
    subcommands = [line.split()[0] for line in section.strip().splitlines() if line.strip()]
    checks.check("new" in subcommands, f"powkg --help lists {len(subcommands)} subcommands, `new` among them")
    count = 1
    for sub in subcommands:
        if sub == "help":
            runner.expect(["help"], neutral)
        else:
            runner.expect([sub, "--help"], neutral)
        count += 1
    return count


def append(path, text):
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


def check_bad_inputs(runner, checks, top, project, classes):
    """The messages of bad inputs (each on its own copy of the fixture); returns how many were collected."""
    collected = 0

    bad = copy_fixture(top, "bad-property")
    append(os.path.join(bad, "data", "claims.toml"), (
        '\n[[claim]]\nid = "gorrel-arm-width"\nsubject = "gorrel-arm"\nproperty = "widthInFeet"\nquantity = 7\n'
        'references = [{ source = "canal-society-history", quote = "seven feet wide" }]\n'
    ))
    ok, _, err = runner.expect(["build"], bad, 2, label="build with a claim of an unknown property")
    checks.check("claims.toml:" in err and "widthInFeet" in err,
                 "the unknown property's message names its file, position and name")
    collected += 1

    bad = copy_fixture(top, "bad-class")
    append(os.path.join(bad, "data", "entities.toml"), (
        '\n[[entity]]\nid = "wenlow-aqueduct"\ntype = "Aqueduct"\nlabel = { en = "Wenlow Aqueduct" }\n'
        'description = { en = "fictional aqueduct" }\n'
    ))
    ok, _, err = runner.expect(["build"], bad, 2, label="build with an entity of an unknown class")
    checks.check("entities.toml:" in err and "Aqueduct" in err,
                 "the unknown class's message names its file, position and name")
    collected += 1

    bad = copy_fixture(top, "bad-language")
    conf = os.path.join(bad, "powkg.toml")
    with open(conf, encoding="utf-8") as f:
        text = f.read()
    with open(conf, "w", encoding="utf-8") as f:
        f.write(re.sub(r'(?m)^languages = \["en"\]$', 'languages = ["en", "fr"]', text))
    code, out, err = runner.run(["build"], bad, label="build with a configured language (fr) no label is in")
    checks.expect(
        code in (1, 2) and "fr" in (out + err), f"a label missing in a configured language (fr): exit {code}, named",
        f"a label missing in a configured language (fr): exit {code}: {excerpt(err or out, 800)}",
    )
    collected += 1

    ok, out, err = runner.expect(["search", SEARCH_WORD, "--class", "Nope"], project, 2)
    named = [c for c in classes if c in err]
    checks.expect(
        len(named) == len(classes), f"search --class Nope names the project's classes ({', '.join(classes)})",
        f"search --class Nope names only {named} of {classes}: {excerpt(err, 400)}",
    )
    collected += 1

    runner.expect(["query", "no-such-query"], project, 2)
    collected += 1
    return collected


# ---------------------------------------------------------------------------------------------------------------
# 4. The graph
# ---------------------------------------------------------------------------------------------------------------


def unescape(text):
    return re.sub(
        r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)",
        lambda m: chr(int(m.group(1)[1:], 16)) if m.group(1)[0] in "uU" and len(m.group(1)) > 1
        else {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f"}.get(m.group(1), m.group(1)),
        text,
    )


def check_graph(checks, scan, path, classes, properties):
    """English-only labels and a date before 1900 in the N-Quads at PATH; returns (labels checked, old dates)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        checks.fail(f"the built graph: {e}")
        return 0, 0
    scan.scan("graph.nq (the built graph)", unescape(text))
    ontology_graph = f"<{BASE}graph/ontology>"
    own_terms = {f"<{BASE}ontology#{name}>" for name in classes + properties}
    checked, other, core_other, unparsed = 0, [], {}, 0
    old_dates = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        quad = NQUAD.match(line)
        if not quad:
            unparsed += 1
            continue
        subject, predicate, obj, graph = quad.groups()
        literal = LITERAL.match(obj)
        if not literal:
            continue
        value, lang, datatype = literal.groups()
        if datatype in DATE_TYPES:
            year = re.match(r"(-?\d{4,})", value)
            if year and int(year.group(1)) < 1900:
                old_dates.append(f"{subject} {value}")
        if predicate[1:-1] not in LABEL_PREDICATES:
            continue
        if graph == ontology_graph and subject not in own_terms:
            if lang and lang.lower() != "en":
                core_other[lang] = core_other.get(lang, 0) + 1
            continue
        checked += 1
        if (lang or "").lower() != "en":
            other.append(f"{subject} {LABEL_PREDICATES[predicate[1:-1]]} {excerpt(obj, 80)} in {graph or 'default'}")
    checks.check(unparsed == 0, f"graph.nq: every line is an N-Quad ({unparsed} not read)")
    checks.expect(
        checked > 0 and not other,
        f"{checked} labels, aliases and descriptions of the data, metadata, register graphs and the project's terms: "
        "all in English",
        f"{len(other)} of {checked} labels not in English: " + "; ".join(other[:10]),
    )
    if core_other:
        print(f"     note: the ontology graph's core terms also carry labels in "
              f"{', '.join(f'{l} ({n})' for l, n in sorted(core_other.items()))}; not checked", flush=True)
    checks.expect(
        bool(old_dates), f"{len(old_dates)} dates before 1900 in the graph, e.g. {old_dates[0] if old_dates else ''}",
        "no date before 1900 in the graph",
    )
    expected_date = f'"1794-01-01T00:00:00Z"^^<{XSD}dateTime>'
    checks.check(expected_date in text, "the main line's opening (1794, year precision) is in the graph as written")
    return checked, len(old_dates)


# ---------------------------------------------------------------------------------------------------------------


def main():
    checks = Checks()
    powkg = powkg_binary(sys.argv, __doc__, checks)
    if powkg is None:
        return checks.finish() if checks.failed else 2
    words, origins = bundled_words()
    print(f"     {len(words)} words of the bundled topic ("
          + ", ".join(f"{n} from the {o}" for o, n in sorted(origins.items())) + ")", flush=True)
    scan = TopicScan(words)
    runner = Runner(powkg, checks, scan)
    entities, queries, classes, properties = fixture_records()
    counts = {}
    with tempfile.TemporaryDirectory(prefix="powkg-project-e2e-") as top:
        project = copy_fixture(top, "canal")
        listed, store, site = check_commands(runner, checks, top, project, queries)
        counts["site pages scanned"] = scan_site(scan, checks, site, entities)
        folder = os.path.join(top, "server")
        os.makedirs(folder)
        counts["pages fetched"] = check_server(powkg, checks, scan, project, store, folder, entities, listed)
        neutral = os.path.join(top, "neutral")
        os.makedirs(neutral)
        counts["help texts"] = check_help(runner, checks, neutral)
        counts["bad inputs"] = check_bad_inputs(runner, checks, top, project, classes)
        counts["labels checked"], counts["dates before 1900"] = check_graph(
            checks, scan, os.path.join(project, "graph.nq"), classes, properties
        )
    for where, word, context in scan.hits:
        checks.fail(f"a word of the bundled topic, {word!r}, in {where}: …{context}…")
    if not scan.hits:
        checks.ok(f"no word of the bundled topic ({len(words)} words) in {scan.texts} texts "
                  f"({scan.characters:,} characters)")
    counts["commands run"] = runner.commands
    counts["texts scanned"] = scan.texts
    counts["topic words"] = len(words)
    counts["topic-word hits"] = len(scan.hits)
    print("summary: " + ", ".join(f"{k} {v}" for k, v in counts.items()), flush=True)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
