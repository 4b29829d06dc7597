"""A GTFS timetable -> the feed's `transit` section: nearby stops and their departures in a window.

GTFS is a zip of plain CSV files, read with the standard library's csv module as it streams out
of the zip (docs/dependencies.md says why no GTFS library): a national feed's stop_times.txt has
millions of rows, and only the rows of stops within walking distance of a kiosk or a transit
place are kept.
"""
from __future__ import annotations

import csv
import io
import operator
import zipfile
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

from sync.build.common import SourceError, metres_between
from sync.build.report import BuildReport

WALK_LIMIT_M = 500.0  # about six minutes on foot: a stop farther than this is not "next to" a kiosk
PLACE_LINK_M = 150.0  # a stop this close to a transit place is shown on that place's card
DEFAULT_DAYS = 7
REQUIRED_FILES = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
NO_PICKUP = "1"


@dataclass(frozen=True)
class Window:
    """The departures kept: from `start` (inclusive) to `end` (exclusive)."""

    start: datetime
    end: datetime


def read_transit(path: Path, *, kiosks: list[dict], places: list[dict], window: Window,
                 walk_m: float = WALK_LIMIT_M, report: BuildReport) -> dict:
    """The `transit` section for the stops near `kiosks` and transit `places` (docs/feed-format.md)."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise SourceError(f"cannot read the GTFS timetable {path}: {exc}; it must be a GTFS .zip file") from None
    with archive:
        names = set(archive.namelist())
        missing = [name for name in REQUIRED_FILES if name not in names]
        if missing:
            raise SourceError(f"the GTFS timetable {path} has no {', '.join(missing)}; it is not a complete GTFS feed")
        if "calendar.txt" not in names and "calendar_dates.txt" not in names:
            raise SourceError(f"the GTFS timetable {path} has neither calendar.txt nor calendar_dates.txt, "
                              "so no day has any service")
        reader = _Reader(archive, path, report)
        tz = _agency_timezone(reader)
        try:
            stops = _nearby_stops(reader, kiosks, places, walk_m)
            routes = {row["route_id"]: row for row in reader.rows("routes.txt")}
            days = _service_days(reader, window, tz)
            stop_names = {row["stop_id"]: row.get("stop_name", "") for row in reader.rows("stops.txt")}
            departures = _departures(reader, stops, days, window, tz, stop_names)
        except KeyError as exc:
            raise SourceError(f"the GTFS timetable {path} lacks the required column {exc} in one of its files") from None
        except ValueError as exc:
            raise SourceError(f"the GTFS timetable {path} has a value the build cannot read: {exc}") from None
    # One trip pointing at a route routes.txt lacks is left out, never the whole timetable.
    for trip_id, route_id in sorted({(d["trip_id"], d["route_id"]) for d in departures if d["route_id"] not in routes}):
        report.drop("GTFS trips whose route is not in routes.txt (left out)", f"{path}: trip {trip_id}, route '{route_id}'")
    departures = [d for d in departures if d["route_id"] in routes]
    used_routes = sorted({d["route_id"] for d in departures})
    report.source(f"GTFS timetable {path}: {len(stops)} stops within {walk_m:g} m, "
                  f"{len(departures)} departures from {window.start.isoformat()} to {window.end.isoformat()}")
    if not stops:
        report.note(f"no stop of {path} is within {walk_m:g} m of a kiosk or a transit place")
    return {
        "timezone": tz.key,
        "stops": sorted(stops.values(), key=lambda s: s["id"]),
        "routes": [_route(routes[route_id]) for route_id in used_routes if route_id in routes],
        "departures": departures,
    }


UNREADABLE = "GTFS rows that cannot be read (left out; the rest of the timetable is kept)"


class _Reader:
    """Rows of one member of the zip as dicts, decoded as UTF-8 with or without a byte order mark.

    A row that cannot be read (bytes that are not UTF-8, a sequence that is not a number) is left out
    and reported, as the ical and CSV importers do: one bad row never costs the whole timetable."""

    def __init__(self, archive: zipfile.ZipFile, path: Path, report: BuildReport) -> None:
        self.archive = archive
        self.path = path
        self.report = report
        self._skipped: set[tuple[str, int]] = set()  # stops.txt is read twice: each row reported once

    def skip(self, name: str, row: int, why: str) -> None:
        if (name, row) not in self._skipped:
            self._skipped.add((name, row))
            self.report.drop(UNREADABLE, f"{self.path}: {name} row {row}: {why}")

    def has(self, name: str) -> bool:
        return name in self.archive.namelist()

    def columns(self, name: str, *wanted: str) -> Iterator[tuple[str, ...]]:
        """Only some columns, as tuples ("" where the file lacks one), unstripped: stop_times.txt's tens of
        millions of rows are read twice, and any Python work per value would cost most of the time."""
        with self.archive.open(name) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
            try:
                rows = csv.reader(text)
                header = [column.strip() for column in next(rows, [])]
                width = len(header)
                # A column the file lacks reads the empty cell appended after the last one.
                pick = operator.itemgetter(*[header.index(c) if c in header else width for c in wanted])
                for values in rows:
                    if len(values) < width:
                        values += [""] * (width - len(values))
                    values.append("")
                    yield pick(values)
            except (UnicodeDecodeError, csv.Error) as exc:
                raise SourceError(f"cannot read {name} in the GTFS timetable {self.path}: {exc}") from None

    def rows(self, name: str) -> Iterator[dict[str, str]]:
        """Each row as a dict with its number ("_row", 1 for the first after the header)."""
        with self.archive.open(name) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
            try:
                rows = csv.reader(text)
                header = [column.strip() for column in next(rows, [])]
                for number, values in enumerate(rows, start=1):
                    if not is_text(values):
                        self.skip(name, number, "bytes that are not UTF-8")
                        continue
                    row = dict(zip(header, (value.strip() for value in values)))
                    row["_row"] = number
                    yield row
            except (UnicodeDecodeError, csv.Error) as exc:
                raise SourceError(f"cannot read {name} in the GTFS timetable {self.path}: {exc}") from None


def is_text(values) -> bool:
    """False when a row holds bytes that were not UTF-8 (kept as surrogates by the decoder)."""
    try:
        "".join(values).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _agency_timezone(reader: _Reader) -> zoneinfo.ZoneInfo:
    """GTFS times are wall-clock times in the agency's zone (the spec requires one zone per feed)."""
    for row in reader.rows("agency.txt"):
        name = row.get("agency_timezone", "")
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise SourceError(f"agency.txt in the GTFS timetable {reader.path} names the time zone {name!r}, "
                              "which is not an IANA time zone such as Europe/Berlin") from None
    raise SourceError(f"agency.txt in the GTFS timetable {reader.path} has no agency")


def _nearby_stops(reader: _Reader, kiosks: list[dict], places: list[dict], walk_m: float) -> dict[str, dict]:
    transit_places = [p for p in places if p.get("kind") == "transit"]
    found: dict[str, dict] = {}
    for row in reader.rows("stops.txt"):
        if row.get("location_type", "") not in ("", "0"):
            continue  # stations, entrances and nodes have no departures of their own
        try:
            lat, lon = float(row["stop_lat"]), float(row["stop_lon"])
        except (KeyError, ValueError):
            continue
        kiosk_ids = sorted(k["id"] for k in kiosks if metres_between(lat, lon, k["lat"], k["lon"]) <= walk_m)
        place_ids = sorted(p["id"] for p in transit_places if metres_between(lat, lon, p["lat"], p["lon"]) <= PLACE_LINK_M)
        near_place = any(metres_between(lat, lon, p["lat"], p["lon"]) <= walk_m for p in transit_places)
        if not (kiosk_ids or near_place):
            continue
        stop = {"id": row["stop_id"], "name": row.get("stop_name") or row["stop_id"],
                "lat": round(lat, 7), "lon": round(lon, 7)}
        if kiosk_ids:
            stop["kiosk_ids"] = kiosk_ids
        if place_ids:
            stop["place_ids"] = place_ids
        found[row["stop_id"]] = stop
    return found


def _route(row: dict[str, str]) -> dict:
    route = {"id": row["route_id"], "name": row.get("route_short_name") or row.get("route_long_name") or row["route_id"]}
    if row.get("route_long_name") and row.get("route_short_name"):
        route["long_name"] = row["route_long_name"]
    if row.get("route_type", "").isdigit():
        route["type"] = int(row["route_type"])
    if len(row.get("route_color", "")) == 6:
        route["color"] = "#" + row["route_color"].lower()
    return route


def _gtfs_date(value: str) -> date:
    return date(int(value[:4]), int(value[4:6]), int(value[6:8]))


def _service_days(reader: _Reader, window: Window, tz: zoneinfo.ZoneInfo) -> dict[date, set[str]]:
    """The services running on each service day that can have departures in the window."""
    # A service day's times run past 24:00 (a night bus at 25:10), so start a day early.
    first = window.start.astimezone(tz).date() - timedelta(days=1)
    last = window.end.astimezone(tz).date()
    days = {first + timedelta(days=n): set() for n in range((last - first).days + 1)}
    weekdays = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    if reader.has("calendar.txt"):
        for row in reader.rows("calendar.txt"):
            try:
                start, end = _gtfs_date(row["start_date"]), _gtfs_date(row["end_date"])
            except ValueError:
                reader.skip("calendar.txt", row["_row"], f"the dates {row['start_date']!r} to {row['end_date']!r} "
                            "are not YYYYMMDD")
                continue
            for day, services in days.items():
                if start <= day <= end and row.get(weekdays[day.weekday()]) == "1":
                    services.add(row["service_id"])
    if reader.has("calendar_dates.txt"):
        for row in reader.rows("calendar_dates.txt"):
            try:
                day = _gtfs_date(row["date"])
            except ValueError:
                reader.skip("calendar_dates.txt", row["_row"], f"the date {row['date']!r} is not YYYYMMDD")
                continue
            if day in days:
                if row.get("exception_type") == "1":
                    days[day].add(row["service_id"])
                elif row.get("exception_type") == "2":
                    days[day].discard(row["service_id"])
    return days


def _seconds(value: str) -> int | None:
    """GTFS H:MM:SS (hours may pass 24) -> seconds after the service day's reference time."""
    parts = value.strip().split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    hours, minutes, seconds = (int(p) for p in parts)
    return hours * 3600 + minutes * 60 + seconds


def _day_reference(day: date, tz: zoneinfo.ZoneInfo) -> datetime:
    """The spec's "noon minus 12 h" as an instant: equals midnight except on days the clocks change."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=tz).astimezone(timezone.utc) - timedelta(hours=12)


def _frequencies(reader: _Reader) -> dict[str, list[tuple[int, int, int]]]:
    found: dict[str, list[tuple[int, int, int]]] = {}
    if reader.has("frequencies.txt"):
        for row in reader.rows("frequencies.txt"):
            start, end = _seconds(row.get("start_time", "")), _seconds(row.get("end_time", ""))
            headway = int(row["headway_secs"]) if row.get("headway_secs", "").isdigit() else 0
            if start is not None and end is not None and headway > 0:
                found.setdefault(row["trip_id"], []).append((start, end, headway))
    return found


def _departures(reader: _Reader, stops: dict[str, dict], days: dict[date, set[str]],
                window: Window, tz: zoneinfo.ZoneInfo, stop_names: dict[str, str]) -> list[dict]:
    frequencies = _frequencies(reader)
    # A national feed has tens of millions of stop times: the first pass keeps only those at the
    # kept stops, the second only the ends of those stops' trips, so memory follows what is kept.
    # Values are compared as they stand and stripped only when that fails: stripping every value of
    # every row would cost more than the rest, and only some feeds pad their values with spaces.
    kept: list[tuple[str, int, str, int | None, str]] = []  # trip, sequence, stop, seconds, stop headsign
    for number, (trip_id, stop_id, seq, departure, arrival, pickup, headsign) in enumerate(reader.columns(
            "stop_times.txt", "trip_id", "stop_id", "stop_sequence", "departure_time", "arrival_time", "pickup_type",
            "stop_headsign"), start=1):
        if stop_id not in stops:
            stop_id = stop_id.strip()
            if stop_id not in stops:
                continue
        if pickup.strip() == NO_PICKUP:
            continue
        if not seq.strip().isdigit() or not is_text((trip_id, headsign)):
            why = f"stop_sequence {seq!r} is not a number" if is_text((seq,)) else "bytes that are not UTF-8"
            reader.skip("stop_times.txt", number, why)
            continue
        # GTFS leaves the times of stops between timepoints empty when riders are not told them:
        # those are interpolated below from the timed stops around them.
        clock = departure.strip() or arrival.strip()
        seconds = _seconds(clock)
        if clock and seconds is None:
            reader.skip("stop_times.txt", number, f"the time {clock!r} is not H:MM:SS")
            continue
        kept.append((trip_id.strip(), int(seq), stop_id, seconds, headsign.strip()))
    wanted = {trip_id for trip_id, *_ in kept}
    untimed = {trip_id for trip_id, _, _, seconds, _ in kept if seconds is None}
    trips = {row["trip_id"]: row for row in reader.rows("trips.txt") if row.get("trip_id") in wanted}
    first_time: dict[str, int] = {}  # a frequency trip's stop times count from its first departure
    last_stop: dict[str, tuple[int, str]] = {}  # each trip's final stop: no departure there, and its headsign
    timeline: dict[str, list[tuple[int, int | None, str]]] = {t: [] for t in untimed if t in trips}
    for number, (trip_id, stop_id, seq_text, departure, arrival, distance) in enumerate(reader.columns(
            "stop_times.txt", "trip_id", "stop_id", "stop_sequence", "departure_time", "arrival_time",
            "shape_dist_traveled"), start=1):
        if trip_id not in trips:
            trip_id = trip_id.strip()
            if trip_id not in trips:
                continue
        if not seq_text.strip().isdigit():
            reader.skip("stop_times.txt", number, f"stop_sequence {seq_text!r} is not a number")
            continue
        seq = int(seq_text)
        if last_stop.get(trip_id, (-1, ""))[0] < seq:
            last_stop[trip_id] = (seq, stop_id.strip())
        seconds = _seconds(departure.strip() or arrival.strip())
        if trip_id in frequencies and seconds is not None:
            first_time[trip_id] = min(first_time.get(trip_id, seconds), seconds)
        if trip_id in timeline:
            timeline[trip_id].append((seq, seconds, distance.strip()))
    kept = [k for k in kept if k[0] in trips]  # stop times of trips that trips.txt does not list are ignored
    if timeline:
        kept = _interpolated(kept, timeline, reader)
    departures = []
    for trip_id, seq, stop_id, seconds, stop_headsign in kept:
        if last_stop[trip_id][0] == seq:
            continue
        trip = trips[trip_id]
        headsign = stop_headsign or trip.get("trip_headsign") or stop_names.get(last_stop[trip_id][1], "")
        for day, services in days.items():
            if trip.get("service_id") not in services:
                continue
            reference = _day_reference(day, tz)
            for start_time, offset in _trip_starts(trip_id, seconds, frequencies, first_time):
                when = (reference + timedelta(seconds=offset)).astimezone(tz)
                if window.start <= when < window.end:
                    departure = {"stop_id": stop_id, "stop_sequence": seq, "route_id": trip.get("route_id", ""),
                                 "trip_id": trip_id, "service_date": day.strftime("%Y%m%d"),
                                 "time": when.isoformat(), "headsign": headsign}
                    if start_time is not None:
                        departure["start_time"] = start_time
                    departures.append(departure)
    departures.sort(key=lambda d: (d["time"], d["stop_id"], d["route_id"], d["trip_id"]))
    return departures


UNTIMED = "GTFS stop times with no time and no timed stop before and after them on their trip (left out)"


def _interpolated(kept: list[tuple], timeline: dict[str, list[tuple[int, int | None, str]]],
                  reader: _Reader) -> list[tuple]:
    """Times for the kept stops whose times the feed leaves empty (GTFS allows that between timepoints):
    linear between the timed stops before and after, by `shape_dist_traveled` where the three stops
    have it, else by their places in the trip's order of stops."""
    result = []
    for trip_id, seq, stop_id, seconds, headsign in kept:
        if seconds is None:
            seconds = _between(sorted(timeline.get(trip_id, [])), seq)
            if seconds is None:
                reader.report.drop(UNTIMED, f"{reader.path}: trip {trip_id}, stop {stop_id}, stop_sequence {seq}")
                continue
        result.append((trip_id, seq, stop_id, seconds, headsign))
    return result


def _between(stops: list[tuple[int, int | None, str]], seq: int) -> int | None:
    here = next((i for i, (s, _, _) in enumerate(stops) if s == seq), None)
    if here is None:
        return None
    before = next((i for i in range(here - 1, -1, -1) if stops[i][1] is not None), None)
    after = next((i for i in range(here + 1, len(stops)) if stops[i][1] is not None), None)
    if before is None or after is None:
        return None
    (_, start, start_d), (_, end, end_d), (_, _, here_d) = stops[before], stops[after], stops[here]
    try:
        share = (float(here_d) - float(start_d)) / (float(end_d) - float(start_d))
    except (ValueError, ZeroDivisionError):
        share = (here - before) / (after - before)
    if not 0 <= share <= 1:
        share = (here - before) / (after - before)
    return round(start + (end - start) * share)


def _trip_starts(trip_id: str, seconds: int, frequencies: dict, first_time: dict) -> Iterator[tuple[str | None, int]]:
    """(start time for GTFS-Realtime, seconds) of each run of a trip at one stop."""
    if trip_id not in frequencies:
        yield None, seconds
        return
    since_start = seconds - first_time[trip_id]
    for start, end, headway in frequencies[trip_id]:
        for run in range(start, end, headway):  # end_time is when the headway stops applying
            yield _clock(run), run + since_start


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
