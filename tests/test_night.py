"""kiosk/night.py: the night slide's schedule in the city's wall-clock time, across midnight and DST."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.night import NightModeError, is_night, next_change, parse_schedule

UTC = timezone.utc


def berlin(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize("at, night", [
    ("2026-11-26T21:59:59+01:00", False),
    ("2026-11-26T22:00:00+01:00", True),
    ("2026-11-27T00:30:00+01:00", True),
    ("2026-11-27T05:59:00+01:00", True),
    ("2026-11-27T06:00:00+01:00", False),
    ("2026-11-27T12:00:00+01:00", False),
])
def test_a_schedule_across_midnight(at, night):
    assert is_night(berlin(at), "22:00-06:00") is night


def test_the_instant_is_read_in_the_city_time_zone_not_utc():
    # 21:30 UTC is 22:30 in Dortmund in winter.
    assert is_night(datetime(2026, 1, 10, 21, 30, tzinfo=UTC), "22:00-06:00")
    assert not is_night(datetime(2026, 1, 10, 21, 30, tzinfo=UTC), "22:00-06:00", tz="UTC")


def test_a_schedule_within_one_day():
    assert is_night(berlin("2026-06-01T02:00:00+02:00"), "01:00-05:30")
    assert not is_night(berlin("2026-06-01T05:30:00+02:00"), "01:00-05:30")
    assert not is_night(berlin("2026-06-01T23:00:00+02:00"), "01:00-05:30")


def test_spring_forward_night_ends_at_six_on_the_wall_clock():
    # 29 March 2026: clocks go from 02:00 CET to 03:00 CEST; 06:00 is 04:00 UTC that morning.
    assert is_night(datetime(2026, 3, 29, 3, 59, tzinfo=UTC), "22:00-06:00")
    assert not is_night(datetime(2026, 3, 29, 4, 0, tzinfo=UTC), "22:00-06:00")
    assert next_change(datetime(2026, 3, 28, 22, 0, tzinfo=UTC), "22:00-06:00") == datetime(2026, 3, 29, 4, 0, tzinfo=UTC)


def test_fall_back_night_ends_at_six_on_the_wall_clock():
    # 25 October 2026: 03:00 CEST becomes 02:00 CET; 06:00 is 05:00 UTC that morning.
    assert is_night(datetime(2026, 10, 25, 4, 59, tzinfo=UTC), "22:00-06:00")
    assert not is_night(datetime(2026, 10, 25, 5, 0, tzinfo=UTC), "22:00-06:00")
    assert next_change(datetime(2026, 10, 24, 22, 0, tzinfo=UTC), "22:00-06:00") == datetime(2026, 10, 25, 5, 0, tzinfo=UTC)


def test_a_start_inside_the_spring_forward_gap_switches_at_the_clock_change():
    assert next_change(datetime(2026, 3, 28, 23, 0, tzinfo=UTC), "02:30-05:00") == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert not is_night(datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "02:30-05:00")
    assert is_night(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "02:30-05:00")


def test_no_schedule_means_never_night():
    assert not is_night(datetime(2026, 1, 1, 2, tzinfo=UTC), None)
    assert next_change(datetime(2026, 1, 1, 2, tzinfo=UTC), None) is None


@pytest.mark.parametrize("text, message", [
    ("22-06", "time range"), ("25:00-06:00", "does not exist"), ("22:00-22:00", "same time"), ("", "time range"),
])
def test_bad_schedules_are_explained(text, message):
    with pytest.raises(NightModeError, match=message):
        parse_schedule(text)


def test_naive_instants_and_unknown_zones_are_refused():
    with pytest.raises(NightModeError, match="aware"):
        is_night(datetime(2026, 1, 1, 2), "22:00-06:00")
    with pytest.raises(NightModeError, match="time zone"):
        is_night(datetime(2026, 1, 1, 2, tzinfo=UTC), "22:00-06:00", tz="Europe/Dortmund")


schedules = st.tuples(st.integers(0, 23), st.sampled_from([0, 15, 30, 45]), st.integers(0, 23),
                      st.sampled_from([0, 15, 30, 45])).filter(lambda t: t[:2] != t[2:]).map(
    lambda t: f"{t[0]:02d}:{t[1]:02d}-{t[2]:02d}:{t[3]:02d}")
instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))


@settings(max_examples=300, deadline=None)
@given(schedule=schedules, at=instants)
def test_next_change_is_exactly_where_night_mode_flips(schedule, at):
    change = next_change(at, schedule)
    assert change is not None and at < change <= at + timedelta(days=1, hours=1)
    assert is_night(change, schedule) != is_night(at, schedule)
    assert is_night(change - timedelta(seconds=1), schedule) == is_night(at, schedule)
