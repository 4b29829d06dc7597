"""Events from iCalendar files (RFC 5545) into feed events.

Times become RFC 3339 in the city's time zone (floating times are read as city time); all-day
events keep dates with the feed's inclusive `end`; RRULE travels as text (UNTIL in UTC, or a date
for all-day events); EXDATE becomes `exdates`; a changed single occurrence (RECURRENCE-ID) becomes
an exdate of its series plus an event of its own. Translations come from X-KIOSK-* properties.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import x_wr_timezone
from dateutil.rrule import rrulestr
from icalendar import Calendar

from sync.build import ical_series
from sync.build.common import (
    ID_RE, SourceError, fold, make_text, metres_between, slug, text_values, unique_id, website_problem,
)
from sync.build.images import ImageFiles
from sync.build.report import BuildReport

GEO_MATCH_M = 50.0
_UNTIL = re.compile(r"(?<![A-Z])UNTIL=([0-9TZ]+)")
_COUNT = re.compile(r"(?<![A-Z])COUNT=(-?[0-9]+)")


class _Skip(Exception):
    """This component cannot become a feed event; the message says why."""


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
    converter = _Converter(path, city_tz, locales, default_locale, places, images, report)
    components = calendar.walk("VEVENT")
    series: dict[str, list] = {}
    for index, component in enumerate(components):
        uid = str(component.get("UID", "")).strip()
        series.setdefault(uid or f"\0{index}", []).append(component)  # without UID: a series of its own
    events: list[dict] = []
    for uid, group in series.items():
        events += _Series("" if uid.startswith("\0") else uid, group, converter, taken_ids).events()
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

    def __init__(self, uid: str, components: list, converter: "_Converter", taken_ids: set[str]) -> None:
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
        changes = self.without_obsolete(master, event, changes, zone, all_day)
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
        found += self.rdates(master, event, pieces, zone, all_day, replaced)
        found += [e for e in (self.single(c, where) for c, where, _ in singles) if e is not None]
        return found

    def without_obsolete(self, master, event: dict, changes: list, zone, all_day: bool) -> list:
        """Changes of an older revision to occurrences the newest series no longer has are left out.

        As the reference does, only for changes that carry a rule, RDATE or EXDATE of their own: the
        copies of the whole series that Thunderbird and some servers write into each change.
        """
        newest = ical_series.revision(master)[0]
        first = _point(ical_series.moment(event["start"]), zone)
        rule = ical_series.series_rule(event, zone)
        excluded = {_point(ical_series.moment(x), zone) for x in event.get("exdates", [])}
        extra = set()
        for value in _values(master, "RDATE"):
            try:
                extra.add(self.rdate(value, all_day, zone)[0])
            except _Skip:
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
        except _Skip as exc:
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
                except _Skip as exc:
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

    def rdates(self, master, event: dict, pieces, zone, all_day: bool, replaced: set) -> list[dict]:
        """Each RDATE as an event of its own, unless the rule or the start already has it."""
        found = []
        first = ical_series.moment(event["start"]) if all_day else ical_series.moment(event["start"]).astimezone(zone)
        rule = ical_series.series_rule(event, zone) if "rrule" in event else None
        excluded = {_point(ical_series.moment(x), zone) for x in event.get("exdates", [])}
        for value in _values(master, "RDATE"):
            where = f"{self.name} {self.uid} RDATE"
            try:
                point, until = self.rdate(value, all_day, zone)
            except _Skip as exc:
                self.report.drop("calendar values that cannot be read (left out)", f"{where}: {exc}")
                continue
            if point in excluded or point in replaced:
                continue
            piece = ical_series.piece_for(pieces, point, zone)
            if piece.event is None:
                continue
            on_rule = piece.since is None and ical_series.occurs_at(rule, first, point)
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
        except _Skip as exc:
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


def _values(component, name: str) -> list:
    raw = component.get(name)
    groups = raw if isinstance(raw, list) else [raw] if raw is not None else []
    return [item.dt for group in groups for item in group.dts]


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


def _xtext(component, name: str) -> str:
    """An X- property's value; RFC 5545 gives X- properties the TEXT type, so undo TEXT escaping."""
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    raw = value.to_ical().decode() if hasattr(value, "to_ical") else str(value)
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), raw)


class _Converter:
    def __init__(self, path, city_tz, locales, default_locale, places, images, report) -> None:
        self.path = path
        self.city_tz = city_tz
        self.locales = locales
        self.default_locale = default_locale
        self.others = [loc for loc in locales if loc != default_locale]
        self.places = places
        self.place_ids = {place["id"] for place in places}
        self.images = images
        self.report = report
        self.floating_noted = False

    # ---- times

    def when(self, value, *, all_day: bool) -> str:
        """A DTSTART-like value as the feed writes it: a date, or a date-time in the city's zone."""
        if isinstance(value, datetime):
            if all_day:
                return value.date().isoformat()
            return self.zoned(value).isoformat()
        if isinstance(value, date):
            if all_day:
                return value.isoformat()
            return self.zoned(datetime.combine(value, time())).isoformat()
        raise _Skip(f"{value!r} is not a date or date-time")

    def point(self, value, *, all_day: bool) -> datetime:
        """A date or date-time value as a comparable point: aware in the city's zone, or midnight for all-day events."""
        if all_day:
            day = value.date() if isinstance(value, datetime) else value
            return datetime.combine(day, time())
        if isinstance(value, datetime):
            return self.zoned(value)
        if isinstance(value, date):
            return self.zoned(datetime.combine(value, time()))
        raise _Skip(f"{value!r} is not a date or date-time")

    def zoned(self, value: datetime) -> datetime:
        if value.tzinfo is None:
            if not self.floating_noted:
                self.report.note(f"{self.path.name}: times without a time zone were read as {self.city_tz.key} time")
                self.floating_noted = True
            return value.replace(tzinfo=self.city_tz)
        return value.astimezone(self.city_tz)

    def text(self, component, standard: str, prefix: str) -> str | dict | None:
        values = {self.default_locale: str(component.get(standard, "") or "")}
        values.update({loc: _xtext(component, f"{prefix}-{loc.upper()}") for loc in self.others})
        return make_text(values, self.default_locale)

    # ---- one component

    def event(self, component, where: str) -> dict:
        if "DTSTART" not in component:
            raise _Skip("it has no DTSTART")
        try:
            start = component.decoded("DTSTART")
        except Exception as exc:
            raise _Skip(f"its DTSTART cannot be read ({exc})") from None
        all_day = not isinstance(start, datetime)
        event: dict = {"start": self.when(start, all_day=all_day)}
        end = self.end(component, start, all_day)
        if end is not None:
            event["end"] = end
        title = self.text(component, "SUMMARY", "X-KIOSK-SUMMARY")
        if title is None or self.default_locale not in text_values(title, self.default_locale):
            raise _Skip("it has no SUMMARY, so it would have no title")
        event["title"] = title
        summary = self.text(component, "DESCRIPTION", "X-KIOSK-DESCRIPTION")
        if summary is not None and self.default_locale in text_values(summary, self.default_locale):
            event["summary"] = summary
        if "RRULE" in component:
            rule = self.rrule(component, start, all_day, where)
            if rule:
                event["rrule"] = rule
                zone = self.series_zone(start, where)
                if zone:
                    event["timezone"] = zone
        exdates = self.exdates(component, all_day)
        if exdates:
            event["exdates"] = exdates
        self.extras(component, event, where)
        return event

    def end(self, component, start, all_day: bool) -> str | None:
        try:
            if "DTEND" in component:
                end = component.decoded("DTEND")
            elif "DURATION" in component:
                end = start + component.decoded("DURATION")
            else:
                return None
        except Exception as exc:
            raise _Skip(f"its DTEND or DURATION cannot be read ({exc})") from None
        if all_day:
            if isinstance(end, datetime):
                end = end.date()
            last = end - timedelta(days=1)  # iCalendar's end is exclusive; the feed's is the last day
            return max(last, start).isoformat()
        if not isinstance(end, datetime):
            end = datetime.combine(end, time())
        if self.zoned(end) < self.zoned(start):
            raise _Skip("its DTEND is before DTSTART")
        return self.when(end, all_day=False)

    def rrule(self, component, start, all_day: bool, where: str) -> str | None:
        rules = component["RRULE"]
        if isinstance(rules, list):
            self.report.note(f"{where}: several RRULEs; only the first is used")
            rules = rules[0]
        text = rules.to_ical().decode()
        if not text.strip():
            self.report.note(f"{where}: an empty RRULE was read as no repetition")
            return None
        count = _COUNT.search(text)
        if count and int(count.group(1)) <= 0:  # some exporters write COUNT=-1 for "no count"
            self.report.note(f"{where}: its RRULE's COUNT={count.group(1)} was read as no COUNT")
            text = ";".join(part for part in text.split(";") if not _COUNT.fullmatch(part))
        match = _UNTIL.search(text)
        if match:
            text = text.replace(match.group(0), "UNTIL=" + self.until(match.group(1), start, all_day))
        # Checked as the feed validator checks it: a UTC UNTIL for date-times, dates for all-day events.
        dtstart = start if isinstance(start, datetime) and start.tzinfo else (
            self.zoned(start) if isinstance(start, datetime) else datetime.combine(start, time()))
        try:
            if match and re.search(r"(?<![A-Z])COUNT=", text):
                text = self.one_limit(text, dtstart, where)
            limit = rrulestr(text, dtstart=dtstart)._until
        except Exception as exc:
            shown = text.replace("\\;", ";").replace("\\,", ",")
            raise _Skip(f"its RRULE {shown!r} is not a valid recurrence rule ({exc})") from None
        if limit is not None and limit < dtstart:
            raise _Skip(f"its RRULE ends (UNTIL) before its DTSTART, so it has no occurrence")
        return text

    def one_limit(self, text: str, dtstart: datetime, where: str) -> str:
        """UNTIL with COUNT (RFC 5545 forbids both) as the one that ends the series first."""
        parts = text.split(";")
        with_count = ";".join(p for p in parts if not p.upper().startswith("UNTIL="))
        with_until = ";".join(p for p in parts if not p.upper().startswith("COUNT="))
        counted = list(rrulestr(with_count, dtstart=dtstart))
        limit = rrulestr(with_until, dtstart=dtstart)._until  # dateutil's parsed UNTIL, on dtstart's clock
        kept, name = (with_count, "COUNT") if all(x <= limit for x in counted) else (with_until, "UNTIL")
        self.report.note(f"{where}: its RRULE had both UNTIL and COUNT; kept {name}, which ends the series first")
        return kept

    def series_zone(self, start, where: str) -> str | None:
        """The IANA zone a date-time series repeats in, when it is not the city's (floating: the city's)."""
        if not isinstance(start, datetime) or start.tzinfo is None:
            return None
        name = "UTC" if start.tzinfo is timezone.utc else getattr(start.tzinfo, "key", None)
        if name == self.city_tz.key:
            return None
        if name is None:
            self.report.note(f"{where}: its time zone {start.tzinfo} has no IANA name; terminals repeat it in "
                             f"{self.city_tz.key} wall-clock time")
        return name

    def until(self, value: str, start, all_day: bool) -> str:
        """UNTIL as the feed wants it: a date for all-day events, else a UTC date-time."""
        try:
            if "T" in value:
                moment = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
                if value.endswith("Z"):
                    moment = moment.replace(tzinfo=timezone.utc)
            else:
                moment = datetime.strptime(value, "%Y%m%d").date()
        except ValueError:
            raise _Skip(f"its RRULE has an UNTIL ({value}) that is not a date or date-time") from None
        if all_day:
            day = moment if not isinstance(moment, datetime) else (
                moment.astimezone(self.city_tz).date() if moment.tzinfo else moment.date())
            return day.strftime("%Y%m%d")
        if not isinstance(moment, datetime):
            moment = datetime.combine(moment, time(23, 59, 59))  # an UNTIL date includes that whole day
        if moment.tzinfo is None:
            zone = start.tzinfo if isinstance(start, datetime) and start.tzinfo else self.city_tz
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")

    def exdates(self, component, all_day: bool) -> list[str]:
        raw = component.get("EXDATE")
        groups = raw if isinstance(raw, list) else [raw] if raw is not None else []
        values = set()
        for group in groups:
            for item in group.dts:
                values.add(self.when(item.dt, all_day=all_day))
        return sorted(values)

    def extras(self, component, event: dict, where: str) -> None:
        if "CATEGORIES" in component:
            groups = component["CATEGORIES"]
            groups = groups if isinstance(groups, list) else [groups]
            names = [str(name) for group in groups for name in group.cats]
            if names:
                event["category"] = names[0]
        if "URL" in component:
            url = str(component["URL"])
            problem = website_problem(url)
            if problem:
                self.report.drop("event links that are not https:// (left out)", f"{where}: {url} {problem}")
            else:
                event["url"] = url
        if "X-KIOSK-FREE" in component:
            event["free"] = _xtext(component, "X-KIOSK-FREE").upper() == "TRUE"
        self.where(component, event, where)
        if "X-KIOSK-RELATED-PLACE-IDS" in component:
            related = [x.strip() for x in _xtext(component, "X-KIOSK-RELATED-PLACE-IDS").split(",") if x.strip()]
            unknown = [x for x in related if x not in self.place_ids]
            for missing in unknown:
                self.report.drop("related places that are not in the feed (left out)", f"{where}: {missing}")
            related = [x for x in related if x in self.place_ids]
            if related:
                event["related_place_ids"] = related
        if "X-KIOSK-IMAGE" in component:
            alt = make_text({loc: _xtext(component, f"X-KIOSK-IMAGE-ALT-{loc.upper()}") for loc in self.locales},
                            self.default_locale)
            image = self.images.image(_xtext(component, "X-KIOSK-IMAGE"), self.path.parent, owner=where, alt=alt)
            if image is not None:
                event["image"] = image

    def where(self, component, event: dict, where: str) -> None:
        """place_id from X-KIOSK-PLACE-ID or a matching place; else a location from GEO; else nothing."""
        explicit = _xtext(component, "X-KIOSK-PLACE-ID").strip()
        if explicit:
            if explicit in self.place_ids:
                event["place_id"] = explicit
                return
            self.report.drop("X-KIOSK-PLACE-ID values naming no place (the event keeps LOCATION/GEO if any)",
                             f"{where}: {explicit}")
        location = str(component.get("LOCATION", "") or "").strip()
        geo = component.get("GEO")
        lat = lon = None
        if geo is not None:
            try:
                lat, lon = float(geo.latitude), float(geo.longitude)
            except (AttributeError, TypeError, ValueError):
                self.report.drop("GEO values that cannot be read (left out)", f"{where}: {geo!r}")
        matched = self.match_place(location, lat, lon)
        if matched:
            event["place_id"] = matched
            return
        if lat is not None and lon is not None:
            name = make_text({self.default_locale: location, **{
                loc: _xtext(component, f"X-KIOSK-LOCATION-{loc.upper()}") for loc in self.others}},
                self.default_locale)
            event["location"] = {"name": name if name is not None else event["title"], "lat": lat, "lon": lon}
        elif location:
            self.report.drop("event locations without GEO that match no place (the event has no route)",
                             f"{where}: {location!r}")

    def match_place(self, location: str, lat: float | None, lon: float | None) -> str | None:
        """A place named exactly like LOCATION (or its part before a comma), else one within 50 m
        whose name LOCATION mentions; proximity alone would pick the nearest snack bar."""
        if not location:
            return None
        wanted = {fold(location), fold(location.split(",")[0])}
        named = []
        for place in self.places:
            names = {fold(name) for name in text_values(place.get("name"), self.default_locale).values()}
            if names & wanted:
                named.append(place)
        if len(named) == 1:
            return named[0]["id"]
        if lat is None or lon is None:
            return None
        folded = fold(location)
        near = [
            (metres_between(lat, lon, place["lat"], place["lon"]), place["id"])
            for place in self.places
            if any(name and name in folded for name in
                   (fold(n) for n in text_values(place.get("name"), self.default_locale).values()))
        ]
        near = sorted(item for item in near if item[0] <= GEO_MATCH_M)
        return near[0][1] if near else None
