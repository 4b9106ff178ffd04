#!/usr/bin/env python3
"""`powkg export --format quickstatements`, read back: the commands are parsed with a parser written from the
QuickStatements V1 syntax (Wikidata's Help:QuickStatements: tab-separated fields, the item, the property, the value,
then qualifier pairs `Pn value` and reference pairs `Sn value`; values as items `Q42`, times `+YYYY-MM-DDT00:00:00Z/P`,
quantities `N` or `N~T`, strings `"text"`, monolingual texts `lang:"text"`), and each command is checked against
the graph with a SPARQL ASK that names the items by their Wikidata IRIs (so it also exercises powkg's resolution
of `wd:Q…` to the entities linked to them). Every statement of the graph is written or reported as left out, with
a reason, and the reasons "has no Wikidata item" are checked against the graph too.

Usage: python3 tests/e2e/quickstatements_e2e.py PATH/TO/powkg

Prints one line per check and ends with "N passed, M failed"; exits 1 if any check failed.
"""

import os
import re
import subprocess
import sys
import tempfile

import harness

ITEM = re.compile(r"Q[1-9][0-9]*$")
PROPERTY = re.compile(r"[PS][1-9][0-9]*$")
TIME = re.compile(r"([+-])(\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)/(\d{1,2})$")
QUANTITY = re.compile(r"(-?\d+(?:\.\d+)?)(?:~(\d+(?:\.\d+)?))?$")
STRING = re.compile(r'"([^"\t]*)"$')
MONOLINGUAL = re.compile(r'([a-z]{2,3}(?:-[A-Za-z0-9]+)*):"([^"\t]*)"$')

# powkg writes its quotation predicate as Wikidata's P1683 (quotation) in references.
QUOTATION_IN_GRAPH = "pkpr:quotation"


def parse_value(text):
    """A V1 value as (kind, parts); raises ValueError on anything the syntax does not allow."""
    if ITEM.match(text):
        return ("item", text)
    if m := TIME.match(text):
        return ("time", (m.group(1), m.group(2), int(m.group(3))))
    if m := MONOLINGUAL.match(text):
        return ("monolingual", (m.group(1), m.group(2)))
    if m := STRING.match(text):
        return ("string", m.group(1))
    if m := QUANTITY.match(text):
        return ("quantity", (m.group(1), m.group(2)))
    raise ValueError(f"not a QuickStatements V1 value: {text!r}")


def parse_line(line):
    """(item, property, value, qualifiers, references) of one command line."""
    fields = line.split("\t")
    if len(fields) < 3 or len(fields) % 2 == 0:
        raise ValueError(f"a command has an item, a property, a value and pairs: {line!r}")
    item, prop, value = fields[0], fields[1], fields[2]
    if not ITEM.match(item) or not prop.startswith("P") or not PROPERTY.match(prop):
        raise ValueError(f"not an item and a property: {item!r} {prop!r}")
    qualifiers, references = [], []
    seen_reference = False
    for key, v in zip(fields[3::2], fields[4::2]):
        if not PROPERTY.match(key):
            raise ValueError(f"not a qualifier or reference property: {key!r}")
        if key.startswith("S"):
            seen_reference = True
            references.append((key, parse_value(v)))
        elif seen_reference:
            raise ValueError(f"a qualifier after a reference part: {line!r}")
        else:
            qualifiers.append((key, parse_value(v)))
    return item, prop, parse_value(value), qualifiers, references


def sparql_value(kind, parts):
    """A SPARQL term, or (a variable's filter) for a value of the graph."""
    if kind == "item":
        return f"wd:{parts}"
    if kind == "string":
        return '"' + parts.replace("\\", "\\\\") + '"'
    if kind == "monolingual":
        return '"' + parts[1].replace("\\", "\\\\") + '"@' + parts[0]
    if kind == "time":
        sign = "-" if parts[0] == "-" else ""
        return f'"{sign}{parts[1]}"^^xsd:dateTime'
    if kind == "quantity":
        return f'"{parts[0]}"^^xsd:decimal'
    raise ValueError(kind)


def ask_for(item, prop, value, qualifiers, references):
    """An ASK that holds if the graph has this statement, its qualifiers and one reference with these parts."""
    kind, parts = value
    lines = [f"wd:{item} p:{prop} ?statement .", f"?statement wikibase:rank wikibase:NormalRank ."]
    lines.append(f"?statement ps:{prop} ?value . FILTER(?value = {sparql_value(kind, parts)})")
    if kind == "time":
        lines.append(f"?statement psv:{prop} [ wikibase:timePrecision {parts[2]} ] .")
    for i, (p, (k, v)) in enumerate(qualifiers):
        lines.append(f"?statement pq:{p} ?q{i} . FILTER(?q{i} = {sparql_value(k, v)})")
        if k == "time":
            lines.append(f"?statement pqv:{p} [ wikibase:timePrecision {v[2]} ] .")
    # The qualifiers are all the statement has: no other value of a Wikidata qualifier property.
    written = ", ".join(f"pq:{p}" for p, _ in qualifiers) or "rdf:nil"
    lines.append(f"FILTER NOT EXISTS {{ ?statement ?anyQualifier ?other . ?qp wikibase:qualifier ?anyQualifier . "
                 f"FILTER(STRSTARTS(STR(?qp), STR(wd:)) && ?anyQualifier NOT IN ({written})) }}")
    if references:
        lines.append("?statement prov:wasDerivedFrom ?reference .")
        for i, (s, (k, v)) in enumerate(references):
            predicate = QUOTATION_IN_GRAPH if s == "S1683" else f"pr:P{s[1:]}"
            if s == "S4656":
                lines.append(f"?reference {predicate} <{v}> .")
            else:
                lines.append(f"?reference {predicate} ?r{i} . FILTER(?r{i} = {sparql_value(k, v)})")
    return "ASK {\n  " + "\n  ".join(lines) + "\n}"


def main():
    checks = harness.Checks()
    powkg = harness.powkg_binary(sys.argv, __doc__, checks)
    if powkg is None:
        return 2

    def query(text, *extra):
        return subprocess.run([powkg, "query", *extra, "--format", "tsv", text], capture_output=True, text=True,
                              cwd=harness.ROOT)

    with tempfile.TemporaryDirectory(prefix="powkg-qs-") as folder:
        out = os.path.join(folder, "commands.tsv")
        done = subprocess.run([powkg, "export", "--format", "quickstatements", "--out", out], capture_output=True,
                              text=True, cwd=harness.ROOT)
        if done.returncode != 0:
            checks.fail(f"powkg export --format quickstatements exited {done.returncode}: {harness.excerpt(done.stderr)}")
            return checks.finish()
        with open(out, encoding="utf-8") as f:
            lines = [line.rstrip("\n") for line in f if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(parse_line(line))
        except ValueError as e:
            checks.fail(f"the output does not parse as QuickStatements V1: {e}")
    checks.expect(len(parsed) == len(lines) and len(lines) > 0,
                  f"{len(lines)} commands parsed by the V1 parser", "no command parsed")
    for item, prop, value, qualifiers, references in parsed:
        ask = ask_for(item, prop, value, qualifiers, references)
        answer = query(ask)
        checks.expect(answer.returncode == 0 and "true" in answer.stdout,
                      f"{item} {prop} {value[1]} with {len(qualifiers)} qualifier(s) and {len(references)} reference "
                      "part(s) is a statement of the graph",
                      f"no statement of the graph matches {item} {prop} {value}: {harness.excerpt(answer.stdout + answer.stderr)}\n{ask}")

    report = done.stderr
    summary = re.search(r"quickstatements: (\d+) statements written, (\d+) left out", report)
    left_out = re.findall(r"^left out ([^:]+): (.+)$", report, re.M)
    total = query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a wikibase:Statement }")
    rows = total.stdout.split("\n")
    found = re.search(r"(\d+)", rows[1]) if total.returncode == 0 and len(rows) > 1 else None
    count = int(found.group(1)) if found else -1
    if summary is None:
        checks.fail(f"no summary line in the report: {harness.excerpt(report)}")
    else:
        written, omitted = int(summary.group(1)), int(summary.group(2))
        checks.expect(written + omitted == count and omitted == len(left_out) and written > 0,
                      f"every statement accounted for: {written} written + {omitted} left out = {count} in the graph",
                      f"{written} written + {omitted} left out ({len(left_out)} listed) != {count} statements")
    checks.expect(all(why.strip() for _, why in left_out), "every left-out statement has a reason",
                  "a left-out statement has no reason")
    # Statements of the graph that say one thing from two sources are one statement on Wikidata with two
    # references: QuickStatements adds the second line's reference to the statement the first made.
    checks.expect(summary is not None and len(lines) >= int(summary.group(1)),
                  f"at least one command per written statement ({len(lines)} for {summary and summary.group(1)})",
                  f"{len(lines)} commands for {summary and summary.group(1)} written statements")
    unlinked = {m.group(1) for _, why in left_out if (m := re.match(r"its subject (\S+) has no Wikidata item", why))}
    for entity in sorted(unlinked):
        answer = query(f"ASK {{ entity:{entity} owl:sameAs ?item }}")
        checks.expect(answer.returncode == 1 and "false" in answer.stdout,
                      f"left out for its subject: {entity} has indeed no Wikidata link",
                      f"{entity} is reported without a Wikidata item but has one: {answer.stdout}")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
