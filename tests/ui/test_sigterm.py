"""`kiosk run` ends cleanly and at once on SIGTERM, the service manager's stop (issue 19, point 11)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_sigterm_ends_kiosk_run_with_exit_0_and_tells_systemd(tmp_path):
    folder = Path(tempfile.mkdtemp(prefix="sdn-"))  # short: AF_UNIX paths are limited to 108 bytes
    address = folder / "notify.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(address))
    listener.settimeout(180)  # the first start applies the demo feed on a shared, busy machine
    env = dict(os.environ, NOTIFY_SOCKET=str(address), SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1",
               KIVY_HOME=str(tmp_path / "kivy"), KIOSK_DATA_DIR=str(tmp_path / "data"))
    env.pop("KIOSK_CONFIG", None)
    kiosk = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "--config", "/dev/null", "run"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready = listener.recv(4096)
        assert ready.startswith(b"READY=1"), ready
        kiosk.send_signal(signal.SIGTERM)
        _, stderr = kiosk.communicate(timeout=15)  # systemd waits 15 s before it kills
        assert kiosk.returncode == 0, stderr[-3000:]
        told = []
        listener.settimeout(1)
        while b"STOPPING=1" not in told:
            told.append(listener.recv(4096))
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.wait()
        listener.close()
        address.unlink(missing_ok=True)
        folder.rmdir()
