"""The bundled demo content: valid, signed, rebuildable, useful on any day, every place reachable."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kiosk.content import Content
from kiosk.directions import Wayfinder
from kiosk.occurrences import occurrences_on_day
from sync import service
from sync.feed import read_feed
from sync.signing import verify_signature
from sync.status import describe, read_status
from tests.conftest import REPO

DEMO = REPO / "assets" / "demo"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def demo_content(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    service.ensure_demo_content(folder, now=datetime(2026, 11, 26, tzinfo=timezone.utc))
    content = Content.open(folder)
    yield content
    content.close()


def test_the_demo_feed_is_valid_and_signed_with_the_demo_key():
    raw = (DEMO / "feed.json").read_bytes()
    feed = read_feed(raw, "assets/demo/feed.json")
    assert len(feed["places"]) >= 60 and len(feed["events"]) >= 25 and len(feed["kiosks"]) >= 2
    assert verify_signature(raw, (DEMO / "feed.json.sig").read_bytes(), [service.demo_public_key()])


def test_the_demo_rebuild_reproduces_the_committed_feed(tmp_path):
    out = tmp_path / "feed.json"
    subprocess.run([sys.executable, str(REPO / "tools" / "build_demo.py"), "--output", str(out)], check=True,
                   capture_output=True)
    assert out.read_bytes() == (DEMO / "feed.json").read_bytes()


def test_every_day_of_the_coming_years_has_events():
    events = json.loads((DEMO / "feed.json").read_bytes())["events"]
    day, empty = date(2026, 1, 1), []
    while day <= date(2036, 12, 31):
        if sum(1 for e in events if occurrences_on_day(e, BERLIN, day)) < 2:
            empty.append(day)
        day += timedelta(days=1)
    assert empty == []


@pytest.mark.parametrize("moment", ["2030-01-01T12:00:00+01:00", "2033-02-28T18:00:00+01:00",
                                    "2036-08-15T10:30:00+02:00"])
def test_the_demo_does_not_age(tmp_path, moment):
    """`make run` years from now: applied that day, it shows events and campaigns, and nothing stale."""
    at = datetime.fromisoformat(moment)
    service.ensure_demo_content(tmp_path, now=at)
    content = Content.open(tmp_path)
    try:
        today = content.todays_events(at, "de")
        assert today.running + today.later, f"no events on {moment}"
        assert content.active_campaigns(at, "de"), f"no campaign on {moment}"
        assert content.clock_is_plausible(at) and not content.stale(at)
    finally:
        content.close()
    said = describe(read_status(tmp_path), at)
    assert not [line for line in said if "stale" in line.lower() or "expired" in line.lower()], said


def test_the_christmas_market_is_on_in_later_years(demo_content):
    for year in (2027, 2029):
        today = demo_content.todays_events(datetime(year, 12, 10, 17, 0, tzinfo=BERLIN), "de")
        assert any("Weihnachtsmarkt" in e.title for e in today.running), year


@pytest.mark.parametrize("query, expected", [("weihnachtsmrkt", "Weihnachtsmarkt"), ("reinholdi", "Reinoldi")])
def test_search_on_the_demo_forgives_typos(demo_content, query, expected):
    results = demo_content.search(query, "de")
    assert results and expected in results[0].title


@pytest.mark.parametrize("step_free", [False, True])
def test_every_place_is_reachable_from_every_kiosk(demo_content, step_free):
    finder = Wayfinder(demo_content)
    unreachable = [
        (kiosk["id"], place.id)
        for kiosk in demo_content.kiosks()
        for place in demo_content.places(None, "de")
        if finder.walking_time(kiosk["id"], (place.lat, place.lon), step_free=step_free) is None
    ]
    assert unreachable == []
