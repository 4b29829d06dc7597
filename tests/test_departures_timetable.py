"""Departures offline: `kiosk-feed build --gtfs` keeps nearby stops, the store keeps them, the terminal answers."""
from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

from kiosk.cli import main as kiosk_main
from kiosk.content import Content
from kiosk.live.departures import TIMETABLE, next_departures, stops_near_kiosk, stops_of_place
from sync.build.common import SourceError
from sync.cli import main as feed_main
from sync.feed import problems
from tests.live_kit import BASE, SAMPLE_GTFS, applied_store, at, built_feed


def test_the_build_keeps_only_the_stops_near_the_kiosk_and_the_transit_place(tmp_path):
    transit = built_feed(tmp_path)["transit"]
    stops = {s["id"]: s for s in transit["stops"]}
    assert sorted(stops) == ["BEATTY_AIRPORT", "STAGECOACH"]  # seven others are kilometres away
    assert stops["STAGECOACH"]["kiosk_ids"] == ["stagecoach"]
    assert stops["BEATTY_AIRPORT"]["place_ids"] == ["airport"]
    assert transit["timezone"] == "America/Los_Angeles"
    assert {r["id"]: r["name"] for r in transit["routes"]} == {"AAMV": "50", "AB": "10", "CITY": "40", "STBA": "30"}


def test_departures_cover_the_validity_with_frequencies_calendars_and_no_departure_at_a_trips_end(tmp_path):
    departures = built_feed(tmp_path)["transit"]["departures"]
    times = [d["time"] for d in departures]
    assert times == sorted(times)
    assert min(times) >= "2008-06-02T00:00:00-07:00" and max(times) < "2008-06-09T00:00:00-07:00"
    # CITY1 runs every 30 min 6:00-8:00, every 10 min 8:00-10:00 ... (frequencies.txt), from STAGECOACH.
    monday_city = [d["time"][11:16] for d in departures
                   if d["trip_id"] == "CITY1" and d["service_date"] == "20080602"]
    assert monday_city[:6] == ["06:00", "06:30", "07:00", "07:30", "08:00", "08:10"]
    assert all(d["start_time"] == d["time"][11:19] for d in departures if d["trip_id"] == "CITY1")
    # CITY2 ends at STAGECOACH and STBA at the airport: arrivals there are no departures.
    assert not [d for d in departures if d["trip_id"] in ("CITY2", "AB2", "AAMV2", "AAMV4")]
    # AAMV (service WE) leaves the airport on Saturday and Sunday only.
    days = {d["service_date"] for d in departures if d["route_id"] == "AAMV"}
    assert days == {"20080607", "20080608"}
    assert next(d for d in departures if d["trip_id"] == "AB1")["headsign"] == "to Bullfrog"
    # Without a headsign, the name of the trip's last stop says where it goes.
    assert next(d for d in departures if d["trip_id"] == "CITY1")["headsign"] == "E Main St / S Irving St (Demo)"


def test_the_transit_section_is_valid_and_its_mistakes_are_sentences(tmp_path):
    feed = built_feed(tmp_path)
    assert problems(feed) == []
    broken = copy.deepcopy(feed)
    broken["transit"]["departures"][0]["stop_id"] = "NOWHERE"
    broken["transit"]["departures"][1]["time"] = "2008-06-02T06:00:00"
    broken["transit"]["stops"][0]["place_ids"] = ["no-such-place"]
    broken["transit"]["stops"].append(dict(broken["transit"]["stops"][1]))
    found = problems(broken)
    assert "$.transit.departures[0].stop_id: refers to \"NOWHERE\", but $.transit.stops has no entry with that id" in found
    assert any(p.startswith("$.transit.departures[1].time:") and "offset" in p for p in found)
    assert any(p.startswith("$.transit.stops[0].place_ids[0]: refers to") for p in found)
    assert any(p.startswith("$.transit.stops[2].id: duplicate id") for p in found)


def test_departure_fields_are_checked_in_python_with_sentences(tmp_path):
    feed = built_feed(tmp_path)
    departures = feed["transit"]["departures"]
    departures[0] = "08:10 CITY1"
    del departures[1]["trip_id"]
    departures[2]["service_date"] = "2008-06-02"
    departures[3]["stop_sequence"] = -1
    departures[4]["start_time"] = "8 Uhr"
    departures[5]["route_id"] = 40
    found = problems(feed)
    assert found == [
        "$.transit.departures[0]: must be an object with stop_id, route_id, trip_id, service_date and time, not the string \"08:10 CITY1\"",
        "$.transit.departures[1]: has no trip_id; every departure needs stop_id, route_id, trip_id, service_date and time",
        '$.transit.departures[2].service_date: "2008-06-02" must be the GTFS service date YYYYMMDD',
        "$.transit.departures[3].stop_sequence: must be a whole number of at least 0",
        '$.transit.departures[4].start_time: "8 Uhr" must be a GTFS time HH:MM:SS',
        "$.transit.departures[5].route_id: must be a string, not the integer 40",
    ]


def test_a_feed_without_transit_stays_valid_and_older_stores_answer_no_departures(tmp_path):
    import sqlite3

    feed = built_feed(tmp_path)
    del feed["transit"]
    assert problems(feed) == []
    data_dir = applied_store(tmp_path)
    with sqlite3.connect(data_dir / "content.db") as conn:  # as a store written before December 2026
        for table in ("departures", "transit_stops", "transit_routes"):
            conn.execute(f"DROP TABLE {table}")
    content = Content.open(data_dir)
    assert content.transit_stops() == [] and content.timetable_departures("STAGECOACH", at("08:00:00"), 5) == []
    content.close()


def test_next_departures_offline_from_the_store_labelled_timetable(tmp_path):
    content = Content.open(applied_store(tmp_path))
    stops = stops_near_kiosk(content, "stagecoach")
    assert [s["id"] for s in stops] == ["STAGECOACH"]
    board = next_departures(content, stops[0], at("08:05:00"), "en", limit=4)
    assert board.source == TIMETABLE and board.live_age_s is None
    assert [(d.expected.strftime("%H:%M"), d.route, d.source) for d in board.departures] == [
        ("08:10", "40", "timetable"), ("08:20", "40", "timetable"), ("08:30", "30", "timetable"),
        ("08:30", "40", "timetable")]
    airport = stops_of_place(content, "airport")
    saturday = next_departures(content, airport[0], at("12:30:00", "2008-06-07"), "en", limit=2)
    assert [(d.expected.strftime("%H:%M"), d.route, d.headsign) for d in saturday.departures] == [
        ("13:00", "50", "to Amargosa Valley"), ("08:00", "10", "to Bullfrog")]  # Sunday morning next
    content.close()


def test_kiosk_departures_cli_answers_offline_as_json(tmp_path):
    data_dir = applied_store(tmp_path)
    config = tmp_path / "kiosk.toml"
    config.write_text('kiosk_id = "stagecoach"\nfeed_url = "https://example.org/feed.json"\npublic_keys = ["x"]\n')
    result = CliRunner().invoke(kiosk_main, ["--config", str(config), "departures", "--at", "2008-06-02T21:55-07:00",
                                             "--json", "--data-dir", str(data_dir), "--lang", "en"])
    assert result.exit_code == 0, result.output
    board = json.loads(result.output)[0]
    assert board["stop_id"] == "STAGECOACH" and board["source"] == "timetable"
    # The last run left at 21:30: the next ones are Tuesday's first.
    assert [d["expected"] for d in board["departures"]][:2] == ["2008-06-03T06:00:00-07:00"] * 2
    unknown = CliRunner().invoke(kiosk_main, ["--config", str(config), "departures", "--stop", "NOPE",
                                              "--data-dir", str(data_dir)])
    assert unknown.exit_code == 1 and "has no transit stop for 'NOPE'" in unknown.output


def test_kiosk_feed_build_takes_gtfs_and_refuses_a_file_that_is_not_one(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(feed_main, ["build", "--base", str(BASE), "--gtfs", str(SAMPLE_GTFS), "--out", str(out),
                                            "--generated-at", "2008-06-02T00:00:00-07:00", "--walk", "200"])
    assert result.exit_code == 0, result.output
    assert "transit: 2 stops, 4 routes" in result.output
    not_zip = tmp_path / "timetable.zip"
    not_zip.write_text("stop_id,stop_name\n")
    refused = CliRunner().invoke(feed_main, ["build", "--base", str(BASE), "--gtfs", str(not_zip), "--out", str(out)])
    assert refused.exit_code == 2
    assert f"cannot read the GTFS timetable {not_zip}" in refused.output


def test_a_timetable_without_calendars_is_refused_with_a_sentence(tmp_path):
    import zipfile

    from sync.build.gtfs import Window, read_transit
    from sync.build.report import BuildReport

    broken = tmp_path / "no-calendar.zip"
    with zipfile.ZipFile(SAMPLE_GTFS) as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            if not name.startswith("calendar"):
                dst.writestr(name, src.read(name))
    with pytest.raises(SourceError, match="neither calendar.txt nor calendar_dates.txt"):
        read_transit(broken, kiosks=[], places=[], window=Window(at("00:00:00"), at("23:00:00")), report=BuildReport())


def test_times_count_from_noon_minus_12_hours_so_the_clock_change_keeps_wall_times(tmp_path):
    """On 25 October 2026 Germany's clocks go back at 03:00: a 05:12 run still leaves at 05:12."""
    from datetime import datetime

    from sync.build.gtfs import Window, read_transit
    from sync.build.report import BuildReport
    from tests.live_kit import city_centre_gtfs

    gtfs = city_centre_gtfs(tmp_path / "city.zip")
    place = {"id": "u-reinoldikirche", "kind": "transit", "lat": 51.51432, "lon": 7.4676}
    for day in ("2026-10-25", "2026-03-29"):  # back an hour, forward an hour
        start = datetime.fromisoformat(f"{day}T00:00:00+00:00")
        transit = read_transit(gtfs, kiosks=[], places=[place], window=Window(start, start.replace(hour=12)),
                               report=BuildReport())
        first = [d["time"] for d in transit["departures"] if d["trip_id"] == "U43W"][0]
        assert first[11:16] == "05:12", (day, first)


def test_a_run_past_midnight_belongs_to_the_service_day_before(tmp_path):
    """GTFS writes a night run as 24:40 of the day before; the departure is kept with that service date."""
    import zipfile
    from datetime import datetime

    from sync.build.gtfs import Window, read_transit
    from sync.build.report import BuildReport
    from tests.live_kit import city_centre_gtfs

    source = city_centre_gtfs(tmp_path / "city.zip")
    night = tmp_path / "night.zip"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(night, "w") as dst:
        for name in src.namelist():
            text = src.read(name).decode()
            if name == "frequencies.txt":
                text = "trip_id,start_time,end_time,headway_secs\n"
            if name == "stop_times.txt":
                text = text.replace("U43W,05:12:00,05:12:00,REI1", "U43W,24:40:00,24:40:00,REI1")
            dst.writestr(name, text)
    place = {"id": "u-reinoldikirche", "kind": "transit", "lat": 51.51432, "lon": 7.4676}
    start = datetime.fromisoformat("2026-11-27T00:00:00+01:00")
    transit = read_transit(night, kiosks=[], places=[place], window=Window(start, start.replace(hour=6)),
                           report=BuildReport())
    [run] = [d for d in transit["departures"] if d["trip_id"] == "U43W"]
    assert (run["time"], run["service_date"]) == ("2026-11-27T00:40:00+01:00", "20261126")


def test_a_broken_timetable_is_a_sentence_not_a_traceback(tmp_path):
    import zipfile

    from sync.build.gtfs import Window, read_transit
    from sync.build.report import BuildReport

    broken = tmp_path / "broken-calendar.zip"
    with zipfile.ZipFile(SAMPLE_GTFS) as src, zipfile.ZipFile(broken, "w") as dst:
        for member in src.namelist():
            text = src.read(member).decode()
            dst.writestr(member, text.replace("service_id", "service") if member == "calendar.txt" else text)
    with pytest.raises(SourceError, match="lacks the required column 'service_id'"):
        read_transit(broken, kiosks=[{"id": "k", "lat": 36.9152, "lon": -116.7525}], places=[],
                     window=Window(at("00:00:00"), at("23:00:00")), report=BuildReport())


def test_an_unreadable_row_is_left_out_and_reported_and_the_rest_kept(tmp_path):
    """One bad row of a national feed's millions must not cost the whole timetable (as in the ical and CSV importers)."""
    import zipfile

    from sync.build.gtfs import UNREADABLE, Window, read_transit
    from sync.build.report import BuildReport

    changes = {
        "stop_times.txt": lambda b: b.replace(b"STBA,6:00:00,6:00:00,STAGECOACH,1", b"STBA,6:00:00,6:00:00,STAGECOACH,one")
                                     .replace(b"CITY1,6:12:00,6:14:00,NADAV,3", b"CITY1,6:12:00,6:14:00,NADAV,3x"),
        "calendar.txt": lambda b: b.replace(b"WE,0,0,0,0,0,1,1,20070101,20101231", b"WE,0,0,0,0,0,1,1,20070101,2010-12-31")
                        + b"\nBR\xffKEN,1,1,1,1,1,1,1,20070101,20101231\n",
    }
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(SAMPLE_GTFS) as src, zipfile.ZipFile(broken, "w") as dst:
        for member in src.namelist():
            data = src.read(member)
            dst.writestr(member, changes[member](data) if member in changes else data)
    report, whole = BuildReport(), BuildReport()
    kiosk = [{"id": "k", "lat": 36.9152, "lon": -116.7525}]
    window = Window(at("00:00:00"), at("23:00:00"))
    kept = read_transit(broken, kiosks=kiosk, places=[], window=window, report=report)
    full = read_transit(SAMPLE_GTFS, kiosks=kiosk, places=[], window=window, report=whole)
    lines = report.dropped[UNREADABLE]
    assert any("stop_times.txt row 1: stop_sequence 'one' is not a number" in line for line in lines)
    assert any("stop_times.txt row 5: stop_sequence '3x' is not a number" in line for line in lines)
    assert any("calendar.txt row 2: the dates '20070101' to '2010-12-31' are not YYYYMMDD" in line for line in lines)
    assert any("calendar.txt row 3: bytes that are not UTF-8" in line for line in lines)
    assert len(lines) == len(set(lines)) == 4
    # Monday's other runs are all still there; only the run whose first stop time was unreadable is gone.
    assert kept["stops"] == full["stops"] and 0 < len(kept["departures"]) < len(full["departures"])
    assert {d["trip_id"] for d in kept["departures"]} < {d["trip_id"] for d in full["departures"]}
    assert UNREADABLE not in whole.dropped


def test_a_busy_stop_still_shows_what_comes_next_whatever_ran_before(tmp_path):
    """A train a minute on each line: the 180 runs of the last 90 minutes never crowd out the next ones."""
    import zipfile
    from datetime import datetime, timedelta

    from kiosk.live.gtfs_rt import Predictions
    from sync import store
    from sync.build.gtfs import Window, read_transit
    from sync.build.report import BuildReport
    from tests.live_kit import city_centre_gtfs

    source, busy = city_centre_gtfs(tmp_path / "city.zip"), tmp_path / "busy.zip"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(busy, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name).decode().replace(",600\n", ",60\n"))
    feed = built_feed(tmp_path)
    place = {"id": "u-reinoldikirche", "kind": "transit", "lat": 51.51432, "lon": 7.4676}
    start = datetime.fromisoformat("2026-11-26T12:00:00+01:00")
    feed["transit"] = read_transit(busy, kiosks=[], places=[place], window=Window(start, start + timedelta(hours=12)),
                                   report=BuildReport())
    feed["places"].append({**place, "name": "U Reinoldikirche"})
    data_dir = tmp_path / "busy-data"
    store.swap_in(store.stage(feed, data_dir, demo=False, applied_at="x", source="t", feed_sha256="0" * 64), data_dir)
    content = Content.open(data_dir)
    moment = datetime.fromisoformat("2026-11-26T18:00:00+01:00")
    for predictions in (None, Predictions(moment)):  # offline, and live with nothing to say about these runs
        shown = next_departures(content, stops_of_place(content, "u-reinoldikirche")[0], moment, "en",
                                predictions=predictions, limit=3)
        assert [d.scheduled.strftime("%H:%M") for d in shown.departures] == ["18:00", "18:00", "18:01"]
    content.close()


def test_a_trip_whose_route_is_missing_is_left_out_and_the_rest_is_kept(tmp_path):
    import zipfile

    from sync.build.gtfs import Window, read_transit
    from sync.build.report import BuildReport

    broken = tmp_path / "no-route.zip"
    with zipfile.ZipFile(SAMPLE_GTFS) as src, zipfile.ZipFile(broken, "w") as dst:
        for member in src.namelist():
            text = src.read(member).decode()
            # The STBA route (trips STBA) loses its line in routes.txt.
            dst.writestr(member, "\n".join(line for line in text.splitlines() if not line.startswith("STBA,"))
                         if member == "routes.txt" else text)
    kiosks = [{"id": "k", "lat": 36.9152, "lon": -116.7525}]
    window = Window(at("00:00:00"), at("23:00:00"))
    report = BuildReport()
    transit = read_transit(broken, kiosks=kiosks, places=[], window=window, report=report)
    whole = read_transit(SAMPLE_GTFS, kiosks=kiosks, places=[], window=window, report=BuildReport())
    assert {d["route_id"] for d in whole["departures"]} > {d["route_id"] for d in transit["departures"]}
    assert "STBA" not in {d["route_id"] for d in transit["departures"]} and transit["departures"]
    assert "GTFS trips whose route is not in routes.txt (left out)" in report.render()
