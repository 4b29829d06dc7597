"""tools/cut_gtfs.py, which cut WMATA's real timetable for the fixtures: it drops rows, never changes one."""
from __future__ import annotations

import csv
import io
import zipfile

from tests.live_kit import WMATA_GTFS
from tools.cut_gtfs import main


def members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_cutting_keeps_whole_trips_and_every_kept_record_byte_for_byte(tmp_path, capsys):
    target = tmp_path / "cut.zip"
    # Only the trips calling at "Lockwood Dr + White Oak Park Apartments" (13006) before midnight.
    assert main([str(WMATA_GTFS), str(target), "--near", "39.041306,-76.985856", "--radius", "20",
                 "--between", "20:00:00,23:59:59", "--no-shapes"]) == 0
    assert "stop_times.txt:" in capsys.readouterr().out
    source, cut = members(WMATA_GTFS), members(target)
    assert set(cut) == set(source) - {"shapes.txt"}
    for name, data in cut.items():
        lines = data.splitlines(keepends=True)
        assert lines[0] == source[name].splitlines(keepends=True)[0], name  # the header as published
        assert set(lines) <= set(source[name].splitlines(keepends=True)), name
    stop_times = list(csv.DictReader(io.StringIO(cut["stop_times.txt"].decode())))
    trips = {row["trip_id"] for row in csv.DictReader(io.StringIO(cut["trips.txt"].decode()))}
    at_13006 = {row["trip_id"]: row["departure_time"] for row in stop_times if row["stop_id"] == "13006"}
    assert set(at_13006) == trips and all("20:00:00" <= t <= "23:59:59" for t in at_13006.values())
    whole = [row for row in csv.DictReader(io.StringIO(source["stop_times.txt"].decode())) if row["trip_id"] in trips]
    assert len(stop_times) == len(whole)  # every stop of every kept trip
    stops = {row["stop_id"] for row in csv.DictReader(io.StringIO(cut["stops.txt"].decode()))}
    assert stops == {row["stop_id"] for row in stop_times}
    assert 0 < len(trips) < 71
