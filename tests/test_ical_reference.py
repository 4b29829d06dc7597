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


# ---- each class with the calendar that shows it

def starts_on(feed: dict, day: date, title_prefix: str = "") -> list[tuple[str, str, str]]:
    """(title, start, end) in Berlin time of the occurrences on a day, as a terminal lists them."""
    found = []
    for event in feed["events"]:
        title = event["title"] if isinstance(event["title"], str) else event["title"]["de"]
        if title.startswith(title_prefix):
            found += [(title, o.start.isoformat(), o.end.isoformat()) for o in occurrences_on_day(event, BERLIN, day)]
    return sorted(found, key=lambda found: found[1])


def test_rdate_dates_date_times_and_periods_become_occurrences(tmp_path):
    feed = build(tmp_path, "edge_rdate.ics").feed
    flea = [day for day in days(date(2026, 10, 1), date(2026, 11, 30)) if starts_on(feed, day, "Flohmarkt")]
    assert flea == [date(2026, 10, 3), date(2026, 10, 10), date(2026, 10, 24), date(2026, 11, 7), date(2026, 11, 21)]
    organ = {day: starts_on(feed, day, "Orgel") for day in (date(2026, 4, 15), date(2026, 4, 22),
                                                          date(2026, 5, 10), date(2026, 11, 8))}
    assert organ[date(2026, 4, 15)] == [("Orgelkonzert", "2026-04-15T19:00:00+02:00", "2026-04-15T21:00:00+02:00")]
    assert organ[date(2026, 4, 22)] == [("Orgelkonzert", "2026-04-22T19:30:00+02:00", "2026-04-22T21:30:00+02:00")]
    assert organ[date(2026, 5, 10)] == []  # EXDATE removes an RDATE too
    assert organ[date(2026, 11, 8)] == [("Orgelkonzert", "2026-11-08T19:00:00+01:00", "2026-11-08T21:00:00+01:00")]
    # a PERIOD on a day the rule has gives that occurrence its own end; one off the rule adds an occurrence
    assert starts_on(feed, date(2026, 11, 27)) == [
        ("Sprechstunde", "2026-11-27T10:00:00+01:00", "2026-11-27T14:00:00+01:00")]
    assert starts_on(feed, date(2026, 12, 18)) == [
        ("Sprechstunde", "2026-12-18T10:00:00+01:00", "2026-12-18T12:00:00+01:00")]
    assert all("rdate" not in key for event in feed["events"] for key in event)  # plain feed v1: older terminals see them


def test_this_and_future_changes_split_the_series(tmp_path):
    feed = build(tmp_path, "edge_thisandfuture.ics").feed
    assert starts_on(feed, date(2026, 10, 8), "Chor") == [
        ("Chorprobe", "2026-10-08T18:00:00+02:00", "2026-10-08T19:30:00+02:00")]
    assert starts_on(feed, date(2026, 10, 15), "Chor") == [
        ("Chorprobe (neue Zeit)", "2026-10-15T19:00:00+02:00", "2026-10-15T21:00:00+02:00")]
    assert starts_on(feed, date(2026, 10, 29), "Chor") == [  # after the change to winter time
        ("Chorprobe (neue Zeit)", "2026-10-29T19:00:00+01:00", "2026-10-29T21:00:00+01:00")]
    assert starts_on(feed, date(2026, 11, 12), "Chor") == []  # the series' EXDATE, moved with it
    assert starts_on(feed, date(2026, 11, 26), "Chor") == []  # one later occurrence moved to Friday
    assert [s[0] for s in starts_on(feed, date(2026, 11, 27), "Chor")] == ["Chorprobe (Freitag)"]
    # "from now on Thursdays at 7:30" turns BYDAY=WE into TH; a cancelled change ends the series
    assert starts_on(feed, date(2026, 10, 14), "Lauf") == [
        ("Lauftreff", "2026-10-14T07:00:00+02:00", "2026-10-14T08:00:00+02:00")]
    assert starts_on(feed, date(2026, 10, 21), "Lauf") == []
    assert starts_on(feed, date(2026, 10, 29), "Lauf") == [
        ("Lauftreff (donnerstags)", "2026-10-29T07:30:00+01:00", "2026-10-29T08:30:00+01:00")]
    assert [day for day in days(date(2027, 1, 1), date(2027, 3, 31)) if starts_on(feed, day, "Lauf")] == [
        date(2027, 1, 7)]
    # all-day: from 26 October one day instead of two, a day later; the series' EXDATE and RDATE move along
    market = [day for day in days(date(2026, 10, 1), date(2026, 12, 31)) if starts_on(feed, day, "Herbst")]
    assert market[:6] == [date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 12), date(2026, 10, 13),
                          date(2026, 10, 19), date(2026, 10, 20)]
    assert market[6:] == [date(2026, 10, 27), date(2026, 11, 3), date(2026, 11, 10), date(2026, 11, 24),
                          date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 8)]
    # a UTC series cut twice; the second change moves it past midnight UTC, so Thursdays become Fridays
    assert starts_on(feed, date(2026, 10, 29), "Spät") == [  # 22:00 UTC, an hour earlier than the series
        ("Spätkino (früher)", "2026-10-29T23:00:00+01:00", "2026-10-30T00:30:00+01:00")]
    assert starts_on(feed, date(2026, 11, 20), "Spät") == [
        ("Spätkino (freitags)", "2026-11-20T02:00:00+01:00", "2026-11-20T03:00:00+01:00")]
    assert [s[0] for s in starts_on(feed, date(2026, 11, 27), "Spät")] == ["Spätkino (Matinee)"]


def test_a_this_and_future_change_one_rule_cannot_state_is_reported_and_left_out(tmp_path):
    """A deliberate difference (docs/recurrence.md): "the second Thursday" moved by a day is no BYDAY rule."""
    result = build(tmp_path, "edge_thisandfuture_unstated.ics")
    shown = [day for day in days(date(2026, 9, 1), date(2027, 2, 28)) if starts_on(result.feed, day)]
    assert shown == [date(2026, 9, 10), date(2026, 10, 8)]
    assert ("edge_thisandfuture_unstated.ics monatstreffen: its RANGE=THISANDFUTURE change at "
            "2026-11-12T10:00:00+01:00 moves the series in a way one recurrence rule cannot state") in result.report.render()
    theirs = reference_days("edge_thisandfuture_unstated.ics", [date(2026, 11, 13), date(2026, 12, 11)])
    assert [found[0][0] for found in theirs.values()] == ["Monatstreffen (freitags)"] * 2


def test_the_newest_revision_of_a_uid_wins_and_the_others_are_reported(tmp_path):
    result = build(tmp_path, "edge_revisions.ics")
    saturdays = [starts_on(result.feed, date(2026, 9, 5) + timedelta(weeks=n)) for n in range(12)]
    assert [len(found) for found in saturdays] == [1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1]  # no copies; new EXDATEs
    assert saturdays[0] == [("Repair-Café", "2026-09-05T11:00:00+02:00", "2026-09-05T14:00:00+02:00")]
    assert saturdays[4] == [("Repair-Café (später)", "2026-10-03T15:00:00+02:00", "2026-10-03T18:00:00+02:00")]
    text = result.report.render()
    assert "older revisions of calendar events (the newest one is used): 2" in text
    assert "edge_revisions.ics repair-cafe: SEQUENCE 0 LAST-MODIFIED" not in text
    assert "edge_revisions.ics repair-cafe: SEQUENCE 0 DTSTAMP 2026-08-01T00:00:00Z, kept SEQUENCE 1" in text


def test_with_equal_sequence_the_later_last_modified_wins_where_the_reference_takes_the_first(tmp_path):
    """A deliberate disagreement (docs/recurrence.md): RFC 5545 orders revisions by SEQUENCE, then time."""
    feed = build(tmp_path, "edge_revisions_last_modified.ics").feed
    assert starts_on(feed, date(2026, 10, 11)) == [
        ("Stadtführung", "2026-10-11T15:00:00+02:00", "2026-10-11T16:30:00+02:00")]
    theirs = reference_days("edge_revisions_last_modified.ics", [date(2026, 10, 11)])
    assert [start for _, start, _ in theirs[date(2026, 10, 11)]] == ["2026-10-11T12:00:00+00:00"]  # 14:00 Berlin


def test_a_utc_series_keeps_its_utc_time_across_the_change_to_winter_time(tmp_path):
    feed = build(tmp_path, "edge_utc_weekly.ics").feed
    (event,) = feed["events"]
    assert event["timezone"] == "UTC" and event["start"] == "2026-10-01T19:00:00+02:00"
    assert starts_on(feed, date(2026, 10, 22))[0][1] == "2026-10-22T19:00:00+02:00"
    assert starts_on(feed, date(2026, 10, 29))[0][1] == "2026-10-29T18:00:00+01:00"  # 17:00Z all year
    assert starts_on(feed, date(2026, 12, 24)) == []
    assert starts_on(feed, date(2027, 4, 15))[0][1] == "2027-04-15T19:00:00+02:00"
    # a terminal from before `timezone` ignores it and repeats on Berlin's clock, as it always did
    older = {k: v for k, v in event.items() if k != "timezone"}
    assert occurrences_on_day(older, BERLIN, date(2026, 10, 29))[0].start.isoformat() == "2026-10-29T19:00:00+01:00"


def test_a_new_york_series_follows_new_yorks_daylight_saving_dates(tmp_path):
    feed = build(tmp_path, "edge_new_york.ics").feed
    (event,) = feed["events"]
    assert event["timezone"] == "America/New_York"
    expected = {date(2026, 3, 5): "18:00:00+01:00",  # both in winter time: 6 hours apart
                date(2026, 3, 12): "17:00:00+01:00",  # New York changed on 8 March, Berlin on 29 March
                date(2026, 4, 2): "18:00:00+02:00",
                date(2026, 10, 29): "17:00:00+01:00",  # Berlin changed back on 25 October, New York on 1 November
                date(2026, 11, 5): "18:00:00+01:00"}
    for day, time_of_day in expected.items():
        assert starts_on(feed, day)[0][1] == f"{day.isoformat()}T{time_of_day}"


def test_an_empty_rrule_is_read_as_no_repetition_and_the_calendar_keeps_all_its_events(tmp_path):
    result = build(tmp_path, "edge_empty_rrule.ics", "Germany_Holidays.ics")
    titles = [e["title"] for e in result.feed["events"]]
    assert len(titles) == 2 + 34 and "rrule" not in str(result.feed["events"])
    assert [day for day in days(date(2026, 9, 1), date(2027, 12, 31)) if starts_on(result.feed, day, "Tag der")] == [
        date(2026, 10, 3)]
    text = result.report.render()
    assert "empty RRULEs (read as no repetition): 36" in text and "    edge_empty_rrule.ics lichterfest\n" in text


def test_until_with_count_keeps_the_limit_that_ends_the_series_first_and_the_build_goes_on(tmp_path):
    result = build(tmp_path, "edge_until_count.ics")
    found = {e["id"]: e for e in result.feed["events"]}
    assert found["adventssingen"]["rrule"] == "FREQ=DAILY;UNTIL=20261210T170000Z"
    assert found["eislaufen"]["rrule"] == "FREQ=WEEKLY;COUNT=5"
    assert "neujahrskonzert" in found
    assert [d for d in days(date(2026, 12, 1), date(2026, 12, 31)) if starts_on(result.feed, d, "Advent")][-1] == \
        date(2026, 12, 10)
    text = result.report.render()
    assert "RRULEs with both UNTIL and COUNT (the one that ends the series first is kept): 2" in text
    assert "edge_until_count.ics adventssingen: kept UNTIL" in text and "edge_until_count.ics eislaufen: kept COUNT" in text


def test_x_wr_timezone_applies_to_floating_and_utc_times(tmp_path):
    result = build(tmp_path, "edge_x_wr_timezone.ics")
    found = {e["id"]: e for e in result.feed["events"]}
    assert found["floating-weekly"]["timezone"] == "America/New_York"
    assert found["floating-weekly"]["start"] == "2026-10-01T15:00:00+02:00"  # 09:00 in New York
    assert starts_on(result.feed, date(2026, 10, 29), "Bürger")[0][1] == "2026-10-29T14:00:00+01:00"
    assert starts_on(result.feed, date(2026, 11, 5), "Bürger")[0][1] == "2026-11-05T15:00:00+01:00"
    assert found["floating-single"]["start"] == "2026-11-06T02:00:00+01:00"  # 20:00 in New York
    assert "X-WR-TIMEZONE America/New_York applied" in result.report.render()


def test_an_event_the_feed_rules_refuse_is_left_out_and_the_rest_is_built(tmp_path):
    calendar = tmp_path / "geo.ics"
    calendar.write_text((ICAL / "edge_until_count.ics").read_text(encoding="utf-8").replace(
        "SUMMARY:Neujahrskonzert", "SUMMARY:Neujahrskonzert\nLOCATION:Nordpol\nGEO:95.0;7.46"), encoding="utf-8")
    base = tmp_path / "base"
    base.mkdir()
    result = build(base, str(calendar))
    kept = {e["id"]: e for e in result.feed["events"]}
    assert set(kept) == {"adventssingen", "eislaufen", "neujahrskonzert"}
    assert "location" not in kept["neujahrskonzert"]  # a broken GEO costs the route, not the concert
    assert "event locations the feed rules refuse (the event shows without a route): 1" in result.report.render()
    assert "neujahrskonzert: $.events[2].location.lat" in result.report.render()
    refused = tmp_path / "refused.ics"
    refused.write_text((ICAL / "edge_until_count.ics").read_text(encoding="utf-8").replace(
        "20270101T170000", "23000101T170000").replace("20270101T190000", "23000101T190000"), encoding="utf-8")
    base = tmp_path / "base2"
    base.mkdir()
    result = build(base, str(refused))
    assert {e["id"] for e in result.feed["events"]} == {"adventssingen", "eislaufen"}
    assert "events the feed rules refuse (left out): 1" in result.report.render()


# ---- public test calendars of the reference (LGPL-3.0 test data, tests/fixtures/ical/upstream/)

UPSTREAM = sorted(path.name for path in (ICAL / "upstream").glob("*.ics"))
# calendar -> the days the terminal deliberately shows otherwise (the reasons: docs/recurrence.md)
DELIBERATE = {
    "end_before_start_event.ics": {date(2019, 3, 4)},  # DTEND before DTSTART: left out and reported
    "issue_201_mixed_datetime_and_date.ics": set(days(date(2023, 7, 24), date(2023, 8, 17))),  # all-day, as DTSTART says
    "issue_28_rrule_with_UTC_endinginZ.ics": {date(2020, 9, 17), date(2020, 9, 24)},  # UTC UNTIL of an all-day series
    "issue_75_range_parameter.ics": {date(2025, 9, 21)},  # a date UNTIL includes its whole day
    "multiple_rrule.ics": {date(2023, 2, 13), date(2023, 3, 13)},  # only the first RRULE is used
}


def span(path) -> tuple[date, date]:
    """From the day before the first start to 400 days after the last start or change."""
    points = []
    for component in Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
        for name in ("DTSTART", "RECURRENCE-ID"):
            if name in component:
                value = component.decoded(name)
                points.append(value.date() if isinstance(value, datetime) else value)
    return min(points) - timedelta(days=1), max(points) + timedelta(days=400)


@pytest.mark.parametrize("name", UPSTREAM)
def test_the_references_own_calendars_agree_but_for_the_listed_days(tmp_path, name):
    first, last = span(ICAL / "upstream" / name)
    differing, compared = disagreements(tmp_path, f"upstream/{name}", first, last)
    assert compared > 0 or name == "issue_117_until_before_dtstart.ics"  # its rule ends before it starts
    assert set(differing) == DELIBERATE.get(name, set())


def test_unreadable_values_are_reported_and_never_stop_the_build(tmp_path):
    result = build(tmp_path, "edge_broken_values.ics")
    found = {e["id"]: e for e in result.feed["events"]}
    assert set(found) == {"rdate-garbage", "exdate-garbage", "recid-garbage", "seq-garbage", "tz-unknown", "ok"}
    assert found["seq-garbage"]["start"] == "2026-10-02T10:00:00+02:00"  # an unreadable SEQUENCE counts as 0
    text = result.report.render()
    assert "calendar values that cannot be read (left out): 2" in text
    assert "edge_broken_values.ics rdate-garbage RDATE: " in text and "edge_broken_values.ics exdate-garbage EXDATE: " in text
    assert "edge_broken_values.ics recid-garbage: its RECURRENCE-ID cannot be read" in text
    assert "edge_broken_values.ics until-garbage: its RRULE 'FREQ=WEEKLY;UNTIL=garbage' is not a valid" in text
