"""sd_notify without a dependency: tell systemd the kiosk is up, alive, and what it is doing.

deploy/kiosk.service runs the app with Type=notify and WatchdogSec=30. The UI calls `ready()`
after its first frame and `watchdog()` from the UI loop (a Kivy Clock interval, never a thread),
so a frozen UI stops the pings and systemd restarts it. Without $NOTIFY_SOCKET (a developer's
`make run`) every function does nothing and returns False.
"""
from __future__ import annotations

import logging
import os
import socket
from typing import Mapping

log = logging.getLogger("kiosk.systemd")


def _address(env: Mapping[str, str]) -> str | bytes | None:
    path = env.get("NOTIFY_SOCKET")
    if not path:
        return None
    if path.startswith("@"):
        # An abstract socket: the leading @ stands for a NUL byte.
        return b"\0" + path[1:].encode()
    return path


def notify(*assignments: str, env: Mapping[str, str] | None = None) -> bool:
    """Send "KEY=value" lines in one datagram; True when it went out. Never raises."""
    env = os.environ if env is None else env
    address = _address(env)
    if address is None:
        return False
    message = "\n".join(assignments).encode("utf-8")
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(message)
    except OSError as exc:
        # A monitoring hiccup must never take the kiosk down; systemd will notice the silence.
        log.warning("Could not notify systemd through %s: %s", env.get("NOTIFY_SOCKET"), exc)
        return False
    return True


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def ready(status: str | None = None, *, env: Mapping[str, str] | None = None) -> bool:
    """The first frame is on screen: systemd may consider the service started."""
    lines = ["READY=1"] + ([f"STATUS={_one_line(status)}"] if status else [])
    return notify(*lines, env=env)


def watchdog(*, env: Mapping[str, str] | None = None) -> bool:
    """The UI loop is alive: call from a Clock interval shorter than watchdog_interval()."""
    return notify("WATCHDOG=1", env=env)


def status(text: str, *, env: Mapping[str, str] | None = None) -> bool:
    """One line shown by `systemctl status kiosk`, e.g. the content sequence or the last sync error."""
    return notify(f"STATUS={_one_line(text)}", env=env)


def stopping(*, env: Mapping[str, str] | None = None) -> bool:
    return notify("STOPPING=1", env=env)


def watchdog_interval(env: Mapping[str, str] | None = None, *, pid: int | None = None) -> float | None:
    """Seconds between WATCHDOG=1 pings: half of WatchdogSec, or None when no watchdog watches us."""
    env = os.environ if env is None else env
    try:
        usec = int(env.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    watched_pid = env.get("WATCHDOG_PID")
    # The variables are inherited by children; only the process they name is watched.
    if watched_pid and watched_pid != str(os.getpid() if pid is None else pid):
        return None
    if usec <= 0:
        return None
    return usec / 1_000_000 / 2
