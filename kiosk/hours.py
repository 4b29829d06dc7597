"""OpenStreetMap ``opening_hours`` with national and regional public holidays.

Evaluation is done by opening-hours-py (the Rust library opening-hours-rs). That library knows
only national holidays per country and offers no way to pass a holiday list, so a day that the
``holidays`` package lists for the city's subdivision but the library does not (in North
Rhine-Westphalia: Fronleichnam, Allerheiligen) is evaluated with a patched expression in which
every ``PH`` also matches that day's weekday. Around such a day the weekday is unique, so the
patched expression says exactly what ``PH`` would say. docs/opening-hours.md explains it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import opening_hours as ohlib

from kiosk.occurrences import day_bounds

__all__ = ["HoursState", "OpeningHoursError", "check", "intervals_on", "state_at"]

log = logging.getLogger(__name__)

SPEC_URL = "https://wiki.openstreetmap.org/wiki/Key:opening_hours/specification"
_STATES = {ohlib.State.OPEN: "open", ohlib.State.CLOSED: "closed", ohlib.State.UNKNOWN: "unknown"}
_WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
# a change further away than this counts as never (the library stops searching there too)
_HORIZON_DAYS = 366


class OpeningHoursError(ValueError):
    """An opening_hours value that does not parse."""


@dataclass(frozen=True)
class HoursState:
    state: str  # 'open' | 'closed' | 'unknown'
    next_change: datetime | None  # aware, in the city's time zone; None when the state never changes
    comment: str | None


def check(value: str) -> str | None:
    """None when ``value`` parses, else a sentence saying what is wrong."""
    try:
        _parse(value, None, None)
    except OpeningHoursError as exc:
        return str(exc)
    return None


def state_at(
    value: str, at: datetime, *, timezone: str, country: str = "DE", subdivision: str | None = None
) -> HoursState:
    """The state of ``value`` at the aware instant ``at``, with the next change and the comment."""
    if at.tzinfo is None:
        raise ValueError(f"state_at needs a time-zone-aware instant; got the naive {at.isoformat()}.")
    hours = _hours(value, timezone, country, subdivision)
    local = at.astimezone(hours.tz)
    state, comment = hours.expression_for(local.date()).state(local)
    return HoursState(
        state=_STATES[state],
        next_change=hours.next_change(local, (state, comment)),
        comment=comment or None,
    )


def intervals_on(
    value: str, day: date, *, timezone: str, country: str = "DE", subdivision: str | None = None
) -> list[tuple[datetime, datetime, str]]:
    """The open and unknown intervals of the local ``day``, clipped to it, as (start, end, state)."""
    hours = _hours(value, timezone, country, subdivision)
    start, end = day_bounds(day, hours.tz)
    return [(a, b, _STATES[s]) for a, b, s, _ in hours.intervals(start, end) if s != ohlib.State.CLOSED]


# --- parsing ---------------------------------------------------------------------------------

_POSITION = re.compile(r"-->\s*(\d+):(\d+)")


@lru_cache(maxsize=8192)
def _parse(value: str, tz_key: str | None, library_country: str | None) -> ohlib.OpeningHours:
    if not isinstance(value, str):
        raise OpeningHoursError(f"An opening_hours value must be text; got {value!r}.")
    if not value.strip():
        raise OpeningHoursError("The opening_hours value is empty; leave the field out when the hours are unknown.")
    try:
        return ohlib.OpeningHours(
            value,
            timezone=ZoneInfo(tz_key) if tz_key else None,
            country=library_country,
            max_interval_days=_HORIZON_DAYS,
        )
    except ohlib.ParserError as exc:
        raise OpeningHoursError(_parser_sentence(value, str(exc))) from None


def _parser_sentence(value: str, detail: str) -> str:
    where = _POSITION.search(detail)
    if where is None:
        return f"The opening_hours value {value!r} does not parse; see {SPEC_URL}."
    line, column = int(where.group(1)), int(where.group(2))
    text = value.splitlines()[line - 1] if value.splitlines() else value
    rest = text[column - 1 : column + 11]
    near = f"near {rest!r}" if rest.strip() else "at its end"
    return (
        f"The opening_hours value {value!r} does not parse: the syntax breaks at character {column} "
        f"({near}); see {SPEC_URL}."
    )


# --- holidays ----------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _library_country(country: str | None) -> str | None:
    """The country code if opening-hours-py has a holiday calendar for it, else None."""
    if not country:
        return None
    try:
        ohlib.OpeningHours("24/7", country=country)
    except ohlib.UnknownCountryError:
        log.info("opening-hours-py has no holidays for %s; using the holidays package alone", country)
        return None
    return country


@lru_cache(maxsize=256)
def _library_holidays(library_country: str | None, year: int) -> frozenset[date]:
    """The days opening-hours-py itself treats as PH, read by evaluating the value ``PH``."""
    if library_country is None:
        return frozenset()
    days = set()
    probe = ohlib.OpeningHours("PH", country=library_country)
    for start, end, state, _ in probe.intervals(datetime(year, 1, 1), datetime(year + 1, 1, 1)):
        if state == ohlib.State.OPEN:
            day = start.date()
            while datetime.combine(day, datetime.min.time()) < end:
                days.add(day)
                day += timedelta(days=1)
    return frozenset(days)


@lru_cache(maxsize=256)
def _missing_holidays(country: str, subdivision: str | None, year: int) -> tuple[date, ...]:
    """Public holidays of the country and subdivision that opening-hours-py does not know."""
    try:
        wanted = holidays.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError:
        where = f"{country}-{subdivision}" if subdivision else country
        raise ValueError(
            f"No public holiday calendar is known for {where!r}; check city.country and "
            "city.subdivision in the feed (ISO 3166 codes, e.g. 'DE' and 'NW')."
        ) from None
    known = _library_holidays(_library_country(country), year)
    return tuple(sorted(day for day in wanted if day.year == year and day not in known))


# --- the PH patch ----------------------------------------------------------------------------
#
# opening-hours-py takes no holiday list, so on a day near a holiday it does not know, every
# "PH" (with day offset k) gets the weekdays of the days, among that day and the one before it
# (its overnight spill), that lie k days after a missing holiday. Two consecutive days have
# different weekdays, so the patched expression sees exactly the holidays it should.

# PH with an optional day offset ("PH +1 day"); comments are split off before matching
_PH = re.compile(r"(?<![A-Za-z])PH(\s+([+-])(\d+)\s+days?)?(?![A-Za-z])")


def _before_holiday_sequence(value: str, start: int, end: int) -> tuple[int, int, str] | None:
    if value[:start].endswith("SH,"):
        return start - 3, end, "{wd},SH,{ph}"
    return None


def _after_weekdays(value: str, start: int, end: int) -> tuple[int, int, str] | None:
    if value[:start].endswith(" ") and value[:start].rstrip()[-1:].isalpha():
        return start - 1, end, ",{wd} {ph}"
    return None


def _before_weekdays(value: str, start: int, end: int) -> tuple[int, int, str] | None:
    if value[end : end + 1] == " " and value[end + 1 : end + 2].isalpha():
        return start, end + 1, "{ph} {wd},"
    return None


# ways to put weekdays next to a PH token so that they join the same weekday selector (a union
# in opening-hours-rs); the first one the library's parser accepts is used
_PLACEMENTS = (
    lambda value, start, end: (start, end, "{wd},{ph}"),
    lambda value, start, end: (start, end, "{ph},{wd}"),
    _before_weekdays,
    _after_weekdays,
    _before_holiday_sequence,
)


def _ph_tokens(value: str) -> list[tuple[int, int, int]]:
    """(start, end, day offset) of every PH token outside double-quoted comments."""
    tokens = []
    position = 0
    for index, part in enumerate(value.split('"')):
        if index % 2 == 0:
            for match in _PH.finditer(part):
                offset = int(match.group(3) or 0) * (-1 if match.group(2) == "-" else 1)
                tokens.append((position + match.start(), position + match.end(), offset))
        position += len(part) + 1
    return tokens


@dataclass(frozen=True)
class _Edit:
    start: int  # span of the value that is replaced
    end: int
    template: str  # with {ph} (the PH token as written) and {wd} (weekday names)
    ph: str
    offset: int


def _render(value: str, edits: tuple[_Edit, ...], weekdays: dict[int, str]) -> str:
    out, last = [], 0
    for edit in edits:
        names = weekdays.get(edit.offset)
        if not names:
            continue
        out.append(value[last : edit.start])
        out.append(edit.template.format(ph=edit.ph, wd=names))
        last = edit.end
    out.append(value[last:])
    return "".join(out)


@lru_cache(maxsize=8192)
def _edits(value: str) -> tuple[_Edit, ...] | None:
    """How to add weekdays next to each PH token so that the value still parses; None if no way."""
    chosen: list[_Edit] = []
    for start, end, offset in _ph_tokens(value):
        for placement in _PLACEMENTS:
            spot = placement(value, start, end)
            if spot is None or (chosen and spot[0] < chosen[-1].end):
                continue
            edit = _Edit(spot[0], spot[1], spot[2], value[start:end], offset)
            # later tokens stay as written in this trial: _render copies them unchanged
            trial = _render(value, (*chosen, edit), {e.offset: "Mo" for e in (*chosen, edit)})
            if ohlib.validate(trial):
                chosen.append(edit)
                break
        else:
            return None
    return tuple(chosen)


class _Hours:
    """One value in one city: the library's expression, patched on days near missing holidays."""

    def __init__(self, value: str, tz_key: str, country: str, subdivision: str | None):
        self.value = value
        self.tz = ZoneInfo(tz_key)
        self.country = country
        self.subdivision = subdivision
        self.library_country = _library_country(country)
        self.base = _parse(value, tz_key, self.library_country)
        self.edits = _edits(value) if _ph_tokens(value) else ()
        if self.edits is None:
            log.warning("opening_hours %r: regional public holidays cannot be applied to this form of PH", value)
            self.edits = ()
        self.offsets = sorted({edit.offset for edit in self.edits})
        self._days: dict[int, dict[date, ohlib.OpeningHours]] = {}

    def _patched_days(self, year: int) -> dict[date, ohlib.OpeningHours]:
        """The local days of ``year`` that need a patched expression, with that expression."""
        if not self.edits:
            return {}
        if year not in self._days:
            self._days[year] = self._build(year)
        return self._days[year]

    def _build(self, year: int) -> dict[date, ohlib.OpeningHours]:
        missing = set()
        for near in (year - 1, year, year + 1):
            missing.update(_missing_holidays(self.country, self.subdivision, near))
        affected = {
            holiday + timedelta(days=offset + spill)
            for holiday in missing
            for offset in self.offsets
            for spill in (0, 1)
        }
        days = {}
        for day in sorted(d for d in affected if d.year == year):
            weekdays = {}
            for offset in self.offsets:
                names = [
                    _WEEKDAYS[seen.weekday()]
                    for seen in (day - timedelta(days=1), day)
                    if seen - timedelta(days=offset) in missing
                ]
                if names:
                    weekdays[offset] = ",".join(names)
            if weekdays:
                text = _render(self.value, self.edits, weekdays)
                try:
                    days[day] = _parse(text, self.tz.key, self.library_country)
                except OpeningHoursError:
                    log.warning("opening_hours %r: regional holidays not applied on %s", self.value, day)
        return days

    def expression_for(self, day: date) -> ohlib.OpeningHours:
        return self._patched_days(day.year).get(day, self.base)

    def _pieces(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime, object]]:
        """Consecutive (from, to, expression) pieces covering [start, end)."""
        cursor = start
        for year in range(start.year, end.year + 1):
            for day, expression in sorted(self._patched_days(year).items()):
                piece_start, piece_stop = day_bounds(day, self.tz)
                if piece_stop <= cursor:
                    continue
                if piece_start >= end:
                    break
                if piece_start > cursor:
                    yield cursor, piece_start, self.base
                    cursor = piece_start
                yield cursor, min(piece_stop, end), expression
                cursor = piece_stop
                if cursor >= end:
                    return
        if cursor < end:
            yield cursor, end, self.base

    def intervals(self, start: datetime, end: datetime) -> Iterator[tuple]:
        """Merged (start, end, state, comment) intervals covering [start, end)."""
        pending = None
        for piece_start, piece_end, expression in self._pieces(start, end):
            for a, b, state, comment in expression.intervals(piece_start, piece_end):
                a = max(a, piece_start)
                b = piece_end if b is None else min(b, piece_end)
                if b <= a:
                    continue
                if pending and pending[2:] == (state, comment) and pending[1] == a:
                    pending = (pending[0], b, state, comment)
                    continue
                if pending:
                    yield pending
                pending = (a, b, state, comment)
        if pending:
            yield pending

    def next_change(self, local: datetime, now: tuple) -> datetime | None:
        if not self.edits:
            change = self.base.next_change(local)
            return change.astimezone(self.tz) if change is not None else None
        for a, _, state, comment in self.intervals(local, local + timedelta(days=_HORIZON_DAYS)):
            if (state, comment) != now:
                return a.astimezone(self.tz)
        return None


@lru_cache(maxsize=8192)
def _hours(value: str, tz_key: str, country: str, subdivision: str | None) -> _Hours:
    try:
        ZoneInfo(tz_key)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"The time zone {tz_key!r} is not an IANA time zone name such as 'Europe/Berlin'.") from None
    return _Hours(value, tz_key, country, subdivision)
