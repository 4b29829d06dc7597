"""Post this terminal's status.json to heartbeat_url every interval, so the fleet sees it is alive.

A heartbeat is never queued: a failed one is logged and the next interval sends the then-current
status instead, because an old status is worth nothing once a newer one exists.
"""
from __future__ import annotations

import logging
import shutil
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import requests

from sync.status import read_status
from sync.uploader import TIMEOUT_S, UploadFailed, post_batch

log = logging.getLogger("sync.heartbeat")

DEFAULT_INTERVAL_S = 60.0


@dataclass(frozen=True)
class HeartbeatResult:
    sent: bool
    error: str | None = None


def heartbeat_item(status: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """One item in the collector's batch format, with a fresh key (each beat is a new fact)."""
    return {
        "key": str(uuid.uuid4()),
        "kind": "heartbeat",
        "created_at": now.astimezone(timezone.utc).isoformat(timespec="seconds"),
        "payload": status,
    }


class Heartbeat:
    def __init__(self, data_dir: Path, *, kiosk_id: str, url: str | None, token: str | None,
                 session: requests.Session | None = None, timeout_s: float = TIMEOUT_S,
                 extra: Callable[[], dict[str, Any]] | None = None):
        self.data_dir = Path(data_dir)
        self.kiosk_id = kiosk_id
        self.url = url
        self.token = token
        self.session = session or requests.Session()
        self.timeout_s = timeout_s
        # e.g. the outbox summary or the app version, merged over status.json.
        self.extra = extra

    def beat(self, now: datetime) -> HeartbeatResult:
        """Send the current status once; never raises for network trouble."""
        if not self.url:
            return HeartbeatResult(False, "No heartbeat_url is configured.")
        status = read_status(self.data_dir)
        status["kiosk_id"] = self.kiosk_id
        status["sent_at"] = now.astimezone(timezone.utc).isoformat(timespec="seconds")
        try:  # the fleet dashboard warns before a full disk stops content updates
            status["free_disk_bytes"] = shutil.disk_usage(self.data_dir).free
        except OSError as exc:
            log.warning("The free disk space of %s cannot be read: %s", self.data_dir, exc)
        if self.extra:
            status.update(self.extra())
        try:
            post_batch(self.session, self.url, kiosk_id=self.kiosk_id, token=self.token,
                       items=[heartbeat_item(status, now=now)], timeout=self.timeout_s)
        except UploadFailed as exc:
            log.warning("Heartbeat not delivered, the next one follows in the next interval: %s", exc)
            return HeartbeatResult(False, str(exc))
        return HeartbeatResult(True)

    def run(self, stop: threading.Event, *, clock: Callable[[], datetime] | None = None,
            wait: Callable[[float], bool] | None = None, interval_s: float = DEFAULT_INTERVAL_S) -> None:
        """Beat every `interval_s` until `stop` is set (for the sync worker's thread)."""
        clock = clock or (lambda: datetime.now(timezone.utc))
        wait = wait or stop.wait
        while not stop.is_set():
            try:
                self.beat(clock())
            except Exception:  # noqa: BLE001 - monitoring must not take the kiosk down
                log.exception("The heartbeat failed unexpectedly; it is tried again next interval.")
            if wait(interval_s):
                break
