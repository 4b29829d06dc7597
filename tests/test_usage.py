"""kiosk/usage.py: anonymous counts per hour, handed to the outbox when the hour ends."""
from __future__ import annotations

import inspect
import json
from datetime import datetime, timedelta, timezone

import pytest

from kiosk.usage import UsageCounters
from sync.outbox import Outbox

T = datetime(2026, 11, 26, 16, 5, tzinfo=timezone.utc)


@pytest.fixture
def sent():
    return []


@pytest.fixture
def usage(sent):
    return UsageCounters("reinoldikirche", lambda payload, at: sent.append((payload, at)))


def test_counts_stay_in_memory_within_the_hour(usage, sent):
    usage.screen_opened("home", T)
    usage.screen_opened("today", T + timedelta(minutes=10))
    usage.screen_opened("home", T + timedelta(minutes=54))
    assert sent == []
    assert usage.snapshot()["screens"] == {"home": 2, "today": 1}


def test_the_hour_rolls_over_on_the_first_event_of_the_next_hour(usage, sent):
    usage.screen_opened("home", T)
    usage.language_chosen("tr", T)
    usage.search_made(T + timedelta(minutes=1))
    usage.route_asked(T + timedelta(minutes=2))
    usage.qr_shown(T + timedelta(minutes=3))
    usage.idle_reset(T + timedelta(minutes=4))
    usage.screen_opened("search", T + timedelta(minutes=55))  # 17:00 UTC
    [(payload, at)] = sent
    assert payload == {"kiosk_id": "reinoldikirche", "hour": "2026-11-26T16:00:00+00:00",
                       "screens": {"home": 1}, "languages": {"tr": 1},
                       "searches": 1, "routes": 1, "qr_codes": 1, "idle_resets": 1}
    assert at == T + timedelta(minutes=55)
    assert usage.snapshot()["hour"] == "2026-11-26T17:00:00+00:00"
    assert usage.snapshot()["screens"] == {"search": 1}


def test_tick_hands_over_a_quiet_hour_and_flush_the_rest_at_shutdown(usage, sent):
    usage.tick(T)
    usage.qr_shown(T)
    usage.tick(T + timedelta(minutes=30))
    assert sent == []
    usage.tick(T + timedelta(hours=1))
    assert len(sent) == 1
    usage.route_asked(T + timedelta(hours=2))
    assert usage.flush(T + timedelta(hours=2, minutes=1))["routes"] == 1
    assert len(sent) == 2
    assert usage.flush(T + timedelta(hours=3)) is None and len(sent) == 2


def test_local_time_offsets_do_not_split_an_hour(usage, sent):
    usage.screen_opened("home", datetime.fromisoformat("2026-11-26T17:10:00+01:00"))
    usage.screen_opened("home", T + timedelta(minutes=20))
    assert sent == [] and usage.snapshot()["screens"] == {"home": 2}


def test_no_search_text_can_be_given_and_no_free_text_gets_in(usage):
    assert list(inspect.signature(usage.search_made).parameters) == ["at"]
    with pytest.raises(ValueError, match="no free text"):
        usage.screen_opened("Weihnachtsmarkt öffnungszeiten", T)
    with pytest.raises(ValueError, match="language code"):
        usage.language_chosen("Deutsch bitte", T)
    usage.search_made(T)
    text = json.dumps(usage.snapshot())
    assert set(usage.snapshot()) == {"kiosk_id", "hour", "screens", "languages", "searches", "routes", "qr_codes",
                                     "idle_resets"}
    assert "Weihnacht" not in text


def test_a_finished_hour_lands_in_the_outbox(data_dir):
    with Outbox.open(data_dir) as box:
        usage = UsageCounters("t1", lambda payload, at: box.add("usage", payload, now=at))
        usage.screen_opened("help", T)
        usage.flush(T + timedelta(minutes=1))
        [item] = box.due("usage", now=T + timedelta(minutes=1))
    assert item.payload["screens"] == {"help": 1} and item.payload["hour"] == "2026-11-26T16:00:00+00:00"


def test_naive_times_are_refused(usage):
    with pytest.raises(ValueError, match="aware"):
        usage.qr_shown(datetime(2026, 11, 26, 16, 5))
