"""Cut a real GTFS timetable down to the trips that call near a point, small enough to ship as a test fixture.

    python tools/cut_gtfs.py IN.zip OUT.zip --near 39.0413,-76.9850 --radius 450 --service 7 \
        --between 21:00:00,26:00:00

Keeps the trips that call at a stop within --radius metres of a --near point (only those of the
--service ids, and calling there within the --between GTFS times, when given), every stop time of those trips (so each keeps its first and last stop),
the stops they call at and their parent stations, their routes and agencies, the calendar and
calendar_dates rows of their services, their frequencies and the shape points of their shapes
(none with --no-shapes). Files the tool does not know are copied whole.

Rows are only dropped, never changed: each kept record is written byte for byte as it stands in the
source file, header included, so the cut feed shows the publisher's own quirks (byte order marks,
empty fields, times past 24:00) to the importer under test.
"""
from __future__ import annotations

import argparse
import csv
import io
import math
import sys
import zipfile
from pathlib import Path
from typing import Callable, Iterator

EARTH_RADIUS_M = 6_371_000.0


def records(data: bytes) -> Iterator[tuple[bytes, dict[str, str]]]:
    """(raw bytes of the record with its line end, its values by column) for each record after the header."""
    raws = _raw_records(data)
    header = [name.strip().lstrip("\ufeff") for name in _parse(next(raws, b""))]
    for raw in raws:
        if raw.strip():
            yield raw, dict(zip(header, _parse(raw)))


def header_of(data: bytes) -> bytes:
    return next(_raw_records(data), b"")


def _raw_records(data: bytes) -> Iterator[bytes]:
    """The records as raw bytes; one may span lines when a quoted field holds a line break."""
    pending = b""
    for line in data.splitlines(keepends=True):
        pending += line
        if pending.count(b'"') % 2 == 0:
            yield pending
            pending = b""
    if pending:
        yield pending


def _parse(raw: bytes) -> list[str]:
    text = raw.decode("utf-8-sig", errors="replace")
    return next(csv.reader(io.StringIO(text, newline="")), [])


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return EARTH_RADIUS_M * math.hypot(x, math.radians(lat2 - lat1))


def keep_rows(data: bytes, wanted: Callable[[dict[str, str]], bool]) -> tuple[bytes, int]:
    kept = [raw for raw, row in records(data) if wanted(row)]
    return header_of(data) + b"".join(kept), len(kept)


def gtfs_seconds(value: str) -> int | None:
    parts = value.strip().split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]) * 3600 + int(parts[1]) * 60 + int(parts[2])


def cut(source: Path, target: Path, near: list[tuple[float, float]], radius_m: float,
        services: set[str], shapes: bool = True, between: tuple[int, int] | None = None) -> dict[str, int]:
    with zipfile.ZipFile(source) as archive:
        files = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
    for required in ("stops.txt", "trips.txt", "stop_times.txt"):
        if required not in files:
            raise SystemExit(f"{source} has no {required}; it is not a GTFS timetable this tool can cut")

    def close(row: dict[str, str]) -> bool:
        try:
            lat, lon = float(row["stop_lat"]), float(row["stop_lon"])
        except (KeyError, ValueError):
            return False
        return any(metres_between(lat, lon, plat, plon) <= radius_m for plat, plon in near)

    near_stops = {row["stop_id"] for _, row in records(files["stops.txt"]) if close(row)}
    allowed = {row["trip_id"] for _, row in records(files["trips.txt"])
               if not services or row.get("service_id") in services}

    def in_time(row: dict[str, str]) -> bool:
        if between is None:
            return True
        seconds = gtfs_seconds(row.get("departure_time") or row.get("arrival_time") or "")
        return seconds is not None and between[0] <= seconds <= between[1]

    trips = {row["trip_id"] for _, row in records(files["stop_times.txt"])
             if row.get("stop_id") in near_stops and row.get("trip_id") in allowed and in_time(row)}
    trip_rows = {row["trip_id"]: row for _, row in records(files["trips.txt"]) if row["trip_id"] in trips}
    used_stops = {row["stop_id"] for _, row in records(files["stop_times.txt"]) if row.get("trip_id") in trips}
    parents = {row.get("parent_station", "") for _, row in records(files["stops.txt"]) if row["stop_id"] in used_stops}
    used_stops |= parents - {""}
    routes = {row.get("route_id", "") for row in trip_rows.values()}
    used_services = {row.get("service_id", "") for row in trip_rows.values()}
    used_shapes = {row.get("shape_id", "") for row in trip_rows.values()} - {""}
    agencies = {row.get("agency_id", "") for _, row in records(files.get("routes.txt", b"route_id\n"))
                if row.get("route_id") in routes}

    rules: dict[str, Callable[[dict[str, str]], bool]] = {
        "stops.txt": lambda row: row.get("stop_id") in used_stops,
        "trips.txt": lambda row: row.get("trip_id") in trips,
        "stop_times.txt": lambda row: row.get("trip_id") in trips,
        "routes.txt": lambda row: row.get("route_id") in routes,
        "agency.txt": lambda row: row.get("agency_id", "") in agencies or agencies <= {""},
        "calendar.txt": lambda row: row.get("service_id") in used_services,
        "calendar_dates.txt": lambda row: row.get("service_id") in used_services,
        "frequencies.txt": lambda row: row.get("trip_id") in trips,
        "shapes.txt": lambda row: shapes and row.get("shape_id") in used_shapes,
    }
    counts: dict[str, int] = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name, data in files.items():
            if name == "shapes.txt" and not shapes:
                continue
            if name in rules:
                data, counts[name] = keep_rows(data, rules[name])
            else:
                counts[name] = -1  # copied whole
            out.writestr(name, data)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--near", action="append", required=True, metavar="LAT,LON",
                        help="keep the trips calling within --radius of this point (repeatable)")
    parser.add_argument("--radius", type=float, default=500.0, help="metres (default 500)")
    parser.add_argument("--service", action="append", default=[], help="keep only trips of this service_id (repeatable)")
    parser.add_argument("--between", metavar="HH:MM:SS,HH:MM:SS",
                        help="keep only trips calling near the point within these GTFS times (e.g. 21:00:00,26:00:00)")
    parser.add_argument("--no-shapes", action="store_true", help="leave shapes.txt out")
    args = parser.parse_args(argv)
    points = []
    for point in args.near:
        lat, _, lon = point.partition(",")
        points.append((float(lat), float(lon)))
    between = None
    if args.between:
        start, _, end = args.between.partition(",")
        between = (gtfs_seconds(start), gtfs_seconds(end))
        if None in between:
            parser.error(f"--between {args.between!r} must be two GTFS times H:MM:SS separated by a comma")
    counts = cut(args.source, args.target, points, args.radius, set(args.service), shapes=not args.no_shapes,
                 between=between)
    for name, count in sorted(counts.items()):
        print(f"{name}: {'copied whole' if count < 0 else f'{count} rows kept'}")
    print(f"{args.target}: {args.target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
