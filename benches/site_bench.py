#!/usr/bin/env python3
"""Benchmark: `powkg site` over an earlier site after one row of a register changed, beside the whole site, at
several sizes.

For each size: the register is generated (`powkg generate-register`) and built into a store; the site is written
whole (`powkg site --store S --out SITE`); written again with nothing changed (the run verifies the site current
against the store's state and writes nothing); then one row is changed, the store rebuilt, and the site brought up
to date. A whole site of the same store is written beside it (`--whole`), timed as the peer, and with --check (the
default below 1,000,000 rows) the two are compared file by file, byte for byte.

    python3 benches/site_bench.py --powkg target/release/powkg [--sizes 10000,100000,1000000] [--check|--no-check]

Prints one line per size and the command that reproduces the figures.
"""

import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from harness import PROFILE, ROOT  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from changes_bench import change_rows  # noqa: E402

RECORD = ".powkg-site.d"


def run(cmd):
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, done.stderr


def number(text, label):
    match = re.search(rf"{label} (\d+)", text)
    if not match:
        sys.exit(f"no {label!r} in: {text}")
    return int(match.group(1))


def differing(a, b):
    """The files that differ between the trees A and B (but the site's record for later runs), in their bytes or in
    their permissions (a web server's user must read an updated file as it reads a new one)."""
    out = []
    cmp = filecmp.dircmp(a, b, ignore=[RECORD])
    todo = [("", cmp)]
    while todo:
        prefix, c = todo.pop()
        out += [prefix + n for n in c.left_only + c.right_only + c.funny_files]
        # dircmp compares by stat first: compare the bytes of every common file.
        _, mismatch, errors = filecmp.cmpfiles(os.path.join(a, prefix), os.path.join(b, prefix), c.common_files,
                                               shallow=False)
        out += [prefix + n for n in mismatch + errors]
        mode = lambda root, n: os.stat(os.path.join(root, prefix, n)).st_mode & 0o777  # noqa: E731
        out += [prefix + n + " (mode)" for n in c.common_files if mode(a, n) != mode(b, n)]
        todo += [(prefix + name + "/", sub) for name, sub in c.subdirs.items()]
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--powkg", required=True)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--check", action=argparse.BooleanOptionalAction, default=None,
                        help="compare the updated site with the whole one (default: below 1,000,000 rows)")
    parser.add_argument("--dir", help="where to work (default: a temporary directory)")
    args = parser.parse_args()
    powkg = os.path.abspath(args.powkg)
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory(prefix="powkg-site-bench-", dir=args.dir) as tmp:
        for rows in sizes:
            base = os.path.join(tmp, f"r{rows}.csv")
            subprocess.run([powkg, "generate-register", "--profile", PROFILE, "--rows", str(rows), "--seed", "11",
                            "--out", base], check=True, capture_output=True, cwd=ROOT)
            one = os.path.join(tmp, f"r{rows}-one.csv")
            change_rows(base, one, 0, 1)
            store = os.path.join(tmp, f"s{rows}")
            site = os.path.join(tmp, f"site{rows}")
            whole = os.path.join(tmp, f"whole{rows}")
            run([powkg, "build", "--register", base, "--store", store, "--no-validate"])
            first, _ = run([powkg, "site", "--store", store, "--out", site])
            verify, said = run([powkg, "site", "--store", store, "--out", site])
            if "nothing changed" not in said:
                sys.exit(f"a second site over an unchanged store was not found current: {said}")
            run([powkg, "build", "--register", one, "--store", store, "--no-validate"])
            update, said = run([powkg, "site", "--store", store, "--out", site])
            if "updated in" not in said:
                sys.exit(f"the site was not updated: {said}")
            counts = {label: number(said, label) for label in ("written", "kept", "removed")}
            counts["things"] = int(re.search(r"(\d+) things rendered", said).group(1))
            peer, _ = run([powkg, "site", "--store", store, "--out", whole, "--whole"])
            check = args.check if args.check is not None else rows < 1_000_000
            verdict = "not compared"
            if check:
                bad = differing(site, whole)
                if bad:
                    sys.exit(f"{rows} rows: the updated site differs from the whole one in {len(bad)} files, "
                             f"e.g. {bad[:5]}")
                verdict = "byte-identical"
            results.append((rows, first, verify, update, counts, peer, verdict))
            for path in (store, site, whole, os.path.join(tmp, f".site{rows}.site.copy")):
                shutil.rmtree(path, ignore_errors=True)

    print(f"{'rows':>9} {'whole site':>11} {'unchanged':>10} {'1 row changed':>14} {'things':>7} {'written':>8} "
          f"{'kept':>10} {'removed':>8} {'whole (peer)':>13}  updated vs whole")
    for rows, first, verify, update, c, peer, verdict in results:
        print(f"{rows:>9,} {first:>9.1f} s {verify:>8.2f} s {update:>12.2f} s {c['things']:>7,} {c['written']:>8,} "
              f"{c['kept']:>10,} {c['removed']:>8,} {peer:>11.1f} s  {verdict}")
    check = "" if args.check is None else (" --check" if args.check else " --no-check")
    print(f"reproduce: python3 benches/site_bench.py --powkg {args.powkg} --sizes {args.sizes}{check}")


if __name__ == "__main__":
    main()
