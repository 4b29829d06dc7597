"""The thread behind every background poller: ask, wait the delay the answer gave, ask again, until stopped.

Shared by the desk's emergency notices (sync/alert_poll.py) and the live sources (kiosk/live/poller.py); a
subclass sets `what` and `backoff_cap_s`, has `fetcher` and `clock`, and answers `poll_once(now)` with the
seconds until its next poll.
"""
from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class PollingThread:
    what = "Poller"  # a sentence's subject in the log
    thread_name = "poller"
    backoff_cap_s = 900.0  # the wait after a surprise

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll_once(self, now) -> float:
        raise NotImplementedError

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
            self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        self.fetcher.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                delay = self.poll_once(self.clock())
            except Exception:  # the thread must outlive any surprise; the screen keeps what it had
                log.exception("%s: the poll failed unexpectedly; trying again later.", self.what)
                delay = self.backoff_cap_s
            if self._stop.wait(delay):
                break
