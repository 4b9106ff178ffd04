#!/usr/bin/env python3
"""The Oxigraph CLI as an oracle for the order of `powkg query` results.

Usage: python3 tests/e2e/order_oracle.py PATH/TO/powkg

powkg sorts a SELECT's solutions outside the evaluator (src/query/sparql/order.rs). Here the bundled project is built
into a store, the store copied, and queries whose ORDER BY keys are each of one comparable family (numbers of
several XSD types, calendar values, IRIs, strings tagged in several languages, unbound values), in both directions,
on projected and unprojected variables and on expressions, with DISTINCT, REDUCED, LIMIT and OFFSET, are run by
`powkg query --store` and by `oxigraph query --location` (the Oxigraph server's own command, from PyPI, which sorts
inside its evaluator). The two TSV answers must be byte-identical and not empty.

Prints one line per query and ends with "N passed, M failed"; exits 1 if any check failed.
"""

import os
import shutil
import subprocess
import sys
import tempfile

import harness

OXIGRAPH = os.path.join(os.path.dirname(sys.executable), "oxigraph")

PREFIXES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

# Each key's values are of one family, so that the two orders agree: across families SPARQL leaves the order open
# and powkg makes it total its own way. The last keys make the order total on what is projected.
QUERIES = {
    "numbers of several types, descending": """
        SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isNumeric(?o)) } ORDER BY DESC(?o) STR(?s) STR(?p)""",
    "calendar values, an unprojected key": """
        SELECT ?s ?o WHERE { ?s ?p ?o FILTER(DATATYPE(?o) = xsd:dateTime) } ORDER BY ?o STR(?s) STR(?p)""",
    "tagged strings of several languages, unbound first": """
        SELECT ?s ?label WHERE { ?s a ?class OPTIONAL { ?s rdfs:label ?label } }
        ORDER BY ?label STR(?s) STR(?class)""",
    "an expression, IRIs descending": """
        SELECT ?s ?l WHERE { ?s rdfs:label ?l } ORDER BY STRLEN(?l) DESC(?s) ?l""",
    "distinct, with offset and limit": """
        SELECT DISTINCT ?p WHERE { ?s ?p ?o } ORDER BY DESC(?p) LIMIT 10 OFFSET 3""",
    "reduced, ordered by an unprojected variable": """
        SELECT REDUCED ?class WHERE { ?s a ?class } ORDER BY STR(?class) ?s""",
}


def main():
    checks = harness.Checks()
    powkg = harness.powkg_binary(sys.argv, __doc__, checks)
    if powkg is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="powkg-order-") as folder:
        store = os.path.join(folder, "store")
        built = subprocess.run([powkg, "build", "--store", store], capture_output=True, text=True, cwd=harness.ROOT)
        if built.returncode != 0:
            checks.fail(f"powkg build --store exited {built.returncode}: {harness.excerpt(built.stderr)}")
            return checks.finish()
        # The Oxigraph command opens the store for writing: it gets a copy of its files.
        copy = os.path.join(folder, "copy")
        os.makedirs(copy)
        for name in os.listdir(store):
            path = os.path.join(store, name)
            if os.path.isfile(path) and name != "LOCK":
                shutil.copy(path, copy)
        for name, text in QUERIES.items():
            query = PREFIXES + text
            ours = subprocess.run([powkg, "query", "--store", store, "--format", "tsv", query],
                                  capture_output=True, text=True, cwd=harness.ROOT)
            theirs = subprocess.run([OXIGRAPH, "query", "--location", copy, "--query", query, "--results-format", "tsv",
                                     "--union-default-graph"], capture_output=True, text=True)
            if ours.returncode != 0 or theirs.returncode != 0:
                checks.fail(f"{name}: powkg exited {ours.returncode} ({harness.excerpt(ours.stderr)}), "
                            f"oxigraph {theirs.returncode} ({harness.excerpt(theirs.stderr)})")
                continue
            rows = ours.stdout.count("\n") - 1
            if ours.stdout == theirs.stdout and rows > 1:
                checks.ok(f"{name}: {rows} rows, byte-identical to the Oxigraph CLI's")
            else:
                mine = ours.stdout.splitlines()
                other = theirs.stdout.splitlines()
                first = next((i for i, (a, b) in enumerate(zip(mine, other)) if a != b), min(len(mine), len(other)))
                checks.fail(f"{name}: powkg gave {len(mine)} lines, oxigraph {len(other)}; first difference at line "
                            f"{first + 1}: {mine[first:first + 1]} against {other[first:first + 1]}")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
