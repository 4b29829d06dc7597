"""The desk's fleet app (desk/fleet): terminals post as they do to the collector; admins and publishers see the fleet.

Runs on the test database pytest-django makes: SQLite by default, and a real PostgreSQL server in
tests/test_fleet_postgresql.py, which runs this file again with DATABASE_URL set.
"""
from __future__ import annotations

import csv
import io
import json
import os
import uuid
from datetime import datetime, timedelta, timezone

import pytest

pytest.importorskip("django", reason="the desk extra is not installed")

from django.core.management import call_command  # noqa: E402

from desk.fleet import views as fleet_views  # noqa: E402
from desk.fleet.models import Feedback, FeedbackTopic, ScreenOpen, Terminal, Usage  # noqa: E402
from kiosk.feedback import FeedbackAnswer  # noqa: E402
from sync.collector import Collector  # noqa: E402
from sync.heartbeat import Heartbeat  # noqa: E402
from sync.outbox import Outbox  # noqa: E402
from sync.status import write_status  # noqa: E402
from sync.uploader import Uploader  # noqa: E402
from tests.test_collector import Clock  # noqa: E402 - the collector's tests move their clock the same way

TOKEN = "fleet-token-0123456789"
NOW = datetime(2026, 11, 26, 17, 30, tzinfo=timezone.utc)  # a Thursday in ISO week 48
AT = "2026-11-26T18:30"  # NOW in Dortmund's local time, as the pages' ?at= takes it


@pytest.fixture
def arrival(monkeypatch, settings):
    """The desk's clock for arriving posts, moved by the test; and the fleet token set."""
    settings.DESK_FLEET_TOKEN = TOKEN
    clock = Clock(NOW)
    monkeypatch.setattr(fleet_views, "clock", clock)
    return clock


def item(kind: str, payload: dict, *, key: str | None = None, created: datetime = NOW) -> dict:
    return {"key": key or str(uuid.uuid4()), "kind": kind, "created_at": created.isoformat(), "payload": payload}


def post(client, kind: str, items: list[dict], *, kiosk_id: str = "t1", token: str | None = TOKEN, body: bytes | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = body if body is not None else json.dumps({"kiosk_id": kiosk_id, "items": items})
    return client.post(f"/{kind}", data=data, content_type="application/json", **headers)


def user(name: str, role: str):
    from django.contrib.auth import get_user_model

    call_command("desk_user", name, "--role", role, "--password", "pw-" + name, stdout=open(os.devnull, "w"))
    return get_user_model().objects.get(username=name)


@pytest.fixture
def publisher(client, db):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user("paul", "publisher"))
    return client


# -- receiving: the collector's endpoints, token, rules and answers -------------------------------------------------


def test_feedback_is_stored_once_and_a_repeated_post_is_acknowledged_again(client, db, arrival):
    batch = [item("feedback", {"rating": 4, "topics": ["shops", "events"], "language": "tr",
                               "hour": "2026-11-26T17:00:00+00:00"}),
             item("feedback", {"rating": 2, "topics": []})]
    first, again = post(client, "feedback", batch), post(client, "feedback", batch)
    assert first.status_code == again.status_code == 200
    assert first.json()["accepted"] == again.json()["accepted"] == [i["key"] for i in batch]
    assert Feedback.objects.count() == 2 and FeedbackTopic.objects.count() == 2
    answer = Feedback.objects.get(key=batch[0]["key"])
    assert (answer.kiosk_id, answer.rating, answer.topics, answer.language, answer.hour, answer.received_at) == (
        "t1", 4, ["shops", "events"], "tr", datetime(2026, 11, 26, 17, tzinfo=timezone.utc), NOW)


def test_the_desk_answers_every_post_exactly_as_the_stand_alone_collector(client, db, arrival, tmp_path):
    """One definition of the rules (sync/fleet_posts.py): same status and same JSON for good, bad and hostile posts."""
    collector = Collector(tmp_path / "fleet.db", TOKEN, clock=lambda: NOW)
    good = item("feedback", {"rating": 5}, key="good-key-1")
    posts = [
        ("feedback", json.dumps({"kiosk_id": "t1", "items": [good, item("feedback", {"rating": 9}, key="bad-rating"),
                                                            item("usage", {}, key="wrong-kind"), {"key": "x"},
                                                            item("feedback", {"rating": 3}, key="old-clock",
                                                                 created=datetime(1999, 1, 1, tzinfo=timezone.utc)),
                                                            item("feedback", {"rating": 3, "a": "nul\u0000"}, key="nul-char-1"),
                                                            item("feedback", {"rating": 3, "deep": json.loads("[" * 40 + "]" * 40)},
                                                                 key="deep-payload")]})),
        ("usage", "{no json"),
        ("usage", "[" * 100_000 + "]" * 100_000),  # nested beyond what json can read
        ("usage", json.dumps({"kiosk_id": "a b/c", "items": []})),
        ("usage", json.dumps({"kiosk_id": "t1", "items": [{}] * 501})),
    ]
    for kind, body in posts:
        desk = post(client, kind, [], body=body.encode())
        assert (desk.status_code, desk.json()) == collector.receive(kind, body.encode(), f"Bearer {TOKEN}"), body[:80]
    assert post(client, "usage", [item("usage", {})], token="guess").status_code == 401
    answer = post(client, "feedback", [], body=posts[0][1].encode()).json()
    reasons = {r["key"]: r["reason"] for r in answer["rejected"]}
    assert answer["accepted"] == ["good-key-1"]
    assert "1 to 5" in reasons["bad-rating"] and "between the years 2000 and 2199" in reasons["old-clock"]
    assert "NUL" in reasons["nul-char-1"] and "nested deeper" in reasons["deep-payload"]
    assert Feedback.objects.count() == 1


def test_a_body_over_two_mebibytes_or_without_length_is_refused_before_it_is_read(client, db, arrival):
    response = client.post("/usage", data=b"x" * (2 * 1024 * 1024 + 1), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 413 and "smaller batches" in response.json()["error"]
    assert client.get("/usage").status_code == 405


def test_without_a_fleet_token_the_desk_accepts_nothing_and_says_which_setting(client, db, settings):
    settings.DESK_FLEET_TOKEN = ""
    response = post(client, "usage", [item("usage", {})])
    assert response.status_code == 503 and "DESK_FLEET_TOKEN" in response.json()["error"]


def test_heartbeats_update_the_terminal_and_an_older_one_does_not_overwrite_a_newer(client, db, arrival):
    post(client, "heartbeat", [item("heartbeat", {"content_sequence": 7}, created=NOW)])
    post(client, "heartbeat", [item("heartbeat", {"content_sequence": 6}, created=NOW - timedelta(minutes=5))])
    arrival.now = NOW + timedelta(minutes=1)
    post(client, "heartbeat", [item("heartbeat", {"content_sequence": 8, "free_disk_bytes": 5_000_000_000},
                                    created=NOW + timedelta(minutes=1, seconds=30))])
    terminal = Terminal.objects.get()
    assert (terminal.kiosk_id, terminal.content_sequence, terminal.first_seen, terminal.last_seen) == (
        "t1", 8, NOW, NOW + timedelta(minutes=1))
    assert terminal.status["free_disk_bytes"] == 5_000_000_000
    assert terminal.last_heartbeat_at - terminal.heartbeat_received_at == timedelta(seconds=30)  # the clock skew


def test_usage_counts_become_rows_per_screen_and_hour(client, db, arrival):
    counts = {"hour": "2026-11-26T09:00:00+00:00", "screens": {"home": 12, "map": 3, "x" * 65: 1, "bad": -1},
              "languages": {"de": 10, "tr": 2}, "searches": 4}
    key = post(client, "usage", [item("usage", counts)]).json()["accepted"][0]
    post(client, "usage", [item("usage", counts, key=key)])  # a repeat after a lost answer
    assert Usage.objects.count() == 1
    assert sorted(ScreenOpen.objects.values_list("screen", "count", "hour")) == [
        ("home", 12, datetime(2026, 11, 26, 9, tzinfo=timezone.utc)), ("map", 3, datetime(2026, 11, 26, 9, tzinfo=timezone.utc))]


# -- the pages ---------------------------------------------------------------------------------------------------------


def beat(client, kiosk_id: str, arrival: Clock, at: datetime, **status) -> None:
    arrival.now = at
    assert post(client, "heartbeat", [item("heartbeat", {"content_sequence": 202611260800, **status}, created=at)],
                kiosk_id=kiosk_id).status_code == 200


def terminal_rows(page: str) -> list[str]:
    return [row.split('data-kiosk="')[1].split('"')[0] for row in page.split("<tr")[1:] if 'data-kiosk="' in row]


def test_the_dashboard_flags_a_terminal_that_stopped_sending_heartbeats_with_how_long_ago(publisher, arrival):
    beat(publisher, "hbf-nord", arrival, NOW - timedelta(hours=2, minutes=14), last_error="The feed server answered HTTP 503.")
    beat(publisher, "markt-sued", arrival, NOW - timedelta(minutes=1), free_disk_bytes=12_300_000_000)
    beat(publisher, "alter-markt", arrival, NOW - timedelta(days=3, hours=1))
    page = publisher.get("/admin/fleet/", {"at": AT}).content.decode()
    assert terminal_rows(page) == ["alter-markt", "hbf-nord", "markt-sued"]  # longest silent first, the live one last
    assert page.count('class="fleet-silent"') == 2
    hbf = page.split('data-kiosk="hbf-nord"')[1].split("</tr>")[0]
    assert "no heartbeat for 2 h 14 min" in hbf and "The feed server answered HTTP 503." in hbf
    assert "no heartbeat for 3 days 1 h" in page
    sued = page.split('data-kiosk="markt-sued"')[1].split("</tr>")[0]
    assert "1 min ago" in sued and "12.3 GB" in sued and "202611260800" in sued
    assert "3 terminals, silent for over 15 minutes: 2" in page
    publisher.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    german = publisher.get("/admin/fleet/", {"at": AT}).content.decode()
    assert "kein Lebenszeichen seit 2 Std. 14 Min." in german


def test_a_moment_that_is_no_moment_is_said_and_the_page_shows_now(publisher, arrival):
    beat(publisher, "markt-sued", arrival, NOW)
    for wrong in ("yesterday", "0001-01-01T00:00"):
        page = publisher.get("/admin/fleet/feedback/", {"at": wrong}).content.decode()
        assert f"{wrong} is not a moment like 2026-12-05T10:00." in page
    assert "markt-sued" in publisher.get("/admin/fleet/", {"at": "0001-01-01T00:00"}).content.decode()


def test_kiosks_of_the_content_that_never_reported_are_listed_as_silent(publisher, arrival):
    from desk.content.models import Kiosk

    Kiosk.objects.create(feed_id="westenhellweg", name={"de": "Westenhellweg"}, lat=51.51, lon=7.46)
    beat(publisher, "markt-sued", arrival, NOW)
    page = publisher.get("/admin/fleet/", {"at": AT}).content.decode()
    assert terminal_rows(page) == ["westenhellweg", "markt-sued"]
    assert "never sent a heartbeat" in page.split('data-kiosk="westenhellweg"')[1].split("</tr>")[0]


def test_only_admins_and_publishers_see_the_fleet(client, db):
    assert client.get("/admin/fleet/").status_code == 302  # to the login
    client.force_login(user("erika", "editor"))
    assert client.get("/admin/fleet/").status_code == 403
    client.force_login(user("ida", "admin"))
    assert client.get("/admin/fleet/usage/").status_code == 200


def test_charts_and_csv_show_the_posted_feedback_and_usage(publisher, arrival):
    week47 = NOW - timedelta(days=7)
    answers = [(5, ["shops"], NOW), (3, ["shops", "safety"], NOW), (1, ["safety"], week47)]
    post(publisher, "feedback", [item("feedback", {"rating": r, "topics": t, "language": "de", "hour": h.isoformat()})
                                 for r, t, h in answers])
    post(publisher, "usage", [item("usage", {"hour": "2026-11-26T09:00:00+00:00", "screens": {"map": 7, "home": 2}})])
    page = publisher.get("/admin/fleet/feedback/", {"at": AT}).content.decode()
    charts = page.split('id="fleet-feedback-charts"')[1].split("</div>")[0]
    assert charts.count("<svg") == 7  # all answers and the six topics
    shops = charts.split('aria-label="Shops"')[1].split("</svg>")[0]
    assert "2026-W48: 4.0 (2 answers)" in shops and "2026-W47: no answers" in shops
    safety = charts.split('aria-label="Safety"')[1].split("</svg>")[0]
    assert "2026-W47: 1.0 (1 answer)" in safety and "2026-W48: 3.0 (1 answer)" in safety
    assert page.split('id="fleet-answers"')[1].count("<tr>") == 1 + 2  # the header and this week's two answers
    rows = list(csv.reader(io.StringIO(b"".join(publisher.get("/admin/fleet/feedback.csv", {"at": AT})).decode())))
    assert rows[0] == ["hour", "kiosk_id", "rating", "topics", "language"]
    assert sorted(r[2:4] for r in rows[1:]) == [["1", "safety"], ["3", "shops safety"], ["5", "shops"]]
    usage = publisher.get("/admin/fleet/usage/", {"at": AT}).content.decode()
    assert "Map, 10:00: opened 7 times" in usage  # 09:00 UTC is 10:00 in Dortmund
    rows = list(csv.reader(io.StringIO(b"".join(publisher.get("/admin/fleet/usage.csv", {"at": AT})).decode())))
    assert rows[1:] == [["2026-11-26T09:00:00+00:00", "t1", "home", "2"], ["2026-11-26T09:00:00+00:00", "t1", "map", "7"]]
    terminals = b"".join(publisher.get("/admin/fleet/terminals.csv", {"at": AT})).decode()
    assert terminals.splitlines()[0].startswith("kiosk_id,silent,silent_for_s,last_heartbeat")


# -- a real terminal's uploader and heartbeat over HTTP on 127.0.0.1 ---------------------------------------------------------


def test_a_terminals_outbox_uploader_and_heartbeat_land_rows_in_the_desk(live_server, transactional_db, settings, tmp_path):
    settings.DESK_FLEET_TOKEN = TOKEN
    data = tmp_path / "terminal"
    data.mkdir()
    write_status(data, {"content_sequence": 202611261700, "last_error": None})
    with Outbox.open(data) as outbox:
        for rating in (5, 4, 2):
            outbox.add("feedback", FeedbackAnswer(rating, ("events",), "uk").to_outbox(kiosk_id="stadtgarten", at=NOW), now=NOW)
        outbox.add("usage", {"hour": "2026-11-26T16:00:00+00:00", "screens": {"today": 5}, "languages": {"uk": 5}}, now=NOW)
        uploader = Uploader.from_settings(outbox, kiosk_id="stadtgarten", feedback_url=live_server.url + "/feedback",
                                          usage_url=live_server.url + "/usage", fleet_token=TOKEN)
        report = uploader.upload_due(NOW)
        assert (report.sent, report.acknowledged, report.errors) == (4, 4, [])
        assert outbox.count() == 0  # acknowledged means stored: the terminal forgot them
    result = Heartbeat(data, kiosk_id="stadtgarten", url=live_server.url + "/heartbeat/", token=TOKEN).beat(NOW)
    assert result.sent, result.error
    assert sorted(Feedback.objects.values_list("rating", flat=True)) == [2, 4, 5]
    assert list(ScreenOpen.objects.values_list("screen", "count")) == [("today", 5)]
    terminal = Terminal.objects.get(kiosk_id="stadtgarten")
    assert terminal.content_sequence == 202611261700 and terminal.status["free_disk_bytes"] > 0


def test_the_database_is_the_one_database_url_names(db):
    """tests/test_fleet_postgresql.py runs this file with DATABASE_URL set: then every test here ran on PostgreSQL."""
    from django.db import connection

    assert connection.vendor == ("postgresql" if os.environ.get("DATABASE_URL") else "sqlite")
