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
from dataclasses import replace
from datetime import datetime, timezone
from typing import Callable, Iterable
from urllib.parse import urlencode

from kiosk.live import LiveDataError
from kiosk.live.efa import AreaBoard, EfaSnapshot, parse_departure_monitor
from kiosk.live.gtfs_rt import Predictions, parse_trip_updates
from sync.fetch import FetchError, Fetcher, Validators, host_of, retry_delay
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
        return self.next_delay_s()

    def next_delay_s(self) -> float:
        """The wait after a good refresh."""
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


EFA_MAX_BYTES = 2 * 1024 * 1024  # one stop area's next 40 departures is some 120 KiB
EFA_MIN_GAP_S = 2.0  # never two requests to the provider closer than this
EFA_LIMIT = 40  # departures asked per stop area: the next 30 to 60 minutes at a busy one


class EfaDeparturesPoller(BackgroundPoller):
    """EFA's departure monitor (XML_DM_REQUEST, outputFormat=JSON), one stop area per request.

    The areas (DHIDs) are handed over by the owner of the content (`set_areas`): the poller's thread
    never opens the content itself. Each poll asks the area asked longest ago, so every area is asked
    once every `interval_s` (or every EFA_MIN_GAP_S times the number of areas, when there are many);
    a failure backs off the whole provider, honouring Retry-After.
    """

    what = "Live departures (EFA)"

    def __init__(self, url: str, fetcher: Fetcher, **kwargs) -> None:
        super().__init__(url, fetcher, **kwargs)
        self._areas: tuple[str, ...] = ()
        self._asked: dict[str, datetime] = {}
        self._validators: dict[str, Validators] = {}
        self._boards: dict[str, AreaBoard] = {}

    def set_areas(self, areas: Iterable[str]) -> None:
        """The stop areas to ask for from now on; answers for areas no longer listed are dropped."""
        chosen = tuple(sorted(set(areas)))
        with self._lock:
            self._areas = chosen
            self._boards = {a: b for a, b in self._boards.items() if a in chosen}

    def latest(self) -> EfaSnapshot | None:
        """The newest good answer of each area, or None before the first; never waits for a fetch."""
        with self._lock:
            return EfaSnapshot(dict(self._boards)) if self._boards else None

    def request_url(self, area: str) -> str:
        query = urlencode({"outputFormat": "JSON", "language": "de", "mode": "direct", "type_dm": "any",
                           "name_dm": area, "useRealtime": "1", "limit": str(EFA_LIMIT)})
        return f"{self.url}{'&' if '?' in self.url else '?'}{query}"

    def next_delay_s(self) -> float:
        with self._lock:
            count = len(self._areas)
        return max(EFA_MIN_GAP_S, self.interval_s / count) if count else self.interval_s

    def refresh(self, now: datetime) -> None:
        with self._lock:
            areas = self._areas
        if not areas:
            return  # no stop of the feed has a DHID: nothing to ask
        area = min(areas, key=lambda a: (a in self._asked, self._asked.get(a, now)))  # never asked, then oldest
        self._asked[area] = now
        with self._lock:
            held = self._boards.get(area)
        fetched = self.fetcher.get(self.request_url(area), what=f"the EFA departures of stop area {area}",
                                   limit=EFA_MAX_BYTES, now=now,
                                   validators=self._validators.get(area) if held is not None else None)
        if fetched.not_modified and held is not None:
            board = replace(held, issued_at=max(held.issued_at, now))  # unchanged: confirmed as of now
        else:
            board = parse_departure_monitor(fetched.body or b"", area=area, source=host_of(self.url), received_at=now)
        self._validators[area] = fetched.validators
        with self._lock:
            # A provider's cache may hand out an older answer than the one held: keep the newer.
            if area in self._areas and (held is None or board.issued_at >= held.issued_at):
                self._boards[area] = board
