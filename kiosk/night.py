"""Night mode: when the terminal shows its calm low-power slide (clock, emergency numbers).

The schedule is wall-clock time in the city, `night_mode = "22:00-06:00"` in kiosk.toml; a start
later than the end runs across midnight. An instant is turned into the city's local time before
it is compared, so the switch happens at 22:00 on the clock on the wall on DST days too; a start
that falls into the spring-forward gap switches at the first minute after it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CITY_TIMEZONE = "Europe/Berlin"
SCHEDULE_PATTERN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class NightModeError(ValueError):
    """The night_mode setting cannot be read; the message shows the expected form."""


@dataclass(frozen=True)
class NightSchedule:
    start: time
    end: time

    @property
    def crosses_midnight(self) -> bool:
        return self.start > self.end

    def contains(self, local: time) -> bool:
        if self.crosses_midnight:
            return local >= self.start or local < self.end
        return self.start <= local < self.end


def parse_schedule(text: str) -> NightSchedule:
    """'22:00-06:00' -> NightSchedule; NightModeError with a sentence otherwise."""
    match = SCHEDULE_PATTERN.match(text or "")
    if not match:
        raise NightModeError(f"night_mode '{text}' is not a time range such as \"22:00-06:00\".")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise NightModeError(f"night_mode '{text}' has a time that does not exist; use 00:00 to 23:59.")
    schedule = NightSchedule(time(h1, m1), time(h2, m2))
    if schedule.start == schedule.end:
        raise NightModeError(f"night_mode '{text}' starts and ends at the same time; leave it out to switch night mode off.")
    return schedule


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    if isinstance(tz, ZoneInfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise NightModeError(f"'{tz}' is not a time zone name such as Europe/Berlin.") from None


def _schedule(schedule: str | NightSchedule | None) -> NightSchedule | None:
    if schedule is None or isinstance(schedule, NightSchedule):
        return schedule
    return parse_schedule(schedule)


def is_night(at: datetime, schedule: str | NightSchedule | None, tz: str | ZoneInfo = CITY_TIMEZONE) -> bool:
    """Whether the night slide should show at instant `at` (False when no schedule is set)."""
    parsed = _schedule(schedule)
    if parsed is None:
        return False
    if at.tzinfo is None:
        raise NightModeError("is_night needs an aware instant; pass the app's UTC clock.")
    return parsed.contains(at.astimezone(_zone(tz)).time().replace(tzinfo=None))


def _instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The first instant whose wall-clock time in `zone` is `wall` or, in a DST gap, just after it."""
    local = datetime.combine(day, wall, tzinfo=zone)
    after = local.astimezone(timezone.utc)
    if after.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return after
    # A wall time in the spring-forward gap never shows; the switch is the clock change itself.
    before = local.replace(fold=1).astimezone(timezone.utc)
    target = after.astimezone(zone).utcoffset()
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) / 2
        if middle.astimezone(zone).utcoffset() == target:
            after = middle
        else:
            before = middle
    # Clock changes fall on whole seconds, and `after` lies within a second past it.
    return after.replace(microsecond=0)


def next_change(at: datetime, schedule: str | NightSchedule | None, tz: str | ZoneInfo = CITY_TIMEZONE) -> datetime | None:
    """The next instant after `at` when is_night flips, for scheduling the switch (None without a schedule)."""
    parsed = _schedule(schedule)
    if parsed is None:
        return None
    zone = _zone(tz)
    now_night = is_night(at, parsed, zone)
    today = at.astimezone(zone).date()
    candidates = sorted(
        _instant(today + timedelta(days=offset), wall, zone)
        for offset in (-1, 0, 1, 2)
        for wall in (parsed.start, parsed.end)
    )
    for candidate in candidates:
        if candidate > at and is_night(candidate, parsed, zone) != now_night:
            return candidate
    return None
