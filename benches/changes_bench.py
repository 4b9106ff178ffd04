#!/usr/bin/env python3
"""Benchmark: `powkg diff` between two stores of a generated register, for one changed row and for 1 % of the rows
changed, at several sizes; and what recording the state and appending to the change feed costs a build.

For each size: the register is generated (`powkg generate-register`), built into store A; one row is changed and
the register built into store B; 1 % of the rows are changed and it is built into store C. Then `powkg diff A B`
and `powkg diff A C` are timed (median of --runs), with the buckets and subjects each read. Builds are timed with
and without the feed (`--no-feed`) on the first and on the second build into one store.

    python3 benches/changes_bench.py --powkg target/release/powkg [--sizes 10000,100000,1000000] [--runs 3]

Prints one line per size and the command that reproduces the figures.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from harness import PROFILE, ROOT  # noqa: E402


def run(cmd):
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.monotonic() - started
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, done


def change_rows(src, dst, fraction, seed):
    """Copies the register SRC (CSV and mapping) to DST with FRACTION of its rows changed (at least one): a cell of
    the family-name column gets a suffix."""
    shutil.copy(src[:-4] + ".toml", dst[:-4] + ".toml")
    with open(src, encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)
    rows = len(lines) - 1
    count = max(1, int(rows * fraction))
    chosen = random.Random(seed).sample(range(1, rows + 1), count)
    for i in chosen:
        cells = lines[i].split(",")
        cells[2] = cells[2] + "-Changed"
        lines[i] = ",".join(cells)
    with open(dst, "w", encoding="utf-8") as f:
        f.writelines(lines)
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--powkg", required=True)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    powkg = os.path.abspath(args.powkg)
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory(prefix="powkg-changes-bench-") as tmp:
        for rows in sizes:
            base = os.path.join(tmp, f"r{rows}.csv")
            subprocess.run([powkg, "generate-register", "--profile", PROFILE, "--rows", str(rows), "--seed", "11",
                            "--out", base], check=True, capture_output=True, cwd=ROOT)
            one = os.path.join(tmp, f"r{rows}-one.csv")
            pct = os.path.join(tmp, f"r{rows}-pct.csv")
            change_rows(base, one, 0, 1)
            changed = change_rows(base, pct, 0.01, 2)
            stores = {}
            build_s = {}
            for name, csv in (("a", base), ("b", one), ("c", pct)):
                store = os.path.join(tmp, f"{name}{rows}.store")
                build_s[name], _ = run([powkg, "build", "--register", csv, "--store", store, "--no-feed",
                                        "--no-validate", "--report", "json"])
                stores[name] = store
            # The feed's cost: a first build with it, then a second (one changed row) into the same store.
            feed_store = os.path.join(tmp, f"f{rows}.store")
            first_feed, _ = run([powkg, "build", "--register", base, "--store", feed_store, "--no-validate"])
            second_feed, done = run([powkg, "build", "--register", one, "--store", feed_store, "--no-validate",
                                     "--report", "json"])
            appended = json.loads(done.stdout)["changes"]["feed"]["members"]
            timings = {}
            for pair in ("b", "c"):
                seconds = []
                for _ in range(args.runs):
                    s, done = run([powkg, "diff", stores["a"], stores[pair], "--format", "json"])
                    seconds.append(s)
                cost = json.loads(done.stdout)["cost"]
                timings[pair] = (statistics.median(seconds), min(seconds), max(seconds), cost)
            results.append((rows, changed, build_s, first_feed, second_feed, appended, timings))
            for name in ("a", "b", "c"):
                shutil.rmtree(stores[name], ignore_errors=True)
            shutil.rmtree(feed_store, ignore_errors=True)

    print(f"{'rows':>9} {'build (no feed)':>16} {'1st build +feed':>16} {'2nd build +feed':>16} {'members':>8} "
          f"{'diff 1 row':>12} {'buckets/subjects read':>22} {'diff 1 %':>10} {'rows':>7} {'buckets/subjects read':>22}")
    for rows, changed, build_s, first_feed, second_feed, appended, timings in results:
        b, c = timings["b"], timings["c"]
        print(f"{rows:>9,} {build_s['a']:>14.1f} s {first_feed:>14.1f} s {second_feed:>14.1f} s {appended:>8} "
              f"{b[0]:>10.2f} s {b[3]['differing_buckets']:>6}/{b[3]['subjects_read']:<15,} "
              f"{c[0]:>8.2f} s {changed:>7,} {c[3]['differing_buckets']:>6}/{c[3]['subjects_read']:<15,}")
    print(f"\n(diff: median of {args.runs} runs; min and max within "
          f"{max(max(t[2] - t[1] for t in r[6].values()) for r in results):.2f} s of each other)")
    print(f"reproduce: python3 benches/changes_bench.py --powkg {args.powkg} --sizes {args.sizes} --runs {args.runs}")


if __name__ == "__main__":
    main()
