#!/usr/bin/env python3
"""Independent oracles for powkg's RDF output, run by CI after the Rust tests.

Usage: python3 tests/e2e/oracles.py PATH/TO/powkg

For every output format, `powkg build --out DIR/powkg.EXT --report json` is run (bundled data, temporary
directory) and the figure it reports (`output.statements`: quads for the formats that keep named graphs, distinct
triples otherwise) is checked against parsers that share no code with powkg, at least two besides powkg for
every format:

  (a) Raptor's `rapper -i FORMAT -c` ("Parsing returned N triples" on standard error); rapper has no JSON-LD
      parser;
  (b) Python rdflib: a Graph for the triple formats (len), a Dataset for N-Quads, TriG and JSON-LD (quads counted);
  (e) Serd's `serdi -i FORMAT -o ntriples|nquads` for Turtle, N-Triples, N-Quads and TriG (output lines counted);
  (f) tests/js/count.mjs under node: N3.js for Turtle, N-Triples, N-Quads and TriG (quads parsed), jsonld.js for
      JSON-LD (`jsonld.toRDF` to N-Quads, offline and in safe mode; lines counted). Its packages are pinned by
      tests/js/package-lock.json: `npm ci --prefix tests/js --no-audit --no-fund`;
  (c) determinism: two builds write byte-identical files and report the same canonical hash (and every build
      reports the same hash, whatever the output format);
  (d) the Turtle export, parsed by rdflib, is isomorphic to the N-Triples export.

Prints one line per check ("ok   turtle rapper 2580" or "FAIL ...") and ends with "N passed, M failed"; exits 1
if any check failed. A missing rapper, serdi, rdflib, node or npm package is a failure, never a skip.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import harness
from harness import Checks, excerpt, powkg_binary

# (powkg format name, file extension, rapper parser name or None, rdflib parser name, keeps named graphs,
#  serdi (input syntax, output syntax) or None, tests/js/count.mjs format name or None)
FORMATS = [
    ("turtle", "ttl", "turtle", "turtle", False, ("turtle", "ntriples"), "turtle"),
    ("ntriples", "nt", "ntriples", "nt", False, ("ntriples", "ntriples"), "ntriples"),
    ("nquads", "nq", "nquads", "nquads", True, ("nquads", "nquads"), "nquads"),
    ("trig", "trig", "trig", "trig", True, ("trig", "nquads"), "trig"),
    ("rdfxml", "rdf", "rdfxml", "xml", False, None, None),
    ("jsonld", "jsonld", None, "json-ld", True, None, "jsonld"),
]

PARSE_TIMEOUT = 600

try:
    import rdflib
    import rdflib.compare

    RDFLIB_ERROR = None
except ImportError as e:  # reported as a failure of every rdflib check, below
    rdflib = None
    RDFLIB_ERROR = f"rdflib is not importable by {sys.executable} ({e}); install it: pip install rdflib"

RAPPER = shutil.which("rapper")
RAPPER_ERROR = None if RAPPER else "rapper not found on PATH; install it: apt-get install raptor2-utils"

SERDI = shutil.which("serdi")
SERDI_ERROR = None if SERDI else "serdi not found on PATH; install it: apt-get install serdi"

NODE = shutil.which("node")
JS_COUNT = os.path.join(harness.ROOT, "tests", "js", "count.mjs")
if not NODE:
    NODE_ERROR = "node not found on PATH; install Node.js 18 or later, then: npm ci --prefix tests/js"
elif not os.path.isfile(JS_COUNT):
    NODE_ERROR = f"{JS_COUNT} is missing"
else:
    NODE_ERROR = None  # a missing npm package is reported by count.mjs itself, as a failed check


def count_check(checks, name, parser, missing, expected, count):
    """One outside parser's statement count against powkg's: a failure when the tool is missing or fails."""
    if missing:
        checks.fail(f"{name} {parser}: {missing}")
        return
    try:
        n = count()
    except RuntimeError as e:
        checks.fail(f"{name} {parser}: {e}")
        return
    checks.expect(n == expected, f"{name} {parser} {n}", f"{name} {parser} {n} != powkg {expected}")


def build(powkg, out):
    """Runs `powkg build --out OUT --report json`; returns (report dict, None) or (None, error text)."""
    stdout, error = harness.build(powkg, "--out", out, "--report", "json")
    if error:
        return None, error
    cmd = f"{powkg} build --out {out} --report json"
    try:
        report = json.loads(stdout)
        statements = report["output"]["statements"]
        hash_value = report["canonical_hash"]["value"]
    except (ValueError, KeyError, TypeError) as e:
        return None, f"{cmd}: unreadable JSON report ({e}): {excerpt(stdout)}"
    if not isinstance(statements, int) or not isinstance(hash_value, str) or not hash_value:
        return None, f"{cmd}: report has no integer output.statements or no canonical hash"
    return report, None


def rapper_count(parser, path):
    """The number of statements rapper parses from PATH; raises RuntimeError with rapper's words otherwise."""
    try:
        run = subprocess.run(
            [RAPPER, "-i", parser, "-c", path], capture_output=True, text=True, timeout=PARSE_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise RuntimeError(str(e)) from e
    found = re.search(r"Parsing returned (\d+) triples", run.stderr)
    if run.returncode != 0 or not found:
        raise RuntimeError(f"rapper exited {run.returncode}: {excerpt(run.stderr)}")
    return int(found.group(1))


def serdi_count(syntaxes, path):
    """The number of statements serdi writes (one a line) for PATH; raises RuntimeError with serdi's words."""
    syntax_in, syntax_out = syntaxes
    try:
        run = subprocess.run(
            [SERDI, "-i", syntax_in, "-o", syntax_out, path], capture_output=True, text=True, timeout=PARSE_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise RuntimeError(str(e)) from e
    if run.returncode != 0 or run.stderr.strip():
        raise RuntimeError(f"serdi exited {run.returncode}: {excerpt(run.stderr)}")
    return sum(1 for line in run.stdout.splitlines() if line.strip())


def js_count(js_format, path):
    """The count printed by `node tests/js/count.mjs FORMAT PATH`; raises RuntimeError with its words otherwise."""
    try:
        run = subprocess.run(
            [NODE, JS_COUNT, js_format, path], capture_output=True, text=True, timeout=PARSE_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise RuntimeError(str(e)) from e
    out = run.stdout.strip()
    if run.returncode != 0 or not out.isdigit():
        raise RuntimeError(f"node {os.path.relpath(JS_COUNT)} exited {run.returncode}: {excerpt(run.stderr or out)}")
    return int(out)


def rdflib_load(parser, path, keeps_graphs):
    """Parses PATH with rdflib: a Dataset for the formats with named graphs, a Graph otherwise."""
    if keeps_graphs:
        data = rdflib.Dataset()
    else:
        data = rdflib.Graph()
    data.parse(path, format=parser)
    return data


def rdflib_count(data, keeps_graphs):
    if keeps_graphs:
        # Every (s, p, o, graph) of the dataset, default graph included: the N-Quads/TriG/JSON-LD statement count.
        return sum(1 for _ in data.quads((None, None, None, None)))
    return len(data)


def main(argv):
    checks = Checks()
    powkg = powkg_binary(argv, __doc__, checks)
    if powkg is None:
        return checks.finish() if len(argv) == 2 else 2

    with tempfile.TemporaryDirectory(prefix="powkg-oracles-") as tmp:
        first, second = os.path.join(tmp, "first"), os.path.join(tmp, "second")
        os.makedirs(first)
        os.makedirs(second)
        files = {}  # format name -> path of the first build's file, for the isomorphism check
        hashes = {}  # format name -> canonical hash reported by the first build
        for name, ext, rapper_parser, rdflib_parser, keeps_graphs, serdi_syntaxes, js_format in FORMATS:
            path = os.path.join(first, f"powkg.{ext}")
            report, error = build(powkg, path)
            checks_here = (1 if rapper_parser else 0) + (1 if serdi_syntaxes else 0) + (1 if js_format else 0) + 2
            if error:
                for _ in range(checks_here):
                    checks.fail(f"{name} build: {error}")
                continue
            expected = report["output"]["statements"]
            files[name] = path
            hashes[name] = report["canonical_hash"]["value"]

            # (a) rapper
            if rapper_parser:
                count_check(checks, name, "rapper", RAPPER_ERROR, expected, lambda: rapper_count(rapper_parser, path))

            # (b) rdflib
            if RDFLIB_ERROR:
                checks.fail(f"{name} rdflib: {RDFLIB_ERROR}")
            else:
                try:
                    n = rdflib_count(rdflib_load(rdflib_parser, path, keeps_graphs), keeps_graphs)
                    checks.expect(n == expected, f"{name} rdflib {n}", f"{name} rdflib {n} != powkg {expected}")
                except Exception as e:  # any parser failure is a failed check
                    checks.fail(f"{name} rdflib: cannot parse {path}: {type(e).__name__}: {excerpt(str(e))}")

            # (e) serdi
            if serdi_syntaxes:
                count_check(checks, name, "serdi", SERDI_ERROR, expected, lambda: serdi_count(serdi_syntaxes, path))

            # (f) N3.js or jsonld.js, under node
            if js_format:
                parser_name = "jsonld.js" if js_format == "jsonld" else "N3.js"
                count_check(checks, name, parser_name, NODE_ERROR, expected, lambda: js_count(js_format, path))

            # (c) a second build: same bytes, same canonical hash
            again = os.path.join(second, f"powkg.{ext}")
            report2, error = build(powkg, again)
            if error:
                checks.fail(f"{name} deterministic: second {error}")
                continue
            with open(path, "rb") as f1, open(again, "rb") as f2:
                same_bytes = f1.read() == f2.read()
            h1, h2 = hashes[name], report2["canonical_hash"]["value"]
            problems = []
            if not same_bytes:
                problems.append(f"the two builds wrote different bytes (compare {path} and {again})")
            if h1 != h2:
                problems.append(f"canonical hash {h1} then {h2}")
            if report2["output"]["statements"] != expected:
                problems.append(f"statements {expected} then {report2['output']['statements']}")
            first_hash = next(iter(hashes.values()))
            if h1 != first_hash:
                problems.append(f"canonical hash {h1} differs from the {next(iter(hashes))} build's {first_hash}")
            checks.expect(
                not problems,
                f"{name} deterministic (2 builds, identical bytes, hash {h1[:16]}…)",
                f"{name} deterministic: {'; '.join(problems)}",
            )
            if problems:
                # keep the evidence: the temporary directory is removed on exit
                keep = tempfile.mkdtemp(prefix=f"powkg-oracles-{name}-")
                shutil.copy(path, os.path.join(keep, f"first.{ext}"))
                shutil.copy(again, os.path.join(keep, f"second.{ext}"))
                print(f"     kept both files in {keep}", flush=True)

        # (d) Turtle and N-Triples exports are the same graph
        if RDFLIB_ERROR:
            checks.fail(f"turtle~ntriples isomorphic: {RDFLIB_ERROR}")
        elif "turtle" not in files or "ntriples" not in files:
            checks.fail("turtle~ntriples isomorphic: a build failed (see above)")
        else:
            try:
                ttl = rdflib_load("turtle", files["turtle"], False)
                nt = rdflib_load("nt", files["ntriples"], False)
                same = rdflib.compare.isomorphic(ttl, nt)
                detail = ""
                if not same:
                    _, only_ttl, only_nt = rdflib.compare.graph_diff(
                        rdflib.compare.to_isomorphic(ttl), rdflib.compare.to_isomorphic(nt)
                    )
                    sample = [" ".join(n.n3() for n in t) for t in list(only_ttl)[:1] + list(only_nt)[:1]]
                    detail = f" ({len(only_ttl)} triples only in Turtle, {len(only_nt)} only in N-Triples: {sample})"
                checks.expect(
                    same,
                    f"turtle~ntriples isomorphic ({len(ttl)} triples)",
                    f"turtle~ntriples not isomorphic{detail}",
                )
            except Exception as e:
                checks.fail(f"turtle~ntriples isomorphic: {type(e).__name__}: {excerpt(str(e))}")

    return checks.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
