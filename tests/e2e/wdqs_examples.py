#!/usr/bin/env python3
"""Wikidata Query Service habits, unchanged: every example in queries/examples/ runs through `powkg query` and through
the endpoint of `powkg serve` (with SPARQLWrapper, as a WDQS user's script would), and both give exactly the rows
kept beside it in NAME.expected.tsv.

The examples are written the way WDQS examples are: no PREFIX lines (the prologue predeclares wd: wdt: p: ps: psv:
pq: pr: wikibase: bd: and the rest), the label service in its automatic and explicit forms, date filters on
xsd:dateTime values, reference lookups (pr:P143, pr:P248, pr:P304) and qualifier lookups (pq:P276, pq:P580).

Usage: tests/e2e/wdqs_examples.py POWKG_BINARY [--bless]
  --bless  rewrite NAME.expected.tsv from `powkg query` (review the diff before committing it).
Rows are compared in order (every example has an ORDER BY); terms are written as in N-Triples. Prints one line per
check and ends with "N passed, M failed"; exits 1 if any check failed.
"""

import json
import pathlib
import re
import subprocess
import sys
import tempfile

from SPARQLWrapper import JSON, SPARQLWrapper

import harness
from harness import Checks, PowkgServer

ROOT = pathlib.Path(harness.ROOT)
EXAMPLES = ROOT / "queries" / "examples"


def escape(value):
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def term(binding):
    """A SPARQL JSON results binding as an N-Triples term."""
    kind = binding["type"]
    if kind == "uri":
        return f"<{binding['value']}>"
    if kind == "bnode":
        return f"_:{binding['value']}"
    text = f'"{escape(binding["value"])}"'
    if "xml:lang" in binding:
        return f"{text}@{binding['xml:lang']}"
    if "datatype" in binding and binding["datatype"] != "http://www.w3.org/2001/XMLSchema#string":
        return f"{text}^^<{binding['datatype']}>"
    return text


def table(results):
    """Header and rows of SPARQL JSON results, as lines of tab-separated terms."""
    variables = results["head"]["vars"]
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in results["results"]["bindings"]:
        lines.append("\t".join(term(row[v]) if v in row else "" for v in variables))
    return lines


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary, bless = sys.argv[1], "--bless" in sys.argv[2:]
    examples = sorted(EXAMPLES.glob("*.rq"))
    checks = Checks()
    check = checks.check
    check(len(examples) >= 10, f"{len(examples)} examples in {EXAMPLES.relative_to(ROOT)} (at least 10)")
    with tempfile.TemporaryDirectory(prefix="powkg-wdqs-") as tmp:
        server = PowkgServer(binary, tmp, "--query-timeout", "10")
        try:
            server.wait_ready()
        except RuntimeError as e:
            server.stop()
            checks.fail(str(e))
            sys.exit(checks.finish())
        try:
            for path in examples:
                name = path.stem
                text = path.read_text(encoding="utf-8")
                check(not re.search(r"^\s*PREFIX\s", text, re.I | re.M), f"{name}: declares no prefix, as on WDQS")
                cli = subprocess.run(
                    [binary, "query", "--file", str(path), "--format", "json"],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                )
                if cli.returncode != 0:
                    check(False, f"{name}: powkg query exits {cli.returncode}: {cli.stderr.strip()}")
                    continue
                from_cli = table(json.loads(cli.stdout))
                expected_path = path.with_suffix(".expected.tsv")
                if bless:
                    expected_path.write_text("\n".join(from_cli) + "\n", encoding="utf-8")
                expected = expected_path.read_text(encoding="utf-8").splitlines()
                check(len(expected) > 1, f"{name}: the expected results have rows ({len(expected) - 1})")
                check(from_cli == expected, f"{name}: powkg query gives the expected {len(expected) - 1} rows")
                if from_cli != expected:
                    print("\n".join(f"    got: {line}" for line in from_cli[:20]))
                endpoint = SPARQLWrapper(server.endpoint)
                endpoint.setQuery(text)
                endpoint.setReturnFormat(JSON)
                from_endpoint = table(endpoint.query().convert())
                check(from_endpoint == expected, f"{name}: the endpoint (SPARQLWrapper) gives the same rows")
                if from_endpoint != expected:
                    print("\n".join(f"    got: {line}" for line in from_endpoint[:20]))
        finally:
            server.stop(timeout=30)
    sys.exit(checks.finish())


if __name__ == "__main__":
    main()
