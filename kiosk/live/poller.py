"""Fetching live sources in a background thread: readers never wait for the network.

One attempt is `poll_once(now)` (tests call it directly); `start()` repeats it on its own thread,
every `interval_s` while the provider answers and with jittered exponential backoff (and the
provider's Retry-After) while it does not. A timeout, an HTTP error or a payload that is not what
the provider promised is logged and counted; the last good state stays until it is too old to use.
"""
from __future__ import annotations

import logging
import random
import threading
from datetime import datetime, timezone
from typing import Callable

from kiosk.live import LiveDataError
from kiosk.live.gtfs_rt import Predictions, parse_trip_updates
from sync.fetch import FetchError, Fetcher, host_of, retry_delay
from sync.polling import PollingThread

log = logging.getLogger(__name__)

MAX_BYTES = 8 * 1024 * 1024  # a whole region's TripUpdates is a few MiB; more is a misconfiguration
BACKOFF_CAP_S = 900.0


def _now_utc() -> datetime:
    return datetime.now(timezone.utc)


class BackgroundPoller(PollingThread):
    """One provider, refreshed off the UI thread; subclasses say what one refresh fetches and keeps."""

    what = "live data"  # for log lines: "Live departures", "Official warnings"

    def __init__(self, url: str, fetcher: Fetcher, *, interval_s: float = 30.0,
                 clock: Callable[[], datetime] = _now_utc, rand: Callable[[], float] = random.random) -> None:
        self.url = url
        self.fetcher = fetcher
        self.interval_s = interval_s
        self.clock = clock
        self.rand = rand
        self.failures = 0
        self.last_problem: str | None = None
        super().__init__()
        self._lock = threading.Lock()  # guards what refresh() keeps; readers take it briefly

    def refresh(self, now: datetime) -> None:
        """Fetch and keep; raise FetchError or LiveDataError to keep the last good state instead."""
        raise NotImplementedError

    def poll_once(self, now: datetime) -> float:
        """One refresh; returns the seconds to wait before the next one."""
        try:
            self.refresh(now)
        except (FetchError, LiveDataError) as exc:
            self.failures += 1
            self.last_problem = str(exc)
            delay, _ = retry_delay(self.failures, getattr(exc, "retry_after", None), self.rand,
                                   base=self.interval_s, cap=BACKOFF_CAP_S)
            log.warning("%s: %s Keeping the last good state; next try in %.0f s.", self.what, exc, delay)
            return delay
        self.failures = 0
        self.last_problem = None
        return self.interval_s

    @property
    def thread_name(self) -> str:
        return "live-" + self.what.lower().replace(" ", "-")  # live-weather, live-official-warnings …


class TripUpdatesPoller(BackgroundPoller):
    """The latest GTFS-Realtime TripUpdates of one provider."""

    what = "Live departures"

    def __init__(self, url: str, fetcher: Fetcher, **kwargs) -> None:
        super().__init__(url, fetcher, **kwargs)
        self._latest: Predictions | None = None

    def latest(self) -> Predictions | None:
        """The newest good predictions, or None; never waits for a fetch."""
        with self._lock:
            return self._latest

    def refresh(self, now: datetime) -> None:
        fetched = self.fetcher.get(self.url, what="the GTFS-Realtime trip updates", limit=MAX_BYTES, now=now)
        predictions = parse_trip_updates(fetched.body or b"", source=host_of(self.url), received_at=now)
        with self._lock:
            # A provider's cache may hand out an older snapshot than the one held: keep the newer.
            if self._latest is None or predictions.issued_at >= self._latest.issued_at:
                self._latest = predictions
