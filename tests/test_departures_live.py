"""Live departures: GTFS-Realtime TripUpdates from a real HTTP server on 127.0.0.1 laid over the timetable.

The payloads are FeedMessages built with Google's bindings for runs of the GTFS specification's
sample feed (CITY1, STBA at the Stagecoach stop on Monday 2 June 2008): the rules that WMATA's real
recordings (tests/test_departures_recorded.py) never show, a cancelled run and a skipped stop, a delay
carried on down the line; the provider delays, cancels, times out, fails with 500 and answers
garbage, and the board says each time where its times come from.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from kiosk.cli import main as kiosk_main
from kiosk.config import from_mapping, trip_updates_poller
from kiosk.content import Content
from kiosk.live.departures import LIVE, TIMETABLE, next_departures, stops_near_kiosk
from kiosk.live import LiveDataError
from kiosk.live.gtfs_rt import parse_trip_updates
from tests.live_kit import applied_store, assert_reader_never_waits, at, departures_json, live_config, poller_for, trip_updates

NOW = at("08:05:00")
ISSUED = at("08:04:00")
DELAYED = {"trip_id": "CITY1", "start_date": "20080602", "start_time": "08:10:00", "stops": [(1, "STAGECOACH", 180, False)]}
CANCELLED = {"trip_id": "STBA", "start_date": "20080602", "start_time": "08:30:00", "cancelled": True}
LATER_STOP = {"trip_id": "CITY1", "start_date": "20080602", "start_time": "08:20:00", "stops": [(3, "NADAV", 600, False)]}


@pytest.fixture
def content(tmp_path):
    opened = Content.open(applied_store(tmp_path))
    yield opened
    opened.close()


def board(content, predictions, moment=NOW, **kwargs):
    stop = stops_near_kiosk(content, "stagecoach")[0]
    return next_departures(content, stop, moment, "en", predictions=predictions, limit=5, **kwargs)


def rows(shown):
    return [(d.scheduled.strftime("%H:%M"), d.expected.strftime("%H:%M"), d.route, d.cancelled, d.source)
            for d in shown.departures]


def test_offline_the_board_is_the_timetable_and_says_so(content):
    shown = board(content, None)
    assert shown.source == TIMETABLE and shown.live_age_s is None
    assert rows(shown) == [("08:10", "08:10", "40", False, "timetable"), ("08:20", "08:20", "40", False, "timetable"),
                           ("08:30", "08:30", "30", False, "timetable"), ("08:30", "08:30", "40", False, "timetable"),
                           ("08:40", "08:40", "40", False, "timetable")]


def test_live_delay_and_cancellation_replace_the_timetable_with_their_age(content, provider):
    provider.answer(200, trip_updates(ISSUED, DELAYED, CANCELLED, LATER_STOP))
    poller = poller_for(provider.url)
    assert poller.poll_once(NOW) == 30
    shown = board(content, poller.latest())
    assert shown.source == LIVE and shown.live_age_s == 60
    assert rows(shown) == [("08:10", "08:13", "40", False, "live"),
                           # a delay at a later stop of the run does not move this stop's time
                           ("08:20", "08:20", "40", False, "timetable"),
                           ("08:30", "08:30", "30", True, "live"),
                           ("08:30", "08:30", "40", False, "timetable"),
                           ("08:40", "08:40", "40", False, "timetable")]
    assert shown.departures[0].delay_min == 3
    poller.fetcher.close()


def test_a_skipped_stop_is_shown_cancelled_and_the_run_goes_on_elsewhere(content, provider):
    """WMATA's real recordings skip no stop: this is the rule on a payload built with the bindings."""
    skipped = {"trip_id": "CITY1", "start_date": "20080602", "start_time": "08:10:00",
               "stops": [(1, "STAGECOACH", 0, True), (2, "NANAA", 120, False)]}
    provider.answer(200, trip_updates(ISSUED, skipped))
    poller = poller_for(provider.url)
    poller.poll_once(NOW)
    assert rows(board(content, poller.latest()))[0] == ("08:10", "08:10", "40", True, "live")
    poller.fetcher.close()


def test_a_late_run_scheduled_before_now_is_still_shown_and_a_gone_one_is_not(content, provider):
    late = {"trip_id": "CITY1", "start_date": "20080602", "start_time": "08:00:00", "stops": [(1, "STAGECOACH", 420, False)]}
    provider.answer(200, trip_updates(ISSUED, late))
    poller = poller_for(provider.url)
    poller.poll_once(NOW)
    assert rows(board(content, poller.latest()))[0] == ("08:00", "08:07", "40", False, "live")
    poller.fetcher.close()


def test_predictions_older_than_the_limit_are_not_used(content, provider):
    provider.answer(200, trip_updates(ISSUED, DELAYED))
    poller = poller_for(provider.url)
    poller.poll_once(NOW)
    later = NOW + timedelta(minutes=6)  # the network went away; the 08:04 predictions are 7 minutes old
    shown = board(content, poller.latest(), moment=later, max_live_age=timedelta(minutes=5))
    assert shown.source == TIMETABLE and shown.live_age_s is None
    assert rows(shown)[0] == ("08:20", "08:20", "40", False, "timetable")
    poller.fetcher.close()


def test_a_500_is_logged_backed_off_with_retry_after_and_the_last_predictions_kept(content, provider, caplog):
    provider.answer(200, trip_updates(ISSUED, DELAYED))
    provider.answer(500, b"Internal Server Error", **{"Retry-After": "120"})
    poller = poller_for(provider.url)
    poller.poll_once(NOW)
    delay = poller.poll_once(NOW + timedelta(seconds=30))
    assert delay == pytest.approx(150)  # Retry-After 120 s plus jitter up to the interval
    assert poller.failures == 1 and "answered 500" in poller.last_problem
    assert "Keeping the last good state" in caplog.text
    assert rows(board(content, poller.latest()))[0] == ("08:10", "08:13", "40", False, "live")
    poller.fetcher.close()


def test_a_provider_timeout_is_a_sentence_and_backs_off_exponentially(content, provider):
    provider.answer(200, trip_updates(ISSUED, DELAYED))
    provider.hang()
    provider.hang()
    poller = poller_for(provider.url, timeout_s=0.3)
    poller.poll_once(NOW)
    first = poller.poll_once(NOW)
    second = poller.poll_once(NOW)
    assert (first, second) == (30, 60)  # full jitter at its ceiling (rand = 1): 30 s, then 60 s
    assert "stopped answering for more than 0.3 s" in poller.last_problem
    assert poller.latest() is not None and poller.latest().issued_at == ISSUED
    poller.fetcher.close()


@pytest.mark.parametrize("payload", [
    b'{"entity": []}',  # JSON, where protocol buffers were promised
    b"\x0a\x05garbage\xff\xff",
    b"",
])
def test_malformed_payloads_are_refused_with_a_sentence(content, provider, payload):
    provider.answer(200, payload)
    poller = poller_for(provider.url)
    poller.poll_once(NOW)
    assert poller.latest() is None and poller.failures == 1
    assert "127.0.0.1" in poller.last_problem and "GTFS-Realtime" in poller.last_problem
    assert board(content, poller.latest()).source == TIMETABLE
    with pytest.raises(LiveDataError, match="not a protocol buffer FeedMessage|has no header"):
        parse_trip_updates(payload, source="provider.example", received_at=NOW)
    poller.fetcher.close()


def test_an_older_snapshot_does_not_replace_a_newer_one(provider):
    provider.answer(200, trip_updates(ISSUED, DELAYED))
    provider.answer(200, trip_updates(ISSUED - timedelta(minutes=10), CANCELLED))
    poller = poller_for(provider.url)
    poller.poll_once(NOW)
    poller.poll_once(NOW)
    assert poller.latest().issued_at == ISSUED
    poller.fetcher.close()


def test_the_background_thread_never_makes_a_reader_wait(provider):
    assert_reader_never_waits(poller_for(provider.url, timeout_s=5), provider, NOW)


def test_a_configured_provider_makes_kiosk_departures_live(tmp_path, provider):
    data_dir = applied_store(tmp_path)
    provider.answer(200, trip_updates(ISSUED, DELAYED, CANCELLED))
    config = live_config(tmp_path, "stagecoach", provider.url)
    shown = departures_json(config, data_dir, NOW)[0]
    assert shown["source"] == "live" and shown["live_age_s"] == 60
    assert [(d["expected"][11:16], d["delay_min"], d["cancelled"], d["source"]) for d in shown["departures"]] == [
        ("08:13", 3, False, "live"), ("08:20", 0, False, "timetable"), ("08:30", 0, True, "live")]
    text = CliRunner().invoke(kiosk_main, ["--config", str(config), "departures", "--at", NOW.isoformat(),
                                           "--data-dir", str(data_dir), "--lang", "en", "--limit", "2"])
    # The provider has nothing queued now (404): the answer is the timetable, labelled so.
    assert "Stagecoach Hotel & Casino (Demo) [STAGECOACH] (timetable)" in text.output
    assert "08:10  " in text.output


def test_live_departures_are_off_unless_configured_and_the_url_is_checked():
    assert trip_updates_poller(from_mapping({})) is None
    with pytest.raises(Exception, match="'trip_updates_url' must be an https:// address"):
        from_mapping({"trip_updates_url": "http://provider.example/tu.pb"})
    poller = trip_updates_poller(from_mapping({"trip_updates_url": "https://provider.example/tu.pb",
                                               "live_timeout_s": 2.0}))
    assert poller.fetcher.timeout == (2.0, 2.0)
    poller.fetcher.close()
