"""'Or take U47 from Reinoldikirche, 7 min': the run from a stop near the terminal that also calls near
the destination; from the timetable offline, live (later, or cancelled and so not offered) with a
provider's predictions. The made-up city-centre timetable of tests/live_kit.py on the demo content."""
from __future__ import annotations

from datetime import datetime

import pytest

from kiosk.content import Content
from kiosk.live.gtfs_rt import parse_trip_updates
from kiosk.live.transit_hint import ride_towards
from tests.live_kit import demo_with_departures, trip_updates

AT = datetime.fromisoformat("2026-11-26T17:30:00+01:00")
STADTGARTEN = (51.5094, 7.4658)  # the demo's place u-stadtgarten, 550 m from the terminal
WESTERFILDE = (51.5600, 7.3900)  # the U47's northern end: no stop of the feed is near it


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    opened = Content.open(demo_with_departures(tmp_path_factory.mktemp("hint") / "data", AT))
    yield opened
    opened.close()


def test_offline_the_next_run_that_calls_near_the_destination_from_the_timetable(content):
    ride = ride_towards(content, "reinoldikirche", *STADTGARTEN, AT, "de")
    assert (ride.route, ride.headsign, ride.from_stop, ride.to_stop) == ("U47", "Aplerbeck", "Reinoldikirche", "Stadtgarten")
    assert ride.departs == datetime.fromisoformat("2026-11-26T17:37:00+01:00") and ride.minutes_from(AT) == 7
    assert (ride.source, ride.live_age_s) == ("timetable", None)


def test_a_destination_no_run_goes_near_has_no_hint(content):
    assert ride_towards(content, "reinoldikirche", *WESTERFILDE, AT, "de") is None


def test_live_a_late_run_is_offered_at_its_expected_time_and_a_cancelled_one_not_at_all(content):
    late = parse_trip_updates(trip_updates(AT, {"trip_id": "U47S", "start_date": "20261126", "start_time": "17:22:00",
                                                "stops": [(2, "REI2", 120, False)]}),
                              source="provider", received_at=AT)
    ride = ride_towards(content, "reinoldikirche", *STADTGARTEN, AT, "de", predictions=late)
    assert ride.departs == datetime.fromisoformat("2026-11-26T17:39:00+01:00") and ride.source == "live"
    cancelled = parse_trip_updates(trip_updates(AT, {"trip_id": "U47S", "start_date": "20261126", "start_time": "17:22:00",
                                                     "cancelled": True}), source="provider", received_at=AT)
    ride = ride_towards(content, "reinoldikirche", *STADTGARTEN, AT, "de", predictions=cancelled)
    assert ride.departs == datetime.fromisoformat("2026-11-26T17:47:00+01:00")  # the next run, from the timetable
    assert ride.source == "timetable"
