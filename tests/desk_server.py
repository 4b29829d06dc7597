"""A content desk on 127.0.0.1 for the browser tests and tools/desk_screenshots.py: demo content, two users, runserver."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent
USERS = {"erika": ("editor", "erika-secret-1"), "paul": ("publisher", "paul-secret-1")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def desk_command(env: dict, *args: str) -> str:
    done = subprocess.run([str(BIN / "kiosk-desk"), *args], env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"kiosk-desk {' '.join(args)} failed: {done.stderr}")
    return done.stdout


@contextmanager
def running_desk(data: Path):
    """{"url", "site", "public", "admin_password"} of a desk set up by `desk_demo` in `data`, stopped afterwards."""
    env = {**os.environ, "DESK_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "desk.settings"}
    out = desk_command(env, "desk_demo", "--no-serve")
    public = out.split('public_keys = ["')[1].split('"')[0]
    admin_password = out.split("one-time password ")[1].split()[0]
    for name, (role, password) in USERS.items():
        desk_command(env, "desk_user", name, "--role", role, "--password", password)
    port = free_port()
    log = (data / "server.log").open("w")
    server = subprocess.Popen([str(BIN / "kiosk-desk"), "runserver", f"127.0.0.1:{port}", "--insecure", "--noreload"],
                              env={**env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        for line in server.stdout:  # blocks until the server says it listens; no sleeping
            if "Quit the server" in line:
                break
        else:
            raise RuntimeError(f"the desk did not start: {(data / 'server.log').read_text()}")
        yield {"url": f"http://127.0.0.1:{port}", "site": data / "site", "public": public,
               "admin_password": admin_password}
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def log_in(page, url: str, name: str, password: str) -> None:
    page.goto(url + "/admin/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
