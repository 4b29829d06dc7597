"""sync/collector.py and `kiosk-feed collect / report`: a real server on 127.0.0.1, a real SQLite file."""
from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from click.testing import CliRunner

from sync import collector as collector_module
from sync.cli import main as feed_cli
from sync.collector import Collector, make_server, read_body

TOKEN = "fleet-token-0123456789"
NOW = datetime(2026, 11, 26, 17, 30, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock(NOW)


@pytest.fixture
def collector(tmp_path, clock):
    return Collector(tmp_path / "fleet.db", TOKEN, clock=clock)


@pytest.fixture
def server(collector):
    srv = make_server(collector, "127.0.0.1", 0)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def item(kind: str, payload: dict, *, key: str | None = None, created: datetime = NOW) -> dict:
    return {"key": key or str(uuid.uuid4()), "kind": kind, "created_at": created.isoformat(), "payload": payload}


def post(url: str, items: list[dict], *, kiosk_id: str = "t1", token: str | None = TOKEN) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(url, json={"kiosk_id": kiosk_id, "items": items}, headers=headers, timeout=5)


def rows(collector: Collector, sql: str) -> list[tuple]:
    conn = sqlite3.connect(collector.db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_feedback_is_stored_once_and_a_repeated_post_is_acknowledged_again(server, collector):
    batch = [item("feedback", {"rating": 4, "topics": ["shops"]}), item("feedback", {"rating": 2, "topics": []})]
    first = post(server + "/feedback", batch)
    again = post(server + "/feedback", batch)
    assert first.status_code == again.status_code == 200
    assert first.json()["accepted"] == again.json()["accepted"] == [i["key"] for i in batch]
    assert rows(collector, "SELECT count(*) FROM items") == [(2,)]
    assert rows(collector, "SELECT kiosk_id, kind, received_at FROM items LIMIT 1") == [
        ("t1", "feedback", "2026-11-26T17:30:00+00:00")]


def test_a_wrong_or_missing_token_is_refused_and_nothing_is_stored(server, collector):
    assert post(server + "/usage", [item("usage", {})], token="guess").status_code == 401
    response = post(server + "/usage", [item("usage", {})], token=None)
    assert response.status_code == 401 and "fleet_token" in response.json()["error"]
    assert rows(collector, "SELECT count(*) FROM items") == [(0,)]


def test_bad_items_are_rejected_one_by_one_and_good_ones_kept(server, collector):
    good = item("feedback", {"rating": 5})
    wrong_rating = item("feedback", {"rating": 9})
    wrong_kind = item("usage", {"screens": {}})
    answer = post(server + "/feedback", [good, wrong_rating, wrong_kind, {"key": "x"}]).json()
    assert answer["accepted"] == [good["key"]]
    reasons = {r["key"]: r["reason"] for r in answer["rejected"]}
    assert "1 to 5" in reasons[wrong_rating["key"]] and "does not match the path" in reasons[wrong_kind["key"]]
    assert "x" in reasons


def test_unusable_posts_get_a_sentence(server):
    assert requests.post(server + "/usage", data=b"{no json", headers={"Authorization": f"Bearer {TOKEN}"},
                         timeout=5).status_code == 400
    assert "kiosk_id" in post(server + "/usage", [], kiosk_id="a b/c").json()["error"]
    assert requests.post(server + "/nothing", data=b"{}", timeout=5).status_code == 404


def test_a_body_over_the_limit_is_refused(server, monkeypatch):
    monkeypatch.setattr(collector_module, "MAX_BODY_BYTES", 100)
    response = post(server + "/usage", [item("usage", {"screens": {"home": 1}}) for _ in range(5)])
    assert response.status_code == 413


def test_heartbeats_update_the_terminal_and_an_older_one_does_not_overwrite_a_newer(server, collector, clock):
    post(server + "/heartbeat", [item("heartbeat", {"content_sequence": 7}, created=NOW)])
    post(server + "/heartbeat", [item("heartbeat", {"content_sequence": 6}, created=NOW - timedelta(minutes=5))])
    clock.now = NOW + timedelta(minutes=1)
    post(server + "/heartbeat", [item("heartbeat", {"content_sequence": 8}, created=NOW + timedelta(minutes=1))])
    assert rows(collector, "SELECT kiosk_id, content_sequence, first_seen, last_seen FROM terminals") == [
        ("t1", 8, "2026-11-26T17:30:00+00:00", "2026-11-26T17:31:00+00:00")]
    assert rows(collector, "SELECT count(*) FROM items") == [(0,)]


def test_it_mounts_into_another_http_server_in_a_few_lines(tmp_path, collector):
    class FeedServerLike(BaseHTTPRequestHandler):
        def do_POST(self):
            body = read_body(self)
            if body is not None and self.server.collector.handle_collect(self, self.path, body):
                return
            self.send_error(405)

        def log_message(self, *args):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), FeedServerLike)
    srv.collector = collector
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{srv.server_address[1]}"
        assert post(url + "/usage", [item("usage", {"screens": {"home": 2}})]).json()["rejected"] == []
        assert requests.post(url + "/feed.json", data=b"{}", timeout=5).status_code == 405
    finally:
        srv.shutdown()
        srv.server_close()
    assert rows(collector, "SELECT kind FROM items") == [("usage",)]


def test_a_collector_without_token_is_refused(tmp_path):
    with pytest.raises(ValueError, match="fleet token"):
        Collector(tmp_path / "fleet.db", "")


# --------------------------------------------------------------------------- kiosk-feed report


def fill_fleet(collector: Collector, clock: Clock) -> None:
    def send(kiosk_id, kind, items, at):
        clock.now = at
        code, answer = collector.receive(kind, json.dumps({"kiosk_id": kiosk_id, "items": items}).encode(),
                                         f"Bearer {TOKEN}")
        assert code == 200 and not answer["rejected"], answer

    week48 = datetime(2026, 11, 24, 12, tzinfo=timezone.utc)
    week49 = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
    send("reinoldikirche", "feedback", [
        item("feedback", {"rating": 5, "topics": ["shops", "events"], "hour": week48.isoformat()}),
        item("feedback", {"rating": 3, "topics": ["shops"], "hour": week48.isoformat()}),
        item("feedback", {"rating": 1, "topics": ["cleanliness"], "hour": week49.isoformat()}),
    ], week49)
    send("reinoldikirche", "usage", [
        item("usage", {"screens": {"home": 10, "today": 4}, "languages": {"de": 5, "en": 2}, "searches": 3}),
        item("usage", {"screens": {"home": 5, "shops": 6}, "languages": {"tr": 3}, "routes": 2}),
    ], week49)
    send("reinoldikirche", "heartbeat", [item("heartbeat", {"content_sequence": 41}, created=NOW)], NOW)
    send("hauptbahnhof", "heartbeat", [item("heartbeat", {"content_sequence": 40, "last_error": "The feed was refused."},
                                            created=NOW - timedelta(hours=3))], NOW - timedelta(hours=3))
    send("friedensplatz", "heartbeat", [item("heartbeat", {"content_sequence": 41},
                                             created=NOW - timedelta(minutes=20))], NOW - timedelta(minutes=20))


def test_report_lists_silent_terminals_first_then_feedback_and_usage(collector, clock):
    fill_fleet(collector, clock)
    result = CliRunner().invoke(feed_cli, ["report", str(collector.db_path), "--now", "2026-11-26T18:32:00+01:00"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    terminals = [line for line in lines if "last seen" in line]
    assert [line.split()[0] for line in terminals] == ["SILENT", "SILENT", "reinoldikirche"]
    assert "hauptbahnhof" in terminals[0] and "3 h ago" in terminals[0] and "The feed was refused." in terminals[0]
    assert "friedensplatz" in terminals[1] and "content sequence 41" in terminals[1]
    assert "silent for over 15 minutes: 2" in result.output
    assert any(line.split() == ["2026-W48", "shops", "2", "4.00"] for line in lines)
    assert any(line.split() == ["2026-W48", "(all", "answers)", "2", "4.00"] for line in lines)
    assert any(line.split() == ["2026-W49", "cleanliness", "1", "1.00"] for line in lines)
    screens = lines[lines.index("Most used screens:") + 1:]
    assert [s.split()[0] for s in screens[:3]] == ["home", "shops", "today"]
    assert "searches 3" in result.output and "routes 2" in result.output


def test_report_json_and_missing_database(collector, clock, tmp_path):
    fill_fleet(collector, clock)
    result = CliRunner().invoke(feed_cli, ["report", str(collector.db_path), "--now", NOW.isoformat(), "--json"])
    data = json.loads(result.output)
    assert data["screens"] == {"home": 15, "shops": 6, "today": 4}
    assert [t["kiosk_id"] for t in data["terminals"] if t["silent"]] == ["hauptbahnhof", "friedensplatz"]
    missing = CliRunner().invoke(feed_cli, ["report", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "There is no collector database" in missing.output


# ---- what an attacker's posts still broke (issue 19, point 9)


def test_json_nested_100000_deep_gets_a_sentence_not_a_traceback(server):
    body = b"[" * 100_000 + b"]" * 100_000
    response = requests.post(server + "/usage", data=body, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert response.status_code == 400 and "nested too deeply" in response.json()["error"]


@pytest.mark.parametrize("created", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_a_created_at_outside_sane_years_is_rejected_and_the_rest_kept(server, collector, created):
    bad = dict(item("usage", {"screens": {"home": 1}}), created_at=created)
    good = item("usage", {"screens": {"map": 2}})
    answer = post(server + "/usage", [bad, good]).json()
    assert answer["accepted"] == [good["key"]]
    assert "not between the years 2000 and 2199" in answer["rejected"][0]["reason"]


def test_ids_ending_in_a_newline_are_refused(server):
    answer = post(server + "/usage", [item("usage", {"screens": {}}, key="abcdefgh1234\n")]).json()
    assert answer["accepted"] == [] and "8 to 64 letters" in answer["rejected"][0]["reason"]
    assert post(server + "/usage", [], kiosk_id="t1\n").status_code == 400


def test_a_promised_body_that_never_comes_frees_its_thread(collector, monkeypatch):
    import socket

    monkeypatch.setattr(collector_module.CollectorHandler, "timeout", 0.5)
    srv = make_server(collector, "127.0.0.1", 0)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        with socket.create_connection(srv.server_address[:2], timeout=10) as sock:
            sock.sendall(b"POST /usage HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
            assert sock.recv(100) == b""  # the server hung up after its timeout instead of waiting forever
    finally:
        srv.shutdown()
        srv.server_close()


def test_connections_beyond_the_bound_are_closed_at_once_without_a_thread(collector, monkeypatch):
    import socket

    monkeypatch.setattr(collector_module.BoundedThreadingHTTPServer, "max_connections", 3)
    srv = make_server(collector, "127.0.0.1", 0)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    idle = [socket.create_connection(srv.server_address[:2], timeout=10) for _ in range(3)]
    try:
        with socket.create_connection(srv.server_address[:2], timeout=10) as extra:
            assert extra.recv(100) == b""
        idle[0].sendall(b"GET / HTTP/1.0\r\n\r\n")  # the connections within the bound are still served
        assert idle[0].recv(100).startswith(b"HTTP/1.0 200")
    finally:
        for sock in idle:
            sock.close()
        srv.shutdown()
        srv.server_close()
