"""Shared by the end-to-end scripts of tests/e2e/: the tally of checks they print, free loopback ports, `powkg build`,
and the servers they start (powkg serve, the Oxigraph server, Virtuoso, nginx): each started with its output kept in
files, waited for until it answers or a deadline passes, and stopped with SIGTERM, then SIGKILL.

Every script prints one line per check ("ok   ...", "FAIL ...", "skip ...") and ends with "N passed, M failed"
(", K skipped" when a check was skipped); it exits 1 if any check failed.

Standard library only: the benchmarks in benches/ import it with the system Python.
"""

import os
import sys
import socket
import subprocess
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The bundled project's profile for `powkg generate-register` (its words, columns and mapping).
PROFILE = os.path.join(ROOT, "data", "registers", "synthetic.profile.toml")
BUILD_TIMEOUT = 900  # seconds for one `powkg build`; a debug binary on a busy machine is slow
TAIL_LINES = 20  # lines of a server's standard error printed when it does not become ready


class Checks:
    """The tally of a script's checks, each printed on its own line as it is made."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0

    def ok(self, text):
        self.passed += 1
        print(f"ok   {text}", flush=True)

    def fail(self, text):
        self.failed += 1
        print(f"FAIL {text}", flush=True)

    def skip(self, text):
        """A check that could not be made (a known limitation met), reported as such rather than passed."""
        self.skipped += 1
        print(f"skip {text}", flush=True)

    def expect(self, condition, ok_text, fail_text):
        """One check, with its words for the pass and for the failure."""
        if condition:
            self.ok(ok_text)
        else:
            self.fail(fail_text)

    def check(self, condition, text):
        """One check, described by the same words whether it passes or fails."""
        self.expect(condition, text, text)

    def finish(self):
        """Prints the last line, "N passed, M failed" (", K skipped" when any was); returns the exit status: 1 if
        any check failed, else 0."""
        summary = f"{self.passed} passed, {self.failed} failed"
        if self.skipped:
            summary += f", {self.skipped} skipped"
        print(summary, flush=True)
        return 1 if self.failed else 0


def powkg_binary(argv, doc, checks):
    """The powkg binary named by the script's one argument, as an absolute path; None after printing the usage line
    of DOC (a script's docstring) for a wrong number of arguments (exit 2), or after a failed check for a path that
    is not an executable file."""
    if len(argv) != 2:
        print(doc.strip().splitlines()[2], file=sys.stderr)
        return None
    powkg = os.path.abspath(argv[1])
    if not (os.path.isfile(powkg) and os.access(powkg, os.X_OK)):
        checks.fail(f"{argv[1]} is not an executable powkg binary")
        return None
    return powkg


def excerpt(text, limit=600):
    """TEXT stripped and cut to LIMIT characters, for a failure message."""
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + " …"


def free_port():
    """A TCP port free on 127.0.0.1 at the moment of asking."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(powkg, *options, timeout=BUILD_TIMEOUT):
    """Runs `powkg build OPTIONS` from the repository root (the bundled data unless OPTIONS say otherwise; give
    absolute paths). Returns (its standard output, None), or (None, what went wrong): it could not run, it exited
    with a code other than 0, or it wrote nothing where its `--out` or `--store` said."""
    cmd = [powkg, "build", *options]
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"{' '.join(cmd)}: {e}"
    if run.returncode != 0:
        return None, f"{' '.join(cmd)} exited {run.returncode}: {excerpt(run.stderr)}"
    for flag in ("--out", "--store"):
        if flag in options:
            target = options[options.index(flag) + 1]
            if not os.path.exists(target):
                return None, f"{' '.join(cmd)}: reported success but wrote no {target}"
    return run.stdout, None


class Server:
    """A server process started for a test on a loopback port, from the repository root unless CWD is given. Its
    standard output and error go to NAME.out and NAME.err in FOLDER, read back when something fails."""

    def __init__(self, name, command, folder, port, env=None, cwd=ROOT):
        self.name = name
        self.command = command
        self.port = port
        self.root = f"http://127.0.0.1:{port}"
        self.out_path = os.path.join(folder, f"{name}.out")
        self.err_path = os.path.join(folder, f"{name}.err")
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd, env={**os.environ, **(env or {})},
            )

    def output(self):
        """What the server has written so far: its standard output, then its standard error."""
        texts = []
        for path in (self.out_path, self.err_path):
            with open(path, encoding="utf-8", errors="replace") as f:
                texts.append(f.read())
        return "\n".join(t for t in texts if t.strip())

    def wait_ready(self, url=None, seconds=60):
        """Waits until a GET of URL (by default the server's /) is answered with a status below 500. When the
        process exits first or SECONDS pass, prints the last lines of its standard error and raises RuntimeError
        saying which."""
        url = url or f"{self.root}/"
        deadline = time.monotonic() + seconds
        while True:
            if self.process.poll() is not None:
                why = f"exited with code {self.process.returncode} before answering {url}"
                break
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    response.read()
                return
            except urllib.error.HTTPError as e:
                e.close()
                if e.code < 500:
                    return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() >= deadline:
                why = f"did not answer {url} within {seconds} s"
                break
            time.sleep(0.2)
        with open(self.err_path, encoding="utf-8", errors="replace") as f:
            tail = f.read().splitlines()[-TAIL_LINES:]
        if tail:
            print(f"     {self.name}: the last {len(tail)} lines of its standard error:", flush=True)
        else:
            print(f"     {self.name} wrote nothing on its standard error", flush=True)
        for line in tail:
            print(f"     | {line}", flush=True)
        raise RuntimeError(f"{self.name} {why}")

    def stop(self, timeout=10):
        """SIGTERM, then waits up to TIMEOUT seconds, then SIGKILL; returns the exit code, or None when it had to be
        killed."""
        if self.process.poll() is not None:
            return self.process.returncode
        self.process.terminate()
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None


class PowkgServer(Server):
    """`powkg serve --bind 127.0.0.1:PORT OPTIONS` on a free port; ENDPOINT is its SPARQL endpoint."""

    def __init__(self, powkg, folder, *options, name="serve", env=None):
        port = free_port()
        super().__init__(name, [powkg, "serve", "--bind", f"127.0.0.1:{port}", *options], folder, port, env=env)
        self.endpoint = f"{self.root}/sparql"
