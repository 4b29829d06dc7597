"""Re-import OpenStreetMap, calendars and the shop CSV through sync/build, exactly as `kiosk-feed build` reads them.

The build gets the desk's own content as its base; the desk then keeps only what the sources made:
the map, the places and the calendars' events. What the build left out is kept in the sources' report.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from desk.content.feedmap import base_input, sources
from desk.content.models import Event, SourceContent
from sync.build.assemble import BuildFailed, BuildInputs, build_feed
from sync.build.common import SourceError, parse_bbox
from sync.fetch import FetchError, Fetcher

CALENDAR_LIMIT = 20 * 1024 * 1024  # a city's event calendar is a few hundred kB; this stops a runaway download


class ImportFailed(Exception):
    """Nothing was changed; the message says why and `problems` lists every problem, one line each."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass
class SourceList:
    """Where the sources are: an OSM extract (with a box or boundary), calendars (files or URLs), the shop CSV."""

    osm: Path | None = None
    bbox: str = ""
    boundary: Path | None = None
    calendars: list[str] = field(default_factory=list)
    places: Path | None = None
    allow_insecure_http: bool = False

    @classmethod
    def from_settings(cls) -> "SourceList":
        def path(value: str) -> Path | None:
            return Path(value) if value else None
        return cls(osm=path(settings.DESK_SOURCE_OSM), bbox=settings.DESK_SOURCE_BBOX,
                   boundary=path(settings.DESK_SOURCE_BOUNDARY), calendars=list(settings.DESK_SOURCE_CALENDARS),
                   places=path(settings.DESK_SOURCE_PLACES_CSV))

    def describe(self) -> str:
        parts = [f"OpenStreetMap {self.osm}" if self.osm else "", *(f"calendar {c}" for c in self.calendars),
                 f"shop list {self.places}" if self.places else ""]
        return "; ".join(part for part in parts if part)


@dataclass
class Imported:
    places: int
    map_features: int
    events: int
    report: str


def reimport(sources_list: SourceList, now: datetime, fetcher: Fetcher | None = None) -> Imported:
    """Build from the sources with the desk's content as base; keep map, places and calendar events. ImportFailed else."""
    if not sources_list.describe():
        raise ImportFailed("No sources are configured: set DESK_SOURCE_OSM, DESK_SOURCE_CALENDARS or "
                           "DESK_SOURCE_PLACES_CSV (docs/desk.md), or give them as options.")
    current = sources()
    base = base_input()
    base["events"] = []  # the desk's own events would make the calendars' events take new ids; they win later anyway
    if sources_list.osm is not None:  # the extract gives all places and the map anew
        base["places"] = []
        base.pop("map", None)
    with tempfile.TemporaryDirectory(prefix="desk-import-") as work_name:
        work = Path(work_name)
        base_path = work / "base.json"
        base_path.write_text(json.dumps(base, ensure_ascii=False), encoding="utf-8")
        media_images = Path(settings.DESK_MEDIA_DIR) / "images"
        media_images.mkdir(parents=True, exist_ok=True)
        # the base's images are the desk's; a source's images are looked for beside it, then among the desk's
        (work / "images").symlink_to(media_images.resolve(), target_is_directory=True)
        (work / "out").mkdir()
        (work / "out" / "images").symlink_to(media_images.resolve(), target_is_directory=True)
        calendars = [_calendar_file(where, work, index, now, sources_list.allow_insecure_http, fetcher)
                     for index, where in enumerate(sources_list.calendars)]
        try:
            inputs = BuildInputs(base=base_path, out_dir=work / "out", osm=sources_list.osm,
                                 bbox=parse_bbox(sources_list.bbox) if sources_list.bbox else None,
                                 boundary=sources_list.boundary, ics=calendars, places=sources_list.places)
            build = build_feed(inputs, now=now)
        except BuildFailed as exc:
            raise ImportFailed(f"Nothing was imported: {exc}.", exc.problems) from None
        except (SourceError, ValueError) as exc:
            raise ImportFailed(f"Nothing was imported: {exc}.") from None
        build.images.write()  # into work/out/images, which is the desk's image folder
    taken = _desk_event_ids()
    events = [event for event in build.feed["events"] if event["id"] not in taken]
    report = build.report.render()
    with transaction.atomic():
        row = SourceContent.objects.select_for_update().first() or current
        row.map = build.feed.get("map", {})
        row.places = build.feed["places"]
        row.events = events
        row.report = report
        row.origin = sources_list.describe()[:500]
        row.imported_at = now
        row.save()
    return Imported(len(row.places), len(row.map.get("features", [])), len(events), report)


def _desk_event_ids() -> set[str]:
    return set(Event.objects.values_list("feed_id", flat=True))


def _calendar_file(where: str, work: Path, index: int, now: datetime, allow_insecure_http: bool,
                   fetcher: Fetcher | None) -> Path:
    """A calendar file as it is, or a calendar URL downloaded into `work`."""
    if urlsplit(where).scheme not in ("http", "https"):
        path = Path(where)
        if not path.is_file():
            raise ImportFailed(f"Nothing was imported: the calendar file {path} does not exist.")
        return path
    target = work / f"calendar-{index}.ics"
    own = fetcher is None
    fetcher = fetcher or Fetcher(allow_insecure_http=allow_insecure_http)
    try:
        with target.open("wb") as sink:
            fetcher.get(where, what="the calendar", limit=CALENDAR_LIMIT, now=now, sink=sink)
    except FetchError as exc:
        raise ImportFailed(f"Nothing was imported: {exc}") from None
    finally:
        if own:
            fetcher.close()
    return target
