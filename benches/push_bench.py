#!/usr/bin/env python3
"""Benchmark: `powkg push` of a generated register into the Oxigraph server and into Virtuoso, beside each store's
own bulk loader of the same triples from a file (`oxigraph load`; Virtuoso's `ld_dir` + `rdf_loader_run()` +
`checkpoint`), in the same run on the same machine; and `powkg push --bulk` of the same rows into a graph the store
does not hold (the opt-in, non-atomic first load). Each store starts empty, on a loopback port, in a temporary
directory, and is stopped at the end.

Then changes one row of the register and pushes it again (the nightly case), and prints that push's seconds,
bytes sent and route.

Prints, per store: triples, seconds and triples per second for powkg's push and for the native loader, their ratio,
powkg's peak resident memory (from /usr/bin/time -v when it is installed) and the store's during the push (sampled
every half second), then the command that reproduces the figures.

    python3 benches/push_bench.py --powkg target/release/powkg [--rows 1000000] [--stores oxigraph,virtuoso]
        [--oxigraph PATH] [--chunk-size SIZE]

Needs the Oxigraph server (`pip install oxigraph`) and Virtuoso (`virtuoso-opensource`), as tests/e2e/push_e2e.py does.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import push_stores  # noqa: E402  (the stores the push test starts)
from harness import PROFILE  # noqa: E402  (the bundled project's profile for generate-register)


def timed(command, env=None, cwd=None):
    """Runs a command; its wall seconds and peak RSS in MiB (None without /usr/bin/time)."""
    time_bin = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)
    wrapped = [time_bin, "-v", *command] if time_bin else command
    started = time.monotonic()
    done = subprocess.run(wrapped, capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=cwd)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return seconds, (int(rss.group(1)) / 1024 if rss else None), done.stdout


class PeakRss:
    """Samples a process's resident memory (Linux's /proc/PID/status) every half second while it is entered."""

    def __init__(self, pid):
        self.pid, self.peak, self.running = pid, 0, True

    def sample(self):
        try:
            with open(f"/proc/{self.pid}/status", encoding="ascii") as f:
                kib = next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
            self.peak = max(self.peak, kib)
        except OSError:
            pass

    def __enter__(self):
        import threading

        def run():
            while self.running:
                self.sample()
                time.sleep(0.5)

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.running = False
        self.thread.join()
        self.sample()

    def mib(self):
        return self.peak / 1024


def main():
    # powkg runs in temporary directories here: the project it builds is the repository's own, the bundled one.
    os.environ.setdefault("POWKG_PROJECT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--powkg", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--oxigraph", default=None, help="the oxigraph CLI [default: on PATH or beside this Python]")
    parser.add_argument("--stores", default="oxigraph,virtuoso",
                        help="the stores to push to, comma-separated [default: oxigraph,virtuoso]")
    parser.add_argument("--chunk-size", default=None, help="powkg push --chunk-size [default: powkg's]")
    parser.add_argument("--bulk-only", action="store_true",
                        help="time only push --bulk beside the native loader (no atomic push, no changed row)")
    args = parser.parse_args()
    powkg = os.path.abspath(args.powkg)
    if args.oxigraph:
        os.environ["PATH"] = os.path.dirname(os.path.abspath(args.oxigraph)) + os.pathsep + os.environ["PATH"]
    oxigraph = push_stores.oxigraph_cli()
    results = []
    changed = []
    with tempfile.TemporaryDirectory(prefix="powkg-push-bench-") as tmp:
        csv = os.path.join(tmp, "bench.csv")
        subprocess.run([powkg, "generate-register", "--profile", PROFILE, "--rows", str(args.rows), "--out", csv], check=True, capture_output=True)
        # The same triples as a file for the native loaders: the register's graph alone, as N-Triples.
        nquads = os.path.join(tmp, "all.nq")
        subprocess.run([powkg, "build", "--register", csv, "--out", nquads], check=True, capture_output=True)
        graph = "https://example.org/powkg/graph/register/bench"
        ntriples = os.path.join(tmp, "bench.nt")
        triples = 0
        with open(nquads, encoding="utf-8") as src, open(ntriples, "w", encoding="utf-8") as dst:
            suffix = f" <{graph}> .\n"
            for line in src:
                if line.endswith(suffix):
                    dst.write(line[: -len(suffix)] + " .\n")
                    triples += 1
        os.remove(nquads)

        kinds = {"oxigraph": push_stores.Oxigraph, "virtuoso": push_stores.Virtuoso}
        wanted = [name.strip() for name in args.stores.split(",") if name.strip()]
        unknown = [name for name in wanted if name not in kinds]
        if unknown or not wanted:
            sys.exit(f"--stores: expected oxigraph and/or virtuoso, got {args.stores!r}")
        for kind in (kinds[name] for name in wanted):
            store = kind(tmp)
            try:
                push_s = rss = graph_report = None
                server = PeakRss(store.server.process.pid)
                if not args.bulk_only:
                    with PeakRss(store.server.process.pid) as server:
                        push_s, rss, out = timed(
                            [powkg, "push", *store.push_args(), "--register", csv, "--graph", "bench", "--report", "json",
                             *(["--chunk-size", args.chunk_size] if args.chunk_size else [])],
                            env=store.env,
                        )
                    graph_report = json.loads(out)["graphs"][0]
                    stored = push_stores.count(store, graph)
                    if stored != triples:
                        sys.exit(f"{kind.name}: {stored} triples in the store after the push, {triples} expected")
                    # The nightly case: one row of the register changes, and the register is pushed again.
                    with open(csv, encoding="utf-8") as f:
                        original = f.read()
                    rows = original.splitlines(keepends=True)
                    cells = rows[len(rows) // 2].split(",")
                    cells[2] += "-Changed"
                    rows[len(rows) // 2] = ",".join(cells)
                    with open(csv, "w", encoding="utf-8") as f:
                        f.writelines(rows)
                    again_s, _, again = timed(
                        [powkg, "push", *store.push_args(), "--register", csv, "--graph", "bench", "--report", "json"],
                        env=store.env,
                    )
                    with open(csv, "w", encoding="utf-8") as f:
                        f.write(original)
                    again_report = json.loads(again)["graphs"][0]
                    changed.append((kind.name, again_s, again_report))
                # --bulk: the same rows as a register the store does not hold (its own graph), by the bulk route.
                bulk_csv = os.path.join(tmp, "bulk.csv")
                shutil.copy(csv, bulk_csv)
                with open(csv[:-4] + ".toml", encoding="utf-8") as f:
                    mapping = re.sub(r'(?m)^id = "[^"]*"', 'id = "bulk"', f.read(), count=1)
                with open(bulk_csv[:-4] + ".toml", "w", encoding="utf-8") as f:
                    f.write(mapping)
                with PeakRss(store.server.process.pid) as bulk_server:
                    bulk_s, bulk_rss, bulk_out = timed(
                        [powkg, "push", *store.push_args(), "--register", bulk_csv, "--graph", "bulk", "--bulk",
                         "--report", "json"],
                        env=store.env,
                    )
                if args.bulk_only:
                    rss, server = bulk_rss, bulk_server
                bulk_report = json.loads(bulk_out)["graphs"][0]
                bulk_graph = graph.rsplit("/", 1)[0] + "/bulk"
                if bulk_report.get("route") != "bulk" or push_stores.count(store, bulk_graph) != triples:
                    sys.exit(f"{kind.name}: push --bulk: {bulk_report}")
                if kind is push_stores.Oxigraph:
                    native_s, _, _ = timed([oxigraph, "load", "--location", os.path.join(tmp, "ox-native"),
                                            "--file", ntriples, "--graph", graph])
                else:
                    started = time.monotonic()
                    store.sql(f"ld_dir('{tmp}', 'bench.nt', '{graph}-native'); rdf_loader_run(); checkpoint;")
                    native_s = time.monotonic() - started
                    loaded = push_stores.count(store, graph + "-native")
                    if loaded != triples:
                        sys.exit(f"Virtuoso's bulk loader loaded {loaded} triples, {triples} expected")
                results.append((kind.name, triples, push_s, native_s, rss, server.mib(), graph_report, bulk_s))
            finally:
                store.stop()

    print(f"\npush benchmark: a generated register of {args.rows:,} rows ({triples:,} triples), each store empty")
    print(f"{'store':<16} {'powkg push':>22} {'of which upload / replace':>26} {'native bulk load':>24} "
          f"{'push/native':>12} {'push --bulk':>22} {'bulk/native':>12} {'push peak RSS':>14} {'store peak RSS':>15}")
    for name, n, push_s, native_s, rss, server_mib, graph_report, bulk_s in results:
        if push_s is None:
            print(f"{name:<16} {'(not run)':>22} {'':>26} {native_s:>8.1f} s {n / native_s:>11,.0f} t/s {'':>12} "
                  f"{bulk_s:>8.1f} s {n / bulk_s:>9,.0f} t/s {native_s / bulk_s:>11.2f} "
                  f"{(f'{rss:.0f} MiB' if rss else 'n/a'):>14} {server_mib:>11,.0f} MiB")
            continue
        ratio = (n / push_s) / (n / native_s)
        if graph_report.get("route") == "one-request":
            split = f"one request: {graph_report['upload_seconds']:.1f} s"
        else:
            split = f"{graph_report['upload_seconds']:.1f} s / {graph_report['replace_seconds']:.1f} s"
        print(
            f"{name:<16} {push_s:>8.1f} s {n / push_s:>9,.0f} t/s {split:>26} {native_s:>8.1f} s "
            f"{n / native_s:>11,.0f} t/s {ratio:>11.2f} {bulk_s:>8.1f} s {n / bulk_s:>9,.0f} t/s "
            f"{native_s / bulk_s:>11.2f} {(f'{rss:.0f} MiB' if rss else 'n/a'):>14} "
            f"{server_mib:>11,.0f} MiB"
        )
    if changed:
        print(f"\none row of the {args.rows:,} changed, pushed again:")
    for name, seconds, report in changed:
        print(f"{name:<16} {seconds:>8.1f} s, {report['bytes_sent']:,} of {report['bytes']:,} bytes sent "
              f"({report['route']}: {report['reason'].split('; ')[-1]})")
    print(f"\nreproduce: python3 benches/push_bench.py --powkg {args.powkg} --rows {args.rows} --stores {args.stores}"
          + (f" --oxigraph {args.oxigraph}" if args.oxigraph else "")
          + (f" --chunk-size {args.chunk_size}" if args.chunk_size else "")
          + (" --bulk-only" if args.bulk_only else ""))


if __name__ == "__main__":
    main()
