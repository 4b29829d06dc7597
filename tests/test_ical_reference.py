"""Differential test: what a terminal shows day by day equals recurring-ical-events' reading of the .ics.

Each calendar is built with `kiosk-feed build`'s code path (sync.build.assemble.build_feed); the
terminal side asks kiosk.occurrences for every day of a bounded window in Europe/Berlin; the
reference is recurring-ical-events (RFC 5545) on the same file. Deliberate disagreements are
listed in docs/recurrence.md and each has a test of its own below.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar

from kiosk.occurrences import occurrences_on_day
from sync.build.assemble import BuildInputs, build_feed
from tests.conftest import REPO
from tests.test_build_osm import write_base

ICAL = REPO / "tests" / "fixtures" / "ical"
BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc


def build(tmp_path, *names: str):
    base = write_base(tmp_path)
    feed = json.loads(base.read_text(encoding="utf-8"))
    feed["map"] = {"type": "FeatureCollection", "features": []}  # calendars only: no OpenStreetMap extract
    base.write_text(json.dumps(feed), encoding="utf-8")
    return build_feed(BuildInputs(base=base, out_dir=tmp_path / "out", ics=[ICAL / name for name in names],
                                  sequence=1))


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _text(value) -> str:
    return " ".join(str(value).split())


def _when(value) -> str:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=BERLIN)).astimezone(UTC).isoformat()
    return value.isoformat()


def terminal_days(feed: dict, window: list[date]) -> dict[date, list[tuple]]:
    """Per day, (title, start, exclusive end) of every occurrence the terminal shows."""
    shown = {}
    for day in window:
        found = []
        for event in feed["events"]:
            title = event["title"] if isinstance(event["title"], str) else event["title"]["de"]
            for o in occurrences_on_day(event, BERLIN, day):
                start, end = (o.first_day, o.last_day + timedelta(days=1)) if o.all_day else (o.start, o.end)
                found.append((_text(title), _when(start), _when(end)))
        shown[day] = sorted(found)
    return shown


def reference_days(name: str, window: list[date], *, leave_out=frozenset()) -> dict[date, list[tuple]]:
    """The same from recurring-ical-events, its occurrences put on every local day they touch."""
    calendar = Calendar.from_ical((ICAL / name).read_bytes())
    calendar.subcomponents = [c for c in calendar.subcomponents if str(c.get("UID")) not in leave_out]
    span = (datetime.combine(window[0], datetime.min.time(), BERLIN),
            datetime.combine(window[-1] + timedelta(days=1), datetime.min.time(), BERLIN))
    shown = {day: [] for day in window}
    for component in recurring_ical_events.of(calendar).between(*span):
        if str(component.get("STATUS", "")).upper() == "CANCELLED":
            continue
        start = component.decoded("DTSTART")
        end = component.decoded("DTEND") if "DTEND" in component else start
        if isinstance(start, datetime):
            start, end = (t if t.tzinfo else t.replace(tzinfo=BERLIN) for t in (start, end))
            first = start.astimezone(BERLIN).date()
            last = (end - timedelta(microseconds=1)).astimezone(BERLIN).date() if end > start else first
        else:
            end = max(end, start + timedelta(days=1))  # a zero-length all-day event is its one day
            first, last = start, end - timedelta(days=1)
        for day in days(max(first, window[0]), min(last, window[-1])):
            shown[day].append((_text(component.get("SUMMARY")), _when(start), _when(end)))
    return {day: sorted(found) for day, found in shown.items()}


def disagreements(tmp_path, name: str, first: date, last: date, **kwargs) -> tuple[dict, int]:
    """Days on which terminal and reference differ, and how many occurrence-days were compared."""
    window = days(first, last)
    ours = terminal_days(build(tmp_path, name).feed, window)
    theirs = reference_days(name, window, **kwargs)
    differing = {day: (ours[day], theirs[day]) for day in window if ours[day] != theirs[day]}
    return differing, sum(len(found) for found in theirs.values())


# (calendar, first day, last day, components the build leaves out on purpose)
CALENDARS = [
    ("kiosk_events.ics", date(2026, 1, 1), date(2027, 1, 31), {"ohne-beginn", "ohne-titel", "kaputte-regel"}),
    ("machbar_16_feb_2019.ics", date(2018, 6, 1), date(2019, 12, 31), set()),
    ("fablab_cottbus.ics", date(2016, 11, 1), date(2019, 12, 31), set()),
    ("Germany_Holidays.ics", date(2019, 1, 1), date(2019, 12, 31), set()),
    ("each_week_but_two_deleted.ics", date(2019, 2, 1), date(2019, 5, 31), set()),
    ("issue_20_exdate_ignored.ics", date(2019, 8, 1), date(2020, 3, 31), set()),
    ("edge_rdate.ics", date(2026, 3, 1), date(2026, 12, 31), set()),
    ("edge_thisandfuture.ics", date(2026, 8, 25), date(2027, 3, 31), set()),
    ("edge_revisions.ics", date(2026, 8, 25), date(2026, 12, 31), set()),
    ("edge_utc_weekly.ics", date(2026, 9, 25), date(2027, 4, 30), set()),
    ("edge_new_york.ics", date(2026, 3, 1), date(2026, 12, 31), set()),
    ("edge_empty_rrule.ics", date(2026, 9, 1), date(2027, 12, 31), set()),
    ("edge_until_count.ics", date(2026, 10, 1), date(2027, 3, 31), set()),
    ("edge_x_wr_timezone.ics", date(2026, 9, 25), date(2026, 12, 31), set()),
]


# the reference hands an RRULE with both UNTIL and COUNT to dateutil, which warns
@pytest.mark.filterwarnings("ignore:Using both 'count' and 'until':DeprecationWarning")
@pytest.mark.parametrize("name,first,last,leave_out", CALENDARS, ids=[c[0] for c in CALENDARS])
def test_the_terminal_shows_what_the_reference_shows_on_every_day(tmp_path, name, first, last, leave_out):
    differing, compared = disagreements(tmp_path, name, first, last, leave_out=leave_out)
    assert compared > 0
    assert differing == {}
