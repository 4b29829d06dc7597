"""Outbox -> uploader -> collector, end to end: nothing lost, nothing counted twice.

A writer process is killed with SIGKILL; a collector answers 500 for a while; an acknowledgement
gets lost on the way back. Real processes, a real HTTP server on 127.0.0.1, real SQLite files; the
clock and the random source are injected, so nothing sleeps.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from sync.collector import Collector, CollectorHandler, make_server, read_body, send_json
from sync.heartbeat import Heartbeat
from sync.outbox import Outbox
from sync.status import update_status
from sync.uploader import Uploader, retry_delay

REPO = Path(__file__).resolve().parents[1]
TOKEN = "fleet-token-0123456789"
T0 = datetime(2026, 11, 26, 17, 0, tzinfo=timezone.utc)

WRITER = """
import itertools, sys
from datetime import datetime, timezone
from sync.outbox import Outbox
box = Outbox.open(sys.argv[1])
at = datetime(2026, 11, 26, 17, 0, tzinfo=timezone.utc)
for n in itertools.count():
    key = box.add("feedback", {"rating": 1 + n % 5, "topics": ["safety"], "language": "de",
                               "hour": "2026-11-26T17:00:00+00:00", "n": n}, now=at)
    print(key, flush=True)
"""


class ScriptedHandler(CollectorHandler):
    """The real collector, except when the test's script says to fail or to lose the answer."""

    def do_POST(self):
        body = read_body(self)
        batch = json.loads(body)
        self.server.posted.extend(i["key"] for i in batch["items"])
        action = self.server.script.pop(0) if self.server.script else "answer"
        if action == "fail":
            send_json(self, 500, {"error": "down for maintenance"})
        elif action == "lose_answer":
            # Stored, but the connection drops before the terminal hears about it.
            self.server.collector.receive(self.path.strip("/"), body, self.headers.get("Authorization"))
            self.close_connection = True
        elif action == "plain_ok":
            self.server.collector.receive(self.path.strip("/"), body, self.headers.get("Authorization"))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        else:
            self.server.collector.handle_collect(self, self.path, body)


@pytest.fixture
def collector_server(tmp_path):
    collector = Collector(tmp_path / "fleet.db", TOKEN, clock=lambda: T0)
    server = make_server(collector, "127.0.0.1", 0)
    server.RequestHandlerClass = ScriptedHandler
    server.script, server.posted = [], []
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def stored_keys(server) -> list[str]:
    conn = sqlite3.connect(server.collector.db_path)
    try:
        return [r[0] for r in conn.execute("SELECT key FROM items")]
    finally:
        conn.close()


def uploader_for(outbox: Outbox, server, **kwargs) -> Uploader:
    return Uploader.from_settings(outbox, kiosk_id="t1", feedback_url=server.url + "/feedback",
                                  usage_url=server.url + "/usage", fleet_token=TOKEN, random=lambda: 0.5, **kwargs)


def test_items_written_before_a_sigkill_reach_the_collector_exactly_once(data_dir, collector_server):
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(data_dir)], stdout=subprocess.PIPE, text=True,
                              cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    confirmed = [writer.stdout.readline().strip() for _ in range(25)]
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=10)
    writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL

    with Outbox.open(data_dir) as outbox:
        waiting = {i.key for i in outbox.due("feedback", now=T0, limit=100_000)}
        assert set(confirmed) <= waiting  # every add() that returned is on disk
        report = uploader_for(outbox, collector_server, batch_size=10).upload_due(T0)
        assert outbox.count() == 0
    assert report.acknowledged == len(waiting) and not report.errors
    assert sorted(stored_keys(collector_server)) == sorted(waiting)
    assert sorted(collector_server.posted) == sorted(waiting)  # each sent once


def test_a_collector_answering_500_for_a_while_loses_nothing(data_dir, collector_server):
    collector_server.script = ["fail"] * 4
    now = T0
    with Outbox.open(data_dir) as outbox:
        keys = [outbox.add("feedback", {"rating": 1 + n % 5}, now=now) for n in range(7)]
        keys += [outbox.add("usage", {"screens": {"home": n}}, now=now) for n in range(3)]
        uploader = uploader_for(outbox, collector_server, batch_size=3, base_delay_s=30, max_delay_s=600)
        failures = 0
        for _ in range(10):
            report = uploader.upload_due(now)
            failures += len(report.errors)
            if outbox.count() == 0:
                break
            now += timedelta(minutes=10)
        assert outbox.count() == 0
    assert failures == 4
    assert sorted(stored_keys(collector_server)) == sorted(keys)
    # Failed batches were posted again; the keys still count once each.
    assert len(collector_server.posted) > 10


def test_a_failed_batch_waits_for_its_backoff_before_it_is_sent_again(data_dir, collector_server):
    collector_server.script = ["fail"]
    with Outbox.open(data_dir) as outbox:
        outbox.add("feedback", {"rating": 3}, now=T0)
        uploader = uploader_for(outbox, collector_server, base_delay_s=30)
        assert uploader.upload_due(T0).postponed == 1
        delay = retry_delay(0, lambda: 0.5, base_s=30)  # 22.5 s: half of 30 fixed, a quarter from jitter
        assert uploader.upload_due(T0 + timedelta(seconds=delay - 1)).sent == 0
        assert uploader.upload_due(T0 + timedelta(seconds=delay)).acknowledged == 1
    assert len(collector_server.posted) == 2


def test_a_lost_acknowledgement_is_sent_again_and_stored_once(data_dir, collector_server):
    collector_server.script = ["lose_answer"]
    with Outbox.open(data_dir) as outbox:
        keys = [outbox.add("feedback", {"rating": 5}, now=T0) for _ in range(3)]
        uploader = uploader_for(outbox, collector_server)
        first = uploader.upload_due(T0)
        assert first.acknowledged == 0 and "could not be reached" in first.errors[0]
        assert outbox.count() == 3
        assert uploader.upload_due(T0 + timedelta(hours=1)).acknowledged == 3
        assert outbox.count() == 0
    assert sorted(collector_server.posted) == sorted(keys * 2)
    assert sorted(stored_keys(collector_server)) == sorted(keys)


def test_a_2xx_without_a_key_list_acknowledges_every_key_sent(data_dir, collector_server):
    collector_server.script = ["plain_ok"]
    with Outbox.open(data_dir) as outbox:
        outbox.add("usage", {"screens": {"home": 1}}, now=T0)
        assert uploader_for(outbox, collector_server).upload_due(T0).acknowledged == 1
        assert outbox.count() == 0


def test_an_item_the_collector_rejects_for_good_is_dropped_not_retried_forever(data_dir, collector_server, caplog):
    with Outbox.open(data_dir) as outbox:
        good = outbox.add("feedback", {"rating": 4}, now=T0)
        outbox.add("feedback", {"rating": 11}, now=T0)
        report = uploader_for(outbox, collector_server).upload_due(T0)
        assert (report.acknowledged, report.rejected, outbox.count()) == (1, 1, 0)
    assert stored_keys(collector_server) == [good]
    assert "refused item" in caplog.text


def test_a_wrong_token_keeps_the_items_and_says_so(data_dir, collector_server):
    with Outbox.open(data_dir) as outbox:
        outbox.add("feedback", {"rating": 4}, now=T0)
        uploader = uploader_for(outbox, collector_server)
        uploader.token = "wrong"
        report = uploader.upload_due(T0)
        assert outbox.count() == 1 and "HTTP 401 (check fleet_token)" in report.errors[0]


def test_kinds_without_a_url_stay_in_the_outbox(data_dir, collector_server):
    with Outbox.open(data_dir) as outbox:
        outbox.add("usage", {"screens": {}}, now=T0)
        uploader = Uploader.from_settings(outbox, kiosk_id="t1", feedback_url=collector_server.url + "/feedback",
                                          usage_url=None, fleet_token=TOKEN)
        assert uploader.upload_due(T0).sent == 0 and outbox.count() == 1


def test_retry_delay_doubles_is_capped_and_jittered():
    assert retry_delay(0, lambda: 0.0, base_s=30) == 15
    assert retry_delay(0, lambda: 1.0, base_s=30) == 30
    assert retry_delay(3, lambda: 1.0, base_s=30) == 240
    assert retry_delay(40, lambda: 1.0, base_s=30, max_s=3600) == 3600


def test_the_upload_loop_runs_until_stopped_with_injected_clock_and_wait(data_dir, collector_server):
    with Outbox.open(data_dir) as outbox:
        outbox.add("feedback", {"rating": 2}, now=T0)
        waits = []
        stop = threading.Event()
        uploader_for(outbox, collector_server).run(stop, clock=lambda: T0,
                                                   wait=lambda s: waits.append(s) or len(waits) == 2, interval_s=60)
        assert waits == [60, 60] and outbox.count() == 0


# --------------------------------------------------------------------------- heartbeats


def test_a_heartbeat_posts_status_json_and_a_failed_one_is_not_queued(data_dir, collector_server):
    update_status(data_dir, content_sequence=42, last_error=None)
    beat = Heartbeat(data_dir, kiosk_id="t1", url=collector_server.url + "/heartbeat", token=TOKEN,
                     extra=lambda: {"outbox": {"waiting": {}}})
    assert beat.beat(T0).sent
    conn = sqlite3.connect(collector_server.collector.db_path)
    sequence, status = conn.execute("SELECT content_sequence, status FROM terminals").fetchone()
    conn.close()
    assert sequence == 42 and json.loads(status)["outbox"] == {"waiting": {}}

    collector_server.script = ["fail"]
    failed = beat.beat(T0 + timedelta(minutes=1))
    assert not failed.sent and "HTTP 500" in failed.error
    assert not (data_dir / "outbox.db").exists()  # heartbeats are replaced, never accumulated
    assert Heartbeat(data_dir, kiosk_id="t1", url=None, token=None).beat(T0).sent is False


def test_an_unreachable_heartbeat_url_is_logged_and_the_loop_goes_on(data_dir):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]  # free again once closed: nobody listens there
    beat = Heartbeat(data_dir, kiosk_id="t1", url=f"http://127.0.0.1:{closed_port}/heartbeat", token=TOKEN)
    results = []
    original = beat.beat
    beat.beat = lambda now: results.append(original(now)) or results[-1]
    beat.run(threading.Event(), clock=lambda: T0, wait=lambda s: len(results) == 3, interval_s=60)
    assert len(results) == 3 and all(not r.sent and "could not be reached" in r.error for r in results)
