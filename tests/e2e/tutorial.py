#!/usr/bin/env python3
"""Runs docs/tutorial.md ("Build your own graph") as a reader would, and fails where the reader would be stuck.

    python3 tests/e2e/tutorial.py target/release/powkg

The tutorial's fenced blocks are taken in order, in a fresh temporary directory, with the binary's directory first
on PATH:
  - ```sh blocks run with `bash -e -o pipefail`, one script per block, from the directory the previous block ended
    in (so `cd railway` carries over). A block must exit 0, or N when its info string says `sh expect-exit=N` (then
    every command before its last must succeed and the last must exit N). A command ending in `&` (a server) is
    started in the background; whatever is still running at the end is stopped (SIGTERM, then SIGKILL).
  - blocks whose info string names `file=PATH` (```toml file=data/claims.toml, ```sparql file=queries/x.rq, ```tsv,
    ```csv ...) write PATH whole, or append to it with `append` (the file must exist then). PATH is relative to the
    project directory: the nearest directory holding a powkg.toml, walking up from the current one (the current
    directory when there is none); it may not leave it.
  - other blocks (no info string, or one that is neither) are text and are skipped.
On the first failure it prints the block's line in docs/tutorial.md (and the failing command's line where known)
with the command's output, and stops: later blocks build on earlier ones.

Prints one line per block ("ok   ..." or "FAIL ..."), a summary (blocks run, commands run, files written and
appended), and ends with "N passed, M failed"; exits 1 if any check failed.
"""

import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time

from harness import ROOT, Checks, powkg_binary

TUTORIAL = os.path.join(ROOT, "docs", "tutorial.md")
BLOCK_TIMEOUT = 900  # seconds for one sh block: a build on a busy machine is slow
STOP_TIMEOUT = 10  # seconds a background process has after SIGTERM
OUTPUT_LIMIT = 4000  # characters of a failed block's output printed

FENCE = re.compile(r"^```(.*)$")


class Block:
    """A fenced block of the tutorial: its info string split into words, its text, and the line of its opening
    fence in docs/tutorial.md (1-based)."""

    def __init__(self, line, info, text):
        self.line = line
        self.words = info.split()
        self.text = text

    @property
    def lang(self):
        return self.words[0] if self.words else ""

    def attr(self, name):
        """The value of NAME=VALUE in the info string, or None."""
        for word in self.words[1:]:
            key, sep, value = word.partition("=")
            if sep and key == name:
                return value
        return None

    def flag(self, name):
        return name in self.words[1:]

    def where(self):
        return f"docs/tutorial.md:{self.line}"


def read_blocks(path):
    """Every fenced block (``` at the start of a line) of the Markdown file, in order. An unclosed fence is an
    error."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        start = i
        body = []
        i += 1
        while i < len(lines) and lines[i].rstrip() != "```":
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise ValueError(f"docs/tutorial.md:{start + 1}: the fenced block opened here is never closed")
        blocks.append(Block(start + 1, opening.group(1).strip(), "\n".join(body) + "\n"))
        i += 1
    return blocks


def project_dir(cwd, top):
    """The nearest directory at or above CWD (but not above TOP) holding a powkg.toml; CWD when there is none."""
    here = cwd
    while True:
        if os.path.isfile(os.path.join(here, "powkg.toml")):
            return here
        if os.path.samefile(here, top) or os.path.dirname(here) == here:
            return cwd
        here = os.path.dirname(here)


def write_file(block, cwd, top, stats):
    """Writes or appends BLOCK's text to its file= path; returns None, or what went wrong."""
    relative = block.attr("file")
    base = project_dir(cwd, top)
    target = os.path.normpath(os.path.join(base, relative))
    if os.path.isabs(relative) or os.path.relpath(target, base).startswith(".."):
        return f"file={relative} leaves the project directory {base}"
    if block.flag("append"):
        if not os.path.isfile(target):
            return f"appends to {relative}, which does not exist in {base}"
        with open(target, "a", encoding="utf-8") as f:
            f.write(block.text)
        stats["appended"] += 1
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as f:
            f.write(block.text)
        stats["written"] += 1
    stats["files"].add(os.path.relpath(target, top))
    return None


PRELUDE_LINES = 3  # lines of the script before the block's first line


def run_sh(block, cwd, work, env, pids_file):
    """Runs BLOCK's commands as one `bash -e -o pipefail` script from CWD. Returns (exit code, output, the
    directory it ended in, the 1-based line of docs/tutorial.md of the command that failed or None, commands)."""
    state = os.path.join(work, "state")
    failed_at = os.path.join(work, "failed-at")
    for path in (state, failed_at):
        if os.path.exists(path):
            os.remove(path)
    lines = block.text.rstrip("\n").split("\n")
    commands = 0
    script_lines = []
    for line in lines:
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            commands += 1
        if stripped.endswith("&") and not stripped.endswith("&&"):
            # Started in the background: its process id is kept, so that it is stopped at the end whatever happens.
            line = f"{line} echo $! >> {shlex.quote(pids_file)}"
        script_lines.append(line)
    prelude = [
        f"trap 'pwd > {shlex.quote(state)}' EXIT",
        f"trap 'echo $LINENO > {shlex.quote(failed_at)}' ERR",
        f"cd {shlex.quote(cwd)}",
    ]
    assert len(prelude) == PRELUDE_LINES
    script = os.path.join(work, f"block-{block.line}.sh")
    with open(script, "w", encoding="utf-8") as f:
        f.write("\n".join(prelude + script_lines) + "\n")
    # The output goes to a file, not a pipe: a server the block leaves running in the background keeps a pipe open,
    # and reading it to its end would wait for the server.
    log = os.path.join(work, f"block-{block.line}.log")
    with open(log, "wb") as out:
        process = subprocess.Popen(
            ["bash", "-e", "-o", "pipefail", script], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            code = process.wait(timeout=BLOCK_TIMEOUT)
            timed_out = ""
        except subprocess.TimeoutExpired:
            # The block's whole process group: bash and whatever it started.
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
            code = None
            timed_out = f"\n(timed out after {BLOCK_TIMEOUT} s)"
    with open(log, encoding="utf-8", errors="replace") as f:
        output = f.read() + timed_out
    ended_in = cwd
    if os.path.exists(state):
        with open(state, encoding="utf-8") as f:
            ended_in = f.read().strip() or cwd
    line = None
    if os.path.exists(failed_at):
        with open(failed_at, encoding="utf-8") as f:
            text = f.read().strip()
        if text.isdigit() and int(text) > PRELUDE_LINES:
            # The opening fence is block.line; the block's first line is the next one.
            line = block.line + int(text) - PRELUDE_LINES
    return code, output, ended_in, line, commands


def tail(text):
    """The last OUTPUT_LIMIT characters of TEXT, stripped: where a failed command says what went wrong."""
    text = text.strip()
    return text if len(text) <= OUTPUT_LIMIT else "… " + text[-OUTPUT_LIMIT:]


def last_command_line(block):
    """The line of docs/tutorial.md of the block's last command (not blank, not a comment)."""
    lines = block.text.rstrip("\n").split("\n")
    for index in range(len(lines) - 1, -1, -1):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            return block.line + 1 + index
    return None


def stop_background(pids_file, checks):
    """Stops every process the tutorial started in the background and that still runs: SIGTERM, then SIGKILL."""
    if not os.path.exists(pids_file):
        return
    with open(pids_file, encoding="utf-8") as f:
        pids = [int(p) for p in f.read().split() if p.isdigit()]
    for pid in pids:
        if not alive(pid):
            continue
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
            checks.fail(f"background process {pid} did not stop within {STOP_TIMEOUT} s of SIGTERM; killed")
        else:
            print(f"     stopped background process {pid}, left running by the tutorial", flush=True)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers signal 0; it no longer runs.
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def main():
    checks = Checks()
    powkg = powkg_binary(sys.argv, __doc__, checks)
    if powkg is None:
        return checks.finish() if checks.failed else 2
    try:
        blocks = read_blocks(TUTORIAL)
    except (OSError, ValueError) as e:
        checks.fail(str(e))
        return checks.finish()
    runnable = [b for b in blocks if b.lang == "sh" or b.attr("file") is not None]
    checks.check(bool(runnable), f"docs/tutorial.md has {len(runnable)} blocks to run ({len(blocks)} fenced blocks)")
    env = {**os.environ, "PATH": os.path.dirname(powkg) + os.pathsep + os.environ.get("PATH", "")}
    stats = {"sh": 0, "commands": 0, "written": 0, "appended": 0, "files": set(), "skipped": 0}
    with tempfile.TemporaryDirectory(prefix="powkg-tutorial-") as top:
        work = os.path.join(top, ".tutorial-runner")
        start = os.path.join(top, "start")
        os.makedirs(work)
        os.makedirs(start)
        pids_file = os.path.join(work, "background.pids")
        cwd = start
        try:
            for block in blocks:
                if block.attr("file") is not None:
                    problem = write_file(block, cwd, start, stats)
                    mode = "append to" if block.flag("append") else "write"
                    if problem:
                        checks.fail(f"{block.where()}: {block.lang} block: {problem}")
                        break
                    checks.ok(f"{block.where()}: {mode} {block.attr('file')}")
                    continue
                if block.lang != "sh":
                    stats["skipped"] += 1
                    continue
                expected = block.attr("expect-exit")
                expected_code = int(expected) if expected and expected.isdigit() else 0
                if expected is not None and not expected.isdigit():
                    checks.fail(f"{block.where()}: expect-exit={expected} is not an exit code")
                    break
                code, output, ended_in, failed_line, commands = run_sh(block, cwd, work, env, pids_file)
                stats["sh"] += 1
                stats["commands"] += commands
                first = block.text.strip().split("\n")[0]
                if expected_code == 0:
                    good = code == 0
                else:
                    good = code == expected_code and failed_line == last_command_line(block)
                if good:
                    exit_note = f", exit {code} as expected" if expected_code else ""
                    checks.ok(f"{block.where()}: sh, {commands} command(s){exit_note}: {first}")
                    cwd = ended_in
                    continue
                at = f"docs/tutorial.md:{failed_line}" if failed_line else block.where()
                failing = ""
                if failed_line:
                    with open(TUTORIAL, encoding="utf-8") as f:
                        failing = f.read().split("\n")[failed_line - 1].strip()
                got = "timed out" if code is None else f"exited {code}"
                if expected_code and code == expected_code:
                    want = f"exit {expected_code} from its last command, not before it"
                elif expected_code:
                    want = f"exit {expected_code} from its last command"
                else:
                    want = "exit 0"
                checks.fail(
                    f"{at}: sh block of {block.where()} {got}, expected {want}" + (f": {failing}" if failing else "")
                )
                print("     output:", flush=True)
                for out_line in tail(output).split("\n"):
                    print(f"     | {out_line}", flush=True)
                break
        finally:
            stop_background(pids_file, checks)
    print(
        f"summary: {stats['sh']} sh blocks run ({stats['commands']} commands), {stats['written']} files written, "
        f"{stats['appended']} appended ({len(stats['files'])} distinct files: {', '.join(sorted(stats['files'])) or 'none'}), "
        f"{stats['skipped']} text blocks skipped",
        flush=True,
    )
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
