"""`kiosk-desk import_sources`: OpenStreetMap, a calendar over HTTP and the shop CSV through sync/build into the desk."""
from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytest.importorskip("django", reason="the desk extra is not installed")

from django.core.management import call_command  # noqa: E402
from django.core.management.base import CommandError  # noqa: E402

from sync.build.assemble import BuildInputs, build_feed  # noqa: E402
from sync.signing import write_keypair  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "assets" / "demo"
OSM = REPO / "tests" / "fixtures" / "osm"
NOW = datetime(2026, 11, 26, 16, 30, tzinfo=timezone.utc)
QUIET = open(os.devnull, "w")


class CalendarServer(ThreadingHTTPServer):
    """Serves one calendar at /events.ics, or answers 404 when `body` is None."""

    daemon_threads = True

    def __init__(self, body: bytes | None):
        self.body = body
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if server.body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/events.ics"


@pytest.fixture
def calendar():
    server = CalendarServer((DEMO / "source" / "events.ics").read_bytes())
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def desk(db, settings, tmp_path):
    settings.DESK_WEB_ROOT = tmp_path / "site"
    settings.DESK_MEDIA_DIR = tmp_path / "media"
    settings.DESK_SIGNING_KEY = write_keypair(tmp_path / "keys")[0]
    return tmp_path


def publisher(django_user_model):
    call_command("desk_user", "paul", "--role", "publisher", "--password", "pw", stdout=QUIET)
    return django_user_model.objects.get(username="paul")


def test_a_calendar_url_and_the_shop_csv_are_imported_through_the_builder(desk, calendar, django_user_model):
    from desk.content.feedmap import base_input, sources
    from desk.content.models import Event
    from desk.content.publish import publish

    call_command("import_feed", str(DEMO / "feed.json"), stdout=QUIET)
    Event.objects.filter(feed_id__startswith="weihnachtsmarkt").delete()  # the calendar brings these back
    kept = Event.objects.get(feed_id="weihnachtsbaum-illumination")
    kept.title = {"de": "Baum an, von der Redaktion"}
    kept.save()
    csv = desk / "places.csv"
    csv.write_text((DEMO / "source" / "places.csv").read_text(encoding="utf-8")
                   .replace("Mo-Fr 10:00-19:00", "Mo-Fr 09:30-19:00", 1), encoding="utf-8")
    call_command("import_sources", "--calendar", calendar.url, "--places", str(csv), "--allow-insecure-http",
                 stdout=QUIET)

    source = sources()
    assert "Mo-Fr 09:30-19:00" in json.dumps(source.places)  # the CSV's new hours
    from_calendar = {event["id"] for event in source.events}
    assert {"weihnachtsmarkt-nov-do", "weihnachtsmarkt-nov-fr"} <= from_calendar
    assert "weihnachtsbaum-illumination" not in from_calendar  # the desk's own event wins over the calendar's
    events = base_input()["events"]
    assert len(events) == len({event["id"] for event in events}) == 36  # nothing twice, nothing lost
    assert next(e for e in events if e["id"] == "weihnachtsbaum-illumination")["title"]["de"].endswith("Redaktion")
    assert calendar.url in source.origin and source.imported_at is not None
    assert "Left out: nothing" in source.report  # the CSV's images were found among the desk's
    shop = next(p for p in source.places if p["id"] == "buchhandlung-seitenwind")
    assert (desk / "media" / shop["image"]["url"]).is_file()
    made = publish(publisher(django_user_model), NOW)  # what was imported publishes through the same builder
    live = json.loads((desk / "site" / "feed.json").read_bytes())
    assert made.sequence == live["sequence"] and "weihnachtsmarkt-nov-do" in {e["id"] for e in live["events"]}


def test_an_osm_extract_gives_the_desk_its_map_and_places(desk, django_user_model, tmp_path):
    from desk.content.feedmap import sources
    from desk.content.models import Kiosk
    from desk.content.publish import publish

    # a desk for Kaiserslautern that knows only the few streets next to its kiosk
    extract = OSM / "kaiserslautern_stiftsplatz.osm.pbf"
    built = build_feed(BuildInputs(base=OSM / "kaiserslautern_base.json", out_dir=tmp_path / "first", osm=extract,
                                   bbox=(49.4444, 7.7712, 49.4450, 7.7724)), now=NOW)
    first = tmp_path / "first.json"
    first.write_bytes(built.dumps())
    call_command("import_feed", str(first), stdout=QUIET)
    assert (len(sources().places), len(sources().map["features"])) == (7, 33)

    call_command("import_sources", "--osm", str(extract), stdout=QUIET)  # the whole cut-out
    source = sources()
    assert (len(source.places), len(source.map["features"])) == (80, 266)
    assert "OpenStreetMap" in source.origin and "Sources:" in source.report
    assert Kiosk.objects.filter(feed_id="stiftsplatz").exists()  # the desk's own content stays
    publish(publisher(django_user_model), NOW)
    live = json.loads((desk / "site" / "feed.json").read_bytes())
    assert len(live["places"]) == len(source.places) and live["map"]["features"]


def test_a_failed_import_changes_nothing_and_says_why(desk, calendar):
    from desk.content.feedmap import sources

    call_command("import_feed", str(DEMO / "feed.json"), stdout=QUIET)
    before = sources()
    calendar.body = None
    with pytest.raises(CommandError, match=r"Nothing was imported: .*404"):
        call_command("import_sources", "--calendar", calendar.url, "--allow-insecure-http", stdout=QUIET)
    with pytest.raises(CommandError, match="calendar file .*missing.ics does not exist"):
        call_command("import_sources", "--calendar", str(desk / "missing.ics"), stdout=QUIET)
    after = sources()
    assert (after.places, after.events, after.origin) == (before.places, before.events, before.origin)


def test_without_any_source_the_command_says_which_settings_to_set(desk):
    with pytest.raises(CommandError, match="DESK_SOURCE_OSM"):
        call_command("import_sources", stdout=QUIET)


def test_what_a_calendar_cannot_give_is_left_out_and_reported_and_the_rest_publishes(desk, django_user_model):
    from desk.content.feedmap import sources
    from desk.content.publish import publish

    call_command("import_feed", str(DEMO / "feed.json"), stdout=QUIET)
    calendar = REPO / "tests" / "fixtures" / "ical" / "kiosk_events.ics"
    call_command("import_sources", "--calendar", str(calendar), stdout=QUIET)
    source = sources()
    ids = {event["id"] for event in source.events}
    assert len(ids) == 6 and not ids & {"ohne-beginn", "ohne-titel", "kaputte-regel"}
    for reason in ("kiosk_events.ics ohne-beginn: it has no DTSTART", "kaputte-regel: its RRULE"):
        assert reason in source.report
    publish(publisher(django_user_model), NOW)  # what the import kept is whole: nothing more is left out
    live = {event["id"] for event in json.loads((desk / "site" / "feed.json").read_bytes())["events"]}
    assert ids <= live
