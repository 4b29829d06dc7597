"""deploy/install.sh and deploy/kiosk.service: the dry run shows every step and changes nothing."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.admin_pin import hash_pin
from kiosk.config import load_config

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "deploy" / "install.sh"
UNIT = REPO / "deploy" / "kiosk.service"
KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
ARGS = ["--kiosk-id", "t1", "--feed-url", "https://x.example/feed.json", "--public-key", KEY]
TARGETS = ["/etc/kiosk", "/etc/kiosk/kiosk.toml", "/opt/kiosk", "/etc/systemd/system/kiosk.service", "/var/lib/kiosk"]
# Commands that would change the machine: in a dry run none of them may even be started.
MUTATING = ["apt-get", "useradd", "usermod", "groupadd", "install", "rsync", "python3", "systemctl", "cp", "mv",
            "chown", "chmod", "mkdir", "mktemp", "tee", "ln", "rm", "pip"]


def run_script(*args: str, env: dict | None = None, user: str | None = None) -> subprocess.CompletedProcess:
    command = ["bash", str(SCRIPT), *args]
    if user:
        command = ["runuser", "-u", user, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})})


@pytest.fixture
def shims(tmp_path) -> tuple[dict, Path]:
    """A PATH whose mutating commands only write down that they were called."""
    folder, log = tmp_path / "bin", tmp_path / "called.log"
    folder.mkdir()
    for name in MUTATING:
        shim = folder / name
        shim.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\nexit 1\n')
        shim.chmod(0o755)
    return {"PATH": f"{folder}:{os.environ['PATH']}"}, log


@pytest.fixture
def cmdline(tmp_path) -> Path:
    path = tmp_path / "cmdline.txt"
    path.write_text("console=serial0,115200 console=tty1 root=PARTUUID=4e2f-02 rootfstype=ext4 fsck.repair=yes rootwait\n")
    return path


def written_file(output: str, path: str) -> str:
    match = re.search(rf"^----- begin {re.escape(path)} -----\n(.*?)^----- end {re.escape(path)} -----$", output,
                      re.S | re.M)
    assert match, f"the dry run does not show the contents of {path}"
    return match.group(1)


def test_dry_run_prints_every_step_and_changes_nothing(shims, cmdline):
    env, log = shims
    before = {p: os.path.lexists(p) for p in TARGETS}
    original_cmdline = cmdline.read_text()
    result = run_script("--dry-run", *ARGS, env={**env, "KIOSK_CMDLINE_FILE": str(cmdline)})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in [
        "apt-get install -y --no-install-recommends",
        "useradd --system --user-group --home-dir /var/lib/kiosk --no-create-home --shell /usr/sbin/nologin kiosk",
        "usermod --append --groups input,render,video,audio kiosk",
        "rsync -a --delete",
        "python3 -m venv /opt/kiosk/.venv",
        "/opt/kiosk/.venv/bin/python -m pip install --quiet --disable-pip-version-check -e /opt/kiosk",
        "+ write /etc/kiosk/kiosk.toml (mode 0640, owner root:kiosk):",
        "+ write /etc/systemd/system/kiosk.service (mode 0644, owner root:root):",
        "systemctl enable kiosk.service",
        "Disable screen blanking",
        "sed -i '1 s/$/ consoleblank=0/'",
        "the kernel command line becomes: console=serial0,115200 console=tty1 root=PARTUUID=4e2f-02 "
        "rootfstype=ext4 fsck.repair=yes rootwait consoleblank=0",
        "systemctl restart kiosk.service",
        "nothing was changed",
    ]:
        assert expected in out
    assert written_file(out, "/etc/systemd/system/kiosk.service") == UNIT.read_text()
    assert not log.exists(), f"the dry run started: {log.read_text()}"
    assert {p: os.path.lexists(p) for p in TARGETS} == before
    assert cmdline.read_text() == original_cmdline


def test_the_settings_the_dry_run_would_write_load_as_a_kiosk_config(tmp_path, shims):
    env, _ = shims
    out = run_script("--dry-run", *ARGS, "--orientation", "landscape", env=env).stdout
    path = tmp_path / "kiosk.toml"
    path.write_text(written_file(out, "/etc/kiosk/kiosk.toml"))
    config = load_config(path)
    assert (config.kiosk_id, config.feed_url, config.public_keys) == ("t1", "https://x.example/feed.json", [KEY])
    assert config.fullscreen is True and config.orientation == "landscape"
    assert config.data_dir == "/var/lib/kiosk"
    assert config.feedback_url is None and config.fleet_token is None


def test_fleet_settings_from_the_collector_url_token_file_and_pin_hash(tmp_path, shims):
    env, _ = shims
    token_file = tmp_path / "token"
    token_file.write_text("s3cret-fleet-token-0123\n")
    pin = hash_pin("1357")
    out = run_script("--dry-run", *ARGS, "--public-key", KEY.replace("A", "B"),
                     "--collector-url", "https://fleet.dortmund.example/kiosk/", "--fleet-token-file", str(token_file),
                     "--admin-pin-hash", pin, env=env).stdout
    path = tmp_path / "kiosk.toml"
    path.write_text(written_file(out, "/etc/kiosk/kiosk.toml"))
    config = load_config(path)
    assert config.feedback_url == "https://fleet.dortmund.example/kiosk/feedback"
    assert config.usage_url == "https://fleet.dortmund.example/kiosk/usage"
    assert config.heartbeat_url == "https://fleet.dortmund.example/kiosk/heartbeat"
    assert config.fleet_token == "s3cret-fleet-token-0123" and config.admin_pin_hash == pin
    assert len(config.public_keys) == 2
    assert "s3cret" not in " ".join(line for line in out.splitlines() if line.startswith("+ ") and "write" not in line)


@pytest.mark.parametrize("text, state", [
    ("root=/dev/mmcblk0p2 rootwait consoleblank=0\n", "consoleblank=0 is set already"),
    ("root=/dev/mmcblk0p2 consoleblank=600 rootwait\n", "becomes: root=/dev/mmcblk0p2 consoleblank=0 rootwait"),
])
def test_screen_blanking_is_switched_off_idempotently(tmp_path, shims, text, state):
    env, _ = shims
    path = tmp_path / "cmdline.txt"
    path.write_text(text)
    out = run_script("--dry-run", *ARGS, env={**env, "KIOSK_CMDLINE_FILE": str(path)}).stdout
    assert state in out and path.read_text() == text


@pytest.mark.parametrize("args, message", [
    (["--feed-url", "http://x.example/feed.json", "--kiosk-id", "t1", "--public-key", KEY], "https://"),
    (["--feed-url", "https://x.example/feed.json", "--kiosk-id", "t1", "--public-key", "AAAA...="], "not a base64 Ed25519"),
    (["--feed-url", "https://x.example/feed.json", "--kiosk-id", "t1"], "--public-key is missing"),
    (["--feed-url", "https://x.example/feed.json", "--public-key", KEY], "--kiosk-id is missing"),
    ([*ARGS, "--orientation", "upside-down"], "portrait or landscape"),
    ([*ARGS, "--colour", "red"], "not an option"),
    (["--kiosk-id"], "needs a value"),
])
def test_bad_arguments_are_refused_with_a_sentence(shims, args, message):
    env, log = shims
    result = run_script("--dry-run", *args, env=env)
    assert result.returncode == 2 and message in result.stderr
    assert not log.exists()


def test_it_refuses_to_run_for_real_unless_root(shims):
    env, log = shims
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            pytest.skip("running as root without runuser, so there is no way to try it as another user")
        result = run_script(*ARGS, env=env, user="nobody")
    else:
        result = run_script(*ARGS, env=env)
    assert result.returncode == 2 and "must run as root" in result.stderr and "--dry-run" in result.stderr
    assert not log.exists()


def test_the_unit_has_what_the_fleet_relies_on():
    text = UNIT.read_text()
    for line in ["Type=notify", "NotifyAccess=main", "Restart=always", "WatchdogSec=30", "User=kiosk",
                 "Environment=SDL_VIDEODRIVER=kmsdrm", "ProtectSystem=strict", "ReadWritePaths=/var/lib/kiosk",
                 "StateDirectory=kiosk", "ExecStart=/opt/kiosk/.venv/bin/kiosk --config /etc/kiosk/kiosk.toml run"]:
        assert line in text.splitlines(), line
    assert re.search(r"^RestartSec=\d+$", text, re.M)


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed on this machine")
def test_the_unit_passes_systemd_analyze_verify(tmp_path):
    # verify checks that ExecStart exists; /opt/kiosk is only there on a terminal, so point it at this checkout's.
    kiosk = Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin" / "kiosk"
    if not kiosk.exists():
        kiosk = Path(shutil.which("true"))
    unit = tmp_path / "kiosk.service"
    unit.write_text(UNIT.read_text().replace("/opt/kiosk/.venv/bin/kiosk", str(kiosk)))
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    problems = [line for line in (result.stdout + result.stderr).splitlines() if "kiosk.service" in line]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr


@pytest.mark.skipif(not shutil.which("shellcheck"), reason="shellcheck is not installed (tools/setup.sh installs it as root)")
def test_every_shell_script_is_shellcheck_clean():
    scripts = [SCRIPT, *sorted((REPO / "tools").glob("*.sh")), REPO / ".ci" / "run"]
    result = subprocess.run(["shellcheck", *map(str, scripts)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout
