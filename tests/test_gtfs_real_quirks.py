"""The GTFS import copes with what real feeds do, shown on WMATA's real timetable (tests/fixtures/gtfs).

Each test takes the real feed, gives it one quirk other publishers' feeds have (a byte order mark and
CRLF line ends, no calendar.txt, values padded with spaces, empty times between timepoints, an
unreadable time) and checks the import keeps the same departures, or says what it left out. The
real feed's own quirks (times past 24:00, stop sequences from 2, empty optional columns, -999
placeholders) are in every test: the reference is the real feed as published.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from sync.build.gtfs import UNREADABLE, UNTIMED, Window, read_transit
from sync.build.report import BuildReport
from tests.live_kit import WHITE_OAK_BASE, WMATA_GTFS

WINDOW = Window(datetime.fromisoformat("2024-02-09T20:00:00-05:00"), datetime.fromisoformat("2024-02-10T04:00:00-05:00"))


def transit_of(path: Path) -> tuple[dict, BuildReport]:
    base = json.loads(WHITE_OAK_BASE.read_text(encoding="utf-8"))
    report = BuildReport()
    return read_transit(path, kiosks=base["kiosks"], places=base["places"], window=WINDOW, report=report), report


@pytest.fixture(scope="module")
def real():
    transit, report = transit_of(WMATA_GTFS)
    assert len(transit["departures"]) == 432 and not report.dropped
    return transit


def with_quirk(tmp_path: Path, change) -> Path:
    """The real feed with `change(files)` applied to its members (name -> bytes)."""
    with zipfile.ZipFile(WMATA_GTFS) as source:
        files = {name: source.read(name) for name in source.namelist()}
    target = tmp_path / "quirky.zip"
    with zipfile.ZipFile(target, "w") as out:
        for name, data in change(files).items():
            out.writestr(name, data)
    return target


def rewrite_stop_times(files: dict, change) -> dict:
    rows = list(csv.DictReader(io.StringIO(files["stop_times.txt"].decode())))
    text = io.StringIO()
    writer = csv.DictWriter(text, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(change(row) for row in rows)
    return {**files, "stop_times.txt": text.getvalue().encode()}


def test_a_byte_order_mark_and_crlf_line_ends_change_nothing(tmp_path, real):
    quirky = with_quirk(tmp_path, lambda files: {n: b"\xef\xbb\xbf" + d.replace(b"\n", b"\r\n") for n, d in files.items()})
    assert transit_of(quirky)[0] == real


def test_calendar_dates_alone_are_enough(tmp_path, real):
    """Many feeds list every service day in calendar_dates.txt and have no calendar.txt."""
    def only_dates(files):
        files = {n: d for n, d in files.items() if n != "calendar.txt"}
        files["calendar_dates.txt"] = b"service_id,date,exception_type\n7,20240209,1\n"
        return files
    assert transit_of(with_quirk(tmp_path, only_dates))[0] == real


def test_values_padded_with_spaces_are_read_as_the_values(tmp_path, real):
    padded = with_quirk(tmp_path, lambda files: {**files, "stop_times.txt": files["stop_times.txt"].replace(b",", b", ")})
    assert transit_of(padded)[0] == real


def test_empty_times_between_timepoints_are_interpolated(tmp_path, real):
    """GTFS needs times only at timepoints; WMATA gives all, so blank those of its non-timepoints (timepoint 0)."""
    def blank(row):
        if row["timepoint"] == "0":
            row["arrival_time"] = row["departure_time"] = ""
        return row
    transit, report = transit_of(with_quirk(tmp_path, lambda files: rewrite_stop_times(files, blank)))
    assert not report.dropped
    published = {(d["trip_id"], d["stop_sequence"]): datetime.fromisoformat(d["time"]) for d in real["departures"]}
    guessed = {(d["trip_id"], d["stop_sequence"]): datetime.fromisoformat(d["time"]) for d in transit["departures"]}
    assert guessed.keys() == published.keys()
    off = sorted(abs((guessed[k] - published[k]).total_seconds()) for k in published)
    assert off[-1] <= 90 and off[len(off) // 2] <= 30  # within 1.5 minutes of WMATA's own times, mostly closer


def test_an_untimed_stop_with_no_timed_stop_before_it_is_left_out_and_reported(tmp_path, real):
    def blank_first(row):  # K6 24441060 ends at White Oak (sequence 62): blank its times up to sequence 60
        if row["trip_id"] == "24441060" and int(row["stop_sequence"]) <= 60:
            row["arrival_time"] = row["departure_time"] = ""
        return row
    transit, report = transit_of(with_quirk(tmp_path, lambda files: rewrite_stop_times(files, blank_first)))
    before = {(d["stop_id"], d["stop_sequence"]) for d in real["departures"] if d["trip_id"] == "24441060"}
    after = {(d["stop_id"], d["stop_sequence"]) for d in transit["departures"] if d["trip_id"] == "24441060"}
    lost = before - after
    assert ("13006", 60) in lost and {seq for _, seq in lost} == {seq for _, seq in before if seq <= 60}
    assert len(report.dropped[UNTIMED]) == len(lost)
    assert any("trip 24441060, stop 13006, stop_sequence 60" in line for line in report.dropped[UNTIMED])
    assert len(transit["departures"]) == len(real["departures"]) - len(lost)


def test_a_time_that_is_not_a_time_is_reported_not_guessed(tmp_path, real):
    def garble(row):
        if row["trip_id"] == "41105060" and row["stop_id"] == "13006":
            row["departure_time"] = row["arrival_time"] = "24 Uhr"
        return row
    transit, report = transit_of(with_quirk(tmp_path, lambda files: rewrite_stop_times(files, garble)))
    assert len(transit["departures"]) == len(real["departures"]) - 1
    assert any("the time '24 Uhr' is not H:MM:SS" in line for line in report.dropped[UNREADABLE])
