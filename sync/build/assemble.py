"""`kiosk-feed build`: base file + OpenStreetMap + calendars + CSV overlay -> one valid feed.json.

Order: the base (city, kiosks, pages, campaigns, notices, maybe a hand-drawn map) -> OSM map and
places -> the CSV overlay (facts for places, or new places) -> events (matched to places) ->
references to anything left out are removed -> the walking network is checked -> validation with
sync.feed.problems. Nothing is written unless the result is a valid feed.
"""
from __future__ import annotations

import copy
import json
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sync.build import gtfs as timetable, ical, osm, places_csv
from sync.build.common import SourceError, counted, plural
from sync.build.images import ImageFiles
from sync.build.boundary import load_boundary
from sync.build.network import ATTACH_LIMIT_M, check_network
from sync.build.report import BuildReport
from sync.feed import FORMAT, FORMAT_VERSION, FeedUnreadable, parse_json, problems
from sync.files import write_bytes_atomically

FEED_NAME = "feed.json"
REPORT_NAME = "build-report.txt"


class BuildFailed(Exception):
    """The sources make no valid feed; `.problems` lists why, one line each."""

    def __init__(self, message: str, problems: list[str] | None = None, report: BuildReport | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []
        self.report = report


@dataclass
class BuildInputs:
    base: Path
    out_dir: Path
    osm: Path | None = None
    bbox: tuple[float, float, float, float] | None = None
    boundary: Path | None = None  # .poly or GeoJSON polygon: only OpenStreetMap data inside is used
    ics: list[Path] = field(default_factory=list)
    places: Path | None = None
    sequence: int | None = None
    generated_at: str | None = None
    attach_limit_m: float = ATTACH_LIMIT_M
    gtfs: Path | None = None  # GTFS timetable: departures of the stops near kiosks and transit places
    walk_m: float = timetable.WALK_LIMIT_M


@dataclass
class Build:
    feed: dict
    report: BuildReport
    images: ImageFiles

    def dumps(self) -> bytes:
        """Deterministic bytes: sorted keys, indent 1, UTF-8 without escapes, trailing newline."""
        return (json.dumps(self.feed, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")

    def write(self, out_dir: Path) -> list[Path]:
        """DIR/feed.json, DIR/build-report.txt and the copied images; a stale feed.json.sig is removed."""
        out_dir.mkdir(parents=True, exist_ok=True)
        written = self.images.write()
        target = out_dir / FEED_NAME
        write_bytes_atomically(target, self.dumps())
        stale = out_dir / (FEED_NAME + ".sig")
        if stale.exists():
            stale.unlink()  # it signed the previous bytes; a terminal would refuse the pair anyway
            self.report.note(f"removed the old signature {stale}; sign the new feed with `kiosk-feed sign`")
        write_bytes_atomically(out_dir / REPORT_NAME, self.report.render().encode("utf-8"))
        return [target, out_dir / REPORT_NAME, *written]


def build_feed(inputs: BuildInputs, *, now: datetime | None = None) -> Build:
    """The feed the sources make, validated; BuildFailed when it would not be valid."""
    now = now or datetime.now(timezone.utc)
    report = BuildReport()
    feed = _read_base(inputs.base, report)
    city = feed["city"]
    tz = zoneinfo.ZoneInfo(city["timezone"])
    locales, default_locale = list(city["locales"]), city["default_locale"]
    images = ImageFiles(Path(inputs.out_dir), report)
    images.fill_base_images(feed, inputs.base.parent)
    feed.setdefault("places", [])
    feed.setdefault("events", [])
    for key in ("kiosks", "campaigns", "notices", "pages"):
        feed.setdefault(key, [])

    if inputs.osm is not None:
        boundary = load_boundary(inputs.boundary) if inputs.boundary is not None else None
        found = osm.read_osm(inputs.osm, bbox=inputs.bbox, boundary=boundary, locales=locales,
                             default_locale=default_locale, report=report)
        feed.setdefault("map", {"type": "FeatureCollection", "features": []})
        feed["map"].setdefault("features", []).extend(found.features)
        taken = {place["id"] for place in feed["places"]}
        for place in found.places:
            if place["id"] in taken:
                report.drop("OpenStreetMap places whose id the base already uses (the base wins)", place["id"])
            else:
                feed["places"].append(place)
    if inputs.places is not None:
        feed["places"] = places_csv.apply_overlay(inputs.places, feed["places"], locales=locales,
                                                  default_locale=default_locale, images=images, report=report)
    generated_at = inputs.generated_at or now.astimezone(tz).isoformat(timespec="seconds")
    if inputs.gtfs is not None:
        feed["transit"] = timetable.read_transit(inputs.gtfs, kiosks=feed["kiosks"], places=feed["places"],
                                            window=_transit_window(generated_at, feed.get("valid_until")),
                                            walk_m=inputs.walk_m, report=report)
    taken_events = {event.get("id") for event in feed["events"]}
    for path in inputs.ics:
        feed["events"] += ical.read_events(path, city_tz=tz, locales=locales, default_locale=default_locale,
                                           places=feed["places"], taken_ids=taken_events, images=images,
                                           report=report)
    if "map" in feed:
        check_network(feed, report, limit_m=inputs.attach_limit_m)
    _remove_broken_references(feed, report)

    feed["format"], feed["format_version"] = FORMAT, FORMAT_VERSION
    feed["sequence"] = _sequence(inputs, now)
    feed["generated_at"] = generated_at
    found_problems = problems(feed)
    if _leave_out_refused_events(feed, found_problems, report):
        found_problems = problems(feed)
    _count(feed, report)
    if found_problems:
        raise BuildFailed(f"the sources do not make a valid feed ({plural(len(found_problems), 'problem')}); "
                          "nothing was written", found_problems, report)
    return Build(feed, report, images)


def _read_base(path: Path, report: BuildReport) -> dict:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read the base file {path}: {exc.strerror or exc}") from None
    try:
        base = parse_json(raw, str(path))
    except FeedUnreadable as exc:
        raise SourceError(str(exc)) from None
    if not isinstance(base, dict):
        raise SourceError(f"{path} must hold a JSON object with at least `city`")
    city = base.get("city")
    needed = ("timezone", "default_locale", "locales")
    if not isinstance(city, dict) or any(key not in city for key in needed):
        raise SourceError(f"{path} must give city.timezone, city.default_locale and city.locales "
                          "(the build reads times and names with them)")
    try:
        zoneinfo.ZoneInfo(str(city["timezone"]))
    except Exception:
        raise SourceError(f"{path}: city.timezone {city['timezone']!r} is not an IANA time zone such as "
                          "Europe/Berlin") from None
    report.source(f"base {path}: {', '.join(sorted(k for k in base if k not in ('format', 'format_version')))}")
    return copy.deepcopy(base)


def _transit_window(generated_at: str, valid_until: object) -> timetable.Window:
    """Departures for the feed's validity: from generated_at to valid_until, else for DEFAULT_DAYS."""
    try:
        start = datetime.fromisoformat(generated_at)
        end = datetime.fromisoformat(valid_until) if isinstance(valid_until, str) else None
    except ValueError as exc:
        raise SourceError(f"cannot tell which departures to keep: {exc}; give --generated-at and the base's "
                          "valid_until as RFC 3339 date-times with an offset") from None
    if start.tzinfo is None or (end is not None and end.tzinfo is None):
        raise SourceError("cannot tell which departures to keep: generated_at and valid_until need a UTC offset")
    return timetable.Window(start, end if end is not None else start + timedelta(days=timetable.DEFAULT_DAYS))


def _sequence(inputs: BuildInputs, now: datetime) -> int:
    """--sequence, else one more than the feed already in DIR, else the UTC minute as YYYYMMDDHHMM."""
    if inputs.sequence is not None:
        return inputs.sequence
    previous = Path(inputs.out_dir) / FEED_NAME
    try:
        value = json.loads(previous.read_bytes()).get("sequence")
        if type(value) is int and value > 0:
            return value + 1
    except (OSError, ValueError, AttributeError):
        pass
    return int(now.astimezone(timezone.utc).strftime("%Y%m%d%H%M"))


def _remove_broken_references(feed: dict, report: BuildReport) -> None:
    """References to places left out by the build are removed, so the feed stays valid."""
    places = {place["id"] for place in feed["places"]}
    reason = "references to places that were left out (removed)"
    for event in feed["events"]:
        if "place_id" in event and event["place_id"] not in places:
            report.drop(reason, f"event {event['id']}: place_id {event.pop('place_id')}")
        if "related_place_ids" in event:
            missing = [p for p in event["related_place_ids"] if p not in places]
            for place_id in missing:
                report.drop(reason, f"event {event['id']}: related place {place_id}")
            event["related_place_ids"] = [p for p in event["related_place_ids"] if p in places]
            if not event["related_place_ids"]:
                del event["related_place_ids"]
    kept = []
    for campaign in feed["campaigns"]:
        ids = campaign.get("place_ids", [])
        for place_id in [p for p in ids if p not in places]:
            report.drop(reason, f"campaign {campaign.get('id')}: place {place_id}")
        campaign["place_ids"] = [p for p in ids if p in places]
        if campaign["place_ids"]:
            kept.append(campaign)
        else:
            report.drop("campaigns with none of their places left (left out)", str(campaign.get("id")))
    feed["campaigns"] = kept
    for page in feed["pages"]:
        for contact in page.get("contacts", []):
            if "place_id" in contact and contact["place_id"] not in places:
                report.drop(reason, f"page {page.get('id')} contact: place {contact.pop('place_id')}")


_EVENT_PROBLEM = re.compile(r"^\$\.events\[(\d+)\](\.location)?")


def _leave_out_refused_events(feed: dict, found_problems: list[str], report: BuildReport) -> bool:
    """Events the feed rules refuse are left out with their problems: one never stops the rest.

    A location alone that is refused (outside the city's area, as a calendar's trip to a fair
    elsewhere, or a broken GEO) costs the event its route, not its place in the calendar.
    """
    refused: dict[int, list[str]] = {}
    bad_location: dict[int, list[str]] = {}
    for line in found_problems:
        match = _EVENT_PROBLEM.match(line)
        if match:
            (bad_location if match.group(2) else refused).setdefault(int(match.group(1)), []).append(line)
    for index in sorted(bad_location):
        if index not in refused:
            event = feed["events"][index]
            del event["location"]
            report.drop("event locations the feed rules refuse (the event shows without a route)",
                        f"{event.get('id')}: {'; '.join(bad_location[index])}")
    for index in sorted(refused, reverse=True):
        event = feed["events"].pop(index)
        report.drop("events the feed rules refuse (left out)", f"{event.get('id')}: {'; '.join(refused[index])}")
    return bool(refused or bad_location)


def _count(feed: dict, report: BuildReport) -> None:
    places, events = feed["places"], feed["events"]
    recurring = sum(1 for e in events if "rrule" in e)
    report.counts[:0] = [  # before the walking-network line check_network wrote
        f"feed: sequence {feed['sequence']}, generated at {feed['generated_at']}",
        f"places: {len(places)} ({counted(p['kind'] for p in places)})",
        f"events: {len(events)} ({recurring} recurring)",
        f"kiosks {len(feed['kiosks'])}, campaigns {len(feed['campaigns'])}, "
        f"notices {len(feed['notices'])}, pages {len(feed['pages'])}",
    ]
    if "transit" in feed:
        transit = feed["transit"]
        report.count(f"transit: {len(transit['stops'])} stops, {len(transit['routes'])} routes, "
                     f"{len(transit['departures'])} departures")
    features = (feed.get("map") or {}).get("features") or []
    if features:
        report.count(f"map: {len(features)} features "
                     f"({counted((f.get('properties') or {}).get('layer', '?') for f in features)})")
