#!/usr/bin/env python3
"""Search index benchmark: what the index adds to a register's store build, its size, and search latency. Not part
of CI. Run it under the cargo lock where builds share the machine:

    flock /var/cache/powkg-cargo.lock python3 benches/search_bench.py [--powkg BIN] [--rows 10000,100000,1000000]

For each size: `powkg generate-register --rows N --seed 7`; `powkg build --register … --store` twice, with
--no-search-index and with the index, alternated, twice each (wall time, monotonic clock around the child; the
faster of each pair kept; the added share is the difference over the build without); the sizes of the store and of its index (`search/` inside it); then the 100 most
frequent family names of the register's CSV (counted here with Python's csv module) searched for in-process on the
store's index by `cargo bench --bench search` (each once to warm, then 5 times each; median and 99th percentile).
"""

import argparse
import collections
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


def size(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def timed(cmd, cwd):
    start = time.monotonic()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def main():
    # powkg runs in temporary directories here: the project it builds is the repository's own, the bundled one.
    os.environ.setdefault("POWKG_PROJECT", str(ROOT))
    parser = argparse.ArgumentParser()
    parser.add_argument("--powkg", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", ROOT / "target"), "release", "powkg"))
    parser.add_argument("--rows", default="10000,100000")
    args = parser.parse_args()
    powkg = str(Path(args.powkg).resolve())
    print(f"# python3 benches/search_bench.py --powkg {args.powkg} --rows {args.rows}", flush=True)
    rows_list = [int(r) for r in args.rows.split(",")]
    results = []
    with tempfile.TemporaryDirectory(prefix="powkg-search-bench-", dir="/var/tmp") as scratch:
        for rows in rows_list:
            work = Path(scratch) / str(rows)
            work.mkdir()
            subprocess.run([powkg, "generate-register", "--profile", str(PROFILE), "--rows", str(rows), "--seed", "7",
                            "--out", "reg.csv"],
                           cwd=work, check=True, stdout=subprocess.DEVNULL)
            # Alternated, twice each, the faster of each pair kept: the machine is shared, and a build that ran
            # beside another job must not decide the added share.
            without, with_index = [], []
            for _ in range(2):
                without.append(timed(
                    [powkg, "build", "--register", "reg.csv", "--store", "plain", "--no-search-index"], work))
                with_index.append(timed([powkg, "build", "--register", "reg.csv", "--store", "indexed"], work))
            without, with_index = min(without), min(with_index)
            with open(work / "reg.csv", newline="", encoding="utf-8") as f:
                names = collections.Counter(r["family_name"] for r in csv.DictReader(f))
            (work / "queries.txt").write_text("\n".join(n for n, _ in names.most_common(100)) + "\n")
            bench = subprocess.run(
                ["cargo", "bench", "--quiet", "--bench", "search", "--", str(work / "indexed"),
                 str(work / "queries.txt")],
                cwd=ROOT, check=True, capture_output=True, text=True)
            latency = json.loads(bench.stdout.strip().splitlines()[-1])
            row = {
                "rows": rows,
                "build_without_s": without,
                "build_with_s": with_index,
                "added": (with_index - without) / without,
                "store_mb": size(work / "plain") / 1e6,
                "index_mb": size(work / "indexed" / "search") / 1e6,
                **latency,
            }
            print(json.dumps(row), flush=True)
            results.append(row)
            shutil.rmtree(work)
    print()
    print("| rows | store build without index | with index | added | store size | index size | search median | search p99 |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['rows']:,} | {r['build_without_s']:.1f} s | {r['build_with_s']:.1f} s | {r['added']:+.0%} | "
              f"{r['store_mb']:.0f} MB | {r['index_mb']:.0f} MB | {r['median_ms']:.2f} ms | {r['p99_ms']:.2f} ms |")


if __name__ == "__main__":
    sys.exit(main())
