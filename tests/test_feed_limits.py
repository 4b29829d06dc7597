"""The validator is the terminal's gate: it refuses what the content layer, the router or the store
could not answer in bounded time and memory (issue 19, points 1 to 4; sync/feed_limits.py)."""
from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import pytest

from sync.feed import problems
from tests.test_feed_validation import set_at

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
MINIMAL = json.loads((FEEDS / "minimal.json").read_text(encoding="utf-8"))


@pytest.fixture
def feed() -> dict:
    return copy.deepcopy(MINIMAL)


REFUSED = [
    # (where, new value, reported path, words in the message)
    # 1. a walking-street point with latitude and longitude swapped spans Europe in the router's grid
    (("map", "features", 0, "geometry", "coordinates", 1), [51.51395, 7.465],
     "$.map.features[0].geometry", "swapped"),
    (("places", 0, "lat"), 7.4631, "$.places[0]", "more than 50 km from the centre"),
    (("events", 0, "location", "lat"), 7.4645, "$.events[0].location", "swapped"),
    # 2. rules that make "what's on today" run for minutes
    (("events", 0, "rrule"), "FREQ=SECONDLY;COUNT=100000", "$.events[0].rrule", "repeats too often"),
    (("events", 0, "rrule"), "FREQ=MINUTELY;UNTIL=20261230T200000Z", "$.events[0].rrule", "repeats too often"),
    (("events", 0, "rrule"), "FREQ=HOURLY", "$.events[0].rrule", "use DAILY, WEEKLY, MONTHLY or YEARLY"),
    (("events", 0, "rrule"), "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "$.events[0].rrule", "never produces"),
    (("events", 0, "rrule"), "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31;COUNT=3", "$.events[0].rrule", "never produces"),
    (("events", 0, "rrule"), "FREQ=DAILY;INTERVAL=7;BYDAY=MO", "$.events[0].rrule", "never produces"),
    (("events", 0, "rrule"), "FREQ=DAILY;COUNT=5001", "$.events[0].rrule", "COUNT=5001 is out of range"),
    (("events", 0, "start"), "0001-11-19T11:00:00+01:00", "$.events[0].start", "outside the years 1970 to 2199"),
    (("events", 0, "end"), "2027-11-19T21:00:00+01:00", "$.events[0].end", "at most 92 days"),
    # 3. accepted, then unreadable by the content layer
    (("events", 0, "start"), "٢٠٢٦-11-19T11:00:00+01:00", "$.events[0].start", "neither a date"),
    (("events", 1, "start"), "2026-11-2٠", "$.events[1].start", "neither a date"),
    (("events", 0, "start"), "2026-11-19t11:00:00+01:00", "$.events[0].start", "neither a date"),
    (("events", 0, "end"), "2026-11-19T21:00:00z", "$.events[0].end", "neither a date"),
    (("events", 0, "start"), "2026-11-19T11:00:00+01:00\n", "$.events[0].start", "neither a date"),
    (("generated_at",), "2026-11-19T09:00:00+01:00\n", "$.generated_at", "RFC 3339"),
    (("city", "timezone"), "Factory", "$.city.timezone", "technical entry"),
    (("city", "timezone"), "posixrules", "$.city.timezone", "technical entry"),
    (("events", 0, "end"), "9999-12-31T23:59:59-23:59", "$.events[0].end", "outside the years"),
    (("events", 0, "rrule"), "FREQ=DAILY;UNTIL=99991231T235959Z", "$.events[0].rrule", "UNTIL=99991231T235959Z"),
    (("events", 0, "rrule"), "FREQ=DAILY;BYHOUR=25", "$.events[0].rrule", "BYHOUR=25 is out of range"),
    (("events", 0, "rrule"), "FREQ=DAILY;INTERVAL=0", "$.events[0].rrule", "INTERVAL=0 is out of range"),
    (("events", 0, "rrule"), "FREQ=WEEKLY;BYMONTHDAY=0", "$.events[0].rrule", "not 0"),
    (("events", 0, "rrule"), "FREQ=DAILY;INTERVAL=٣", "$.events[0].rrule", "out of range"),
    # 4. a lone surrogate passes JSON but no terminal can store it
    (("places", 0, "name"), "Buch\ud800handlung", "$.places[0].name", "lone UTF-16 surrogate"),
    (("events", 0, "title", "en"), "\udfff", "$.events[0].title.en", "lone UTF-16 surrogate"),
]


@pytest.mark.parametrize(("where", "value", "path", "words"), REFUSED, ids=[f"{m[2]} {m[1]!a}" for m in REFUSED])
def test_the_gate_refuses_what_a_terminal_cannot_answer(feed, where, value, path, words):
    set_at(feed, where, value)
    found = problems(feed)
    assert any(line.startswith(path + ": ") and words in line for line in found), found


def test_a_key_with_a_lone_surrogate_is_refused_and_the_message_is_utf8(feed):
    feed["places"][0]["\ud800"] = 1
    found = problems(feed)
    assert any("surrogate" in line for line in found), found
    "\n".join(found).encode("utf-8")  # the report itself can be printed and stored


ACCEPTED = [
    (("events", 0, "rrule"), "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
    (("events", 0, "rrule"), "FREQ=MONTHLY;BYDAY=-1FR;COUNT=12"),
    (("events", 0, "rrule"), "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU;UNTIL=21991231T230000Z"),
    (("events", 0, "start"), "2026-11-19T11:00:00.5Z"),
    (("city", "timezone"), "Europe/Istanbul"),
    (("places", 0, "lat"), 51.9),  # 40 km north: still the city's surroundings
]


@pytest.mark.parametrize(("where", "value"), ACCEPTED, ids=[repr(m[1]) for m in ACCEPTED])
def test_ordinary_values_stay_accepted(feed, where, value):
    set_at(feed, where, value)
    assert problems(feed) == []


def test_one_far_point_does_not_move_the_centre_it_is_judged_by(feed):
    feed["kiosks"][0]["lat"], feed["kiosks"][0]["lon"] = 7.46594, 51.51372
    found = problems(feed)
    assert [line.split(": ")[0] for line in found] == ["$.kiosks[0]"], found


def test_a_long_walking_segment_is_refused_even_inside_the_city(feed):
    feed["map"]["features"][0]["geometry"]["coordinates"][2] = [7.40, 51.5143]
    found = problems(feed)
    assert any(line.startswith("$.map.features[0].geometry: ") and "km long" in line for line in found), found


def test_a_rule_that_never_occurs_is_found_within_seconds_and_only_probed_once(feed):
    for index in range(30):
        event = copy.deepcopy(feed["events"][0])
        event["id"] = f"never-{index}"
        event["rrule"] = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"
        feed["events"].append(event)
    started = time.process_time()
    found = problems(feed)
    assert time.process_time() - started < 20  # generous: one probe costs about a second on this machine
    assert sum("never produces" in line for line in found) == 1


def test_validate_and_sign_refuse_a_lone_surrogate_that_terminals_cannot_store(tmp_path):
    from click.testing import CliRunner

    from sync.cli import main

    doc = copy.deepcopy(MINIMAL)
    doc["places"][0]["name"] = "Buch\ud800handlung"
    path = tmp_path / "feed.json"
    path.write_bytes(json.dumps(doc, ensure_ascii=True).encode("ascii"))  # the escape \ud800 is valid JSON
    runner = CliRunner()
    validated = runner.invoke(main, ["validate", str(path)])
    assert validated.exit_code == 1 and "$.places[0].name: contains a lone UTF-16 surrogate" in validated.output
    runner.invoke(main, ["keygen", "--out", str(tmp_path / "keys")])
    signed = runner.invoke(main, ["sign", str(path), "--key", str(tmp_path / "keys" / "feed-signing.key")])
    assert signed.exit_code != 0 and "surrogate" in signed.output
    assert not (tmp_path / "feed.json.sig").exists()
