"""Send the outbox to the fleet's collector, in batches, until each item is acknowledged.

One batch is `POST {"kiosk_id", "items": [{"key", "kind", "created_at", "payload"}]}` with the
fleet token as a Bearer header to the URL configured for its kind. A 2xx answer acknowledges the
keys it lists in "accepted" (or every key sent, when it lists none); only those leave the outbox.
Keys the collector lists in "rejected" can never be accepted and are dropped with a log line.
Everything else stays and is retried with exponential backoff and jitter, so a collector that is
down for a day loses nothing, and a repeated upload after a lost answer is harmless because the
collector ignores keys it already has.

The clock and the random source are passed in; nothing here sleeps.
"""
from __future__ import annotations

import json
import logging
import random as _random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

import requests

from sync.outbox import Outbox, OutboxItem

log = logging.getLogger("sync.uploader")

BATCH_SIZE = 50
BASE_DELAY_S = 30.0
MAX_DELAY_S = 3600.0
TIMEOUT_S = 15.0


class UploadFailed(Exception):
    """A batch was not acknowledged; the message says which URL and why, for logs and status."""


@dataclass(frozen=True)
class Acknowledgement:
    accepted: list[str]
    rejected: dict[str, str]


@dataclass
class UploadReport:
    sent: int = 0
    acknowledged: int = 0
    rejected: int = 0
    postponed: int = 0
    errors: list[str] = field(default_factory=list)


def post_batch(session: requests.Session, url: str, *, kiosk_id: str, token: str | None,
               items: list[dict[str, Any]], timeout: float = TIMEOUT_S) -> Acknowledgement:
    """POST one batch; returns what the collector acknowledged or raises UploadFailed with a sentence."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps({"kiosk_id": kiosk_id, "items": items}, ensure_ascii=False).encode("utf-8")
    try:
        response = session.post(url, data=body, headers=headers, timeout=timeout)
    except requests.RequestException as exc:
        raise UploadFailed(f"The collector at {url} could not be reached: {exc.__class__.__name__}: {exc}.") from None
    if not 200 <= response.status_code < 300:
        hint = " (check fleet_token)" if response.status_code in (401, 403) else ""
        raise UploadFailed(f"The collector at {url} answered HTTP {response.status_code}{hint}; the items are kept for later.")
    sent = [item["key"] for item in items]
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not isinstance(answer.get("accepted"), list):
        return Acknowledgement(accepted=sent, rejected={})
    known = set(sent)
    rejected = answer.get("rejected") if isinstance(answer.get("rejected"), list) else []
    return Acknowledgement(
        accepted=[k for k in answer["accepted"] if k in known],
        rejected={r["key"]: str(r.get("reason")) for r in rejected
                  if isinstance(r, dict) and r.get("key") in known},
    )


def retry_delay(attempts: int, random: Callable[[], float], *, base_s: float = BASE_DELAY_S,
                max_s: float = MAX_DELAY_S) -> float:
    """Exponential backoff with jitter: half the doubled delay fixed, half random, so a fleet does not retry in step."""
    ceiling = min(max_s, base_s * 2 ** min(attempts, 32))
    return ceiling / 2 + random() * ceiling / 2


class Uploader:
    """Empties one outbox towards the URLs configured per kind (feedback_url, usage_url)."""

    def __init__(self, outbox: Outbox, *, kiosk_id: str, urls: dict[str, str | None], token: str | None,
                 random: Callable[[], float] = _random.random, session: requests.Session | None = None,
                 batch_size: int = BATCH_SIZE, base_delay_s: float = BASE_DELAY_S, max_delay_s: float = MAX_DELAY_S,
                 timeout_s: float = TIMEOUT_S):
        self.outbox = outbox
        self.kiosk_id = kiosk_id
        self.urls = {kind: url for kind, url in urls.items() if url}
        self.token = token
        self.random = random
        self.session = session or requests.Session()
        self.batch_size = batch_size
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.timeout_s = timeout_s

    @classmethod
    def from_settings(cls, outbox: Outbox, *, kiosk_id: str, feedback_url: str | None, usage_url: str | None,
                      fleet_token: str | None, **kwargs: Any) -> "Uploader":
        return cls(outbox, kiosk_id=kiosk_id, urls={"feedback": feedback_url, "usage": usage_url},
                   token=fleet_token, **kwargs)

    def upload_due(self, now: datetime) -> UploadReport:
        """Send every item that is due, batch by batch; a failing kind stops until its items are due again."""
        report = UploadReport()
        for kind, url in self.urls.items():
            while True:
                batch = self.outbox.due(kind, now=now, limit=self.batch_size)
                if not batch:
                    break
                if not self._send(url, batch, now, report):
                    break
        return report

    def _send(self, url: str, batch: list[OutboxItem], now: datetime, report: UploadReport) -> bool:
        report.sent += len(batch)
        try:
            ack = post_batch(self.session, url, kiosk_id=self.kiosk_id, token=self.token,
                             items=[item.as_upload() for item in batch], timeout=self.timeout_s)
        except UploadFailed as exc:
            log.warning("%s", exc)
            report.errors.append(str(exc))
            report.postponed += self._postpone(batch, now, str(exc))
            return False
        for key, reason in ack.rejected.items():
            log.error("The collector at %s refused item %s for good (%s); it is dropped.", url, key, reason)
        report.acknowledged += self.outbox.remove(ack.accepted)
        report.rejected += self.outbox.remove(ack.rejected)
        done = set(ack.accepted) | set(ack.rejected)
        left = [item for item in batch if item.key not in done]
        if left:
            reason = f"The collector at {url} did not acknowledge {len(left)} of {len(batch)} items."
            report.errors.append(reason)
            report.postponed += self._postpone(left, now, reason)
            return False
        return True

    def _postpone(self, items: list[OutboxItem], now: datetime, error: str) -> int:
        base = now.timestamp()
        retry_at = {
            item.key: base + retry_delay(item.attempts, self.random, base_s=self.base_delay_s, max_s=self.max_delay_s)
            for item in items
        }
        return self.outbox.postpone(retry_at, error)

    def run(self, stop: threading.Event, *, clock: Callable[[], datetime] | None = None,
            wait: Callable[[float], bool] | None = None, interval_s: float = 60.0) -> None:
        """Upload what is due every `interval_s` until `stop` is set (the sync worker's thread calls this)."""
        clock = clock or (lambda: datetime.now(timezone.utc))
        wait = wait or stop.wait
        while not stop.is_set():
            try:
                self.upload_due(clock())
            except Exception:  # noqa: BLE001 - a thread that dies silently would stop all uploads
                log.exception("The upload cycle failed; it runs again in %s seconds.", interval_s)
            if wait(interval_s):
                break
