"""The read model's caches never serve a stale answer: opening states, place views and list order
against a real store, and the Babel sentences remembered in kiosk.formatting."""
from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kiosk import formatting, hours
from kiosk.content import Content
from sync import service
from tests import feedkit

APPLIED = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def apply(tmp_path, keypair, data_dir, doc, name="pub") -> None:
    key_path, public = keypair
    path = feedkit.write_signed(tmp_path / name, doc, key_path)
    result = service.sync_once(str(path), public_keys=[public], data_dir=data_dir, now=APPLIED)
    assert result.applied, result.message


@pytest.fixture
def content(tmp_path, keypair, data_dir):
    apply(tmp_path, keypair, data_dir, feedkit.feed())
    opened = Content.open(data_dir)
    yield opened
    opened.close()


def states(content, moment):
    return {v.id: (v.open, v.next_change) for v in content.places(moment, "en")}


def test_the_open_state_changes_when_the_minute_passes_a_closing_time(content):
    before = states(content, at("2026-11-26T18:59:00+01:00"))
    assert before["buchhandlung-kamp"] == (True, at("2026-11-26T19:00+01:00"))
    after = states(content, at("2026-11-26T19:00:00+01:00"))
    assert after["buchhandlung-kamp"] == (False, at("2026-11-27T10:00+01:00"))
    # An earlier instant after a later one (a clock set back) is answered for that instant, not from the cache.
    assert states(content, at("2026-11-26T17:30:00+01:00"))["buchhandlung-kamp"] == (True, at("2026-11-26T19:00+01:00"))


def test_cached_states_equal_fresh_ones_minute_by_minute_across_a_holiday(content):
    # Allerheiligen (1 November) is a holiday in North Rhine-Westphalia that the hours library does not know.
    values = ["Mo-Sa 10:00-19:00; PH off", "Tu-Sa 11:00-18:00", "24/7", "Mo-Fr 09:00-12:00,13:00-18:00; PH 10:00-12:00",
              "Mo-Su 22:00-02:00"]
    moment = at("2026-10-30T08:00:00+01:00")
    while moment < at("2026-11-03T08:00:00+01:00"):
        for value in values:
            fresh = hours.state_at(value, moment, timezone="Europe/Berlin", country="DE", subdivision="NW")
            assert content.opening_state(value, moment) == fresh, (value, moment)
        moment += timedelta(minutes=7, seconds=30)


def test_a_view_is_reused_only_while_its_state_holds(content):
    first = {v.id: v for v in content.places(at("2026-11-26T17:30+01:00"), "en")}
    again = {v.id: v for v in content.places(at("2026-11-26T17:45+01:00"), "en")}
    assert again["buchhandlung-kamp"] is first["buchhandlung-kamp"]
    german = {v.id: v for v in content.places(at("2026-11-26T17:45+01:00"), "de")}
    assert german["buchhandlung-kamp"].name == "Buchhandlung am Kamp"
    closed = {v.id: v for v in content.places(at("2026-11-26T19:30+01:00"), "en")}
    assert closed["buchhandlung-kamp"] is not first["buchhandlung-kamp"]
    assert closed["buchhandlung-kamp"].open is False
    assert [v.id for v in content.places(at("2026-11-26T19:30+01:00"), "en", open_only=True)] == ["apotheke-markt", "kette-mode"]


def test_the_list_order_follows_the_campaigns_of_the_instant(content):
    during = [v.id for v in content.places(at("2026-11-26T17:30+01:00"), "en", kinds=["shop"])]
    assert during[0] == "brueck-uhren"  # the winter campaign's shop first
    after = [v.id for v in content.places(at("2027-01-05T12:00+01:00"), "en", kinds=["shop"])]
    assert after == ["buchhandlung-kamp", "brueck-uhren", "kette-mode"]  # owner-run, then by name
    assert not content.places(at("2027-01-05T12:00+01:00"), "en", kinds=["shop"])[1].in_campaign


def test_new_content_brings_new_states(tmp_path, keypair, data_dir):
    apply(tmp_path, keypair, data_dir, feedkit.feed())
    old = Content.open(data_dir)
    moment = at("2026-11-26T19:30+01:00")
    assert states(old, moment)["buchhandlung-kamp"][0] is False
    places = copy.deepcopy(feedkit.BASE["places"])
    places[0]["opening_hours"] = "Mo-Sa 10:00-21:00"
    apply(tmp_path, keypair, data_dir, feedkit.feed(places=places, sequence=11), name="pub2")
    new = Content.open(data_dir)
    assert states(new, moment)["buchhandlung-kamp"] == (True, at("2026-11-26T21:00+01:00"))
    assert states(old, moment)["buchhandlung-kamp"][0] is False  # the old snapshot keeps its own answers
    old.close()
    new.close()


def test_remembered_sentences_follow_the_day_and_the_language():
    change = at("2026-11-27T10:00+01:00")
    assert formatting.opening_text(False, change, at("2026-11-26T20:00+01:00"), "en", BERLIN) == "Opens tomorrow at 10:00"
    assert formatting.opening_text(False, change, at("2026-11-27T08:00+01:00"), "en", BERLIN) == "Opens today at 10:00"
    assert formatting.opening_text(False, change, at("2026-11-27T08:00+01:00"), "de", BERLIN) != "Opens today at 10:00"
    assert formatting.distance_text(347, "en") == "350 m"
    assert formatting.distance_text(1240, "de") == "1,2 km"
    assert formatting.distance_text(1240, "en") == "1.2 km"
