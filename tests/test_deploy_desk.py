"""The desk's systemd units (the web service, the nightly source import and its timer) pass systemd-analyze verify."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
UNITS = ("kiosk-desk.service", "kiosk-desk-import.service", "kiosk-desk-import.timer")


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed on this machine")
def test_the_desk_units_pass_systemd_analyze_verify(tmp_path):
    # verify checks that ExecStart exists; /opt/kiosk is only there on the server, so point it at this checkout's.
    venv_bin = Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin"
    for name in UNITS:
        text = (DEPLOY / name).read_text()
        for tool in ("kiosk-desk", "gunicorn"):
            real = venv_bin / tool if (venv_bin / tool).exists() else Path(shutil.which("true"))
            text = text.replace(f"/opt/kiosk/.venv/bin/{tool}", str(real))
        (tmp_path / name).write_text(text.replace("EnvironmentFile=/etc/kiosk-desk/desk.env",
                                                  f"EnvironmentFile={DEPLOY / 'desk.env.example'}"))
    result = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / name) for name in UNITS)],
                            capture_output=True, text=True, timeout=60)
    problems = [line for line in (result.stdout + result.stderr).splitlines() if "kiosk-desk" in line]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr


def test_the_timer_runs_the_import_that_keeps_the_desks_own_content():
    timer = (DEPLOY / "kiosk-desk-import.timer").read_text().splitlines()
    service = (DEPLOY / "kiosk-desk-import.service").read_text().splitlines()
    assert "OnCalendar=*-*-* 04:30" in timer and "Persistent=true" in timer
    assert "ExecStart=/opt/kiosk/.venv/bin/kiosk-desk import_sources" in service
    assert "Type=oneshot" in service and "User=kiosk-desk" in service
    settings = (DEPLOY / "desk.env.example").read_text()
    for name in ("DESK_SOURCE_OSM", "DESK_SOURCE_CALENDARS", "DESK_SOURCE_PLACES_CSV"):
        assert f"\n{name}=" in settings, name
