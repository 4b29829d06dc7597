"""Dates, times, distances and durations in the visitor's language, and opening hours in human words.

Plain Python, no Kivy: every function takes the instant, the language and the city's time zone, so
"open until 20:00" is the same sentence on the screen, in a screenshot and in a test.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Iterable, Sequence

from babel import Locale, UnknownLocaleError
from babel import dates as bdates
from babel import numbers as bnumbers
from babel import units as bunits

from kiosk.i18n import translator

# English on a German street terminal: day-month order and a 24-hour clock, as on the signs around it.
_LOCALE_FOR = {"en": "en_GB"}


@lru_cache(maxsize=None)
def locale_for(lang: str) -> Locale:
    try:
        return Locale.parse(_LOCALE_FOR.get(lang, lang).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_GB")


def _words(lang: str):
    """The UI catalog of `lang`: `_words(lang).gettext("...")` is what Babel extracts."""
    return translator(lang)


def local_day(at: datetime, tz: tzinfo) -> date:
    return at.astimezone(tz).date()


def time_text(moment: datetime, lang: str, tz: tzinfo) -> str:
    """'17:30': 24 hours in every language, like the opening hours on the shop doors around the terminal."""
    return bdates.format_time(moment, "HH:mm", tzinfo=tz, locale=locale_for(lang))


# CLDR's skeletons abbreviate the weekday in some locales; the header has room for the full word.
_DATE_PATTERNS = {
    "de": "EEEE, d. MMMM", "en": "EEEE d MMMM", "tr": "d MMMM EEEE", "ar": "EEEE، d MMMM",
    "uk": "EEEE, d MMMM", "pl": "EEEE, d MMMM", "nl": "EEEE d MMMM",
}


def date_text(day: date, lang: str) -> str:
    """'Donnerstag, 26. November': weekday, day and month in the language's usual order."""
    pattern = _DATE_PATTERNS.get(lang.split("-")[0])
    if pattern is None:
        return bdates.format_skeleton("MMMMEEEEd", day, locale=locale_for(lang))
    return bdates.format_date(day, pattern, locale=locale_for(lang))


def short_date_text(day: date, lang: str) -> str:
    """'Fr., 27. Nov.': for lists."""
    return bdates.format_skeleton("MMMEd", day, locale=locale_for(lang))


def comma(lang: str) -> str:
    """The comma between two parts of a line: Arabic's own "،" in Arabic. A Latin "," after a Latin name
    at the end of a wrapped right-to-left line is set at its far left, where it reads like the start of
    that name ("،(Reinoldikirche)" is how Arabic writes it)."""
    return "\u060c " if lang.split("-")[0] == "ar" else ", "


def day_with_year_text(day: date, lang: str) -> str:
    """'18. Sept. 2025': when something was recorded, in the language's usual order."""
    return bdates.format_skeleton("yMMMd", day, locale=locale_for(lang))


def day_month_text(day: date, lang: str) -> str:
    """'18. Sept.': a day without its weekday or year, short."""
    return bdates.format_skeleton("MMMd", day, locale=locale_for(lang))


def weekday_text(day: date, lang: str) -> str:
    return bdates.format_date(day, "EEEE", locale=locale_for(lang))


def number_text(value: float, lang: str) -> str:
    return bnumbers.format_decimal(value, locale=locale_for(lang))


def distance_text(metres: float, lang: str) -> str:
    """'350 m' below a kilometre (rounded to 10 m), else '1,2 km'."""
    if metres < 1000:
        return _unit_text(max(10, round(metres / 10) * 10), "length-meter", lang, None)
    return _unit_text(round(metres / 1000, 1), "length-kilometer", lang, "#,##0.#")


# A list of 2,000 places asks for a few hundred distinct distances, and Babel takes ~40 µs for each.
@lru_cache(maxsize=4096, typed=True)
def _unit_text(value: float, unit: str, lang: str, pattern: str | None) -> str:
    return bunits.format_unit(value, unit, "short", locale=locale_for(lang), format=pattern)


def duration_text(seconds: float, lang: str) -> str:
    """'6 min' (at least one minute), '1 h 10 min' past an hour."""
    loc = locale_for(lang)
    minutes = max(1, round(seconds / 60))
    if minutes < 60:
        return bunits.format_unit(minutes, "duration-minute", "short", locale=loc)
    hours_part = bunits.format_unit(minutes // 60, "duration-hour", "short", locale=loc)
    if minutes % 60 == 0:
        return hours_part
    return f"{hours_part} {bunits.format_unit(minutes % 60, 'duration-minute', 'short', locale=loc)}"


def walk_text(metres: float, seconds: float, lang: str) -> str:
    """'350 m · 5 min on foot'."""
    return _words(lang).gettext("{distance} · {duration} on foot").format(
        distance=distance_text(metres, lang), duration=duration_text(seconds, lang)
    )


def _day_word(day: date, today: date, lang: str) -> str | None:
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    return None


def opening_text(is_open: bool | None, next_change: datetime | None, at: datetime, lang: str, tz: tzinfo) -> str:
    """'Open until 20:00', 'Opens tomorrow at 10:00', 'Closed'; '' when the hours are unknown."""
    if is_open is None:
        return ""
    return _opening_text(is_open, next_change, local_day(at, tz), lang, tz)


# The sentence depends on `at` only through its local day; a list repeats the same few changes.
@lru_cache(maxsize=4096)
def _opening_text(is_open: bool, next_change: datetime | None, today: date, lang: str, tz: tzinfo) -> str:
    if is_open:
        if next_change is None:
            return _words(lang).gettext("Open around the clock")
        change_day = local_day(next_change, tz)
        time = time_text(next_change, lang, tz)
        if change_day == today:
            return _words(lang).gettext("Open until {time}").format(time=time)
        if change_day == today + timedelta(days=1) and next_change.astimezone(tz).hour < 6:
            return _words(lang).gettext("Open until {time}").format(time=time)
        return _words(lang).gettext("Open until {weekday} {time}").format(weekday=weekday_text(change_day, lang), time=time)
    if next_change is None:
        return _words(lang).gettext("Closed")
    change_day = local_day(next_change, tz)
    time = time_text(next_change, lang, tz)
    word = _day_word(change_day, today, lang)
    if word == "today":
        return _words(lang).gettext("Opens today at {time}").format(time=time)
    if word == "tomorrow":
        return _words(lang).gettext("Opens tomorrow at {time}").format(time=time)
    return _words(lang).gettext("Opens {weekday} at {time}").format(weekday=weekday_text(change_day, lang), time=time)


def intervals_text(intervals: Iterable[Sequence], lang: str, tz: tzinfo) -> str:
    """'10:00–14:00, 15:00–20:00' for one day's (start, end, ...) intervals; 'Closed' when none."""
    parts = [f"{time_text(i[0], lang, tz)}–{time_text(i[1], lang, tz)}" for i in intervals]
    return ", ".join(parts) if parts else _words(lang).gettext("Closed")


def week_hours(days: Sequence[tuple[date, Sequence]], at: datetime, lang: str, tz: tzinfo) -> list[tuple[str, str]]:
    """(day label, hours) rows for a week starting today: 'Today', 'Tomorrow', then weekday names."""
    today = local_day(at, tz)
    rows = []
    for day, intervals in days:
        word = _day_word(day, today, lang)
        label = _words(lang).gettext("Today") if word == "today" else _words(lang).gettext("Tomorrow") if word == "tomorrow" else weekday_text(day, lang)
        rows.append((label, intervals_text(intervals, lang, tz)))
    return rows


def event_when(
    start: datetime | date, end: datetime | date, all_day: bool, running: bool, at: datetime, lang: str, tz: tzinfo,
    *, say_today: bool = True,
) -> str:
    """When an event happens, from the visitor's point of view: 'Now, until 21:00', 'Today 19:00–21:00',
    'Fri, 27 Nov, 19:00'. Without a plausible clock (`say_today=False`) it names dates, never 'today'."""
    today = local_day(at, tz)
    if all_day:
        first, last = start, end  # dates
        if running and say_today:
            if last == today:
                return _words(lang).gettext("Today, all day")
            return _words(lang).gettext("Now, until {date}").format(date=short_date_text(last, lang))
        if first == last:
            return short_date_text(first, lang)
        return f"{short_date_text(first, lang)} – {short_date_text(last, lang)}"
    start_day, end_day = local_day(start, tz), local_day(end, tz)
    start_t, end_t = time_text(start, lang, tz), time_text(end, lang, tz)
    if running and say_today:
        if end_day == today:
            return _words(lang).gettext("Now, until {time}").format(time=end_t)
        return _words(lang).gettext("Now, until {date}").format(date=short_date_text(end_day, lang))
    span = f"{start_t}–{end_t}" if start_day == end_day else start_t
    if say_today and start_day == today:
        return _words(lang).gettext("Today {time}").format(time=span)
    if say_today and start_day == today + timedelta(days=1):
        return _words(lang).gettext("Tomorrow {time}").format(time=span)
    return f"{short_date_text(start_day, lang)}, {span}"


def clock_texts(at: datetime, lang: str, tz: tzinfo) -> tuple[str, str]:
    """The header's time and date."""
    return time_text(at, lang, tz), date_text(local_day(at, tz), lang)
