"""What the kiosk says: the screen's words turned into sentences a speech engine reads well.

The screens show symbols and short forms ("10:00–20:00", "350 m · 5 Min.", "↰", "112"); a listener
needs words ("10 bis 20 Uhr", "350 Meter, 5 Minuten"), numbers to dial digit by digit ("1 1 2"), each
focused item's role and place in its list ("Schaltfläche", "3 von 12"), and opening hours as
"Montag bis Samstag, 10 bis 20 Uhr". Plain Python, no Kivy; every function takes the language.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, tzinfo
from functools import lru_cache
from typing import Sequence

from babel import dates as bdates
from babel import numbers as bnumbers
from babel import units as bunits

from kiosk.formatting import locale_for
from kiosk.i18n import N_, is_right_to_left, translator

# What a focused thing is, said after its text ("Search, button").
ROLES = {
    "button": N_("button"),
    "switch": N_("switch"),
    "heading": N_("heading"),
}


def _w(lang: str):
    """The UI catalog of `lang`: `_w(lang).gettext("...")` is what Babel extracts."""
    return translator(lang)


# -- numbers and times ------------------------------------------------------------------------

def digits(number: str) -> str:
    """'112' -> '1 1 2', '0231 50-0' -> '0 2 3 1 5 0 0': a number to dial, said digit by digit."""
    return " ".join(ch for ch in number if ch.isdigit())


def clock_words(hour: int, minute: int) -> str:
    """'20' for 20:00 and '10 30' for 10:30, to go into '{time} hours' ('20 Uhr')."""
    return str(hour) if minute == 0 else f"{hour} {minute:02d}"


def time_words(hour: int, minute: int, lang: str) -> str:
    """20:00 as 'at 20 hours' would be said: '20 Uhr', '10 Uhr 30'."""
    if minute == 0:
        # Translators: a time of day said aloud, the hour alone ("20 Uhr"); keep {hour}.
        return _w(lang).gettext("{hour} hours").format(hour=hour)
    # Translators: a time of day said aloud with its minutes ("10 Uhr 30"); keep {hour} and {minute}.
    return _w(lang).gettext("{hour} hours {minute}").format(hour=hour, minute=f"{minute:02d}")


def span_words(start: tuple[int, int], end: tuple[int, int], lang: str) -> str:
    """10:00–20:00 as '10 to 20 hours' ('10 bis 20 Uhr')."""
    # Translators: opening hours said aloud: "10 bis 20 Uhr"; {start} and {end} are "10" or "10 30".
    return _w(lang).gettext("{start} to {end} hours").format(start=clock_words(*start), end=clock_words(*end))


_SPAN = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})\s*[–—-]\s*(\d{1,2}):(\d{2})(?![\d:])")
_TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")
# A contact row starts with its number: "112 · Notruf" (kiosk/ui/screens/help.py).
_LEADING_NUMBER = re.compile(r"^\s*(\+?\d[\d /-]*\d)\s+·")
# A number to dial: "+49 231 …", "0231 50-0", or six digits and more.
_PHONE = re.compile(r"(?<![\w,.])(\+\d[\d /-]{4,}\d|0\d[\d /-]{2,}\d|\d[\d /-]{5,}\d)(?![\w,.])")
_MARKS = "\u064b-\u065f\u0670"  # Arabic vowel marks (tanween): part of the word before them, though not \w
_UNITS = ("length-kilometer", "length-meter", "duration-hour", "duration-minute", "duration-second")
_SAMPLES = (1, 2, 3, 5, 11, 21, 350, 1.2)


@lru_cache(maxsize=None)
def _unit_patterns(lang: str) -> tuple[tuple[re.Pattern, str], ...]:
    """For each unit, a pattern that finds its short form in `lang` ('350 m', '5 Min.', '5 хв')."""
    loc = locale_for(lang)
    found: list[tuple[re.Pattern, str]] = []
    number = r"(\d+(?:[.,]\d+)?)"
    for unit in _UNITS:
        shapes = set()
        for value in _SAMPLES:
            short = bunits.format_unit(value, unit, "short", locale=loc)
            shown = bnumbers.format_decimal(value, locale=loc)
            if shown in short:
                shapes.add(short.replace(shown, "\x00", 1))
        if unit == "duration-second":
            shapes.add("\x00 s")  # the SI symbol, as the idle question's countdown writes it
        for shape in sorted(shapes, key=len, reverse=True):
            before, _sep, after = shape.partition("\x00")
            found.append((re.compile(rf"(?<!\w){re.escape(before)}{number}{re.escape(after)}(?![\w{_MARKS}])"), unit))
    return tuple(found)


def _long_unit(match: re.Match, unit: str, lang: str) -> str:
    loc = locale_for(lang)
    value = bnumbers.parse_decimal(match.group(1), locale=loc)
    value = int(value) if value == int(value) else float(value)
    return bunits.format_unit(value, unit, "long", locale=loc)


def comma(lang: str) -> str:
    """The pause between the parts of an item: the Arabic comma in Arabic."""
    return "، " if is_right_to_left(lang) else ", "


def _symbol(ch: str) -> bool:
    """Arrows, ticks and pictograms (↰ ✓ ♿ ⚑) are drawn for the eye; a voice would spell their names."""
    return unicodedata.category(ch) in ("So", "Sm", "Sk", "Cf") and ch not in "+%"


def spoken(text: str, lang: str) -> str:
    """A line of the screen as words: symbols dropped, times and spans said as hours, short units as
    words, numbers to dial digit by digit, the middle dot as a pause."""
    text = _LEADING_NUMBER.sub(lambda m: digits(m.group(1)) + ",", text)
    text = _PHONE.sub(lambda m: digits(m.group(1)), text)
    text = _SPAN.sub(lambda m: span_words((int(m[1]), int(m[2])), (int(m[3]), int(m[4])), lang), text)
    text = _TIME.sub(lambda m: time_words(int(m[1]), int(m[2]), lang), text)
    for pattern, unit in _unit_patterns(lang):
        text = pattern.sub(lambda m, u=unit: _long_unit(m, u, lang), text)
    text = "".join(" " if _symbol(ch) else ch for ch in text)
    text = re.sub(r"\s*·\s*", comma(lang), text)
    return " ".join(text.split()).strip(" ,،")


# -- opening hours ----------------------------------------------------------------------------

def _day_names(lang: str) -> list[str]:
    """Monday to Sunday in `lang`, from Babel."""
    names = bdates.get_day_names("wide", "format", locale=locale_for(lang))
    return [names[i] for i in range(7)]


def _hour_minute(moment, tz: tzinfo) -> tuple[int, int]:
    local = moment.astimezone(tz)
    return local.hour, local.minute


def hours_sentences(days: Sequence[tuple[date, Sequence]], lang: str, tz: tzinfo) -> list[str]:
    """A week's opening hours as sentences, days with the same hours joined, from Monday:
    ['Monday to Saturday, 10 to 20 hours.', 'Sunday, closed.']. `days` are (day, intervals) as
    content.hours_on gives them, for seven consecutive days in any order."""
    by_weekday: dict[int, tuple] = {}
    for day, intervals in days:
        spans = tuple((_hour_minute(s, tz), _hour_minute(e, tz)) for s, e, *_ in intervals)
        by_weekday[day.weekday()] = tuple((s, (24, 0) if e == (0, 0) else e) for s, e in spans)
    names = _day_names(lang)
    groups: list[tuple[int, int, tuple]] = []
    for weekday in sorted(by_weekday):
        spans = by_weekday[weekday]
        if groups and groups[-1][2] == spans and groups[-1][1] == weekday - 1:
            groups[-1] = (groups[-1][0], weekday, spans)
        else:
            groups.append((weekday, weekday, spans))
    sentences = []
    for first, last, spans in groups:
        if first == last:
            when = names[first]
        elif last == first + 1:
            # Translators: two days with the same opening hours: "Samstag und Sonntag".
            when = _w(lang).gettext("{first} and {last}").format(first=names[first], last=names[last])
        else:
            # Translators: a run of days with the same opening hours: "Montag bis Samstag".
            when = _w(lang).gettext("{first} to {last}").format(first=names[first], last=names[last])
        if not spans:
            what = _w(lang).gettext("closed")
        elif spans == (((0, 0), (24, 0)),):
            what = _w(lang).gettext("open around the clock")
        else:
            what = _w(lang).gettext("and").join(f" {span_words(s, e, lang)} " for s, e in spans).strip()
            what = " ".join(what.split())
        sentences.append(f"{when}{comma(lang)}{what}.")
    return sentences


# -- the focused item -------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """What the focus rests on: its words, its role (a key of ROLES or ''), a state ('on', 'off' or
    ''), its place in a list (1-based, 0 when not in a list) and the list's length."""

    text: str
    role: str = ""
    state: str = ""
    position: int = 0
    count: int = 0


def position_words(position: int, count: int, lang: str) -> str:
    # Translators: where the focus is in a list, said after the item: "3 von 12".
    return _w(lang).gettext("{position} of {count}").format(position=position, count=count)


def item_sentence(item: Item, lang: str) -> str:
    """'Apotheke am Markt, open until 20 hours, 350 metres, button, 3 of 12'."""
    parts = [spoken(item.text, lang)]
    if item.role:
        parts.append(_w(lang).gettext(ROLES[item.role]))
    if item.state == "on":
        parts.append(_w(lang).gettext("on"))
    elif item.state == "off":
        parts.append(_w(lang).gettext("off"))
    if item.position and item.count > 1:
        parts.append(position_words(item.position, item.count, lang))
    return comma(lang).join(p for p in parts if p)


def marker_sentence(names: Sequence[str], kind: str, distance: str, lang: str) -> str:
    """A marker on the map: 'Reinoldikirche, landmark, 180 m from here, button'; a group of markers:
    '4 places close together: A, B, C, D, 120 m from here, button' (choosing it zooms in)."""
    words = _w(lang)
    if len(names) == 1:
        parts = [spoken(names[0], lang), kind]
    else:
        # Translators: several markers drawn as one on the map, then their names: "4 places close together: …".
        parts = [words.ngettext("{count} place close together: {names}", "{count} places close together: {names}",
                                len(names)).format(count=len(names), names=comma(lang).join(spoken(n, lang) for n in names))]
    # Translators: how far a place on the map is from the terminal, as the crow flies: "180 m from here".
    parts.append(spoken(words.gettext("{distance} from here").format(distance=distance), lang))
    parts.append(words.gettext(ROLES["button"]))
    return comma(lang).join(p for p in parts if p)


def step_sentence(position: int, count: int, text: str, lang: str) -> str:
    """A route step: 'Step 2 of 5: turn left into Westenhellweg.'"""
    # Translators: a route step said aloud; {text} is the step as the screen shows it.
    return _w(lang).gettext("Step {position} of {count}: {text}").format(position=position, count=count,
                                                                 text=spoken(text, lang))


def emergency_sentence(name: str, number: str, note: str, lang: str) -> str:
    """'Emergency: 1 1 2. Fire brigade and ambulance.'"""
    # Translators: an emergency number said aloud, digit by digit: "Notruf: 1 1 2".
    parts = [_w(lang).gettext("{name}: {number}").format(name=name, number=digits(number))]
    if note:
        parts.append(spoken(note, lang))
    return ". ".join(parts)


def where_sentences(screen_title: str, terminal_name: str, address: str, lang: str) -> list[str]:
    """The 'where am I' key: the screen, then where this terminal stands."""
    sentences = []
    if screen_title:
        # Translators: the "where am I" key: which screen the visitor is on.
        sentences.append(_w(lang).gettext("You are on the screen {title}.").format(title=spoken(screen_title, lang)))
    place = ", ".join(part for part in (terminal_name, address) if part)
    if place:
        sentences.append(_w(lang).gettext("This terminal stands at {place}.").format(place=spoken(place, lang)))
    return sentences


def key_guide(lang: str) -> list[str]:
    """What the help key says: how to use the keypad (docs/accessibility.md has the same layout)."""
    return [
        _w(lang).gettext("Up and down move from item to item."),
        _w(lang).gettext("Right or the round key chooses the item. Left goes back."),
        _w(lang).gettext("Plus and minus change the volume, nine and three the speed."),
        _w(lang).gettext("The star key repeats. The zero key says where you are. The question mark key says this again."),
        _w(lang).gettext("Every screen has the Help and safety button."),
    ]
