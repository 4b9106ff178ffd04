#!/usr/bin/env python3
"""Register throughput: `powkg build --register` beside Morph-KGC (an RML engine) and pyoxigraph's bulk loader, on
synthetic registers made by `powkg generate-register`. Not part of CI.

    python3 benches/register_bench.py [--powkg BIN] [--rows 10000,100000,1000000] [--venv DIR]

What it does:
  1. Makes (or reuses) a scratch virtual environment, default /var/cache/powkg-bench-venv, with pinned
     morph-kgc, rdflib and pyoxigraph (see PINS below), then runs itself again inside it. Morph-KGC 2.10.0 requires
     pyoxigraph < 0.4 and rdflib < 7.3, while powkg is built on Oxigraph 0.5.13: so the venv gets Morph-KGC's own
     pyoxigraph, and pyoxigraph 0.5.13 (the version of powkg's Oxigraph) goes into DIR/pyoxigraph-0.5.13, put on
     PYTHONPATH only for the bulk-load and store-count children.
  2. Writes the RML mapping (R2RML vocabulary + legacy RML `rml:logicalSource`, `ql:CSV`) equivalent to the register
     contract, from the constants below and the register's id (the `[register]` table's `id` in FILE.toml), and a
     Morph-KGC configuration: N-Triples, one process, `na_values` = only the empty string (an empty field makes no
     triple; a field reading `NA`, `null` or `nan` is kept as text, as powkg keeps it).
  3. Correctness: a 10,000-row register (seed 7) through both; the triples of powkg's N-Triples output whose subject is
     a prisoner IRI (BASE prisoner/...) are compared with all of Morph-KGC's output (and powkg's N-Quads output is
     checked to hold those same triples in the named graph BASE graph/register/REGISTER_ID). Neither side has blank nodes, so
     isomorphism is set equality of the parsed triples (rdflib, literals not normalised); a third set computed
     directly from the CSV with Python's csv module says which side departs from the contract when they differ.
  4. Timing, for each --rows size: powkg to N-Triples, Morph-KGC to N-Triples, powkg into an on-disk store, and
     pyoxigraph 0.5.13 bulk-loading powkg's N-Triples file into an on-disk store twice: into the register's named
     graph (the store powkg builds: same quads, Oxigraph's six named-graph indexes) and into the default graph (three
     indexes, half the work). Wall time and peak RSS of each child
     come from GNU time (`/usr/bin/time -f '%e %M'`, Debian's `time`, installed with apt-get when missing); wall time
     is also taken with a monotonic clock around the child, which is what the table shows.
  5. Removes its scratch files (keeps the venv).
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "data" / "registers" / "synthetic.profile.toml"

# --- pins -------------------------------------------------------------------------------------------------------------
MORPH_KGC = "2.10.0"
RDFLIB = "7.2.1"  # newest rdflib that morph-kgc 2.10.0 accepts (>=6.1.1, <7.3.0)
MORPH_PYOXIGRAPH = "0.3.22"  # newest pyoxigraph that morph-kgc 2.10.0 accepts (>=0.3.0, <0.4.0)
PYOXIGRAPH = "0.5.13"  # the bulk loader measured: the version of the oxigraph crate powkg is built on
PYOX_NAMED = f"pyoxigraph {PYOXIGRAPH} (named graph)"
PYOX_DEFAULT = f"pyoxigraph {PYOXIGRAPH} (default graph)"
PINS = [f"morph-kgc=={MORPH_KGC}", f"rdflib=={RDFLIB}", f"pyoxigraph=={MORPH_PYOXIGRAPH}"]

# --- the register contract --------------------------------------------------------------------------------------------
BASE = "https://example.org/powkg/"
COLUMNS = ["record_id", "given_name", "family_name", "birth_year", "birth_place", "rank", "unit", "capture_date",
           "capture_place", "camp", "fate", "death_date", "source_document"]
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
CLASSES = ["http://wikiba.se/ontology#Item", f"{BASE}ontology#Person"]
LABEL_COLUMNS = ("given_name", "family_name")
LABEL_LANGUAGE = "ro"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
DIRECT = f"{BASE}prop/direct/"
# column -> (predicate, kind, datatype): kind "literal" (plain string when datatype is None) or "entity" (IRI)
PROPERTIES = {
    "birth_year": (DIRECT + "birthYear", "literal", XSD + "gYear"),
    "birth_place": (DIRECT + "birthPlace", "literal", None),
    "rank": (DIRECT + "militaryRank", "literal", None),
    "unit": (DIRECT + "militaryUnit", "literal", None),
    "capture_date": (DIRECT + "captureDate", "literal", XSD + "date"),
    "capture_place": (DIRECT + "capturePlace", "literal", None),
    "camp": (DIRECT + "heldAt", "entity", None),
    "fate": (DIRECT + "fate", "literal", None),
    "death_date": (DIRECT + "dateOfDeath", "literal", XSD + "date"),
    "source_document": (f"{BASE}ontology#sourceDocument", "literal", None),
}


def prisoner_prefix(register_id):
    return f"{BASE}prisoner/{register_id}/"


def source_iri(register_id):
    return f"{BASE}source/{register_id}"


def entity_prefix():
    return f"{BASE}entity/"


# --- small helpers ----------------------------------------------------------------------------------------------------
def log(message):
    print(message, file=sys.stderr, flush=True)


def fail(message):
    print(f"\nFAILED: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def ttl_string(text):
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def template_constant(text):
    """Text put verbatim into an R2RML template: braces and backslashes escaped."""
    return text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")


def register_id_of(csv_path):
    """The `[register]` table's `id` in the description beside the CSV; the lower-cased stem when there is none."""
    description = Path(csv_path).with_suffix(".toml")
    if description.exists():
        import tomllib
        with open(description, "rb") as f:
            data = tomllib.load(f)
        rid = data.get("register", {}).get("id")
        if rid:
            return rid
    return Path(csv_path).stem.lower()


# --- the RML mapping and Morph-KGC's configuration ------------------------------------------------------------------
def rml_mapping(csv_path, register_id):
    """Turtle RML mapping equivalent to the register contract, for this CSV file."""
    p = prisoner_prefix(register_id)
    lines = [
        "@prefix rr: <http://www.w3.org/ns/r2rml#> .",
        "@prefix rml: <http://semweb.mmlab.be/ns/rml#> .",
        "@prefix ql: <http://semweb.mmlab.be/ns/ql#> .",
        "",
        "<http://example.org/powkg-bench/mapping#Register> a rr:TriplesMap ;",
        f"  rml:logicalSource [ rml:source {ttl_string(str(Path(csv_path).resolve()))} ;"
        " rml:referenceFormulation ql:CSV ] ;",
        f"  rr:subjectMap [ rr:template {ttl_string(template_constant(p) + '{record_id}')} ; rr:termType rr:IRI ;",
        "    rr:class " + ", ".join(f"<{c}>" for c in CLASSES) + " ] ;",
        f"  rr:predicateObjectMap [ rr:predicate <{RDFS_LABEL}> ;",
        f"    rr:objectMap [ rr:template {ttl_string(' '.join('{' + c + '}' for c in LABEL_COLUMNS))} ;"
        f" rr:termType rr:Literal ; rr:language {ttl_string(LABEL_LANGUAGE)} ] ] ;",
    ]
    for column, (predicate, kind, datatype) in PROPERTIES.items():
        if kind == "entity":
            om = f"rr:template {ttl_string(template_constant(entity_prefix()) + '{' + column + '}')} ; rr:termType rr:IRI"
        else:
            om = f"rml:reference {ttl_string(column)} ; rr:termType rr:Literal"
            if datatype:
                om += f" ; rr:datatype <{datatype}>"
        lines.append(f"  rr:predicateObjectMap [ rr:predicate <{predicate}> ; rr:objectMap [ {om} ] ] ;")
    lines.append(f"  rr:predicateObjectMap [ rr:predicate <{PROV_DERIVED}> ; rr:object <{source_iri(register_id)}> ] .")
    return "\n".join(lines) + "\n"


def morph_config(mapping_path, output_path):
    return "\n".join([
        "[CONFIGURATION]",
        # Only the empty string is a null: an empty field produces no triple, and no text value is taken for a null.
        "na_values=",
        "output_format=N-TRIPLES",
        f"output_file={output_path}",
        "only_printable_chars=no",
        # R2RML IRI-safe percent-encoding of template values (falcon's encode_value keeps only unreserved characters).
        "safe_percent_encoding=",
        "number_of_processes=1",
        "logging_level=WARNING",
        "",
        "[Register]",
        f"mappings={mapping_path}",
        "",
    ])


# --- the contract computed directly from the CSV ----------------------------------------------------------------------
def contract_triples(csv_path, register_id):
    """The prisoner-subject triples the contract asks for, as rdflib terms, read with Python's csv module."""
    from urllib.parse import quote

    from rdflib import Literal, URIRef

    derived, source = URIRef(PROV_DERIVED), URIRef(source_iri(register_id))
    out = set()
    with open(csv_path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        if header != COLUMNS:
            fail(f"{csv_path}: header {header} is not the contract's {COLUMNS}")
        for row in reader:
            r = dict(zip(header, row))
            s = URIRef(prisoner_prefix(register_id) + quote(r["record_id"], safe=""))
            for c in CLASSES:
                out.add((s, URIRef(RDF_TYPE), URIRef(c)))
            out.add((s, URIRef(RDFS_LABEL), Literal(" ".join(r[c] for c in LABEL_COLUMNS), lang=LABEL_LANGUAGE)))
            for column, (predicate, kind, datatype) in PROPERTIES.items():
                value = r[column]
                if value == "":
                    continue
                if kind == "entity":
                    o = URIRef(entity_prefix() + quote(value, safe=""))
                else:
                    o = Literal(value, datatype=URIRef(datatype) if datatype else None)
                out.add((s, URIRef(predicate), o))
            out.add((s, derived, source))
    return out


# --- running children -------------------------------------------------------------------------------------------------
def gnu_time():
    if Path("/usr/bin/time").exists():
        return "/usr/bin/time"
    log("/usr/bin/time is missing: installing Debian's `time` package")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "time"], check=True, env=env, stdout=subprocess.DEVNULL)
    return "/usr/bin/time"


def measured(command, work, label, env=None, stdout_path=None):
    """Runs command under GNU time: (wall seconds, peak RSS MiB). Fails loudly when it does not exit 0."""
    tfile = work / "time.txt"
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    err_path = work / f"stderr-{label}.txt"
    with open(err_path, "wb") as err:
        started = time.monotonic()
        proc = subprocess.run([gnu_time(), "-f", "%e %M", "-o", str(tfile), *command], stdout=out, stderr=err,
                              env=env)
        wall = time.monotonic() - started
    if stdout_path:
        out.close()
    if proc.returncode != 0:
        tail = err_path.read_text(errors="replace")[-3000:]
        fail(f"{label} exited with {proc.returncode}: {' '.join(command)}\n{tail}")
    fields = tfile.read_text().split()
    return wall, int(fields[-1]) / 1024.0


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            n += chunk.count(b"\n")
    return n


def oxigraph_env(venv):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(venv) / f"pyoxigraph-{PYOXIGRAPH}")
    return env


BULK_LOAD = """
import sys, pyoxigraph
assert pyoxigraph.__version__ == sys.argv[3], pyoxigraph.__version__
store = pyoxigraph.Store(sys.argv[1])
to_graph = pyoxigraph.NamedNode(sys.argv[4]) if len(sys.argv) > 4 else pyoxigraph.DefaultGraph()
store.bulk_load(path=sys.argv[2], format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=to_graph)
"""

STORE_LEN = """
import sys, pyoxigraph
print(len(pyoxigraph.Store.read_only(sys.argv[1])))
"""


def store_len(venv, store_dir):
    out = subprocess.run([sys.executable, "-c", STORE_LEN, str(store_dir)], env=oxigraph_env(venv),
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None
    return int(out.stdout.strip())


# --- the venv ---------------------------------------------------------------------------------------------------------
def ensure_venv(venv):
    venv = Path(venv)
    python = venv / "bin" / "python"
    if not python.exists():
        log(f"creating the virtual environment {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    check = ("import importlib.metadata as m; "
             "print(m.version('morph-kgc'), m.version('rdflib'), m.version('pyoxigraph'))")
    have = subprocess.run([str(python), "-c", check], capture_output=True, text=True).stdout.split()
    if have != [MORPH_KGC, RDFLIB, MORPH_PYOXIGRAPH]:
        log(f"installing {' '.join(PINS)} into {venv} (takes a while)")
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PINS], check=True)
    target = venv / f"pyoxigraph-{PYOXIGRAPH}"
    if not list(target.glob(f"pyoxigraph-{PYOXIGRAPH}.dist-info")):
        log(f"installing pyoxigraph=={PYOXIGRAPH} into {target}")
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--upgrade", "--target", str(target),
                        f"pyoxigraph=={PYOXIGRAPH}"], check=True)
    return python


# --- the benchmark ----------------------------------------------------------------------------------------------------
def generate(powkg, rows, work):
    path = work / f"register-{rows}.csv"
    if not path.exists():
        done = subprocess.run([powkg, "generate-register", "--profile", str(PROFILE), "--rows", str(rows), "--seed", "7",
                               "--out", str(path)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            fail(f"powkg generate-register exited with {done.returncode}:\n{done.stderr}")
    if not path.with_suffix(".toml").exists():
        fail(f"generate-register wrote no mapping description {path.with_suffix('.toml')}")
    return path


def run_morph(csv_path, work, label):
    register_id = register_id_of(csv_path)
    mapping = work / f"{label}.rml.ttl"
    mapping.write_text(rml_mapping(csv_path, register_id), encoding="utf-8")
    config = work / f"{label}.ini"
    output = work / f"{label}.nt"
    config.write_text(morph_config(mapping, output), encoding="utf-8")
    return [sys.executable, "-m", "morph_kgc", str(config)], output


def powkg_build(powkg, csv_path, *target):
    """`powkg build` as a user runs it: the curated graph built and validated, the register streamed after it."""
    return [powkg, "build", "--register", str(csv_path), *target]


def correctness(powkg, work):
    import rdflib
    import rdflib.term

    rdflib.NORMALIZE_LITERALS = False  # compare lexical forms as written
    csv_path = generate(powkg, 10_000, work)
    register_id = register_id_of(csv_path)
    prefix = prisoner_prefix(register_id)
    print(f"Correctness: {csv_path.name} (10,000 rows, seed 7), register id {register_id!r}", flush=True)

    powkg_nt = work / "check-powkg.nt"
    subprocess.run(powkg_build(powkg, csv_path, "--out", str(powkg_nt)), check=True,
                   stdout=subprocess.DEVNULL)
    command, morph_nt = run_morph(csv_path, work, "check-morph")
    subprocess.run(command, check=True)

    def parse(path):
        g = rdflib.Graph()
        g.parse(path, format="nt")
        return g

    powkg_graph, morph_graph = parse(powkg_nt), parse(morph_nt)
    powkg_all = len(powkg_graph)
    powkg_set = {t for t in powkg_graph if str(t[0]).startswith(prefix)}
    morph_set = set(morph_graph)
    stray = [t for t in morph_set if not str(t[0]).startswith(prefix)]
    if stray:
        fail(f"Morph-KGC wrote triples whose subject is not a prisoner IRI, e.g. {stray[0]}")
    bnodes = [t for t in powkg_set | morph_set if any(isinstance(x, rdflib.BNode) for x in t)]
    if bnodes:
        fail(f"blank nodes present, set equality is not isomorphism: {bnodes[0]}")
    reference = contract_triples(csv_path, register_id)

    print(f"  compared: only triples whose subject is under <{prefix}> (powkg's curated graph and the register's "
          "source-node triples are left out)")
    print(f"  powkg:     {len(powkg_set):,} prisoner triples (of {powkg_all:,} in its N-Triples output)")
    print(f"  Morph-KGC: {len(morph_set):,} triples")
    print(f"  contract computed from the CSV with Python's csv module: {len(reference):,} triples")
    print("  isomorphism test: set equality of parsed triples (no blank nodes on either side, so equal sets are "
          "isomorphic graphs)")

    def show(name, a, b, n=8):
        print(f"    only in {name}: {len(a - b):,}")
        for t in sorted(a - b)[:n]:
            print("      " + " ".join(x.n3() for x in t) + " .")

    ok = powkg_set == morph_set
    for (na, a), (nb, b) in [(("powkg", powkg_set), ("Morph-KGC", morph_set)),
                             (("powkg", powkg_set), ("contract", reference)),
                             (("Morph-KGC", morph_set), ("contract", reference))]:
        if a == b:
            print(f"  {na} == {nb}: yes")
        else:
            print(f"  {na} == {nb}: NO")
            show(na, a, b)
            show(nb, b, a)
    if not ok:
        fail("powkg's prisoner triples and Morph-KGC's output differ (see above)")
    print("  powkg and Morph-KGC agree.", flush=True)

    # N-Quads: every prisoner triple in the register's named graph, the same triples as in the N-Triples output.
    powkg_nq = work / "check-powkg.nq"
    subprocess.run(powkg_build(powkg, csv_path, "--out", str(powkg_nq)), check=True,
                   stdout=subprocess.DEVNULL)
    graph = f"{BASE}graph/register/{register_id}"
    dataset = rdflib.Dataset()
    dataset.parse(powkg_nq, format="nquads")
    in_graph, elsewhere = set(), 0
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if str(s).startswith(prefix):
            if str(g.identifier if hasattr(g, "identifier") else g) == graph:
                in_graph.add((s, p, o))
            else:
                elsewhere += 1
    print(f"  powkg N-Quads: {len(in_graph):,} prisoner triples in <{graph}>, {elsewhere:,} in other graphs")
    if elsewhere or in_graph != powkg_set:
        fail(f"powkg's N-Quads output does not put exactly the N-Triples' prisoner triples in <{graph}>")
    print()
    for p in (powkg_nt, morph_nt, powkg_nq):
        p.unlink()


def bench(powkg, venv, sizes, work):
    results = []  # (rows, tool, wall, rss, triples)
    for rows in sizes:
        log(f"\n== {rows:,} rows")
        csv_path = generate(powkg, rows, work)

        nt = work / f"powkg-{rows}.nt"
        log("powkg build --out .nt")
        wall, rss = measured(powkg_build(powkg, csv_path, "--out", str(nt)), work, "powkg-nt")
        results.append((rows, "powkg -> N-Triples", wall, rss, count_lines(nt)))

        log("Morph-KGC")
        command, morph_nt = run_morph(csv_path, work, f"morph-{rows}")
        wall, rss = measured(command, work, "morph-kgc")
        results.append((rows, "Morph-KGC -> N-Triples", wall, rss, count_lines(morph_nt)))
        morph_nt.unlink()

        log("powkg build --store")
        store = work / f"powkg-store-{rows}"
        report = work / "report.json"
        wall, rss = measured(powkg_build(powkg, csv_path, "--store", str(store), "--report", "json"),
                             work, "powkg-store", stdout_path=report)
        counted = store_len(venv, store)
        try:
            reported = json.loads(report.read_text()).get("stored_quads")
        except ValueError:
            reported = None
        if reported is not None and counted is not None and reported != counted:
            log(f"note: powkg's report says stored_quads {reported:,}, len(store) says {counted:,}")
        results.append((rows, "powkg -> store", wall, rss, counted if counted is not None else reported))
        shutil.rmtree(store, ignore_errors=True)

        # Oxigraph keeps three indexes for the default graph and six for named graphs: loading the file into the
        # register's named graph gives the store powkg builds (same quads, same indexes); loading it into the
        # default graph is the plain `bulk_load` of the N-Triples file, half the index work.
        graph = f"{BASE}graph/register/{register_id_of(csv_path)}"
        for tool, extra in ((PYOX_NAMED, [graph]), (PYOX_DEFAULT, [])):
            log(f"pyoxigraph bulk_load ({tool})")
            ostore = work / f"pyoxigraph-store-{rows}"
            wall, rss = measured([sys.executable, "-c", BULK_LOAD, str(ostore), str(nt), PYOXIGRAPH, *extra], work,
                                 "pyoxigraph", env=oxigraph_env(venv))
            results.append((rows, tool, wall, rss, store_len(venv, ostore)))
            shutil.rmtree(ostore, ignore_errors=True)
        nt.unlink()
        csv_path.unlink()
        csv_path.with_suffix(".toml").unlink()
        print_table(results)
    return results


def print_table(results, final=False):
    print("\n" + ("Results" if final else "Results so far"), flush=True)
    header = f"{'rows':>9}  {'tool':<40} {'wall s':>8} {'peak RSS MiB':>13} {'triples':>12} {'triples/s':>12}"
    print(header)
    print("-" * len(header))
    by = {}
    for rows, tool, wall, rss, triples in results:
        by[(rows, tool)] = wall
        rate = f"{triples / wall:,.0f}" if triples else "?"
        tcount = f"{triples:,}" if triples is not None else "?"
        print(f"{rows:>9,}  {tool:<40} {wall:>8.2f} {rss:>13.0f} {tcount:>12} {rate:>12}")
    print()
    for rows in sorted({r[0] for r in results}):
        p_nt, m = by.get((rows, "powkg -> N-Triples")), by.get((rows, "Morph-KGC -> N-Triples"))
        p_st = by.get((rows, "powkg -> store"))
        lines = []
        if p_nt and m:
            r = m / p_nt
            lines.append(f"Morph-KGC / powkg N-Triples = {r:.1f}x (target >= 15: {'met' if r >= 15 else 'NOT met'})")
        for tool in (PYOX_NAMED, PYOX_DEFAULT):
            o = by.get((rows, tool))
            if p_st and o:
                r = o / p_st
                lines.append(f"pyoxigraph ({tool.split('(')[1].rstrip(')')}) / powkg store = {r:.2f}x "
                             f"(target >= 1: {'met' if r >= 1 else 'NOT met'})")
        for line in lines:
            print(f"{rows:>9,}  {line}")
    sys.stdout.flush()


def main():
    # powkg runs in temporary directories here: the project it builds is the repository's own, the bundled one.
    os.environ.setdefault("POWKG_PROJECT", str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = os.environ.get("CARGO_TARGET_DIR")
    default_powkg = Path(target) / "release" / "powkg" if target else ROOT / "target" / "release" / "powkg"
    parser.add_argument("--powkg", default=str(default_powkg), help=f"powkg binary [default: {default_powkg}]")
    parser.add_argument("--rows", default="10000,100000,1000000", help="comma-separated register sizes")
    parser.add_argument("--venv", default="/var/cache/powkg-bench-venv", help="scratch virtual environment")
    parser.add_argument("--skip-check", action="store_true", help="skip the 10,000-row correctness check")
    parser.add_argument("--workdir", default=None, help="where scratch files go [default: a new temporary directory]")
    args = parser.parse_args()

    venv = Path(args.venv).resolve()
    if Path(sys.prefix).resolve() != venv:
        python = ensure_venv(venv)
        os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])

    powkg = str(Path(args.powkg).resolve())
    if not os.access(powkg, os.X_OK) and args.powkg == str(default_powkg):
        log(f"no powkg binary at {powkg}: cargo build --release (the first build compiles RocksDB, 15 minutes on 2 cores)")
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    if not os.access(powkg, os.X_OK):
        fail(f"no powkg binary at {powkg} (build it with `cargo build --release` or pass --powkg)")
    help_text = subprocess.run([powkg, "build", "--help"], capture_output=True, text=True).stdout
    if "--register" not in help_text:
        fail(f"{powkg} build has no --register option")
    sizes = [int(s.replace("_", "")) for s in args.rows.split(",") if s.strip()]

    import importlib.metadata as md
    versions = (f"morph-kgc {md.version('morph-kgc')} (with pyoxigraph {md.version('pyoxigraph')}), "
                f"rdflib {md.version('rdflib')}, pyoxigraph {PYOXIGRAPH} for the bulk load, "
                f"Python {sys.version.split()[0]}")
    powkg_version = subprocess.run([powkg, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{powkg_version} ({powkg}); {versions}")
    print("powkg build runs as users run it (curated graph built and SHACL-validated, then the register); "
          "Morph-KGC with number_of_processes=1; machine: "
          f"{os.cpu_count()} cores\n", flush=True)

    work = Path(args.workdir or tempfile.mkdtemp(prefix="powkg-register-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if not args.skip_check:
            correctness(powkg, work)
        results = bench(powkg, venv, sizes, work)
        print_table(results, final=True)
        print("\nTriples: lines of the N-Triples file (powkg's includes the ~2,600 curated triples and the register's "
              "source-node triples); for stores, len(store) through pyoxigraph.")
        repro = ["python3", "benches/register_bench.py", "--powkg", args.powkg, "--rows", args.rows]
        if venv != Path("/var/cache/powkg-bench-venv"):
            repro += ["--venv", str(venv)]
        print("reproduce: " + " ".join(repro))
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
