"""The content layer's second line of defence behind the validator (issue 19): bounded recurrence,
bounded search queries, and a store from older software that holds a rule this one refuses."""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kiosk import occurrences
from kiosk.content import MAX_QUERY_CHARS, Content
from sync import store
from tests import feedkit

AT = datetime(2026, 11, 26, 17, 30, tzinfo=timezone(timedelta(hours=1)))
BERLIN = ZoneInfo("Europe/Berlin")


def open_unchecked(doc: dict, data_dir) -> Content:
    """A store written without today's validator, as an older release may have left it."""
    staging = store.stage(doc, data_dir, demo=False, applied_at="2026-11-01T00:00:00+00:00", source="old",
                          feed_sha256="0" * 64)
    store.swap_in(staging, data_dir)
    return Content.open(data_dir)


def test_an_hourly_rule_left_by_older_software_drops_that_event_not_the_screen(data_dir):
    doc = feedkit.feed()
    doc["events"][0]["rrule"] = "FREQ=MINUTELY;COUNT=100000"
    content = open_unchecked(doc, data_dir)
    today = content.todays_events(AT, "en")
    shown = [view.id for views in (today.running, today.later, today.upcoming) for view in views]
    assert "weihnachtsmarkt" not in shown and "spaetkonzert" in shown
    assert content.event("weihnachtsmarkt", AT, "en") is None
    content.close()


def test_a_rule_with_count_is_expanded_once_however_many_days_are_asked():
    event = {"id": "sparse", "start": "2026-01-01T10:00:00+01:00", "rrule": "FREQ=DAILY;COUNT=5000"}
    occurrences._counted.cache_clear()
    for offset in range(40):
        occurrences.occurrences_on_day(event, BERLIN, date(2031, 1, 1) + timedelta(days=offset))
    assert occurrences._counted.cache_info().misses == 1
    last = occurrences.occurrences_on_day(event, BERLIN, date(2026, 1, 1) + timedelta(days=4999))
    after = occurrences.occurrences_on_day(event, BERLIN, date(2026, 1, 1) + timedelta(days=5000))
    assert len(last) == 1 and after == []


@pytest.mark.parametrize("rule", ["FREQ=HOURLY", "FREQ=MINUTELY;COUNT=3", "FREQ=SECONDLY"])
def test_occurrences_refuse_rules_finer_than_daily_with_a_sentence(rule):
    event = {"id": "often", "start": "2026-11-26T10:00:00+01:00", "rrule": rule}
    with pytest.raises(ValueError, match="repeats more often than daily"):
        occurrences.occurrences_on_day(event, BERLIN, date(2026, 11, 26))


def test_a_million_character_query_is_cut_before_it_reaches_the_index(data_dir):
    content = open_unchecked(feedkit.feed(), data_dir)
    content.prepare_search()
    started = time.process_time()
    query = "w" * 1_000_000
    hits = content.search(query, "de")
    spent = time.process_time() - started
    assert hits == content.search(query[:MAX_QUERY_CHARS], "de")
    assert MAX_QUERY_CHARS <= 200 and spent < 2.0  # it took 7 s of CPU before the cut
    assert [hit.id for hit in content.search("Weihnachtsmarkt", "de")][:1] == ["weihnachtsmarkt"]
    content.close()


def test_a_rule_that_never_occurs_left_by_older_software_is_refused_once_not_searched_on_every_question():
    event = {"id": "never", "start": "2026-11-26T10:00:00+01:00", "rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"}
    with pytest.raises(ValueError, match="never produces an occurrence"):
        occurrences.occurrences_on_day(event, BERLIN, date(2026, 11, 26))
    started = time.process_time()
    for offset in range(30):
        with pytest.raises(ValueError):
            occurrences.occurrences_on_day(event, BERLIN, date(2026, 11, 26) + timedelta(days=offset))
    assert time.process_time() - started < 1.0  # the refusal is cached with the parsed rule
