"""Sync in the background: a daemon thread that runs cycles at the sync interval, backs off after failures.

The kiosk app starts one SyncWorker and hands new content to its UI thread from `on_applied`:

    worker = SyncWorker(settings, on_applied=lambda result: Clock.schedule_once(lambda dt: app.content_changed()))
    worker.start()      # returns at once; the first cycle runs straight away
    worker.wake()       # e.g. from the admin panel: sync now, without waiting for the interval
    worker.stop()       # on app stop; returns at once (the thread is a daemon)

Callbacks run on the worker's thread: they must only schedule work, never touch widgets.
"""
from __future__ import annotations

import logging
import multiprocessing
import random
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from sync import service
from sync.fetch import BACKOFF_BASE_S, BACKOFF_CAP_S, CONNECT_TIMEOUT_S, READ_TIMEOUT_S, Fetcher, retry_delay
from sync.status import human_duration

log = logging.getLogger("sync.worker")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class SyncSettings:
    """Everything a sync cycle needs, passed in (sync/ never reads the terminal's config itself)."""

    feed_url: str
    public_keys: tuple[str, ...]
    data_dir: Path
    kiosk_id: str | None = None
    interval_s: float = 300
    allow_insecure_http: bool = False
    prometheus_file: str | None = None
    connect_timeout_s: float = CONNECT_TIMEOUT_S
    read_timeout_s: float = READ_TIMEOUT_S
    verify: bool | str = True  # a CA bundle path for a private CA; REQUESTS_CA_BUNDLE works too
    backoff_base_s: float = BACKOFF_BASE_S
    backoff_cap_s: float = BACKOFF_CAP_S

    def fetcher(self) -> Fetcher:
        return Fetcher(allow_insecure_http=self.allow_insecure_http, connect_timeout_s=self.connect_timeout_s,
                       read_timeout_s=self.read_timeout_s, verify=self.verify)


@dataclass(frozen=True)
class CycleOutcome:
    ok: bool
    result: service.ApplyResult | None
    error: str | None
    delay_s: float
    retry_after_used: bool = False
    retry_after: float | None = None  # what the server asked for (Retry-After), in seconds


def run_cycle(settings: SyncSettings, *, now: datetime, failures: int, fetcher: Fetcher | None = None,
              rand: Callable[[], float] = random.random, plan_next: bool = True) -> CycleOutcome:
    """One sync cycle and the delay until the next one; never raises for a failed sync.

    With `plan_next`, the next attempt (and after a failure, why then) goes into status.json, in the
    same write as the cycle's outcome.
    """
    plan = _Plan(settings, now, failures, rand)
    try:
        result = service.sync_once(
            settings.feed_url, public_keys=list(settings.public_keys), data_dir=settings.data_dir, now=now,
            kiosk_id=settings.kiosk_id, allow_insecure_http=settings.allow_insecure_http,
            prometheus_file=settings.prometheus_file, fetcher=fetcher, next_attempt=plan if plan_next else None,
        )
    except service.SyncFailed as exc:
        error, retry_after = str(exc), exc.retry_after
        plan(exc)
    except Exception as exc:  # a bug must not end syncing for good: report it and try again later
        log.exception("The sync cycle failed unexpectedly")
        error, retry_after = f"An unexpected error stopped the sync ({type(exc).__name__}: {exc}); see the log.", None
        at, note = plan(service.SyncFailed(error))
        try:
            service.record_failure(settings.data_dir, error, now, prometheus_file=settings.prometheus_file,
                                   next_attempt=at if plan_next else None, retry_note=note if plan_next else None)
        except Exception:
            log.exception("Could not even record the failure in status.json")
    else:
        plan(None)
        return CycleOutcome(True, result, None, plan.delay_s)
    return CycleOutcome(False, None, error, plan.delay_s, plan.by_server, retry_after)


class _Plan:
    """When the next cycle runs: the interval after a success, backoff (or Retry-After) after a failure.

    Decided once per cycle (the random jitter is drawn once), whether status.json asks for it or not;
    a failure after the success was recorded (status.json could not be written) still backs off.
    """

    def __init__(self, settings: SyncSettings, now: datetime, failures: int, rand: Callable[[], float]) -> None:
        self.settings, self.now, self.failures, self.rand = settings, now, failures, rand
        self.failed: bool | None = None  # not decided yet
        self.delay_s = float(settings.interval_s)
        self.by_server = False
        self.note: str | None = None

    def __call__(self, failure: service.SyncFailed | None) -> tuple[datetime, str | None]:
        if self.failed is None or (failure is not None and not self.failed):
            self.failed = failure is not None
            if failure is not None:
                self.delay_s, self.by_server = retry_delay(
                    self.failures + 1, failure.retry_after, self.rand, base=self.settings.backoff_base_s,
                    cap=self.settings.backoff_cap_s)
                self.note = f"retrying in {human_duration(self.delay_s)}" + (" (Retry-After)" if self.by_server else "")
        return self.now + timedelta(seconds=self.delay_s), self.note


def run_cycle_in_child(settings: SyncSettings, now: datetime, failures: int, plan_next: bool) -> CycleOutcome:
    """One cycle in a fresh interpreter: parsing a large feed holds the GIL for a long stretch and its
    peak memory stays with the process, so the kiosk's UI process should not do it itself."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(run_cycle, settings, now=now, failures=failures, plan_next=plan_next).result()


class SyncWorker(threading.Thread):
    """Runs sync cycles until stopped; `on_applied(result)` after new content (or new pictures) arrived."""

    def __init__(
        self,
        settings: SyncSettings,
        *,
        on_applied: Callable[[service.ApplyResult], None] | None = None,
        on_cycle: Callable[[CycleOutcome], None] | None = None,
        clock: Callable[[], datetime] = utc_now,
        rand: Callable[[], float] = random.random,
        fetcher: Fetcher | None = None,
        isolated: bool = False,
    ) -> None:
        super().__init__(name="kiosk-sync", daemon=True)
        self.isolated = isolated
        self.settings = settings
        self.on_applied = on_applied
        self.on_cycle = on_cycle
        self.clock = clock
        self.rand = rand
        self.fetcher = fetcher or settings.fetcher()
        self.failures = 0
        self._wake = threading.Event()
        self._stopping = threading.Event()

    def wake(self) -> None:
        """Sync now instead of at the next planned time (returns at once)."""
        self._wake.set()

    def stop(self) -> None:
        """Finish after the cycle that is running, if any (returns at once)."""
        self._stopping.set()
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def cycle(self, *, plan_next: bool = True) -> CycleOutcome:
        """One cycle on the calling thread, with the callbacks; the thread's loop is just this and a wait."""
        if self.isolated:
            outcome = self._isolated_cycle(plan_next)
        else:
            outcome = run_cycle(self.settings, now=self.clock(), failures=self.failures, fetcher=self.fetcher,
                                rand=self.rand, plan_next=plan_next)
        self.failures = 0 if outcome.ok else self.failures + 1
        result = outcome.result
        if result is not None and (result.applied or result.images_stored) and self.on_applied:
            self._call(self.on_applied, result)
        if self.on_cycle:
            self._call(self.on_cycle, outcome)
        return outcome

    def run(self) -> None:
        try:
            while not self._stopping.is_set():
                # Cleared before the cycle: a wake() during a cycle asks for one more.
                self._wake.clear()
                outcome = self.cycle()
                self._wake.wait(outcome.delay_s)
        finally:
            self.fetcher.close()

    def _isolated_cycle(self, plan_next: bool) -> CycleOutcome:
        now = self.clock()
        try:
            return run_cycle_in_child(self.settings, now, self.failures, plan_next)
        except Exception as exc:  # the child died (killed, out of memory): the live content is untouched
            log.exception("The sync process failed")
            error = f"The sync process stopped unexpectedly ({type(exc).__name__}: {exc}); see the log."
            service.record_failure(self.settings.data_dir, error, now, prometheus_file=self.settings.prometheus_file)
            delay, _ = retry_delay(self.failures + 1, None, self.rand, base=self.settings.backoff_base_s,
                                   cap=self.settings.backoff_cap_s)
            return CycleOutcome(False, None, error, delay)

    @staticmethod
    def _call(callback: Callable, argument: object) -> None:
        try:
            callback(argument)
        except Exception:  # the UI's problem must not stop the terminal from syncing
            log.exception("A sync callback failed")
