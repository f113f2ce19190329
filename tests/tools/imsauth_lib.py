"""Helpers for driving imsauth (and its oracle, osmo-auc-gen) from tests."""
import json
import os
import subprocess
import sys

IMSAUTH = os.environ.get("IMSAUTH", "imsauth")
VECTORS = os.environ.get("IMS_VECTOR_DIR", os.path.join(
    os.path.dirname(__file__), "..", "vectors"))


def run(args, expect_rc=0):
    """Runs imsauth ARGS; returns (dict of name=value, stderr). Asserts rc."""
    p = subprocess.run([IMSAUTH] + args, capture_output=True, text=True)
    if p.returncode != expect_rc:
        raise AssertionError("imsauth %s: rc %d, want %d; stderr: %s" % (
            " ".join(args), p.returncode, expect_rc, p.stderr.strip()))
    out = {}
    for line in p.stdout.splitlines():
        name, sep, value = line.partition("=")
        if not sep:
            raise AssertionError("imsauth output line without '=': %r" % line)
        out[name] = value
    return out, p.stderr


def load(name):
    with open(os.path.join(VECTORS, name)) as f:
        return json.load(f)


class Counter:
    def __init__(self, name):
        self.name, self.passed, self.failed = name, 0, 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL:", what, file=sys.stderr)

    def eq(self, got, want, what):
        self.check(got == want, "%s: got %r, want %r" % (what, got, want))

    def done(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed))
        sys.exit(0 if self.failed == 0 and self.passed > 0 else 1)
