from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.occurrences import Occurrence, day_bounds, occurrences_between, occurrences_on_day

TZ = ZoneInfo("Europe/Berlin")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def utc_length(occurrence: Occurrence) -> timedelta:
    return occurrence.end.astimezone(UTC) - occurrence.start.astimezone(UTC)


SUNDAY_SERVICE = {
    "id": "sonntagsfuehrung",
    "start": "2026-03-01T10:00:00+01:00",
    "end": "2026-03-01T11:30:00+01:00",
    "rrule": "FREQ=WEEKLY;BYDAY=SU",
    # one in winter time, one in summer time written in UTC: both match by instant
    "exdates": ["2026-03-22T10:00:00+01:00", "2026-10-18T08:00:00Z"],
}


def test_weekly_event_keeps_its_wall_clock_across_both_dst_changes():
    found = occurrences_between(SUNDAY_SERVICE, TZ, at(2026, 3, 15), at(2026, 11, 2))
    starts = [o.start for o in found]
    assert all((o.start.hour, o.start.minute, o.end.hour, o.end.minute) == (10, 0, 11, 30) for o in found)
    assert at(2026, 3, 29, 10) in starts  # first day of summer time
    assert starts[starts.index(at(2026, 3, 29, 10))].utcoffset() == timedelta(hours=2)
    assert at(2026, 10, 25, 10) in starts  # first day of winter time
    assert starts[starts.index(at(2026, 10, 25, 10))].utcoffset() == timedelta(hours=1)
    assert at(2026, 3, 22, 10) not in starts and at(2026, 10, 18, 10) not in starts
    assert at(2026, 3, 15, 10) in starts and at(2026, 11, 1, 10) in starts
    assert len(found) == 34 - 2
    assert all(utc_length(o) == timedelta(minutes=90) for o in found)


def test_exdate_in_another_offset_excludes_the_same_instant():
    event = {**SUNDAY_SERVICE, "exdates": ["2026-03-08T09:00:00Z"]}  # 10:00 in Dortmund
    assert occurrences_on_day(event, TZ, date(2026, 3, 8)) == []
    assert len(occurrences_on_day(event, TZ, date(2026, 3, 15))) == 1


def test_all_day_single_event():
    event = {"id": "stadtfest", "start": "2026-09-05"}
    (only,) = occurrences_on_day(event, TZ, date(2026, 9, 5))
    assert only == Occurrence(at(2026, 9, 5), at(2026, 9, 6), True, date(2026, 9, 5), date(2026, 9, 5))
    assert occurrences_on_day(event, TZ, date(2026, 9, 6)) == []


def test_all_day_multi_day_event_end_is_the_last_day():
    event = {"id": "dew21-museumsnacht", "start": "2026-10-24", "end": "2026-10-26"}
    for day in (date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)):
        (occurrence,) = occurrences_on_day(event, TZ, day)
        assert (occurrence.first_day, occurrence.last_day) == (date(2026, 10, 24), date(2026, 10, 26))
    assert occurrences_on_day(event, TZ, date(2026, 10, 27)) == []
    assert occurrences_on_day(event, TZ, date(2026, 10, 23)) == []
    (occurrence,) = occurrences_on_day(event, TZ, date(2026, 10, 25))
    assert utc_length(occurrence) == timedelta(hours=3 * 24 + 1)  # one day has 25 hours


def test_multi_day_date_time_event():
    event = {"id": "messe", "start": "2026-05-08T09:00:00+02:00", "end": "2026-05-10T18:00:00+02:00"}
    days = [d for d in (date(2026, 5, n) for n in range(7, 12)) if occurrences_on_day(event, TZ, d)]
    assert days == [date(2026, 5, 8), date(2026, 5, 9), date(2026, 5, 10)]


def test_event_past_midnight_is_on_both_days():
    event = {"id": "party", "start": "2026-07-10T22:00:00+02:00", "end": "2026-07-11T02:00:00+02:00"}
    (friday,) = occurrences_on_day(event, TZ, date(2026, 7, 10))
    (saturday,) = occurrences_on_day(event, TZ, date(2026, 7, 11))
    assert friday == saturday
    assert (friday.first_day, friday.last_day) == (date(2026, 7, 10), date(2026, 7, 11))
    assert occurrences_on_day(event, TZ, date(2026, 7, 12)) == []


def test_event_ending_at_midnight_does_not_touch_the_next_day():
    event = {"id": "konzert", "start": "2026-07-10T20:00:00+02:00", "end": "2026-07-11T00:00:00+02:00"}
    (occurrence,) = occurrences_on_day(event, TZ, date(2026, 7, 10))
    assert occurrence.last_day == date(2026, 7, 10)
    assert occurrences_on_day(event, TZ, date(2026, 7, 11)) == []


def test_recurring_past_midnight_event_keeps_its_wall_clock():
    event = {"id": "nachtmarkt", "start": "2026-10-17T22:00:00+02:00", "end": "2026-10-18T03:00:00+02:00",
             "rrule": "FREQ=WEEKLY;COUNT=3"}
    found = occurrences_between(event, TZ, at(2026, 10, 1), at(2026, 11, 30))
    assert [(o.start.hour, o.end.hour) for o in found] == [(22, 3)] * 3
    assert utc_length(found[0]) == timedelta(hours=5)
    assert utc_length(found[1]) == timedelta(hours=6)  # the night the clocks go back


def test_yearly_christmas_market_rule_reaches_2027_and_2028():
    days = ",".join(str(n) for n in range(1, 24))
    event = {"id": "weihnachtsmarkt", "start": "2026-12-01T11:00:00+01:00", "end": "2026-12-01T21:00:00+01:00",
             "rrule": f"FREQ=YEARLY;BYMONTH=12;BYMONTHDAY={days}"}
    for year in (2027, 2028):
        (occurrence,) = occurrences_on_day(event, TZ, date(year, 12, 1))
        assert (occurrence.start, occurrence.end) == (at(year, 12, 1, 11), at(year, 12, 1, 21))
        assert occurrences_on_day(event, TZ, date(year, 12, 24)) == []
    assert len(occurrences_between(event, TZ, at(2028, 1, 1), at(2029, 1, 1))) == 23


def test_yearly_all_day_rule():
    event = {"id": "adventsmarkt", "start": "2026-12-01", "rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=1,2,3"}
    found = occurrences_between(event, TZ, at(2027, 1, 1), at(2029, 1, 1))
    assert [o.first_day for o in found] == [date(y, 12, d) for y in (2027, 2028) for d in (1, 2, 3)]
    assert all(o.all_day and o.start == at(o.first_day.year, 12, o.first_day.day) for o in found)


def test_daily_until_in_utc_with_local_start():
    event = {"id": "eisbahn", "start": "2026-12-20T11:00:00+01:00", "end": "2026-12-20T21:00:00+01:00",
             "rrule": "FREQ=DAILY;UNTIL=20261230T230000Z"}
    found = occurrences_between(event, TZ, at(2026, 12, 1), at(2027, 1, 31))
    assert [o.first_day for o in found] == [date(2026, 12, d) for d in range(20, 31)]
    late = {**event, "start": "2026-12-20T23:30:00+01:00", "end": "2026-12-20T23:45:00+01:00"}
    # UNTIL is 31 Dec 00:00 local, so the 30 Dec 23:30 occurrence is the last one
    assert occurrences_between(late, TZ, at(2026, 12, 1), at(2027, 1, 31))[-1].first_day == date(2026, 12, 30)


def test_all_day_exdates_are_dates():
    event = {"id": "wochenmarkt", "start": "2026-06-06", "rrule": "FREQ=WEEKLY", "exdates": ["2026-06-13"]}
    days = [o.first_day for o in occurrences_between(event, TZ, at(2026, 6, 1), at(2026, 6, 30))]
    assert days == [date(2026, 6, 6), date(2026, 6, 20), date(2026, 6, 27)]


def test_a_start_off_the_rule_is_still_the_first_occurrence():
    event = {"id": "markt", "start": "2026-06-05T08:00:00+02:00", "end": "2026-06-05T13:00:00+02:00",
             "rrule": "FREQ=WEEKLY;BYDAY=SA;COUNT=2"}
    days = [o.first_day for o in occurrences_between(event, TZ, at(2026, 6, 1), at(2026, 7, 1))]
    assert days == [date(2026, 6, 5), date(2026, 6, 6), date(2026, 6, 13)]


def test_start_without_end_is_a_point_in_time():
    event = {"id": "startschuss", "start": "2026-06-05T18:00:00+02:00"}
    (point,) = occurrences_on_day(event, TZ, date(2026, 6, 5))
    assert point.start == point.end == at(2026, 6, 5, 18)
    assert occurrences_between(event, TZ, at(2026, 6, 5, 18), at(2026, 6, 5, 19)) == [point]
    assert occurrences_between(event, TZ, at(2026, 6, 5, 17), at(2026, 6, 5, 18)) == []


def test_weekly_at_a_time_skipped_by_the_spring_change_moves_forward():
    event = {"id": "nachtwanderung", "start": "2026-03-22T02:30:00+01:00", "end": "2026-03-22T03:30:00+01:00",
             "rrule": "FREQ=WEEKLY;COUNT=3"}
    found = occurrences_between(event, TZ, at(2026, 3, 1), at(2026, 4, 30))
    skipped = found[1]
    assert skipped.start == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 summer time
    assert skipped.end == at(2026, 3, 29, 3, 30)
    assert found[2].start == at(2026, 4, 5, 2, 30)


def test_day_bounds_on_dst_days():
    start, end = day_bounds(date(2026, 3, 29), TZ)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)
    start, end = day_bounds(date(2026, 10, 25), TZ)
    assert (start, end) == (at(2026, 10, 25), at(2026, 10, 26))
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=25)


def test_windows_in_other_offsets_compare_by_instant():
    event = {"id": "party", "start": "2026-07-10T22:00:00+02:00", "end": "2026-07-11T02:00:00+02:00"}
    assert occurrences_between(event, TZ, datetime(2026, 7, 10, 23, 59, tzinfo=UTC),
                               datetime(2026, 7, 11, 1, tzinfo=UTC))
    assert not occurrences_between(event, TZ, datetime(2026, 7, 11, 0, 0, tzinfo=UTC),
                                   datetime(2026, 7, 11, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"id": "x", "start": "2026-06-05T10:00:00+02:00", "rrule": "FREQ=SOMETIMES"}, "recurrence rule 'FREQ=SOMETIMES' of event 'x'"),
        ({"id": "x", "start": "2026-06-05T10:00:00"}, "has no UTC offset"),
        ({"id": "x", "start": "05.06.2026"}, "not a date"),
        ({"id": "x", "start": "2026-06-05", "end": "2026-06-04"}, "is before its 'start'"),
        ({"id": "x", "start": "2026-06-05", "end": "2026-06-05T10:00:00+02:00"}, "mixes a date and a date-time"),
        ({"id": "x"}, "has no 'start'"),
        ({"id": "x", "start": "2026-06-05T10:00:00+02:00", "timezone": "Mars/Olympus"}, "not an IANA time zone"),
    ],
)
def test_bad_events_are_explained(event, message):
    with pytest.raises(ValueError, match=message):
        occurrences_on_day(event, TZ, date(2026, 6, 5))


UTC_WEEKLY = {"id": "online", "start": "2026-10-15T19:00:00+02:00", "end": "2026-10-15T20:00:00+02:00",
              "rrule": "FREQ=WEEKLY", "timezone": "UTC", "exdates": ["2026-11-05T17:00:00Z"]}


def test_a_series_with_a_timezone_repeats_on_that_zones_clock():
    starts = [o.start for o in occurrences_between(UTC_WEEKLY, TZ, at(2026, 10, 1), at(2026, 11, 13))]
    assert starts == [at(2026, 10, 15, 19), at(2026, 10, 22, 19), at(2026, 10, 29, 18), at(2026, 11, 12, 18)]
    assert all(o.end - o.start == timedelta(hours=1) for o in occurrences_on_day(UTC_WEEKLY, TZ, date(2026, 10, 29)))
    # the same series without the field: the city's wall clock, as terminals did before the field
    older = {k: v for k, v in UTC_WEEKLY.items() if k != "timezone"}
    assert occurrences_on_day(older, TZ, date(2026, 10, 29))[0].start == at(2026, 10, 29, 19)


def test_a_new_york_series_keeps_new_york_time_and_lands_on_berlin_days():
    late = {"id": "ny", "start": "2026-03-06T05:30:00+01:00", "end": "2026-03-06T06:30:00+01:00",
            "rrule": "FREQ=WEEKLY;UNTIL=20260410T040000Z", "timezone": "America/New_York"}  # Thursdays 23:30 in New York
    found = occurrences_between(late, TZ, at(2026, 3, 1), at(2026, 4, 30))
    assert [o.start for o in found] == [at(2026, 3, 6, 5, 30), at(2026, 3, 13, 4, 30), at(2026, 3, 20, 4, 30),
                                        at(2026, 3, 27, 4, 30), at(2026, 4, 3, 5, 30), at(2026, 4, 10, 5, 30)]
    assert [o.first_day for o in found][:2] == [date(2026, 3, 6), date(2026, 3, 13)]  # Friday in Berlin
    assert occurrences_on_day(late, TZ, date(2026, 3, 12)) == []


def test_a_date_only_event_ignores_a_timezone():
    fair = {"id": "messe", "start": "2026-10-24", "end": "2026-10-25", "rrule": "FREQ=WEEKLY;COUNT=2",
            "timezone": "America/New_York"}
    assert [o.first_day for o in occurrences_between(fair, TZ, at(2026, 10, 1), at(2026, 11, 30))] == [
        date(2026, 10, 24), date(2026, 10, 31)]


def test_five_thousand_recurring_events_give_a_days_occurrences():
    rules = ["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=SA", "FREQ=DAILY;UNTIL=20261230T230000Z",
             "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=1,2,3", "FREQ=MONTHLY;BYDAY=1FR", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"]
    events = [
        {"id": f"e{n}", "start": f"20{19 + n % 7}-0{1 + n % 9}-1{n % 10}T{8 + n % 12:02d}:{n % 60:02d}:00+01:00",
         "end": f"20{19 + n % 7}-0{1 + n % 9}-1{n % 10}T{9 + n % 12:02d}:{n % 60:02d}:00+01:00",
         "rrule": rules[n % len(rules)]}
        for n in range(5000)
    ]
    # Speed is measured in bench/, not asserted here; this checks the fast-forward gives the right days.
    found = [occ for event in events for occ in occurrences_on_day(event, TZ, date(2026, 12, 5))]
    assert len(found) > 1000
    assert all(occ.first_day <= date(2026, 12, 5) <= occ.last_day for occ in found)
