"""A throw-away PostgreSQL server for the tests: Debian's binaries, a cluster in a temporary folder, 127.0.0.1 only.

tools/setup.sh installs Debian's `postgresql` when run as root. PostgreSQL refuses to run as root, so
when the tests do (CI, containers) the cluster belongs to the `postgres` user the package creates and
its commands run through `runuser`.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tests.desk_server import free_port


class PostgresUnavailable(Exception):
    """PostgreSQL cannot run here; the message says what is missing and how to get it."""


def server_binaries() -> Path:
    """The newest /usr/lib/postgresql/N/bin with initdb and pg_ctl (Debian's layout), else those on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    raise PostgresUnavailable("PostgreSQL is not installed, so the tests against a real PostgreSQL cannot run: "
                              "run tools/setup.sh as root, or sudo apt-get install postgresql.")


def _runner() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable("The tests run as root and there is no 'postgres' user to run PostgreSQL as "
                                  "(Debian's postgresql package creates it).") from None
    return ["runuser", "-u", "postgres", "--"]


@contextmanager
def throwaway_postgresql() -> Iterator[str]:
    """Start a new cluster; yields its DATABASE_URL (superuser `postgres`, trust on 127.0.0.1); removed afterwards."""
    bindir, runner = server_binaries(), _runner()
    root = Path(tempfile.mkdtemp(prefix="kiosk-postgresql-"))
    if runner:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", free_port()

    def run(*args: str) -> None:
        done = subprocess.run([*runner, *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = (root / "server.log").read_text(errors="replace") if (root / "server.log").exists() else ""
            raise PostgresUnavailable(f"{Path(args[0]).name} failed ({done.returncode}): {done.stderr.strip()} {log[-2000:]}")

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
        # fsync off: a test cluster need not survive a power cut, and it makes the migrations fast.
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w", "-t", "60", "start",
            "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200")
        try:
            yield f"postgres://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run([*runner, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                           capture_output=True, timeout=60)
    finally:
        shutil.rmtree(root, ignore_errors=True)
