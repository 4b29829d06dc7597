"""The bounds of feed format v1 that keep every accepted feed cheap for a terminal to store and show.

sync/feed_rules.py checks that values mean something; this module checks that what they mean stays
within what the terminal can answer in bounded time and memory (docs/robustness.md): positions in the
city's area, short walking segments, recurrence rules that occur and do not explode, years a calendar
can hold, time zones the content layer can read, and text that SQLite can store.
"""
from __future__ import annotations

import json
import math
import re
import statistics
from datetime import date, datetime
from functools import lru_cache
from typing import Iterator

from dateutil.rrule import rrulestr

from sync.feed_report import Location, Report, short
from sync.feed_rules import _entries

CITY_HALF_SIZE_KM = 50.0  # a city and its surroundings; a swapped lat/lon lands thousands of km away
MAX_WALK_SEGMENT_M = 2000.0  # the router indexes each segment's bounding box in 50 m cells
FIRST_YEAR, LAST_YEAR = 1970, 2199
RECURRING_FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
MAX_COUNT = 5000
MAX_INTERVAL = 1000
MAX_RECURRING_DAYS = 92  # a recurring event longer than a season overlaps itself on every day
_RULE_NUMBER_RANGES = {
    "INTERVAL": (1, MAX_INTERVAL), "COUNT": (1, MAX_COUNT), "BYSECOND": (0, 59), "BYMINUTE": (0, 59),
    "BYHOUR": (0, 23), "BYMONTH": (1, 12), "BYMONTHDAY": (-31, 31), "BYYEARDAY": (-366, 366),
    "BYWEEKNO": (-53, 53), "BYSETPOS": (-366, 366),
}
_SIGNED_NUMBER = re.compile(r"[+-]?[0-9]{1,6}\Z", re.ASCII)
_ASCII_DATE = re.compile(r"([0-9]{4})-[0-9]{2}-[0-9]{2}", re.ASCII)
_UNTIL_YEAR = re.compile(r"([0-9]{4})[0-9]{4}(?:T[0-9]{6}Z)?\Z", re.ASCII)
_UNREADABLE_ZONES = frozenset({"Factory", "localtime", "posixrules"})
_SURROGATE = re.compile("[\ud800-\udfff]")
_EARTH_M_PER_DEGREE = math.pi / 180 * 6_371_000.0


def limit_problems(doc: dict, report: Report, *, surrogates_possible: bool = True) -> None:
    """Add every value of `doc` that lies beyond what a terminal can answer in bounded time and memory."""
    Limits(doc, report).check(surrogates_possible)


def _number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return abs(value) < 10**9 if isinstance(value, int) else math.isfinite(value)


class Limits:
    def __init__(self, doc: dict, report: Report) -> None:
        self.doc = doc
        self.add = report.add
        self.probed_in_vain = False  # one rule that never occurs refuses the feed; the others need no probe

    def check(self, surrogates_possible: bool = True) -> None:
        if surrogates_possible and _may_hold_surrogates(self.doc):
            self.check_text(self.doc, ())
        self.check_zone()
        self.check_years()
        self.check_area()
        for index, event in _entries(self.doc, "events"):
            self.check_recurrence(event, ("events", index))

    # ---- text SQLite can store

    def check_text(self, node: object, path: Location) -> None:
        """Lone surrogates (\\ud800 in JSON) are valid JSON but no UTF-8: SQLite and every file refuse them."""
        if isinstance(node, str):
            if _SURROGATE.search(node):
                self.add(path, "contains a lone UTF-16 surrogate (an escape like \\ud800 without its pair), "
                               "which is no character and cannot be stored; remove it or write the character itself")
        elif isinstance(node, dict):
            for key, value in node.items():
                if _SURROGATE.search(key):
                    self.add(path, "has a key with a lone UTF-16 surrogate (an escape like \\ud800 without its "
                                   "pair), which cannot be stored")
                else:
                    self.check_text(value, path + (key,))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                self.check_text(value, path + (index,))

    # ---- time zone and years

    def check_zone(self) -> None:
        city = self.doc.get("city")
        name = city.get("timezone") if isinstance(city, dict) else None
        if isinstance(name, str) and (name in _UNREADABLE_ZONES or name.startswith(("posix/", "right/"))):
            self.add(("city", "timezone"), f"{short(name)} is a technical entry of the time zone database, not a "
                                           "place's time zone; use one like \"Europe/Berlin\"")

    def check_years(self) -> None:
        for path, value in self._dated_values():
            match = _ASCII_DATE.match(value) if isinstance(value, str) else None
            if match and not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
                self.add(path, f"{short(value)} lies outside the years {FIRST_YEAR} to {LAST_YEAR} that a kiosk "
                               "calendar covers")

    def _dated_values(self) -> Iterator[tuple[Location, object]]:
        for key in ("generated_at", "valid_until"):
            yield (key,), self.doc.get(key)
        for index, event in _entries(self.doc, "events"):
            for key in ("start", "end"):
                yield ("events", index, key), event.get(key)
            exdates = event.get("exdates")
            if isinstance(exdates, list):
                for position, value in enumerate(exdates):
                    yield ("events", index, "exdates", position), value
        for list_name in ("campaigns", "notices"):
            for index, item in _entries(self.doc, list_name):
                for key in ("from", "until"):
                    yield (list_name, index, key), item.get(key)

    # ---- the city's area and the walking network

    def check_area(self) -> None:
        named = list(self._named_positions())
        shapes = [(("map", "features", index, "geometry"), _positions(feature.get("geometry")))
                  for index, feature in _entries(self.doc.get("map"), "features")]
        # Kiosks and places stand in the city; an event may be elsewhere (a calendar's trip to a fair), so
        # events make the centre only when nothing else does.
        standing = [(lon, lat) for path, lon, lat in named if path[0] != "events"]
        sample = standing or [(lon, lat) for _, lon, lat in named] or \
            [position for _, found in shapes for position in found[:1]]
        if not sample:
            return
        # The median: one swapped or mistyped position cannot move the centre it is judged against.
        lon0 = statistics.median(lon for lon, _ in sample)
        lat0 = statistics.median(lat for _, lat in sample)
        half_lat = CITY_HALF_SIZE_KM * 1000 / _EARTH_M_PER_DEGREE
        half_lon = half_lat / max(math.cos(math.radians(lat0)), 0.01)
        centre = f"({lat0:.4f}, {lon0:.4f})"

        def outside(lon: float, lat: float) -> bool:
            in_range = -90 <= lat <= 90 and -180 <= lon <= 180  # feed_rules words the impossible ones
            return in_range and (abs(lat - lat0) > half_lat or abs(lon - lon0) > half_lon)

        def far(lon: float, lat: float) -> str:
            return (f"lat {lat}, lon {lon} lies more than {CITY_HALF_SIZE_KM:.0f} km from the centre {centre} of the "
                    "feed's kiosks and places; are latitude and longitude swapped?")

        for path, lon, lat in named:
            if outside(lon, lat):
                self.add(path, far(lon, lat))
        for path, positions in shapes:
            if not positions:
                continue
            lons, lats = [lon for lon, _ in positions], [lat for _, lat in positions]
            # Most shapes lie wholly inside: their bounds answer without a look at each position.
            if outside(min(lons), min(lats)) or outside(max(lons), max(lats)) or \
                    outside(min(lons), max(lats)) or outside(max(lons), min(lats)):
                first = next(((lon, lat) for lon, lat in positions if outside(lon, lat)), None)
                if first is not None:
                    self.add(path, far(*first))
        self.check_walk_segments()

    def _named_positions(self) -> Iterator[tuple[Location, float, float]]:
        for list_name in ("kiosks", "places"):
            for index, item in _entries(self.doc, list_name):
                if _number(item.get("lat")) and _number(item.get("lon")):
                    yield (list_name, index), float(item["lon"]), float(item["lat"])
        for index, event in _entries(self.doc, "events"):
            location = event.get("location")
            if isinstance(location, dict) and _number(location.get("lat")) and _number(location.get("lon")):
                yield ("events", index, "location"), float(location["lon"]), float(location["lat"])

    def check_walk_segments(self) -> None:
        for index, feature in _entries(self.doc.get("map"), "features"):
            properties, geometry = feature.get("properties"), feature.get("geometry")
            if not (isinstance(properties, dict) and properties.get("walk") is True and isinstance(geometry, dict)):
                continue
            lines = geometry.get("coordinates")
            if geometry.get("type") == "LineString":
                lines = [lines]
            elif geometry.get("type") != "MultiLineString":
                continue
            for line in lines if isinstance(lines, list) else ():
                longest = _longest_segment_m(line) if isinstance(line, list) else 0.0
                if longest > MAX_WALK_SEGMENT_M:
                    self.add(("map", "features", index, "geometry"),
                             f"has a walking segment {longest / 1000:.1f} km long between two positions; split "
                             f"walking lines into segments of at most {MAX_WALK_SEGMENT_M / 1000:.0f} km")
                    break

    # ---- recurrence

    def check_recurrence(self, event: dict, path: Location) -> None:
        rule = event.get("rrule")
        if not isinstance(rule, str) or not rule or "\n" in rule or "\r" in rule or ":" in rule:
            return  # feed_rules words the rules that cannot be read at all
        parts: dict[str, str] = {}
        for part in rule.split(";"):
            name, _, value = part.partition("=")
            parts.setdefault(name.upper(), value)
        frequency = parts.get("FREQ", "").upper()
        if frequency and frequency not in RECURRING_FREQUENCIES:
            self.add(path + ("rrule",), f"FREQ={short(frequency)[1:-1]} repeats too often for a kiosk's calendar; "
                                        "use DAILY, WEEKLY, MONTHLY or YEARLY")
            return
        for name, (low, high) in _RULE_NUMBER_RANGES.items():
            for value in parts.get(name, "").split(",") if name in parts else ():
                if not _SIGNED_NUMBER.match(value) or not low <= int(value) <= high or (int(value) == 0 and low < 0):
                    self.add(path + ("rrule",), f"{name}={short(value)[1:-1]} is out of range: {name} takes whole "
                                                f"numbers from {low} to {high}" + (", not 0" if low < 0 else ""))
                    return
        until = parts.get("UNTIL")
        year = _UNTIL_YEAR.match(until) if until else None
        if year and not FIRST_YEAR <= int(year.group(1)) <= LAST_YEAR:
            self.add(path + ("rrule",), f"UNTIL={short(until)[1:-1]} lies outside the years {FIRST_YEAR} to "
                                        f"{LAST_YEAR} that a kiosk calendar covers")
            return
        start = _start_of(event.get("start"))
        if start is None:
            return
        self.check_recurring_length(event, start, path)
        if not self.probed_in_vain and never_occurs(rule, start):
            self.probed_in_vain = True
            self.add(path + ("rrule",), "never produces an occurrence (e.g. BYMONTH=2;BYMONTHDAY=30); "
                                        "check the rule's BY parts against its start")

    def check_recurring_length(self, event: dict, start: datetime, path: Location) -> None:
        end = _start_of(event.get("end"))
        if end is not None and (end - start).days > MAX_RECURRING_DAYS:
            self.add(path + ("end",), f"makes each occurrence of this recurring event {(end - start).days} days long; "
                                      f"a recurring event may last at most {MAX_RECURRING_DAYS} days")


def _positions(geometry: object, depth: int = 0) -> list[tuple[float, float]]:
    """Every (lon, lat) of a geometry and its members that is a position at all (feed_rules words the others)."""
    if not isinstance(geometry, dict) or depth > 8:
        return []
    if geometry.get("type") == "GeometryCollection" and isinstance(geometry.get("geometries"), list):
        return [position for member in geometry["geometries"] for position in _positions(member, depth + 1)]
    found = []
    stack = [geometry.get("coordinates")]
    while stack and len(stack) < 100_000:
        node = stack.pop()
        if not isinstance(node, list) or not node:
            continue
        if len(node) in (2, 3) and ((type(node[0]) is float and type(node[1]) is float) or all(map(_number, node))):
            found.append((float(node[0]), float(node[1])))
        else:
            stack.extend(node)
    return found


def _may_hold_surrogates(doc: object) -> bool:
    """One pass in C over the whole document; the walk that names the paths runs only when it finds one."""
    try:
        return _SURROGATE.search(json.dumps(doc, ensure_ascii=False)) is not None
    except (TypeError, ValueError, RecursionError):
        return True


def _longest_segment_m(line: list) -> float:
    longest = 0.0
    previous = None
    for position in line:
        if not (isinstance(position, list) and len(position) >= 2 and _number(position[0]) and _number(position[1])
                and -180 <= position[0] <= 180 and -90 <= position[1] <= 90):
            return 0.0  # feed_rules reports malformed lines
        if previous is not None:
            mean_lat = math.radians((previous[1] + position[1]) / 2)
            dx = (position[0] - previous[0]) * math.cos(mean_lat) * _EARTH_M_PER_DEGREE
            dy = (position[1] - previous[1]) * _EARTH_M_PER_DEGREE
            longest = max(longest, math.hypot(dx, dy))
        previous = position
    return longest


def _start_of(value: object) -> datetime | None:
    """The naive wall-clock start of a date or date-time that feed_rules accepts, else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        return None
    if not isinstance(parsed, datetime):
        return datetime(parsed.year, parsed.month, parsed.day)
    return parsed.replace(tzinfo=None)


@lru_cache(maxsize=1024)
def never_occurs(rule: str, start: datetime) -> bool:
    """True when `rule` yields nothing from `start` on, decided in bounded time.

    dateutil walks period after period until year 9999 looking for a match that never comes. The
    Gregorian calendar repeats every 400 years (weekdays included), so the same rule from the same day
    near year 9999 meets the same matches, and dateutil's walk ends at 9999 within a few hundred years.
    """
    if not FIRST_YEAR <= start.year <= LAST_YEAR:
        return False  # check_years refuses it
    kept = ";".join(part for part in rule.split(";") if part.partition("=")[0].upper() not in ("UNTIL", "COUNT"))
    shifted = start.replace(year=start.year + 400 * ((9969 - start.year) // 400))
    try:
        return next(iter(rrulestr(kept, dtstart=shifted, cache=False)), None) is None
    except Exception:  # noqa: BLE001 - an unreadable rule is feed_rules' to word
        return False
