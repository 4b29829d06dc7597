"""Every mutated feed the validator accepts is applied and answers events, places, search and a route
within a memory and a CPU-time bound (issue 19; the longer run is `make fuzz`, docs/robustness.md)."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

RUNNER = Path(__file__).parent / "fuzz_apply.py"
MEMORY_LIMIT = 1536 * 1024 * 1024  # the router once grew to 14 GB on one swapped point; a Pi 4 has 2 to 8 GB
EXAMPLES = 80


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def test_every_accepted_mutation_is_applied_and_answered_within_bounds():
    # A subprocess: the address-space limit must not bind pytest, and a hang ends at the timeout, not never.
    done = subprocess.run([sys.executable, str(RUNNER), "--examples", str(EXAMPLES), "--seed", "19"],
                          capture_output=True, text=True, timeout=600, preexec_fn=limit_memory)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert counts["cases"] >= EXAMPLES
    assert counts["accepted"] >= 5 and counts["refused"] >= 5, counts  # the mutations reach both sides of the gate
    assert counts["questions"] > counts["accepted"]
