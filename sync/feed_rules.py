"""The rules of feed format v1 that a schema cannot express: unique ids, references, time zones,
dates, recurrence rules, opening_hours, URL templates and GeoJSON positions."""
from __future__ import annotations

import math
import re
import string
import zoneinfo
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Iterator

from dateutil.rrule import rrulestr
from opening_hours import OpeningHours

from sync.feed_report import Location, Report, json_path, one_line, short, type_name

# ASCII digits, upper-case T and Z and no trailing newline: what the content layer's fromisoformat reads.
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\Z", re.ASCII)
DATE_TIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))\Z", re.ASCII
)
ROUTE_PLACEHOLDERS = frozenset({"from_lat", "from_lon", "to_lat", "to_lon", "lang", "polyline"})
PLACE_PLACEHOLDERS = frozenset({"id", "lat", "lon", "lang"})
TILE_PLACEHOLDERS = frozenset({"z", "x", "y", "s"})
GTFS_DATE_RE = re.compile(r"^[0-9]{8}$")
GTFS_TIME_RE = re.compile(r"^[0-9]{2,3}:[0-5][0-9]:[0-5][0-9]$")
WALK_GEOMETRIES = frozenset({"LineString", "MultiLineString"})


# --------------------------------------------------------------------------- semantic rules


def _entries(container: object, key: str) -> Iterator[tuple[int, dict]]:
    """The objects in list `container[key]`, with their index; other shapes the schema reports."""
    items = container.get(key) if isinstance(container, dict) else None
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


class Semantics:
    """The rules of feed-v1.md that JSON Schema cannot express; tolerant of any wrong shape."""

    def __init__(self, doc: dict, report: Report) -> None:
        self.doc = doc
        self.report = report
        self.add = report.add
        self.default_locale: str | None = None
        self.ids: dict[str, set[str]] = {}

    def check(self) -> None:
        self.check_city()
        for list_name in ("kiosks", "places", "events", "campaigns", "notices", "pages"):
            self.ids[list_name] = self.check_ids(list_name)
        generated = self.date_time(self.doc.get("generated_at"), ("generated_at",))
        valid_until = self.date_time(self.doc.get("valid_until"), ("valid_until",))
        if generated and valid_until and valid_until < generated:
            self.add(("valid_until",), "is before generated_at; the feed would be stale from the start")
        self.check_share()
        for index, kiosk in _entries(self.doc, "kiosks"):
            self.text(kiosk, ("kiosks", index), "name")
        self.check_map()
        for index, place in _entries(self.doc, "places"):
            self.check_place(place, ("places", index))
        for index, event in _entries(self.doc, "events"):
            self.check_event(event, ("events", index))
        for index, campaign in _entries(self.doc, "campaigns"):
            self.check_campaign(campaign, ("campaigns", index))
        for index, notice in _entries(self.doc, "notices"):
            self.check_notice(notice, ("notices", index))
        for index, page in _entries(self.doc, "pages"):
            self.check_page(page, ("pages", index))
        self.check_transit()

    # ---- city, ids, references, text

    def check_city(self) -> None:
        city = self.doc.get("city")
        if not isinstance(city, dict):
            return
        self.time_zone(city.get("timezone"), ("city", "timezone"))
        country, subdivision = city.get("country"), city.get("subdivision")
        if isinstance(country, str) and re.fullmatch(r"[A-Z]{2}", country):
            problem = _holiday_calendar_problem(country, subdivision if isinstance(subdivision, str) else None)
            if problem:
                self.add(("city", problem[0]), problem[1])
        default_locale, locales = city.get("default_locale"), city.get("locales")
        if isinstance(default_locale, str):
            self.default_locale = default_locale
            if isinstance(locales, list) and default_locale not in locales:
                self.add(("city", "locales"), f"must contain the default_locale {short(default_locale)}")
        if isinstance(locales, list):
            seen: set = set()
            for index, tag in enumerate(locales):
                if isinstance(tag, str) and tag in seen:
                    self.add(("city", "locales", index), f"{short(tag)} is listed twice")
                seen.add(tag if isinstance(tag, str) else None)
        self.text(city, ("city",), "name")

    def time_zone(self, name: object, path: Location) -> None:
        if isinstance(name, str) and name and not _zone_exists(name):
            self.add(path, f"{short(name)} is not a known IANA time zone, e.g. \"Europe/Berlin\"")

    def check_ids(self, list_name: str) -> set[str]:
        first_use: dict[str, int] = {}
        for index, item in _entries(self.doc, list_name):
            item_id = item.get("id")
            if not isinstance(item_id, str):
                continue
            if item_id in first_use:
                self.add(
                    (list_name, index, "id"),
                    f"duplicate id {short(item_id)}: {json_path((list_name, first_use[item_id]))} already uses it",
                )
            else:
                first_use[item_id] = index
        return set(first_use)

    def reference(self, value: object, list_name: str, path: Location) -> None:
        if isinstance(value, str) and value not in self.ids.get(list_name, ()):
            self.add(path, f"refers to {short(value)}, but $.{list_name} has no entry with that id")

    def references(self, container: dict, key: str, list_name: str, path: Location) -> None:
        values = container.get(key)
        if isinstance(values, list):
            for index, value in enumerate(values):
                self.reference(value, list_name, path + (key, index))

    def text(self, container: object, path: Location, key: str) -> None:
        """Localized text must carry the default locale (every other shape is the schema's job)."""
        if not isinstance(container, dict):
            return
        value = container.get(key)
        locale = self.default_locale
        if isinstance(value, dict) and value and locale is not None and locale not in value:
            self.add(path + (key,), f"has no text for the default locale {short(locale)}")

    def image(self, container: dict, path: Location) -> None:
        self.text(container.get("image"), path + ("image",), "alt")

    # ---- dates and times

    def date_time(self, value: object, path: Location) -> datetime | None:
        if not isinstance(value, str):
            return None
        parsed, problem = _parse_date_time(value)
        if problem:
            self.add(path, problem)
        return parsed

    def date_or_date_time(self, value: object, path: Location) -> date | datetime | None:
        if not isinstance(value, str):
            return None
        if DATE_RE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError as exc:
                self.add(path, f"{short(value)} is not a real date: {exc}")
                return None
        if DATE_TIME_RE.match(value):
            return self.date_time(value, path)
        self.add(
            path,
            f"{short(value)} is neither a date (YYYY-MM-DD) nor an RFC 3339 date-time with a "
            "UTC offset such as 2026-12-24T18:00:00+01:00",
        )
        return None

    def period(self, item: dict, path: Location, start_key: str, end_key: str) -> None:
        start = self.date_time(item.get(start_key), path + (start_key,))
        end = self.date_time(item.get(end_key), path + (end_key,))
        if start and end and end < start:
            self.add(path + (end_key,), f"is before {start_key} ({item[start_key]})")

    # ---- sections

    def check_share(self) -> None:
        share = self.doc.get("share")
        if not isinstance(share, dict):
            return
        for key, allowed, needed in (
            ("route_url", ROUTE_PLACEHOLDERS, {"to_lat", "to_lon"}),
            ("place_url", PLACE_PLACEHOLDERS, set()),
            ("page_url", frozenset(), set()),
            ("tile_url", TILE_PLACEHOLDERS, {"z", "x", "y"}),
        ):
            template = share.get(key)
            if isinstance(template, str):
                problem = _template_problem(template, allowed, needed)
                if problem:
                    self.add(("share", key), problem)
        if isinstance(share.get("page_url"), str) and "#" in share["page_url"]:
            self.add(("share", "page_url"), "must not hold a '#': the route goes into the page's fragment")
        if "tile_url" in share and not share.get("tile_attribution"):
            self.add(("share", "tile_attribution"), "is needed with tile_url: map tiles' licences ask to be credited")
        self.text(share, ("share",), "tile_attribution")

    def check_place(self, place: dict, path: Location) -> None:
        self.text(place, path, "name")
        self.text(place, path, "description")
        self.opening_hours(place.get("opening_hours"), path + ("opening_hours",))
        self.image(place, path)

    def opening_hours(self, value: object, path: Location) -> None:
        if isinstance(value, str) and value:
            problem = _opening_hours_problem(value)
            if problem:
                self.add(path, problem)

    def check_event(self, event: dict, path: Location) -> None:
        self.text(event, path, "title")
        self.text(event, path, "summary")
        self.image(event, path)
        start = self.date_or_date_time(event.get("start"), path + ("start",))
        end = self.date_or_date_time(event.get("end"), path + ("end",))
        if start is not None and end is not None:
            if _is_all_day(start) != _is_all_day(end):
                self.add(path + ("end",), "must be of the same kind as start: both dates or both date-times")
            elif end < start:
                self.add(path + ("end",), f"is before start ({event['start']})")
        rule = event.get("rrule")
        if isinstance(rule, str) and rule and start is not None:
            problem = _rrule_problem(rule, start)
            if problem:
                self.add(path + ("rrule",), problem)
        zone = event.get("timezone")
        if isinstance(zone, str) and not _zone_exists(zone):
            self.add(path + ("timezone",), f"{short(zone)} is not a known IANA time zone, e.g. \"America/New_York\"")
        exdates = event.get("exdates")
        if isinstance(exdates, list):
            for index, value in enumerate(exdates):
                excluded = self.date_or_date_time(value, path + ("exdates", index))
                if excluded is not None and start is not None and _is_all_day(excluded) != _is_all_day(start):
                    kind = "a date" if _is_all_day(start) else "a date-time"
                    self.add(path + ("exdates", index), f"must be {kind}, like start")
        if "place_id" in event and "location" in event:
            self.add(path + ("location",), "give either place_id or location, not both")
        self.reference(event.get("place_id"), "places", path + ("place_id",))
        self.references(event, "related_place_ids", "places", path)
        location = event.get("location")
        self.text(location, path + ("location",), "name")

    def check_campaign(self, campaign: dict, path: Location) -> None:
        self.text(campaign, path, "title")
        self.text(campaign, path, "text")
        self.image(campaign, path)
        self.period(campaign, path, "from", "until")
        self.references(campaign, "place_ids", "places", path)

    def check_notice(self, notice: dict, path: Location) -> None:
        self.text(notice, path, "text")
        self.period(notice, path, "from", "until")
        self.references(notice, "kiosk_ids", "kiosks", path)

    def check_page(self, page: dict, path: Location) -> None:
        self.text(page, path, "title")
        self.text(page, path, "body")
        for index, contact in _entries(page, "contacts"):
            contact_path = path + ("contacts", index)
            self.text(contact, contact_path, "name")
            self.text(contact, contact_path, "note")
            self.reference(contact.get("place_id"), "places", contact_path + ("place_id",))
            self.opening_hours(contact.get("hours"), contact_path + ("hours",))

    def check_transit(self) -> None:
        """Stops and routes are unique, departures name them and say when with an offset."""
        transit = self.doc.get("transit")
        if not isinstance(transit, dict):
            return
        self.time_zone(transit.get("timezone"), ("transit", "timezone"))
        known = {}
        for key in ("stops", "routes"):
            known[key] = set()
            for index, item in _entries(transit, key):
                item_id = item.get("id")
                if isinstance(item_id, str) and item_id in known[key]:
                    self.add(("transit", key, index, "id"), f"duplicate id {short(item_id)}: another of $.transit.{key} "
                             "already uses it")
                known[key].add(item_id)
        for index, stop in _entries(transit, "stops"):
            path = ("transit", "stops", index)
            self.text(stop, path, "name")
            self.references(stop, "kiosk_ids", "kiosks", path)
            self.references(stop, "place_ids", "places", path)
        departures = transit.get("departures")
        for index, departure in enumerate(departures if isinstance(departures, list) else []):
            path = ("transit", "departures", index)
            if not isinstance(departure, dict):
                self.add(path, f"must be an object with stop_id, route_id, trip_id, service_date and time, "
                               f"not {type_name(departure)}")
                continue
            self.departure_fields(departure, path)
            for key, list_name in (("stop_id", "stops"), ("route_id", "routes")):
                value = departure.get(key)
                if isinstance(value, str) and value not in known[list_name]:
                    self.add(path + (key,), f"refers to {short(value)}, but $.transit.{list_name} has no entry with that id")
            self.date_time(departure.get("time"), path + ("time",))

    def departure_fields(self, departure: dict, path: Location) -> None:
        """What the schema would say about one departure, in plain Python: feeds carry tens of thousands."""
        for key in ("stop_id", "route_id", "trip_id", "service_date", "time"):
            if key not in departure:
                self.add(path, f"has no {key}; every departure needs stop_id, route_id, trip_id, service_date and time")
        for key in ("stop_id", "route_id", "trip_id", "time", "headsign", "start_time", "service_date"):
            value = departure.get(key)
            if key in departure and not isinstance(value, str):
                self.add(path + (key,), f"must be a string, not {type_name(value)}")
        for key in ("stop_id", "route_id", "trip_id"):
            value = departure.get(key)
            if isinstance(value, str) and not 1 <= len(value) <= 255:
                self.add(path + (key,), "must be 1 to 255 characters long")
        if isinstance(departure.get("service_date"), str) and not GTFS_DATE_RE.match(departure["service_date"]):
            self.add(path + ("service_date",), f"{short(departure['service_date'])} must be the GTFS service date YYYYMMDD")
        if isinstance(departure.get("start_time"), str) and not GTFS_TIME_RE.match(departure["start_time"]):
            self.add(path + ("start_time",), f"{short(departure['start_time'])} must be a GTFS time HH:MM:SS")
        sequence = departure.get("stop_sequence")
        if "stop_sequence" in departure and (type(sequence) is not int or sequence < 0):
            self.add(path + ("stop_sequence",), "must be a whole number of at least 0")

    def check_map(self) -> None:
        for index, feature in _entries(self.doc.get("map"), "features"):
            path: Location = ("map", "features", index)
            properties = feature.get("properties")
            self.text(properties, path + ("properties",), "name")
            geometry = feature.get("geometry")
            _check_geometry(geometry, path + ("geometry",), self.add)
            if (
                isinstance(properties, dict)
                and properties.get("walk") is True
                and isinstance(geometry, dict)
                and isinstance(geometry.get("type"), str)
                and geometry["type"] not in WALK_GEOMETRIES
            ):
                self.add(
                    path + ("properties", "walk"),
                    f"is true on a {geometry['type']}; only LineString and MultiLineString join the walking network",
                )


# --------------------------------------------------------------------------- single values


@lru_cache(maxsize=64)
def _zone_exists(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, or ValueError for names like "../x"
        return False
    return True


@lru_cache(maxsize=64)
def _holiday_calendar_problem(country: str, subdivision: str | None) -> tuple[str, str] | None:
    """(field, problem) when `PH` could not be resolved for this country and subdivision."""
    import holidays  # only needed here, and slow to import

    supported = holidays.list_supported_countries()
    if country not in supported:
        return "country", f"\"{country}\" has no public holiday calendar, so PH in opening_hours cannot be resolved"
    if subdivision is not None and subdivision not in supported[country]:
        known = ", ".join(str(code) for code in supported[country][:20])
        return "subdivision", f"\"{subdivision}\" is not a subdivision of {country} with public holidays; known: {known}"
    return None


def _parse_date_time(value: str) -> tuple[datetime | None, str | None]:
    match = DATE_TIME_RE.match(value)
    if not match:
        return None, (
            f"{short(value)} is not an RFC 3339 date-time with a UTC offset, "
            "such as 2026-12-24T18:00:00+01:00 or 2026-12-24T17:00:00Z"
        )
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    try:
        if zulu:
            tz = timezone.utc
        else:
            if int(off_h) > 23 or int(off_m) > 59:
                raise ValueError("the UTC offset is out of range")
            offset = timedelta(hours=int(off_h), minutes=int(off_m))
            tz = timezone(-offset if sign == "-" else offset)
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        parsed = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tz)
    except ValueError as exc:
        return None, f"{short(value)} is not a real date-time: {exc}"
    return parsed, None


def _is_all_day(value: date | datetime) -> bool:
    return not isinstance(value, datetime)


@lru_cache(maxsize=8192)
def _opening_hours_problem(value: str) -> str | None:
    """None when `value` parses; cached because many shops share the same hours."""
    try:
        OpeningHours(value)
    except BaseException as exc:  # the Rust parser may raise a pyo3 PanicException (a BaseException)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return f"{short(value)} is not a valid OpenStreetMap opening_hours string{_parser_detail(str(exc))}"
    return None


def _parser_detail(message: str) -> str:
    position = re.search(r"-->\s*\d+:(\d+)", message)
    reason = re.search(r"^\s*=\s*(.+)$", message, re.MULTILINE)
    if position and reason:
        return f" (at character {position.group(1)}: {one_line(reason.group(1))})"
    if reason:
        return f" ({one_line(reason.group(1))})"
    return ""


_UTC_UNTIL = re.compile(r"^\d{8}T\d{6}Z\Z", re.ASCII)
_DATE_UNTIL = re.compile(r"^\d{8}\Z", re.ASCII)


@lru_cache(maxsize=4096)
def _rrule_problem(rule: str, start: date | datetime) -> str | None:
    if "\n" in rule or "\r" in rule or ":" in rule:
        return "must be a single RRULE value such as FREQ=WEEKLY;BYDAY=SA, without \"RRULE:\" or DTSTART"
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        name, _, value = part.partition("=")
        name = name.upper()
        if name in parts:
            return f"names {name} twice"
        parts[name] = value
    if "FREQ" not in parts:
        return "needs FREQ, e.g. FREQ=WEEKLY;BYDAY=SA"
    if "UNTIL" in parts and "COUNT" in parts:
        return "must not have both UNTIL and COUNT (RFC 5545)"
    until = parts.get("UNTIL")
    if until is not None:
        if _is_all_day(start) and not _DATE_UNTIL.match(until):
            return "UNTIL must be a date like 20261230 because start is a date (RFC 5545)"
        if not _is_all_day(start) and not _UTC_UNTIL.match(until):
            return "UNTIL must be a UTC date-time like 20261230T230000Z because start has a time (RFC 5545)"
    dtstart = start if isinstance(start, datetime) else datetime(start.year, start.month, start.day)
    try:
        rrulestr(rule, dtstart=dtstart)
    except Exception as exc:  # dateutil raises ValueError, KeyError, TypeError, OverflowError ...
        return f"is not a valid RFC 5545 recurrence rule: {one_line(str(exc)) or type(exc).__name__}"
    return None


def _template_problem(template: str, allowed: frozenset[str], needed: set[str]) -> str | None:
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(template) if name is not None]
    except ValueError:
        return "has an unmatched '{' or '}'; write a literal brace as '{{' or '}}'"
    names = {name for name, _, _ in fields}
    unknown = sorted(names - allowed)
    if unknown:
        known = " ".join("{" + name + "}" for name in sorted(allowed))
        return f"uses the unknown placeholder {{{unknown[0]}}}; the placeholders are {known}"
    if any(spec or conv for _, spec, conv in fields):
        return "placeholders take no format spec or conversion, e.g. {to_lat}, not {to_lat:.5f}"
    missing = sorted(needed - names)
    if missing:
        return f"must contain {' and '.join('{' + name + '}' for name in missing)}"
    return None


# --------------------------------------------------------------------------- GeoJSON

_NESTING = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def _check_geometry(geometry: object, path: Location, add, depth: int = 0) -> None:
    """RFC 7946 coordinates: [lon, lat] in range, lines of 2+ positions, closed rings of 4+."""
    if not isinstance(geometry, dict):
        return
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        if "geometries" not in geometry:
            add(path + ("geometries",), "is required but missing")
        elif isinstance(members, list) and depth < 8:
            for index, member in enumerate(members):
                _check_geometry(member, path + ("geometries", index), add, depth + 1)
        return
    if not isinstance(kind, str) or kind not in _NESTING:
        return
    if "coordinates" not in geometry:
        add(path + ("coordinates",), "is required but missing")
        return
    coordinates = geometry["coordinates"]
    if not isinstance(coordinates, list):
        return
    bad: list[tuple[Location, str]] = []
    _check_coordinates(coordinates, _NESTING[kind], kind, path + ("coordinates",), bad)
    if bad:
        first_path, message = bad[0]
        more = f" (and {len(bad) - 1} more problems in this geometry)" if len(bad) > 1 else ""
        add(first_path, message + more)


def _check_coordinates(value: list, nesting: int, kind: str, path: Location, bad: list) -> None:
    if nesting == 0:
        problem = _position_problem(value)
        if problem:
            bad.append((path, problem))
        return
    if nesting == 1 and kind in ("LineString", "MultiLineString") and len(value) < 2:
        bad.append((path, "a line needs at least 2 positions"))
    if nesting == 1 and kind in ("Polygon", "MultiPolygon"):
        if len(value) < 4:
            bad.append((path, "a polygon ring needs at least 4 positions"))
        elif isinstance(value[0], list) and value[0] != value[-1]:
            bad.append((path, "a polygon ring must end at its first position"))
    for index, member in enumerate(value):
        if isinstance(member, list) and nesting == 1:
            # Positions are most of a map: their paths are only built for the ones with a problem.
            problem = _position_problem(member)
            if problem:
                bad.append((path + (index,), problem))
        elif isinstance(member, list):
            _check_coordinates(member, nesting - 1, kind, path + (index,), bad)
        else:
            expected = "a [lon, lat] position" if nesting == 1 else "a list of positions"
            bad.append((path + (index,), f"must be {expected}, not {type_name(member)}"))


def _finite_number(value: object) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float is no coordinate either
        return False


def _position_problem(position: list) -> str | None:
    if len(position) == 2:
        lon, lat = position
        # The usual [lon, lat] of two floats in range, decided before the general checks below.
        if type(lon) is float and type(lat) is float and -180 <= lon <= 180 and -90 <= lat <= 90:
            return None
    if not 2 <= len(position) <= 3 or not all(map(_finite_number, position)):
        return "must be a [lon, lat] position of 2 (or 3, with altitude) numbers"
    lon, lat = position[0], position[1]
    if not -180 <= lon <= 180:
        return f"longitude {lon} is outside [-180, 180]; GeoJSON positions are [lon, lat]"
    if not -90 <= lat <= 90:
        return f"latitude {lat} is outside [-90, 90]; GeoJSON positions are [lon, lat]"
    return None
