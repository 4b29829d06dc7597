"""Occurrences of feed events (single, multi-day, all-day, recurring) in the city's time zone.

An event follows feed v1: ``start``/``end`` are RFC 3339 date-times with an offset, or
``YYYY-MM-DD`` dates for all-day events where ``end`` is the last day (inclusive); ``rrule`` is
an RFC 5545 rule and ``exdates`` lists excluded occurrence starts. Recurrence runs on the wall
clock of the event's optional ``timezone`` (the city's by default), so a weekly 10:00 event stays
at 10:00 across daylight-saving changes and a UTC series keeps its UTC time.
See docs/recurrence.md for the decisions (events without ``end``, DTSTART off the rule, ...).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, HOURLY, MINUTELY, SECONDLY, WEEKLY, rrule, rrulestr

from sync.feed_limits import never_occurs

__all__ = ["Occurrence", "day_bounds", "occurrences_between", "occurrences_on_day"]


@dataclass(frozen=True)
class Occurrence:
    start: datetime  # aware, city time zone
    end: datetime  # aware, city time zone; exclusive instant (equal to start for a point in time)
    all_day: bool
    first_day: date  # local calendar days the occurrence touches, inclusive
    last_day: date


def localize(wall: datetime, tz: ZoneInfo) -> datetime:
    """Attach tz to a naive wall-clock time; a time skipped by a DST change moves forward.

    fold=0 picks the earlier of two ambiguous instants (RFC 5545 3.3.5); a nonexistent time
    is read with the offset before the gap, which lands it after the gap (RFC 5545 3.3.5).
    """
    aware = wall.replace(tzinfo=tz, fold=0)
    return aware.astimezone(UTC).astimezone(tz)


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Local midnight of ``day`` to the next local midnight (23 or 25 hours on DST days)."""
    return (
        localize(datetime.combine(day, time()), tz),
        localize(datetime.combine(day + timedelta(days=1), time()), tz),
    )


def occurrences_on_day(event: Mapping, tz: ZoneInfo, day: date) -> list[Occurrence]:
    """Every occurrence of ``event`` that overlaps the local calendar day ``day``."""
    start, end = day_bounds(day, tz)
    return occurrences_between(event, tz, start, end)


def occurrences_between(
    event: Mapping, tz: ZoneInfo, window_start: datetime, window_end: datetime
) -> list[Occurrence]:
    """Every occurrence of ``event`` overlapping [window_start, window_end), sorted by start.

    A zero-length occurrence (a date-time event without ``end``) counts when
    window_start <= start < window_end.
    """
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise ValueError("occurrences_between needs time-zone-aware window bounds; got a naive datetime.")
    if window_end <= window_start:
        return []
    shape = _event_shape(event, tz)
    local_start = window_start.astimezone(shape.zone).replace(tzinfo=None)
    local_end = window_end.astimezone(shape.zone).replace(tzinfo=None)
    # one day of slack each side absorbs DST shifts between wall clock and instants
    search_from = local_start - shape.wall_duration - timedelta(days=1)
    search_to = local_end + timedelta(days=1)

    walls: set[datetime] = set()
    if search_from <= shape.first_wall <= search_to:
        # the feed's own start is always an occurrence, even when the rule would skip it
        walls.add(shape.first_wall)
    if shape.rrule is not None:
        rule = _rule(shape.rrule, shape.first_wall, shape.zone.key, shape.all_day, _event_id(event))
        if rule._count is not None:
            counted = _counted(rule)
            walls.update(counted[bisect_left(counted, search_from):bisect_right(counted, search_to)])
        else:
            walls.update(_fast_forward(rule, shape.first_wall, search_from).between(search_from, search_to, inc=True))

    found = []
    for wall in sorted(walls):
        occurrence = _make(wall, shape, tz)
        if _excluded(occurrence, shape.exdates):
            continue
        if occurrence.start == occurrence.end:
            overlaps = window_start <= occurrence.start < window_end
        else:
            overlaps = occurrence.start < window_end and occurrence.end > window_start
        if overlaps:
            found.append(occurrence)
    return found


def _event_id(event: Mapping) -> str:
    return str(event.get("id", "?"))


@dataclass(frozen=True)
class _Shape:
    all_day: bool
    zone: ZoneInfo  # the wall clock the rule runs on: the event's timezone, else the city's
    first_wall: datetime  # naive, wall clock of zone (midnight for all-day events)
    wall_duration: timedelta  # wall-clock length of the first occurrence
    rrule: str | None
    exdates: frozenset  # instants (aware datetimes) or local dates


def _event_shape(event: Mapping, tz: ZoneInfo) -> _Shape:
    where = f"event {_event_id(event)!r}"
    if "start" not in event:
        raise ValueError(f"The {where} has no 'start'; every event needs one.")
    start = _parse_when(event["start"], f"'start' of the {where}")
    end_value = event.get("end")
    end = None if end_value is None else _parse_when(end_value, f"'end' of the {where}")
    all_day = not isinstance(start, datetime)
    zone = tz if all_day else _series_zone(event, tz, where)
    if end is not None and isinstance(end, datetime) == all_day:
        raise ValueError(
            f"The {where} mixes a date and a date-time in 'start' and 'end'; use two dates for an "
            "all-day event or two date-times with offsets."
        )
    if all_day:
        first_wall = datetime.combine(start, time())
        last_day = start if end is None else end  # an all-day event without end lasts its one day
        if last_day < start:
            raise ValueError(f"The 'end' of the {where} ({end_value}) is before its 'start' ({event['start']}).")
        wall_duration = timedelta(days=(last_day - start).days + 1)
    else:
        first_wall = start.astimezone(zone).replace(tzinfo=None)
        if end is None:
            wall_duration = timedelta(0)  # a point in time: it shows on its day, then it is over
        else:
            if end < start:
                raise ValueError(f"The 'end' of the {where} ({end_value}) is before its 'start' ({event['start']}).")
            wall_duration = end.astimezone(zone).replace(tzinfo=None) - first_wall
            if wall_duration < timedelta(0):
                # the end sits in the hour repeated at the autumn change: keep the real length
                wall_duration = end - start
    exdates = set()
    for raw in event.get("exdates") or ():
        value = _parse_when(raw, f"'exdates' entry of the {where}")
        if isinstance(value, datetime):
            exdates.add(value.astimezone(UTC))
        else:
            exdates.add(value)
    rule = event.get("rrule") or None
    if rule is not None and not isinstance(rule, str):
        raise ValueError(f"The 'rrule' of the {where} must be a string such as 'FREQ=WEEKLY;BYDAY=SA'.")
    return _Shape(all_day, zone, first_wall, wall_duration, rule, frozenset(exdates))


def _series_zone(event: Mapping, tz: ZoneInfo, where: str) -> ZoneInfo:
    name = event.get("timezone")
    if name is None or name == tz.key:
        return tz
    try:
        return _zone(str(name))
    except Exception:  # ZoneInfoNotFoundError, or ValueError for names like "../x"
        raise ValueError(f"The 'timezone' of the {where} is {name!r}, which is not an IANA time zone "
                         "such as 'America/New_York'.") from None


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _parse_when(value, what: str) -> date | datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        return value
    elif isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"The {what} is {value!r}, which is not a date (YYYY-MM-DD).") from None
    else:
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            raise ValueError(
                f"The {what} is {value!r}, which is neither an RFC 3339 date-time nor a date."
            ) from None
    if parsed.tzinfo is None:
        raise ValueError(f"The {what} is {value!r}, which has no UTC offset; write e.g. '2026-12-01T11:00:00+01:00'.")
    return parsed


MAX_COUNT = 5000  # as sync/feed_limits.py: more occurrences than any kiosk calendar needs
_UNTIL = re.compile(r"(?i)(UNTIL=)([0-9]{8}(?:T[0-9]{6}Z?)?)")
_FIXED_STEP = {WEEKLY: timedelta(weeks=1), DAILY: timedelta(days=1), HOURLY: timedelta(hours=1),
               MINUTELY: timedelta(minutes=1), SECONDLY: timedelta(seconds=1)}


@lru_cache(maxsize=16384)
def _rule(text: str, first_wall: datetime, tz_key: str, all_day: bool, owner: str) -> rrule:
    """Parse an RRULE on a naive wall-clock DTSTART, with UNTIL turned into that wall clock."""
    tz = ZoneInfo(tz_key)

    def local_until(match: re.Match) -> str:
        raw = match.group(2)
        if raw.endswith("Z"):
            # RFC 5545: UNTIL in UTC; recurrence runs on the naive city wall clock
            instant = datetime.strptime(raw, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            wall = instant.astimezone(tz).replace(tzinfo=None)
        elif len(raw) == 8 and not all_day:
            wall = datetime.strptime(raw, "%Y%m%d").replace(hour=23, minute=59, second=59)  # the whole last day
        else:
            return match.group(0)
        return match.group(1) + wall.strftime("%Y%m%dT%H%M%S")

    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    try:
        parsed = rrulestr(_UNTIL.sub(local_until, body), dtstart=first_wall, cache=False)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ValueError(
            f"The recurrence rule {text!r} of event {owner!r} cannot be read ({exc}); "
            "write an RFC 5545 RRULE such as 'FREQ=WEEKLY;BYDAY=SA'."
        ) from None
    if not isinstance(parsed, rrule):
        raise ValueError(f"The recurrence rule {text!r} of event {owner!r} must be a single RRULE.")
    if parsed._freq in (HOURLY, MINUTELY, SECONDLY):
        # The feed validator refuses them too: one event must not make thousands of occurrences a day.
        raise ValueError(f"The recurrence rule {text!r} of event {owner!r} repeats more often than daily; "
                         "a kiosk calendar takes DAILY, WEEKLY, MONTHLY or YEARLY rules.")
    if never_occurs(body, first_wall):
        # dateutil would search until year 9999 on every question; asked once here, as the validator does.
        raise ValueError(f"The recurrence rule {text!r} of event {owner!r} never produces an occurrence.")
    return parsed


@lru_cache(maxsize=1024)
def _counted(rule: rrule) -> tuple[datetime, ...]:
    """A rule with COUNT, expanded once: later windows are a bisection, not a replay from its start."""
    return tuple(islice(rule, MAX_COUNT))


def _fast_forward(rule: rrule, first_wall: datetime, search_from: datetime) -> rrule:
    """Move DTSTART close to the window by whole periods, so a daily rule from 2019 is not replayed.

    Only for fixed-length periods without COUNT: they keep their phase when shifted by whole
    periods; months and years vary in length and are cheap to replay anyway.
    """
    step = _FIXED_STEP.get(rule._freq)
    if step is None or rule._count is not None or search_from <= first_wall:
        return rule
    period = step * rule._interval
    periods = (search_from - first_wall) // period
    if periods < 2:
        return rule
    return _shifted(rule, first_wall + period * (periods - 1))


@lru_cache(maxsize=16384)
def _shifted(rule: rrule, dtstart: datetime) -> rrule:
    return rule.replace(dtstart=dtstart)


def _make(wall: datetime, shape: _Shape, tz: ZoneInfo) -> Occurrence:
    start = localize(wall, shape.zone).astimezone(tz)
    end = localize(wall + shape.wall_duration, shape.zone).astimezone(tz)
    if end < start:
        end = start
    first_day = start.date()
    last_day = (end - timedelta(microseconds=1)).date() if end > start else first_day
    return Occurrence(start=start, end=end, all_day=shape.all_day, first_day=first_day, last_day=last_day)


def _excluded(occurrence: Occurrence, exdates: frozenset) -> bool:
    if not exdates:
        return False
    # instants compare across offsets: 10:00+01:00 and 09:00Z are the same exdate
    return occurrence.start.astimezone(UTC) in exdates or occurrence.first_day in exdates
