"""Polling the emergency notice document in a background thread, beside the content sync (docs/emergency.md).

One poll is a conditional GET of alerts.json: while nothing changed it is a 304 of a static file
(a few hundred bytes on the wire). A changed document is fetched with its signature, verified,
checked against replays, kept in the data folder (so a terminal restarted offline still shows an
unexpired notice) and only then shown. Any failure keeps the last good document.
"""
from __future__ import annotations

import logging
import random
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin

from sync.alerts import (ALERTS_NAME, MAX_BYTES, MAX_SIGNATURE_BYTES, SIGNATURE_NAME, AlertDocument, AlertError,
                         read_pair, refuse_replay, verified_document)
from sync.fetch import Fetcher, FetchError, Validators, retry_delay
from sync.files import write_bytes_atomically
from sync.polling import PollingThread

log = logging.getLogger("sync.alerts")

# Short: an emergency must reach the screen within a minute of a server coming back, not after an hour.
BACKOFF_CAP_S = 120.0
TIMEOUT_S = 5.0


def keep_alive_with_one_retry(session) -> None:
    """One connection kept open from poll to poll (no TLS handshake of a few KiB every 15 s on a metered
    line), and one immediate retry of the GET on a fresh connection when the kept one was closed or
    dropped by the server or a NAT in the meantime, so that is not a failed poll."""
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    retry = Retry(total=1, connect=1, read=1, status=0, other=0, redirect=0, allowed_methods=frozenset({"GET"}),
                  raise_on_status=False, backoff_factor=0)
    for prefix in ("http://", "https://"):
        session.mount(prefix, HTTPAdapter(max_retries=retry, pool_connections=1, pool_maxsize=1))


def alerts_url_beside(feed_url: str) -> str:
    """alerts.json in the feed's folder."""
    return urljoin(feed_url, ALERTS_NAME)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class AlertPoller(PollingThread):
    """The newest verified alert document, refreshed every `interval_s` on its own thread."""

    what = "Emergency notices"
    thread_name = "kiosk-alerts"
    backoff_cap_s = BACKOFF_CAP_S

    def __init__(self, url: str, public_keys: list[str], data_dir: Path, *, fetcher: Fetcher | None = None,
                 interval_s: float = 15.0, allow_insecure_http: bool = False,
                 clock: Callable[[], datetime] = _utc_now, rand: Callable[[], float] = random.random,
                 on_change: Callable[[AlertDocument | None], None] | None = None) -> None:
        self.url = url
        self.signature_url = url + ".sig"
        self.public_keys = list(public_keys)
        self.data_dir = Path(data_dir)
        if fetcher is None:
            fetcher = Fetcher(allow_insecure_http=allow_insecure_http, connect_timeout_s=TIMEOUT_S,
                              read_timeout_s=TIMEOUT_S)
            keep_alive_with_one_retry(fetcher.session)
        self.fetcher = fetcher
        self.interval_s = interval_s
        self.clock = clock
        self.rand = rand
        self.on_change = on_change
        self.failures = 0
        self.last_problem: str | None = None
        self.polls = self.not_modified = 0  # counters for the bench and the admin panel
        self._validators = Validators()
        super().__init__()
        self._lock = threading.Lock()
        self._held, self._held_data = self._load()

    # -- what the UI asks (any thread, never waits for the network) ----------------------------

    def document(self) -> AlertDocument | None:
        with self._lock:
            return self._held

    # -- one poll -------------------------------------------------------------------------------

    def poll_once(self, now: datetime) -> float:
        """One conditional GET (and, when it changed, the signature); the seconds until the next poll."""
        self.polls += 1
        try:
            changed = self._refresh(now)
        except (FetchError, AlertError) as exc:
            self.failures += 1
            self.last_problem = str(exc)
            delay, _ = retry_delay(self.failures, getattr(exc, "retry_after", None), self.rand,
                                   base=self.interval_s, cap=BACKOFF_CAP_S)
            log.warning("Emergency notices: %s Keeping the last good document; next try in %.0f s.", exc, delay)
            return delay
        self.failures = 0
        self.last_problem = None
        if changed and self.on_change is not None:
            try:
                self.on_change(self.document())
            except Exception:  # the UI's problem must not stop the polling
                log.exception("The emergency notice callback failed")
        return self.interval_s

    def _refresh(self, now: datetime) -> bool:
        try:
            fetched = self.fetcher.get(self.url, what="the emergency notices", limit=MAX_BYTES, now=now,
                                       validators=self._validators)
        except FetchError as exc:
            if exc.status_code == 404:  # the desk has never published a notice: nothing to show, nothing wrong
                return False
            raise
        if fetched.not_modified:
            self.not_modified += 1
            return False
        data = fetched.body or b""
        if data == self._held_data:
            self._validators = fetched.validators
            return False
        signature = self.fetcher.get(self.signature_url, what="the signature of the emergency notices",
                                     limit=MAX_SIGNATURE_BYTES, now=now).body or b""
        document = verified_document(data, signature, self.public_keys, source=self.url)
        with self._lock:
            refuse_replay(document, data, self._held, self._held_data)
        self._keep(data, signature)
        with self._lock:
            self._held, self._held_data = document, data
        # Only now: a refused document is fetched in full again next time, and refused again.
        self._validators = fetched.validators
        log.info("Emergency notices: sequence %s with %d notice(s).", document.sequence, len(document.notices))
        return True

    # -- the copy in the data folder ------------------------------------------------------------

    def _keep(self, data: bytes, signature: bytes) -> None:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            write_bytes_atomically(self.data_dir / ALERTS_NAME, data)
            write_bytes_atomically(self.data_dir / SIGNATURE_NAME, signature)
        except OSError as exc:  # showing the notice matters more than remembering it
            log.error("Emergency notices: cannot keep a copy in %s: %s.", self.data_dir, exc)

    def _load(self) -> tuple[AlertDocument | None, bytes | None]:
        """The copy from before a restart, checked again (keys may have changed since)."""
        pair = read_pair(self.data_dir)
        if pair is None:
            return None, None
        data, signature = pair
        try:
            return verified_document(data, signature, self.public_keys, source=str(self.data_dir / ALERTS_NAME)), data
        except AlertError as exc:
            log.warning("Emergency notices: the kept copy is not used: %s", exc)
            return None, None

