"""Shared by the oracle scripts: a tally of checks printed one per line, ending in `N passed, M failed`, and a free
loopback port for the servers they start."""

import socket


class Checks:
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
        self.skipped += 1
        print(f"skip {text}", flush=True)

    def expect(self, condition, ok_text, fail_text):
        if condition:
            self.ok(ok_text)
        else:
            self.fail(fail_text)


def excerpt(text, limit=600):
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + " …"


def free_port():
    """A TCP port free on 127.0.0.1 at the moment of asking."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
