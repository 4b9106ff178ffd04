#!/usr/bin/env python3
"""SHACL oracle for powkg: pyshacl, which shares no code with powkg, judges the graph against the shapes powkg
validates the bundled project with (its core shapes, those it derives from the project, the project's own), as
`powkg validate --write-shapes FILE` writes them.

Usage: python3 tests/e2e/shacl_oracle.py PATH/TO/powkg

  (a) the shapes: the written shapes parse (rapper and rdflib), are valid SHACL (pyshacl's meta-SHACL check),
      use SHACL Core only (no SPARQL-based constraint), name every shape with a pksh: IRI that has an English and
      an Italian rdfs:label and sh:message, and their derived predicate lists (the statement's claim link, main
      value and value nodes) hold exactly what the built ontology graph declares;
  (b) the bundled graph: `powkg build --out TMP/bundled.nq`, the N-Quads loaded as an rdflib Dataset and every
      named graph merged into one rdflib Graph (the union; that is what a validator sees), validated by pyshacl
      with inference='none': it must conform. Skipped when no powkg binary is given;
  (c) the fixtures: every tests/fixtures/shacl/CASE.ttl is validated the same way (a Turtle file, no ontology
      added: the fixtures type their own nodes) and the sorted "FOCUS_NODE SOURCE_SHAPE" pairs of every result
      pyshacl reports must equal CASE.expected, line for line (empty for a conforming fixture). A broken fixture
      must break exactly one shape, so its .expected names one shape.

When powkg has a `validate` command, powkg_verdict() below will return its verdict and the same checks will
compare it with pyshacl's; until then it returns None and only pyshacl is checked.

Prints one line per check ("ok   ..." / "FAIL ..." / "skip ...") and ends with "N passed, M failed" (", K skipped"
when the bundled build was skipped); exits 1 if any check failed. A missing pyshacl, rdflib or rapper is a
failure, never a skip.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import harness
from harness import excerpt

ROOT = harness.ROOT
# Written by `powkg validate --write-shapes` into a temporary directory (main()).
SHAPES = None
# The base IRI the bundled files' relative IRIs (powkg's own terms) resolve against, as powkg reads them.
BASE = "https://example.org/powkg/"
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "shacl")
PKSH = "https://example.org/powkg/shapes#"

PARSE_TIMEOUT = 600

try:
    import rdflib
    from rdflib.collection import Collection
    from rdflib.namespace import RDF, RDFS

    RDFLIB_ERROR = None
except ImportError as e:
    rdflib = None
    RDFLIB_ERROR = f"rdflib is not importable by {sys.executable} ({e}); install it: pip install rdflib"

try:
    import pyshacl

    PYSHACL_ERROR = None
except ImportError as e:
    pyshacl = None
    PYSHACL_ERROR = f"pyshacl is not importable by {sys.executable} ({e}); install it: pip install pyshacl"

RAPPER = shutil.which("rapper")
RAPPER_ERROR = None if RAPPER else "rapper not found on PATH; install it: apt-get install raptor2-utils"

if rdflib is not None:
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    WB = rdflib.Namespace("http://wikiba.se/ontology#")


class Checks(harness.Checks):
    def __init__(self):
        super().__init__()
        self.powkg_compared = 0  # verdicts of `powkg validate` compared with pyshacl's


def rel(path):
    return os.path.relpath(path, ROOT)


# ---------------------------------------------------------------------------------------------------------------
# powkg's own verdict (not yet: powkg has no `validate` command)
# ---------------------------------------------------------------------------------------------------------------


_HAS_VALIDATE = {}


def has_validate(powkg):
    """Whether this powkg binary has the `validate` command (powkg's own SHACL engine)."""
    if powkg not in _HAS_VALIDATE:
        run = subprocess.run([powkg, "validate", "--help"], capture_output=True, text=True, timeout=60)
        _HAS_VALIDATE[powkg] = run.returncode == 0
    return _HAS_VALIDATE[powkg]


def powkg_verdict(powkg, data_path, data_format):
    """powkg's SHACL verdict on DATA_PATH (an .nq or .ttl file) against the written shapes: (conforms, sorted list
    of "FOCUS SHAPE" strings), in the form pyshacl_verdict() returns, from `powkg validate --rdf FILE --format json`.
    The exit code must agree with the verdict (0 conforms, 1 violations); anything else is reported as a failure."""
    if not powkg or not has_validate(powkg):
        return None
    cmd = [powkg, "validate", "--rdf", data_path, "--shapes", SHAPES, "--format", "json"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=harness.BUILD_TIMEOUT)
    if run.returncode not in (0, 1):
        return (f"error (exit {run.returncode}): {excerpt(run.stderr)}", [])
    report = json.loads(run.stdout)
    if (run.returncode == 0) != bool(report["conforms"]):
        return (f"exit {run.returncode} disagrees with conforms={report['conforms']}", [])
    pairs = sorted(f"{r['focus']} {r['shape']}" for r in report["results"] if r["severity"] == "Violation")
    return (bool(report["conforms"]), pairs)


# ---------------------------------------------------------------------------------------------------------------
# pyshacl
# ---------------------------------------------------------------------------------------------------------------


def node_text(node):
    if isinstance(node, rdflib.BNode):
        return f"_:{node}"
    return str(node)


def load_union(path, data_format):
    """The data graph: a Turtle file as it is, or every named graph (and the default graph) of an N-Quads file
    merged into one rdflib Graph."""
    if data_format == "nquads":
        dataset = rdflib.Dataset()
        dataset.parse(path, format="nquads")
        union = rdflib.Graph()
        for s, p, o, _graph in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    graph = rdflib.Graph()
    graph.parse(path, format=data_format)
    return graph


def pyshacl_verdict(data_graph, shapes_graph):
    """(conforms, sorted list of "FOCUS SHAPE" strings, report text) from pyshacl, SHACL Core, no inference."""
    conforms, results_graph, text = pyshacl.validate(
        data_graph,
        shacl_graph=shapes_graph,
        inference="none",
        allow_warnings=False,
        abort_on_first=False,
        advanced=False,
    )
    pairs = []
    for result in results_graph.subjects(RDF.type, SH.ValidationResult):
        focus = results_graph.value(result, SH.focusNode)
        shape = results_graph.value(result, SH.sourceShape)
        pairs.append(f"{node_text(focus)} {node_text(shape)}")
    return bool(conforms), sorted(pairs), text


def shorten(pair):
    return pair.replace(PKSH, "pksh:").replace("https://example.org/powkg/", "")


# ---------------------------------------------------------------------------------------------------------------
# (a) the shapes file
# ---------------------------------------------------------------------------------------------------------------


def rapper_parses(path):
    """None if rapper parses PATH as Turtle, else the error."""
    try:
        run = subprocess.run(
            [RAPPER, "-i", "turtle", "-c", path, BASE], capture_output=True, text=True, timeout=PARSE_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return str(e)
    if run.returncode != 0 or not re.search(r"Parsing returned \d+ triples", run.stderr):
        return f"rapper exited {run.returncode}: {excerpt(run.stderr)}"
    return None


def shape_problems(shapes):
    """Every way the shapes graph breaks the house rules: SHACL Core only, every shape a pksh: IRI with an English
    and an Italian rdfs:label and sh:message, every referenced shape declared."""
    problems = []
    for term in (SH.sparql, SH.SPARQLConstraint, SH.select, SH.ask, SH.SPARQLTarget, SH.target, SH.rule):
        if (None, term, None) in shapes or (None, None, term) in shapes:
            problems.append(f"uses {term.n3(shapes.namespace_manager)} (not SHACL Core)")
    declared = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    referenced = set(shapes.objects(None, SH.property)) | set(shapes.objects(None, SH.qualifiedValueShape))
    referenced |= set(shapes.objects(None, SH.node))
    for lst in list(shapes.objects(None, SH["or"])) + list(shapes.objects(None, SH["and"])):
        referenced |= set(Collection(shapes, lst))
    for shape in sorted(referenced - declared, key=str):
        problems.append(f"{node_text(shape)} is used as a shape but not typed sh:NodeShape or sh:PropertyShape")
    for shape in set(shapes.subjects(SH.path, None)) - declared:
        problems.append(f"{node_text(shape)} has sh:path but is not typed sh:PropertyShape")
    for shape in sorted(declared, key=str):
        if not (isinstance(shape, rdflib.URIRef) and str(shape).startswith(PKSH)):
            problems.append(f"{node_text(shape)} is not an IRI in {PKSH}")
            continue
        for prop in (RDFS.label, SH.message):
            langs = [o.language for o in shapes.objects(shape, prop) if isinstance(o, rdflib.Literal)]
            for lang in ("en", "it"):
                if langs.count(lang) != 1:
                    problems.append(f"{shorten(str(shape))} has {langs.count(lang)} {prop.n3(shapes.namespace_manager)}"
                                    f" in '{lang}', expected 1")
    return problems


def alternative_path(shapes, shape):
    """The predicates of the sh:alternativePath of SHAPE's sh:path (also under one sh:inversePath)."""
    path = shapes.value(shape, SH.path)
    if path is None:
        return None
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        path = inverse
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is None:
        return None
    return set(Collection(shapes, alternatives))


def coverage_checks(checks, shapes, ontology):
    """The enumerated predicate lists of the statement shapes against the ontology's property declarations."""
    def of_type(prop_types, families):
        found = set()
        for prop in ontology.subjects(RDF.type, WB.Property):
            if prop_types is None or ontology.value(prop, WB.propertyType) in prop_types:
                for family in families:
                    found |= set(ontology.objects(prop, family))
        return found

    wanted = [
        ("Statement-subject", "wikibase:claim", of_type(None, [WB.claim])),
        ("Statement-mainValue", "wikibase:statementProperty", of_type(None, [WB.statementProperty])),
        ("Statement-timeValueNode", "statement/qualifier value predicates of Time properties",
         of_type({WB.Time}, [WB.statementValue, WB.qualifierValue])),
        ("Statement-quantityValueNode", "statement/qualifier value predicates of Quantity properties",
         of_type({WB.Quantity}, [WB.statementValue, WB.qualifierValue])),
    ]
    nm = ontology.namespace_manager
    for name, what, expected in wanted:
        got = alternative_path(shapes, rdflib.URIRef(PKSH + name))
        if got is None:
            checks.fail(f"shapes pksh:{name}: no sh:alternativePath found")
            continue
        missing = sorted(p.n3(nm) for p in expected - got)
        extra = sorted(p.n3(nm) for p in got - expected)
        checks.expect(
            not missing and not extra and expected,
            f"shapes pksh:{name} lists the {len(expected)} {what} of the built ontology graph",
            f"shapes pksh:{name} differs from the ontology's {what}: missing {missing or 'none'},"
            f" not in the ontology {extra or 'none'}",
        )


# ---------------------------------------------------------------------------------------------------------------
# (b) the bundled build, (c) the fixtures
# ---------------------------------------------------------------------------------------------------------------


def compare_powkg(checks, label, powkg, path, data_format, conforms, pairs):
    verdict = powkg_verdict(powkg, path, data_format)
    if verdict is None:
        return
    checks.powkg_compared += 1
    their_conforms, their_pairs = verdict
    checks.expect(
        their_conforms == conforms and sorted(their_pairs) == pairs,
        f"{label}: powkg validate agrees with pyshacl",
        f"{label}: powkg validate says conforms={their_conforms} {[shorten(p) for p in sorted(their_pairs)]},"
        f" pyshacl conforms={conforms} {[shorten(p) for p in pairs]}",
    )


def check_bundled(checks, powkg, shapes):
    with tempfile.TemporaryDirectory(prefix="powkg-shacl-") as tmp:
        out = os.path.join(tmp, "bundled.nq")
        _, error = harness.build(powkg, "--out", out)
        if error:
            checks.fail(f"bundled build: {error}")
            return
        union = load_union(out, "nquads")
        try:
            conforms, pairs, text = pyshacl_verdict(union, shapes)
        except Exception as e:  # pyshacl reports broken shapes by raising
            checks.fail(f"bundled build: pyshacl failed: {e}")
            return
        shown = ", ".join(shorten(p) for p in pairs[:10]) + (" …" if len(pairs) > 10 else "")
        checks.expect(
            conforms and not pairs,
            f"bundled build ({len(union)} triples, union of all named graphs) conforms to the project's shapes",
            f"bundled build does not conform: {len(pairs)} result(s): {shown}",
        )
        compare_powkg(checks, "bundled build", powkg, out, "nquads", conforms, pairs)


def check_fixtures(checks, powkg, shapes):
    names = sorted(os.listdir(FIXTURES)) if os.path.isdir(FIXTURES) else []
    cases = sorted(n[: -len(".ttl")] for n in names if n.endswith(".ttl"))
    expecteds = sorted(n[: -len(".expected")] for n in names if n.endswith(".expected"))
    unpaired = sorted(set(cases) ^ set(expecteds))
    checks.expect(
        cases and not unpaired and "conforming" in cases,
        f"fixtures: {len(cases)} cases in {rel(FIXTURES)}, each with its .expected, conforming.ttl among them",
        f"fixtures in {rel(FIXTURES)}: {len(cases)} cases; without a partner (.ttl/.expected): {unpaired or 'none'};"
        f" conforming.ttl {'present' if 'conforming' in cases else 'missing'}",
    )
    for case in cases:
        path = os.path.join(FIXTURES, case + ".ttl")
        expected_path = os.path.join(FIXTURES, case + ".expected")
        label = f"fixture {case}"
        if not os.path.isfile(expected_path):
            continue  # reported above
        with open(expected_path, encoding="utf-8") as f:
            expected = [line.strip() for line in f if line.strip()]
        if expected != sorted(expected):
            checks.fail(f"{label}: {rel(expected_path)} is not sorted")
            continue
        shapes_named = {line.split(" ", 1)[1] for line in expected if " " in line}
        if case == "conforming" and expected:
            checks.fail(f"{label}: {rel(expected_path)} must be empty")
            continue
        if case != "conforming" and len(shapes_named) != 1:
            checks.fail(f"{label}: {rel(expected_path)} names {len(shapes_named)} shapes; a broken fixture"
                        " breaks exactly one")
            continue
        error = rapper_parses(path) if RAPPER else RAPPER_ERROR
        if error:
            checks.fail(f"{label}: rapper: {error}")
            continue
        try:
            data = load_union(path, "turtle")
            conforms, pairs, _text = pyshacl_verdict(data, shapes)
        except Exception as e:
            checks.fail(f"{label}: {e}")
            continue
        if pairs == expected and conforms == (not expected):
            what = "conforms" if conforms else f"{len(pairs)} violation(s): {', '.join(shorten(p) for p in pairs)}"
            checks.ok(f"{label}: {what}")
        else:
            missing = [shorten(p) for p in expected if p not in pairs]
            extra = [shorten(p) for p in pairs if p not in expected]
            checks.fail(f"{label}: pyshacl conforms={conforms}; expected but not reported {missing or 'none'};"
                        f" reported but not expected {extra or 'none'}")
            continue
        compare_powkg(checks, label, powkg, path, "turtle", conforms, pairs)


def write_shapes_and_ontology(powkg, tmp):
    """The shapes powkg validates the bundled project with, and the ontology graph of its build, both written by
    powkg into TMP: (shapes path, ontology path), or an error."""
    global SHAPES
    SHAPES = os.path.join(tmp, "shapes.nt")
    run = subprocess.run([powkg, "validate", "--write-shapes", SHAPES], capture_output=True, text=True,
                         timeout=harness.BUILD_TIMEOUT, cwd=ROOT)
    if run.returncode != 0:
        return None, f"powkg validate --write-shapes exited {run.returncode}: {excerpt(run.stderr)}"
    quads = os.path.join(tmp, "bundled.nq")
    _, error = harness.build(powkg, "--out", quads)
    if error:
        return None, error
    dataset = rdflib.Dataset()
    dataset.parse(quads, format="nquads")
    ontology = rdflib.Graph()
    for s, p, o, g in dataset.quads((None, None, None, rdflib.URIRef(BASE + "graph/ontology"))):
        ontology.add((s, p, o))
    path = os.path.join(tmp, "ontology.nt")
    ontology.serialize(path, format="nt")
    return path, None


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[4], file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="powkg-shacl-shapes-") as tmp:
        return run_checks(argv, tmp)


def run_checks(argv, tmp):
    powkg = os.path.abspath(argv[1])
    checks = Checks()

    if powkg is not None and not (os.path.isfile(powkg) and os.access(powkg, os.X_OK)):
        checks.fail(f"{argv[1]} is not an executable powkg binary")
        powkg = None
        bundled = "failed"
    else:
        bundled = "run" if powkg else "skipped"

    missing = [e for e in (RDFLIB_ERROR, PYSHACL_ERROR) if e]
    if missing:
        for error in missing:
            checks.fail(error)
    else:
        # (a) the shapes
        ontology_path, error = write_shapes_and_ontology(powkg, tmp) if powkg else (None, "no powkg binary")
        if error:
            checks.fail(f"shapes and ontology graph: {error}")
            return checks.finish()
        error = rapper_parses(SHAPES) if RAPPER else RAPPER_ERROR
        checks.expect(error is None, f"rapper parses {rel(SHAPES)}", f"rapper on {rel(SHAPES)}: {error}")
        try:
            shapes = rdflib.Graph().parse(SHAPES, format="turtle", publicID=BASE)
            ontology = rdflib.Graph().parse(ontology_path, format="nt")
        except Exception as e:
            checks.fail(f"rdflib cannot parse {rel(SHAPES)} or {ontology_path}: {e}")
            shapes = None
        if shapes is not None:
            n_shapes = len(set(shapes.subjects(RDF.type, SH.NodeShape))
                           | set(shapes.subjects(RDF.type, SH.PropertyShape)))
            try:
                pyshacl.validate(rdflib.Graph(), shacl_graph=shapes, inference="none", meta_shacl=True)
                checks.ok(f"{rel(SHAPES)}: {len(shapes)} triples, {n_shapes} shapes, valid SHACL (pyshacl meta-SHACL)")
            except Exception as e:
                checks.fail(f"{rel(SHAPES)} is not valid SHACL: {excerpt(str(e))}")
            problems = shape_problems(shapes)
            checks.expect(
                not problems,
                "shapes: SHACL Core only; every shape a pksh: IRI with rdfs:label and sh:message in en and it",
                "shapes: " + "; ".join(problems[:10]) + (" …" if len(problems) > 10 else ""),
            )
            coverage_checks(checks, shapes, ontology)

            # (b) the bundled graph
            if bundled == "run":
                check_bundled(checks, powkg, shapes)
            elif bundled == "skipped":
                checks.skip("bundled build: no powkg binary given (usage: tests/e2e/shacl_oracle.py PATH/TO/powkg)")

            # (c) the fixtures
            check_fixtures(checks, powkg, shapes)

    if not checks.powkg_compared:
        print("note powkg's own verdict was not compared: no powkg binary given")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
