"""Events from iCalendar files (RFC 5545) into feed events, one series (UID) at a time.

A series' newest revision wins; RANGE=THISANDFUTURE changes split it, a changed single occurrence
(RECURRENCE-ID) becomes an exdate of its series plus an event of its own, and each RDATE an event
of its own (sync/build/ical_series.py); each component is converted by sync/build/ical_component.py.
X-WR-TIMEZONE applies to floating and UTC times. What cannot be used is reported and left out.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import x_wr_timezone
from icalendar import Calendar

from sync.build import ical_series
from sync.build.common import ID_RE, SourceError, slug, unique_id
from sync.build.ical_component import Converter, Skip
from sync.build.images import ImageFiles
from sync.build.report import BuildReport


def read_calendar(path: Path) -> Calendar:
    try:
        return Calendar.from_ical(path.read_bytes())
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    except Exception as exc:  # icalendar raises ValueError and friends for broken files
        raise SourceError(f"{path} is not a readable iCalendar file: {exc}") from None


def read_events(path: Path, *, city_tz: ZoneInfo, locales: list[str], default_locale: str,
                places: list[dict], taken_ids: set[str], images: ImageFiles, report: BuildReport) -> list[dict]:
    """The feed events of one .ics file; what cannot be converted is reported and left out."""
    calendar = _standard_zones(read_calendar(path), path, report)
    converter = Converter(path, city_tz, locales, default_locale, places, images, report)
    components = calendar.walk("VEVENT")
    series: dict[str, list] = {}
    for index, component in enumerate(components):
        uid = str(component.get("UID", "")).strip()
        series.setdefault(uid or f"\0{index}", []).append(component)  # without UID: a series of its own
    events: list[dict] = []
    for uid, group in series.items():
        uid = "" if uid.startswith("\0") else uid
        try:
            events += _Series(uid, group, converter, taken_ids).events()
        except Exception as exc:  # a series this code does not foresee must not stop the other series
            report.drop("calendar events that cannot be converted (left out)",
                        f"{path.name} {uid or 'VEVENT without UID'}: {type(exc).__name__}: {exc}")
    report.source(f"calendar {path}: {len(components)} VEVENTs, {len(events)} events")
    return events


def _standard_zones(calendar: Calendar, path: Path, report: BuildReport) -> Calendar:
    """X-WR-TIMEZONE (Google, Apple) applied to floating and UTC times, as RFC 5545 readers do."""
    name = calendar.get("X-WR-TIMEZONE")
    if name is None:
        return calendar
    try:
        standard = x_wr_timezone.to_standard(calendar)
    except Exception as exc:  # an unknown zone name: ZoneInfoNotFoundError, ValueError
        report.note(f"{path.name}: X-WR-TIMEZONE {str(name)!r} is not a known time zone, so it was ignored ({exc})")
        return calendar
    report.note(f"{path.name}: X-WR-TIMEZONE {name} applied to times without a zone and to UTC times")
    return standard


class _Series:
    """All VEVENTs of one UID: the newest master, its changed occurrences, its RDATEs."""

    def __init__(self, uid: str, components: list, converter: Converter, taken_ids: set[str]) -> None:
        self.uid = uid
        self.converter = converter
        self.report = converter.report
        self.taken_ids = taken_ids
        self.name = converter.path.name
        self.masters = [c for c in components if "RECURRENCE-ID" not in c]
        self.changes = [c for c in components if "RECURRENCE-ID" in c]

    def events(self) -> list[dict]:
        master = self.newest_master()
        changes = self.newest_changes(master)
        event = self.convert_master(master) if master is not None else None
        if event is None:
            return [e for e in (self.single(c, where) for c, where, _ in changes) if e is not None]
        all_day = "T" not in event["start"]
        zone = None if all_day else ZoneInfo(event.get("timezone", self.converter.city_tz.key))
        extra_dates = self.converter.dates(master, "RDATE", f"{self.name} {self.uid}")
        changes = self.without_obsolete(master, event, changes, extra_dates, zone, all_day)
        cuts, singles = [], []
        for component, where, original in changes:
            repeats = "rrule" in event and _this_and_future(component)
            (cuts if repeats else singles).append((component, where, original))
        pieces = self.split(event, zone, cuts, all_day)
        replaced = set()
        for component, where, original in singles:
            piece = ical_series.piece_for(pieces, original, zone)
            if piece.event is not None and "rrule" in piece.event:
                excluded = ical_series.feed_value(ical_series.moved(original, piece, zone), all_day,
                                                  self.converter.city_tz)
                piece.event["exdates"] = sorted(set(piece.event.get("exdates", [])) | {excluded})
            replaced.add(_point(original, zone))
        found = [piece.event for piece in pieces if piece.event is not None]
        found += self.rdates(extra_dates, event, pieces, zone, all_day, replaced)
        found += [e for e in (self.single(c, where) for c, where, _ in singles) if e is not None]
        return found

    def without_obsolete(self, master, event: dict, changes: list, extra_dates: list, zone, all_day: bool) -> list:
        """Changes of an older revision to occurrences the newest series no longer has are left out.

        As the reference does, only for changes that carry a rule, RDATE or EXDATE of their own: the
        copies of the whole series that Thunderbird and some servers write into each change.
        """
        if not changes:
            return changes
        newest = ical_series.revision(master)[0]
        first = _point(ical_series.moment(event["start"]), zone)
        rule = ical_series.series_rule(event, zone)
        excluded = {_point(ical_series.moment(x), zone) for x in event.get("exdates", [])}
        extra = set()
        for value in extra_dates:
            try:
                extra.add(self.rdate(value, all_day, zone)[0])
            except Skip:
                continue
        kept = []
        for component, where, original in changes:
            point = _point(original, zone)
            has = point not in excluded and (point in extra or ical_series.occurs_at(rule, first, point))
            stale = ical_series.revision(component)[0] < newest and any(
                name in component for name in ("RRULE", "RDATE", "EXDATE"))
            if stale and not has:
                self.report.drop("changed occurrences the newest revision of their series no longer has (left out)",
                                 f"{where}: {_revision_text(component)}")
                continue
            kept.append((component, where, original))
        return kept

    def newest_master(self):
        if not self.masters:
            return None
        master, older = ical_series.newest(self.masters)
        for component in older:
            self.report.drop("older revisions of calendar events (the newest one is used)",
                             f"{self.name} {self.uid}: {_revision_text(component)}, kept {_revision_text(master)}")
        return master

    def newest_changes(self, master) -> list[tuple[object, str, datetime]]:
        """(component, where, original start) of each changed occurrence, newest revision only."""
        all_day = master is not None and not isinstance(_decoded(master, "DTSTART"), datetime)
        by_original: dict[datetime, list] = {}
        for component in self.changes:
            try:
                original = self.converter.point(component.decoded("RECURRENCE-ID"), all_day=all_day)
            except Exception as exc:
                self.report.drop("calendar events that cannot be converted (left out)",
                                 f"{self.name} {self.uid}: its RECURRENCE-ID cannot be read ({exc})")
                continue
            by_original.setdefault(original, []).append(component)
        found = []
        for original, group in by_original.items():
            change, older = ical_series.newest(group)
            where = f"{self.name} {self.uid} RECURRENCE-ID {change['RECURRENCE-ID'].to_ical().decode()}"
            for component in older:
                self.report.drop("older revisions of calendar events (the newest one is used)",
                                 f"{where}: {_revision_text(component)}, kept {_revision_text(change)}")
            found.append((change, where, original))
        return found

    def convert_master(self, master) -> dict | None:
        where = f"{self.name} {self.uid or 'VEVENT without UID'}"
        if _cancelled(master):
            self.report.drop("cancelled events (left out)", where)
            return None
        try:
            event = self.converter.event(master, where)
        except Skip as exc:
            self.report.drop("calendar events that cannot be converted (left out)", f"{where}: {exc}")
            return None
        event["id"] = unique_id(_event_id(self.uid, event), self.taken_ids)
        return event

    def split(self, event: dict, zone, cuts: list, all_day: bool) -> list[ical_series.Piece]:
        """The series cut at each THISANDFUTURE change; a cancelled one ends the series there."""
        changed = []  # (original start, converted change or None)
        for component, where, original in sorted(cuts, key=lambda cut: cut[2]):
            converted = None
            if not _cancelled(component):
                try:
                    converted = self.converter.event(component, where)
                except Skip as exc:
                    self.report.drop("calendar events that cannot be converted (left out)", f"{where}: {exc}")
            changed.append((original, converted))
        city_tz = self.converter.city_tz
        inputs = [(original, converted or {"start": ical_series.feed_value(original, all_day, city_tz)})
                  for original, converted in changed]
        pieces, problems = ical_series.split(event, zone, inputs, city_tz)
        for problem in problems:
            self.report.drop("calendar events that cannot be converted (left out)", f"{self.name} {self.uid}: {problem}")
        for piece, (_, converted) in zip([p for p in pieces if p.since is not None], changed):
            if converted is None:
                piece.event = None  # cancelled from here on, or not convertible
            elif piece.event is not None:
                piece.event["id"] = self.stamped_id(piece.event["start"], "from-")
        return pieces

    def rdates(self, extra_dates: list, event: dict, pieces, zone, all_day: bool, replaced: set) -> list[dict]:
        """Each RDATE as an event of its own, unless the rule or the start already has it."""
        found = []
        first = ical_series.moment(event["start"]) if all_day else ical_series.moment(event["start"]).astimezone(zone)
        rule = ical_series.series_rule(event, zone) if "rrule" in event else None
        excluded = {_point(ical_series.moment(x), zone) for x in event.get("exdates", [])}
        for value in extra_dates:
            where = f"{self.name} {self.uid} RDATE"
            try:
                point, until = self.rdate(value, all_day, zone)
            except Skip as exc:
                self.report.drop("calendar values that cannot be read (left out)", f"{where}: {exc}")
                continue
            if point in excluded or point in replaced:
                continue
            piece = ical_series.piece_for(pieces, point, zone)
            if piece.event is None:
                continue
            on_rule = ical_series.occurs_at(rule, first, point)  # original times: pieces share them out
            if on_rule and until is None:
                continue  # RFC 5545: the recurrence set has each start once
            start = ical_series.moved(point, piece, zone)
            base = piece.event
            if on_rule:  # a PERIOD gives that occurrence its own end
                base["exdates"] = sorted(set(base.get("exdates", [])) | {
                    ical_series.feed_value(start, all_day, self.converter.city_tz)})
            length = ical_series.moment(base["end"]) - ical_series.moment(base["start"]) if "end" in base else None
            end = ical_series.moved(until, piece, zone) if until is not None else (
                start + length if length is not None else None)
            single = {k: v for k, v in base.items() if k not in ("id", "rrule", "exdates", "timezone")}
            single["start"] = ical_series.feed_value(start, all_day, self.converter.city_tz)
            if end is not None:
                single["end"] = ical_series.feed_value(end, all_day, self.converter.city_tz)
            elif "end" in single:
                del single["end"]
            single["id"] = self.stamped_id(single["start"])
            found.append(single)
        return found

    def rdate(self, value, all_day: bool, zone) -> tuple[datetime, datetime | None]:
        """An RDATE value as (start, end of its PERIOD or None) on the series' clock."""
        if isinstance(value, tuple):
            begin, finish = value
            point = self.converter.point(begin, all_day=all_day)
            until = point + finish if isinstance(finish, timedelta) else self.converter.point(finish, all_day=all_day)
            if all_day:
                until -= timedelta(days=1)  # the feed's end is the last day
        else:
            point, until = self.converter.point(value, all_day=all_day), None
        return _point(point, zone), None if until is None else _point(until, zone)

    def single(self, component, where: str) -> dict | None:
        """A changed occurrence as an event of its own."""
        if _cancelled(component):
            return None
        try:
            event = self.converter.event(component, where)
        except Skip as exc:
            self.report.drop("calendar events that cannot be converted (left out)", f"{where}: {exc}")
            return None
        for key in ("rrule", "exdates", "timezone"):  # a change is one occurrence
            event.pop(key, None)
        event["id"] = self.stamped_id(event["start"])
        return event

    def stamped_id(self, start: str, prefix: str = "") -> str:
        stamp = re.sub(r"[^0-9T]", "", start[:16]).lower()
        return unique_id(slug(f"{self.uid}-{prefix}{stamp}", "event"), self.taken_ids)


def _point(value: datetime, zone) -> datetime:
    return value if zone is None else value.astimezone(zone)


def _cancelled(component) -> bool:
    return str(component.get("STATUS", "")).upper() == "CANCELLED"


def _this_and_future(component) -> bool:
    return str(component["RECURRENCE-ID"].params.get("RANGE", "")).upper() == "THISANDFUTURE"


def _decoded(component, name: str):
    try:
        return component.decoded(name)
    except Exception:
        return None


def _revision_text(component) -> str:
    sequence, modified, stamp = ical_series.revision(component)
    parts = [f"SEQUENCE {sequence}"]
    if modified.year > 1:
        parts.append(f"LAST-MODIFIED {modified:%Y-%m-%dT%H:%M:%SZ}")
    elif stamp.year > 1:
        parts.append(f"DTSTAMP {stamp:%Y-%m-%dT%H:%M:%SZ}")
    return " ".join(parts)


def _event_id(uid: str, event: dict) -> str:
    if uid and ID_RE.match(uid):
        return uid
    if uid:
        return slug(uid, "event")
    title = event["title"] if isinstance(event["title"], str) else next(iter(event["title"].values()))
    return slug(f"{title}-{event['start'][:10]}", "event")
