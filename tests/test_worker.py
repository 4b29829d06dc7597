"""The background sync: backoff with full jitter, Retry-After, wake and stop, callbacks that never stop it."""
from __future__ import annotations

import random
import threading
from datetime import datetime, timedelta, timezone
from email.utils import formatdate

import pytest

from sync.fetch import Fetcher, backoff_delay, parse_retry_after, retry_delay
from sync.status import read_status
from sync.worker import SyncSettings, SyncWorker
from tests.test_sync_http import NOW, Site, answer, closed_port, publish, v1, v2

WAIT_S = 10  # generous bound for a real server thread; the test normally passes in milliseconds


def test_backoff_grows_exponentially_to_its_cap_with_full_jitter():
    top = lambda: 1.0  # noqa: E731  (the largest value the random source can give)
    assert [backoff_delay(n, top) for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1920, 3600]
    assert backoff_delay(50, top) == 3600
    assert backoff_delay(3, lambda: 0.0) == 0.0 and backoff_delay(0, top) == 0.0


def test_a_fleet_that_failed_together_does_not_retry_together():
    delays = [backoff_delay(4, random.Random(terminal).random) for terminal in range(200)]
    assert max(delays) - min(delays) > 200
    per_second = [sum(int(d) == s for d in delays) for s in range(240)]
    assert max(per_second) <= 8, "200 terminals must spread over the window, not arrive in step"


def test_retry_after_is_honoured_in_seconds_and_as_an_http_date():
    assert parse_retry_after("120", server_date=None, now=NOW) == 120
    server_now = NOW + timedelta(hours=3)  # the local clock is 3 h behind: the server's own Date counts
    when = formatdate((server_now + timedelta(minutes=5)).timestamp(), usegmt=True)
    assert parse_retry_after(when, server_date=server_now, now=NOW) == 300
    assert parse_retry_after("soon", server_date=None, now=NOW) is None
    assert parse_retry_after("999999999", server_date=None, now=NOW) == 24 * 3600

    delay, by_server = retry_delay(1, 120, lambda: 0.5)
    assert by_server and 120 <= delay <= 150
    delay, by_server = retry_delay(8, 5, lambda: 0.5)
    assert not by_server and delay == 1800


@pytest.fixture
def site(tmp_path):
    served = Site(tmp_path / "pub")
    yield served
    served.close()


def settings_for(url: str, public: str, data_dir, **kw) -> SyncSettings:
    return SyncSettings(feed_url=url, public_keys=(public,), data_dir=data_dir, kiosk_id="alter-markt",
                        allow_insecure_http=True, connect_timeout_s=2, read_timeout_s=1, **kw)


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def test_failures_back_off_and_status_says_when_the_next_try_is(keypair, data_dir):
    _, public = keypair
    clock = FakeClock(NOW)
    worker = SyncWorker(settings_for(f"http://127.0.0.1:{closed_port()}/feed.json", public, data_dir),
                        clock=clock, rand=lambda: 0.5)

    delays = []
    for _ in range(3):
        outcome = worker.cycle()
        assert not outcome.ok
        delays.append(outcome.delay_s)
        clock.now += timedelta(seconds=outcome.delay_s)

    assert delays == [15, 30, 60]
    status = read_status(data_dir)
    assert status["last_error"].endswith("(is the server down?); retrying in 60 s.")
    assert status["consecutive_failures"] == 3 and status["sync_errors_total"] == 3
    assert datetime.fromisoformat(status["next_attempt"]) == clock.now  # the last cycle plus 60 s


def test_a_503_with_retry_after_waits_as_long_as_the_server_asks(site, keypair, data_dir):
    _, public = keypair
    site.overrides["/feed.json"] = answer(503, {"Retry-After": "120"})
    worker = SyncWorker(settings_for(site.url(), public, data_dir), clock=lambda: NOW, rand=lambda: 0.0)

    outcome = worker.cycle()

    assert outcome.retry_after_used and outcome.delay_s == 120
    assert read_status(data_dir)["last_error"] == (
        f"The server at 127.0.0.1:{site.port} answered 503 Service Unavailable for {site.url()}; "
        "retrying in 2 min (Retry-After)."
    )


def test_the_worker_applies_in_the_background_wakes_on_demand_and_stops(site, keypair, data_dir):
    key_path, public = keypair
    publish(site, v1(), key_path)
    applied: list[int] = []
    arrived = [threading.Event(), threading.Event()]

    def on_applied(result) -> None:
        applied.append(result.sequence)
        arrived[len(applied) - 1].set()
        if len(applied) == 1:
            raise RuntimeError("a UI callback that fails must not stop syncing")

    worker = SyncWorker(settings_for(site.url(), public, data_dir, interval_s=3600), on_applied=on_applied)
    worker.start()
    try:
        assert arrived[0].wait(WAIT_S), "the first cycle runs as soon as the worker starts"
        publish(site, v2(), key_path)
        worker.wake()
        assert arrived[1].wait(WAIT_S), "wake() syncs now instead of in an hour"
        assert applied == [10, 11]
    finally:
        worker.stop()
        worker.join(WAIT_S)
    assert not worker.is_alive()
    assert read_status(data_dir)["content_sequence"] == 11


def test_an_unexpected_error_is_reported_and_syncing_goes_on(keypair, data_dir):
    _, public = keypair

    class BrokenFetcher(Fetcher):
        def get(self, *args, **kwargs):
            raise RuntimeError("a bug")

    worker = SyncWorker(settings_for("https://cms.invalid/feed.json", public, data_dir), fetcher=BrokenFetcher(),
                        clock=lambda: NOW, rand=lambda: 0.5)
    outcome = worker.cycle()
    assert not outcome.ok and outcome.delay_s == 15
    status = read_status(data_dir)
    assert status["last_error"].startswith("An unexpected error stopped the sync (RuntimeError: a bug)")
    assert status["last_error"].endswith("; retrying in 15 s.")
    assert status["next_attempt"] == (NOW + timedelta(seconds=15)).isoformat()


def test_settings_come_from_the_terminals_configuration(tmp_path):
    from kiosk.config import Config

    config = Config(feed_url="https://cms.example.org/feed.json", public_keys=["k"], sync_interval_s=120,
                    read_timeout_s=12.5, prometheus_file="/var/lib/node_exporter/kiosk.prom", kiosk_id="alter-markt")
    settings = config.sync_settings(tmp_path)
    assert settings.interval_s == 120 and settings.read_timeout_s == 12.5 and settings.public_keys == ("k",)
    assert settings.data_dir == tmp_path and settings.kiosk_id == "alter-markt"
    assert Config().sync_settings(tmp_path) is None, "demo mode has nothing to sync"


def test_utc_now_is_aware():
    from sync.worker import utc_now

    assert utc_now().tzinfo is timezone.utc


def test_the_example_settings_name_every_key_and_load_when_uncommented():
    import dataclasses
    import re
    import tomllib
    from pathlib import Path

    from kiosk.config import Config, from_mapping

    text = (Path(__file__).resolve().parents[1] / "deploy" / "kiosk.example.toml").read_text(encoding="utf-8")
    settings = [line[2:] for line in text.splitlines() if re.match(r"^# [a-z_]+ = ", line)]
    keys = {line.split(" = ")[0] for line in settings}
    assert keys == {f.name for f in dataclasses.fields(Config)} - {"source_path"}
    assert from_mapping(tomllib.loads("\n".join(settings))).feed_url.startswith("https://")


def test_an_isolated_worker_applies_in_a_child_process_and_reports_back(tmp_path, keypair, data_dir):
    from sync import store
    from tests import feedkit

    key_path, public = keypair
    path = feedkit.write_signed(tmp_path / "usb", feedkit.feed(), key_path)
    applied = []
    worker = SyncWorker(settings_for(path.as_uri(), public, data_dir), on_applied=applied.append,
                        clock=lambda: NOW, isolated=True)

    outcome = worker.cycle(plan_next=False)

    assert outcome.ok and outcome.result.applied and outcome.result.sequence == 10
    assert [r.sequence for r in applied] == [10]
    assert store.info(data_dir).sequence == 10


def test_an_isolated_worker_reports_a_refused_feed(tmp_path, keypair, data_dir):
    from sync import store
    from tests import feedkit

    key_path, public = keypair
    path = feedkit.write_signed(tmp_path / "usb", feedkit.feed(), key_path)
    path.write_bytes(path.read_bytes().replace(b"Dortmund", b"Dortmunt"))
    worker = SyncWorker(settings_for(path.as_uri(), public, data_dir), clock=lambda: NOW, isolated=True)

    outcome = worker.cycle(plan_next=False)

    assert not outcome.ok and "signature" in outcome.error
    assert store.info(data_dir) is None
    assert "signature" in read_status(data_dir)["last_error"]


@pytest.fixture
def status_writes(monkeypatch):
    """Every write of status.json, as the document written (the writes themselves still happen)."""
    from sync import status as status_module

    written: list[dict] = []
    real = status_module.write_json_atomically

    def counting(path, document):
        if path.name == status_module.STATUS_FILE:
            written.append(dict(document))
        real(path, document)

    monkeypatch.setattr(status_module, "write_json_atomically", counting)
    return written


def test_a_304_cycle_writes_status_twice_the_outcome_and_the_next_try_together(site, keypair, data_dir,
                                                                               status_writes):
    from sync.status import describe

    key_path, public = keypair
    publish(site, v1(), key_path)
    later = NOW + timedelta(minutes=5)
    clock = FakeClock(NOW)
    worker = SyncWorker(settings_for(site.url(), public, data_dir, interval_s=300), clock=clock)
    assert worker.cycle().result.applied
    clock.now = later
    status_writes.clear()

    outcome = worker.cycle()

    assert outcome.ok and outcome.result.not_modified
    assert len(status_writes) == 2, "one write when the cycle starts, one with its outcome and the next try"
    assert status_writes[0]["last_attempt"] == later.isoformat()
    status = read_status(data_dir)
    assert status == status_writes[1]
    assert status["last_attempt"] == status["last_success"] == later.isoformat()
    assert status["next_attempt"] == (later + timedelta(seconds=300)).isoformat()
    assert status["last_sync_ok"] is True and status["last_error"] is None and status["consecutive_failures"] == 0
    assert "304 Not Modified" in status["last_message"] and status["pending_images"] == []
    assert status["content_sequence"] == 10 and status["kiosk_id"] == "alter-markt"
    assert "Next sync: in 5 min." in describe(status, later)


def test_a_failed_cycle_writes_status_twice_with_the_reason_and_the_retry_plan(keypair, data_dir, status_writes):
    _, public = keypair
    worker = SyncWorker(settings_for(f"http://127.0.0.1:{closed_port()}/feed.json", public, data_dir),
                        clock=lambda: NOW, rand=lambda: 0.5)

    outcome = worker.cycle()

    assert not outcome.ok and outcome.delay_s == 15
    assert len(status_writes) == 2
    status = read_status(data_dir)
    assert status["last_error"] == outcome.error.rstrip(".") + "; retrying in 15 s."
    assert status["next_attempt"] == (NOW + timedelta(seconds=15)).isoformat()
    assert status["last_sync_ok"] is False and status["consecutive_failures"] == 1


def test_one_cycle_without_a_plan_leaves_next_attempt_empty(site, keypair, data_dir, status_writes):
    key_path, public = keypair
    publish(site, v1(), key_path)
    worker = SyncWorker(settings_for(site.url(), public, data_dir), clock=lambda: NOW, rand=lambda: 0.5)

    assert worker.cycle(plan_next=False).ok

    assert len(status_writes) == 2 and read_status(data_dir)["next_attempt"] is None
