"""iCalendar -> feed events: zoned times, all-day ends, RRULE text, EXDATE, overrides, translations, places."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar

from kiosk.occurrences import occurrences_between, occurrences_on_day
from sync.build.assemble import BuildInputs, build_feed
from tests.conftest import REPO
from tests.test_build_osm import SMALL_TOWN, write_base

ICAL = REPO / "tests" / "fixtures" / "ical"
BERLIN = ZoneInfo("Europe/Berlin")
CALENDARS = ["kiosk_events.ics", "each_week_but_two_deleted.ics", "issue_20_exdate_ignored.ics",
             "machbar_16_feb_2019.ics"]
BROKEN = {"ohne-beginn", "ohne-titel", "kaputte-regel"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ical")
    return build_feed(BuildInputs(base=write_base(folder), out_dir=folder / "out", osm=SMALL_TOWN,
                                  ics=[ICAL / name for name in CALENDARS], sequence=1))


def events(built) -> dict[str, dict]:
    return {event["id"]: event for event in built.feed["events"]}


def title(event) -> str:
    return event["title"] if isinstance(event["title"], str) else event["title"]["de"]


def test_a_weekly_series_with_exceptions_and_translations(built):
    concert = events(built)["feierabendkonzert-cityring-example"]
    assert concert["start"] == "2026-10-08T18:00:00+02:00" and concert["end"] == "2026-10-08T19:30:00+02:00"
    assert concert["rrule"] == "FREQ=WEEKLY;UNTIL=20261217T170000Z;BYDAY=TH"
    # EXDATE, the moved occurrence (RECURRENCE-ID) and the cancelled one are all excluded from the series.
    assert concert["exdates"] == ["2026-11-05T18:00:00+01:00", "2026-11-19T18:00:00+01:00",
                                  "2026-12-03T18:00:00+01:00"]
    assert concert["title"] == {"de": "Feierabendkonzert", "en": "After-work concert"}
    assert concert["summary"]["en"] == "Music at the market every Thursday, in the bookshop when it rains."
    assert concert["place_id"] == "osm-n201"  # LOCATION names the bookshop
    assert (concert["category"], concert["free"], concert["url"]) == ("music", True, "https://cityring.example/konzert")
    moved = events(built)["feierabendkonzert-cityring-example-20261119t2000"]
    assert moved["start"] == "2026-11-19T20:00:00+01:00" and "rrule" not in moved


def test_the_series_keeps_its_wall_clock_time_across_the_change_to_winter_time(built):
    concert = events(built)["feierabendkonzert-cityring-example"]
    before = occurrences_on_day(concert, BERLIN, date(2026, 10, 22))
    after = occurrences_on_day(concert, BERLIN, date(2026, 10, 29))  # clocks went back on 25 October
    assert [o.start.isoformat() for o in before] == ["2026-10-22T18:00:00+02:00"]
    assert [o.start.isoformat() for o in after] == ["2026-10-29T18:00:00+01:00"]
    assert occurrences_on_day(concert, BERLIN, date(2026, 11, 5)) == []  # EXDATE
    assert occurrences_on_day(concert, BERLIN, date(2026, 12, 3)) == []  # cancelled
    moved = [e for e in built.feed["events"] if title(e).startswith("Feierabendkonzert")
             and occurrences_on_day(e, BERLIN, date(2026, 11, 19))]
    assert [title(e) for e in moved] == ["Feierabendkonzert (später)"]


def test_a_real_calendar_across_daylight_saving_matches_its_upstream_expectations(built):
    # Upstream (python-recurring-ical-events) asserts 19:00 CET on 2019-03-20 and 19:00 CEST on 2019-04-24.
    first_on = {}
    for day in (date(2019, 3, 20), date(2019, 4, 24)):
        starts = sorted(o.start for e in built.feed["events"] for o in occurrences_on_day(e, BERLIN, day))
        first_on[day] = starts[0]
    assert first_on[date(2019, 3, 20)].isoformat() == "2019-03-20T19:00:00+01:00"
    assert first_on[date(2019, 4, 24)].isoformat() == "2019-04-24T19:00:00+02:00"


def test_every_occurrence_matches_recurring_ical_events(built):
    """The converted feed events give the same occurrences as the library reading the .ics itself."""
    window = (datetime(2018, 1, 1, tzinfo=BERLIN), datetime(2027, 6, 1, tzinfo=BERLIN))

    def key(summary, start):
        if isinstance(start, datetime):
            start = (start if start.tzinfo else start.replace(tzinfo=BERLIN)).astimezone(timezone.utc).isoformat()
        else:
            start = start.isoformat()
        return " ".join(str(summary).split()), start

    ours = {key(title(e), o.start if not o.all_day else o.first_day)
            for e in built.feed["events"] for o in occurrences_between(e, BERLIN, *window)}
    theirs = set()
    for name in CALENDARS:
        calendar = Calendar.from_ical((ICAL / name).read_bytes())
        calendar.subcomponents = [c for c in calendar.subcomponents if str(c.get("UID")) not in BROKEN]
        for component in recurring_ical_events.of(calendar).between(*window):
            if str(component.get("STATUS", "")).upper() != "CANCELLED":
                theirs.add(key(component.get("SUMMARY"), component.decoded("DTSTART")))
    assert len(ours) > 2500
    assert ours == theirs


def test_all_day_events_end_on_their_last_day_and_floating_times_are_city_time(built):
    found = events(built)
    assert (found["stadtfest-2026"]["start"], found["stadtfest-2026"]["end"]) == ("2026-06-12", "2026-06-14")
    assert found["stadtfest-2026"]["location"] == {
        "name": {"de": "Rund um den Marktplatz", "en": "Around the market square"}, "lat": 51.4995, "lon": 7.4625}
    market = found["wochenmarkt"]
    assert market["rrule"] == "FREQ=WEEKLY;UNTIL=20261227;BYDAY=SA" and market["exdates"] == ["2026-12-26"]
    assert found["lesung-floating"]["start"] == "2026-10-30T19:00:00+01:00"
    assert found["lesung-floating"]["place_id"] == "osm-w1010"  # "Modehaus Nord, 1. Etage"
    talk = found["utc-vortrag"]
    assert (talk["start"], talk["end"]) == ("2026-11-20T18:00:00+01:00", "2026-11-20T19:00:00+01:00")
    assert "url" not in talk  # http:// is left out
    assert found["sx2curhkftkkffu3vud7k"]["exdates"] == ["2019-03-11T00:30:00+01:00", "2019-03-25T00:30:00+01:00"]
    assert found["f0f31ddb-6918-46af-a5a1-0a7254fbce71"]["rrule"].startswith("FREQ=WEEKLY;UNTIL=20200204T151459Z")


def test_components_that_cannot_be_converted_are_reported_and_left_out(built):
    assert not BROKEN & set(events(built))
    text = built.report.render()
    assert "kiosk_events.ics ohne-beginn: it has no DTSTART" in text
    assert "kiosk_events.ics ohne-titel: it has no SUMMARY" in text
    assert "kiosk_events.ics kaputte-regel: its RRULE 'FREQ=WEEKLY;BYDAY=XX' is not a valid recurrence rule" in text
    assert "kiosk_events.ics wochenmarkt: 'Marktplatz'" in text  # no GEO and no place of that name
    assert "times without a time zone were read as Europe/Berlin time" in text


def test_uids_become_unique_ids_matching_the_feed_pattern(built):
    ids = [event["id"] for event in built.feed["events"]]
    assert len(ids) == len(set(ids))
    assert "4m856r43sj4i6g0vat9dn4gtui-google-com" in ids
