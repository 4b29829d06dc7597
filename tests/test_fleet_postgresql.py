"""The fleet's and the content desk's tests once more, against a real PostgreSQL server started for them.

`DATABASE_URL` is the one setting that moves the desk to PostgreSQL (desk/settings.py); the same test files
run in a child pytest with it set, and tests/test_fleet.py checks which database it really used.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.postgresql_server import PostgresUnavailable, server_binaries, throwaway_postgresql

REPO = Path(__file__).resolve().parents[1]
ON_POSTGRESQL = ["tests/test_fleet.py", "tests/test_desk.py", "tests/test_desk_alerts.py"]


@pytest.mark.slow
def test_the_fleet_and_the_desk_pass_their_tests_on_a_real_postgresql():
    pytest.importorskip("django", reason="the desk extra is not installed")
    try:
        server_binaries()
    except PostgresUnavailable as exc:
        if os.environ.get("CI") or os.geteuid() == 0:  # tools/setup.sh installs it there: missing is a failure
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    with throwaway_postgresql() as url:
        env = {**os.environ, "DATABASE_URL": url}
        env.pop("DESK_DATA_DIR", None)  # the child makes its own throw-away desk folder
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *ON_POSTGRESQL],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:]
    print(f"on PostgreSQL ({url}): {summary}")
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert " passed" in summary and "skipped" not in summary, summary
