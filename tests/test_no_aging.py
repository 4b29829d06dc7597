"""The suite must not age: no test reads the real clock itself (docs/testing.md).

A test that reads the wall clock and compares it with a date written in the test passes today
and fails on some later day for everybody at once. Tests pass their moment in instead (`now=`,
`--at`); `make test-future` runs the whole suite with the clock moved to catch the code paths
that still read it. This check catches the direct reads before they land.
"""
from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# (module or class name, function): each reads the wall clock.
REAL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
              ("time", "time"), ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime")}


def real_clock_reads(source: str) -> list[tuple[int, str]]:
    """(line, call) for every call such as datetime.now() or time.time() in a module's source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (owner_name, node.func.attr) in REAL_CLOCK:
                # time.gmtime(x) and time.localtime(x) convert a given moment; only the bare call reads the clock.
                if node.func.attr in ("gmtime", "localtime") and node.args:
                    continue
                found.append((node.lineno, f"{owner_name}.{node.func.attr}()"))
    return found


def test_the_check_finds_what_it_looks_for():
    source = "import datetime, time\nx = datetime.datetime.now()\ny = time.time()\nz = time.gmtime(0)\n"
    assert real_clock_reads(source) == [(2, "datetime.now()"), (3, "time.time()")]


def test_no_test_reads_the_real_clock():
    reads = [f"{path.relative_to(TESTS.parent)}:{line}: {call}"
             for path in sorted(TESTS.rglob("*.py"))
             for line, call in real_clock_reads(path.read_text(encoding="utf-8"))]
    assert reads == [], ("These tests read the real clock; pass the moment in instead "
                         "(a fixed datetime, now=..., --at): " + "; ".join(reads))
