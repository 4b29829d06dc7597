"""kiosk/systemd.py: sd_notify datagrams, received on a real AF_UNIX socket."""
from __future__ import annotations

import os
import socket
import tempfile
import uuid
from pathlib import Path

import pytest

from kiosk import systemd


@pytest.fixture
def listener():
    folder = Path(tempfile.mkdtemp(prefix="sdn-"))  # short: AF_UNIX paths are limited to 108 bytes
    path = folder / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(2)
    yield sock, {"NOTIFY_SOCKET": str(path)}
    sock.close()
    path.unlink(missing_ok=True)
    folder.rmdir()


def test_ready_with_status_is_one_datagram(listener):
    sock, env = listener
    assert systemd.ready("Content sequence 41\nfrom https://x", env=env)
    assert sock.recv(4096) == b"READY=1\nSTATUS=Content sequence 41 from https://x"


def test_watchdog_status_and_stopping(listener):
    sock, env = listener
    assert systemd.watchdog(env=env)
    assert systemd.status("Sync failed: the signature does not match.", env=env)
    assert systemd.stopping(env=env)
    assert [sock.recv(4096) for _ in range(3)] == [
        b"WATCHDOG=1", b"STATUS=Sync failed: the signature does not match.", b"STOPPING=1"]


def test_the_process_environment_is_used_by_default(listener, monkeypatch):
    sock, env = listener
    monkeypatch.setenv("NOTIFY_SOCKET", env["NOTIFY_SOCKET"])
    assert systemd.watchdog()
    assert sock.recv(4096) == b"WATCHDOG=1"


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX") or os.uname().sysname != "Linux", reason="abstract sockets are Linux-only")
def test_an_abstract_socket_address():
    name = f"kiosk-test-{uuid.uuid4()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(b"\0" + name.encode())
        sock.settimeout(2)
        assert systemd.ready(env={"NOTIFY_SOCKET": "@" + name})
        assert sock.recv(4096) == b"READY=1"


def test_without_notify_socket_everything_is_a_quiet_no_op():
    assert systemd.ready(env={}) is False
    assert systemd.watchdog(env={}) is False


def test_a_missing_socket_is_logged_not_raised(tmp_path, caplog):
    assert systemd.watchdog(env={"NOTIFY_SOCKET": str(tmp_path / "gone.sock")}) is False
    assert "Could not notify systemd" in caplog.text


def test_watchdog_interval_is_half_of_watchdog_sec_for_the_watched_process():
    assert systemd.watchdog_interval({"WATCHDOG_USEC": "30000000"}) == 15.0
    assert systemd.watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())}) == 15.0
    assert systemd.watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}, pid=4242) is None
    assert systemd.watchdog_interval({}) is None
    assert systemd.watchdog_interval({"WATCHDOG_USEC": "soon"}) is None
