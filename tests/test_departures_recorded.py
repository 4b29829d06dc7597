"""Departures from a real timetable with real recorded GTFS-Realtime answers: WMATA Metrobus in White Oak.

The timetable is WMATA's, cut down to the Friday-night trips near Lockwood Drive by tools/cut_gtfs.py
(rows dropped, none changed); the four TripUpdates answers are WMATA's own, recorded on the night of
9 to 10 February 2024 and served unchanged, gzip-encoded, by a local HTTP server on 127.0.0.1
(tests/fixtures/gtfs/README.md). Every instant is passed in; no test reads the clock.
"""
from __future__ import annotations

import json
import zipfile
from datetime import timedelta

import pytest
from click.testing import CliRunner

from kiosk.content import Content
from kiosk.live.departures import LIVE, TIMETABLE, kiosk_board, place_board
from kiosk.live.gtfs_rt import parse_trip_updates
from sync.cli import main as feed_main
from tests.live_kit import (WHITE_OAK_BASE, WMATA_GENERATED_AT, WMATA_GTFS, built_feed, departures_json,
                            in_white_oak, live_config, poller_for, recorded, white_oak_store)

FRIDAY_2355 = in_white_oak("23:55:00")
SATURDAY_0005 = in_white_oak("00:05:00", "2024-02-10")


@pytest.fixture
def content(tmp_path):
    opened = Content.open(white_oak_store(tmp_path))
    yield opened
    opened.close()


def rows(board):
    return [(d.scheduled.strftime("%H:%M"), d.expected.strftime("%H:%M"), d.route, d.delay_min, d.source)
            for d in board.departures]


def scheduled_in_gtfs(trip_id: str, stop_id: str) -> str:
    """The departure time the real stop_times.txt gives, read straight from the zip."""
    with zipfile.ZipFile(WMATA_GTFS) as archive:
        for line in archive.read("stop_times.txt").decode().splitlines():
            fields = line.split(",")
            if fields[:2] == [trip_id, stop_id]:
                return fields[3]
    raise AssertionError(f"no stop time of {trip_id} at {stop_id}")


def test_kiosk_feed_build_takes_the_real_timetable(tmp_path):
    result = CliRunner().invoke(feed_main, ["build", "--base", str(WHITE_OAK_BASE), "--gtfs", str(WMATA_GTFS),
                                            "--out", str(tmp_path / "site"), "--generated-at", WMATA_GENERATED_AT])
    assert result.exit_code == 0, result.output
    assert "transit: 19 stops, 3 routes" in result.output
    transit = built_feed(tmp_path, base=WHITE_OAK_BASE, gtfs=WMATA_GTFS, generated_at=WMATA_GENERATED_AT)["transit"]
    assert transit["timezone"] == "America/New_York"
    assert {r["id"]: r["name"] for r in transit["routes"]} == {"K6": "K6", "Z6": "Z6", "Z8": "Z8"}
    stops = {s["id"]: s for s in transit["stops"]}
    assert stops["13006"]["kiosk_ids"] == ["white-oak"]
    assert sorted(s for s in stops if "place_ids" in stops[s]) == ["10660", "10662", "10677", "18118"]
    # The Friday service runs past midnight: GTFS writes 24:00:30, the feed 00:00:30 on Saturday,
    # kept with its service day, Friday.
    assert scheduled_in_gtfs("41105060", "13006") == "24:00:30"
    [run] = [d for d in transit["departures"] if d["trip_id"] == "41105060" and d["stop_id"] == "13006"]
    assert (run["time"], run["service_date"]) == ("2024-02-10T00:00:30-05:00", "20240209")


def test_offline_the_real_timetable_answers_and_says_so(content):
    board = kiosk_board(content, "white-oak", FRIDAY_2355, "en", limit=4)
    assert board.stop_name == "LOCKWOOD DR + WHITE OAK PARK APARTMENTS"
    assert board.source == TIMETABLE and board.live_age_s is None
    assert rows(board) == [("00:00", "00:00", "Z8", 0, "timetable"), ("00:07", "00:07", "K6", 0, "timetable"),
                           ("00:30", "00:30", "Z8", 0, "timetable"), ("00:31", "00:31", "K6", 0, "timetable")]
    assert [d.headsign for d in board.departures[:2]] == ["SOUTH to SILVER SPRING STATION", "NORTH to WHITE OAK"]


def test_the_recorded_answer_makes_the_board_live_with_its_real_delays(content, provider):
    provider.answer_recording("2354")
    poller = poller_for(provider.url)
    assert poller.poll_once(FRIDAY_2355) == 30
    board = kiosk_board(content, "white-oak", FRIDAY_2355, "en", predictions=poller.latest(), limit=6)
    assert board.source == LIVE and board.live_age_s == 59  # WMATA stamped it 23:54:01
    assert rows(board) == [
        ("23:43", "23:56", "K6", 13, "live"),  # scheduled before now, 13 minutes late: still to come
        ("00:00", "00:00", "Z8", 0, "live"),
        ("00:07", "00:16", "K6", 9, "live"),
        ("00:30", "00:24", "Z8", -6, "live"),  # early; WMATA names this run by Saturday, see below
        ("00:31", "00:31", "K6", 0, "timetable"),  # the answer has no prediction for this stop of the run
        ("00:58", "00:58", "Z8", 0, "timetable"),
    ]
    late = board.departures[0]
    assert (late.trip_id, late.expected.strftime("%H:%M:%S")) == ("24441060", "23:56:19")
    assert scheduled_in_gtfs("24441060", "13006") == "23:43:41"
    poller.fetcher.close()


def test_every_recorded_trip_of_the_cut_timetable_matches_one_of_its_runs(tmp_path):
    feed = built_feed(tmp_path, base=WHITE_OAK_BASE, gtfs=WMATA_GTFS, generated_at=WMATA_GENERATED_AT)
    runs = {(d["trip_id"], d["service_date"], d["time"][:10].replace("-", "")) for d in feed["transit"]["departures"]}
    trips = {trip for trip, _, _ in runs}
    for moment, named, service_day, calendar_day in (("2345", 10, 6, 4), ("2354", 10, 5, 5), ("0004", 9, 3, 6),
                                                     ("0009", 9, 3, 6)):
        predictions = parse_trip_updates(recorded(moment), source="wmata", received_at=FRIDAY_2355)
        ours = [(trip, start_date) for trip, start_date, _ in predictions.trips if trip in trips]
        by_service_day = [u for u in ours if any(r[:2] == u for r in runs)]
        # The rest start after midnight and are named by that calendar day, not their service day.
        by_calendar_day = [(t, d) for t, d in ours if (t, d) not in by_service_day and
                           any(r[0] == t and r[2] == d and r[1] < d for r in runs)]
        assert (len(ours), len(by_service_day), len(by_calendar_day)) == (named, service_day, calendar_day), moment
        assert len(predictions.trips) > 250  # the other routes of WMATA's whole network


def test_a_run_after_midnight_named_by_its_calendar_day_is_matched(content, provider):
    predictions = parse_trip_updates(recorded("0004"), source="wmata", received_at=SATURDAY_0005)
    # Z8 3853060 leaves Silver Spring at 24:05 of Friday's service (GTFS), WMATA says start_date Saturday.
    assert ("3853060", "20240210", None) in predictions.trips
    assert predictions.for_run("3853060", "20240209", None) is None
    assert predictions.for_run("3853060", "20240209", None, after_midnight=True) is not None
    assert predictions.for_run("3853060", "20240208", None, after_midnight=True) is None
    provider.answer_recording("0004")
    poller = poller_for(provider.url)
    poller.poll_once(SATURDAY_0005)
    board = place_board(content, "white-oak-shopping-center", SATURDAY_0005, "en", predictions=poller.latest(), limit=5)
    assert board.source == LIVE and board.live_age_s == 59
    # Each run once, at the first of the place's stops it calls at (K6 13924060 starts at 10677, then 10662).
    assert [(d.trip_id, d.stop_id, d.scheduled.strftime("%H:%M:%S"), d.expected.strftime("%H:%M:%S"), d.source)
            for d in board.departures] == [
        ("13924060", "10677", "00:17:00", "00:19:10", "live"),
        ("3853060", "10662", "00:31:18", "00:24:45", "live"),
        ("36918060", "10660", "00:28:36", "00:26:24", "live"),
        ("42401060", "10677", "00:47:00", "00:47:00", "timetable"),
        ("11908060", "10660", "00:58:36", "00:58:36", "timetable"),
    ]
    assert all(d.service_date == "20240209" for d in board.departures)
    poller.fetcher.close()


def test_a_recording_older_than_the_limit_gives_way_to_the_timetable(content, provider):
    provider.answer_recording("2354")
    poller = poller_for(provider.url)
    poller.poll_once(FRIDAY_2355)
    # Ten minutes later nothing newer came: the 23:54 answer is 11 minutes old at 00:05.
    board = kiosk_board(content, "white-oak", SATURDAY_0005, "en", predictions=poller.latest(), limit=3)
    assert board.source == TIMETABLE and board.live_age_s is None
    assert rows(board) == [("00:07", "00:07", "K6", 0, "timetable"), ("00:30", "00:30", "Z8", 0, "timetable"),
                           ("00:31", "00:31", "K6", 0, "timetable")]
    poller.fetcher.close()


def test_an_older_recording_never_replaces_a_newer_one(provider):
    provider.answer_recording("0004")
    provider.answer_recording("2354")  # a cache behind the provider hands out the earlier answer
    poller = poller_for(provider.url)
    poller.poll_once(SATURDAY_0005)
    poller.poll_once(SATURDAY_0005 + timedelta(seconds=30))
    assert poller.latest().issued_at == in_white_oak("00:04:01", "2024-02-10")
    poller.fetcher.close()


@pytest.mark.parametrize("failure", ["500", "timeout", "truncated", "json", "not gzip"])
def test_after_the_real_recording_a_failing_provider_leaves_the_last_good_board(content, provider, failure):
    provider.answer_recording("2354")
    payload = recorded("2354")
    if failure == "500":
        provider.answer(500, b"<html><body>Internal Server Error</body></html>", **{"Content-Type": "text/html"})
    elif failure == "timeout":
        provider.hang()
    elif failure == "truncated":  # the connection dropped halfway through the real answer
        provider.answer(200, payload[: len(payload) // 2])
    elif failure == "json":
        provider.answer(200, json.dumps({"header": {"gtfs_realtime_version": "2.0"}, "entity": []}).encode(),
                        **{"Content-Type": "application/json"})
    else:  # says gzip, sends the bare protocol buffer
        provider.answer(200, payload, **{"Content-Encoding": "gzip"})
    poller = poller_for(provider.url, timeout_s=0.3)
    poller.poll_once(FRIDAY_2355)
    delay = poller.poll_once(FRIDAY_2355 + timedelta(seconds=30))
    assert delay == 30 and poller.failures == 1  # backs off: full jitter at its ceiling (rand = 1)
    assert "127.0.0.1" in poller.last_problem, poller.last_problem
    expected_problem = {"500": "answered 500", "timeout": "stopped answering for more than 0.3 s",
                        "truncated": "is not a protocol buffer FeedMessage", "json": "is not a protocol buffer",
                        "not gzip": "marked Content-Encoding: gzip, but they are not gzip data"}[failure]
    assert expected_problem in poller.last_problem
    board = kiosk_board(content, "white-oak", FRIDAY_2355 + timedelta(seconds=30), "en", predictions=poller.latest(),
                        limit=2)
    assert board.source == LIVE and board.live_age_s == 89
    assert rows(board)[0] == ("23:43", "23:56", "K6", 13, "live")
    poller.fetcher.close()


def test_kiosk_departures_replays_the_recording_from_the_command_line(tmp_path, provider):
    data_dir = white_oak_store(tmp_path)
    provider.answer_recording("2354")
    config = live_config(tmp_path, "white-oak", provider.url)
    boards = {b["stop_id"]: b for b in departures_json(config, data_dir, FRIDAY_2355)}
    shown = boards["13006"]
    assert shown["source"] == "live" and shown["live_age_s"] == 59
    assert [(d["trip_id"], d["expected"], d["delay_min"]) for d in shown["departures"]] == [
        ("24441060", "2024-02-09T23:56:19-05:00", 13), ("41105060", "2024-02-10T00:00:06-05:00", 0),
        ("19379060", "2024-02-10T00:16:49-05:00", 9)]


def test_the_recordings_are_the_real_bytes():
    for moment, stamp in (("2345", "23:45:01"), ("2354", "23:54:01"), ("0004", "00:04:01"), ("0009", "00:09:01")):
        day = "2024-02-10" if moment.startswith("00") else "2024-02-09"
        predictions = parse_trip_updates(recorded(moment), source="wmata", received_at=FRIDAY_2355)
        assert predictions.issued_at == in_white_oak(stamp, day)
        assert not any(p.cancelled or any(s.skipped for s in p.stops) for p in predictions.trips.values())
