from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import opening_hours
import pytest

from kiosk.hours import HoursState, OpeningHoursError, check, intervals_on, state_at

BERLIN = "Europe/Berlin"
TZ = ZoneInfo(BERLIN)
SHOP = "Mo-Sa 10:00-20:00; PH off"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def state(value, when, subdivision="NW", country="DE"):
    return state_at(value, when, timezone=BERLIN, country=country, subdivision=subdivision)


# --- regional public holidays ------------------------------------------------------------------


def test_fronleichnam_is_closed_in_north_rhine_westphalia():
    result = state(SHOP, at(2026, 6, 4, 12))  # Thursday
    assert result.state == "closed"
    assert result.next_change == at(2026, 6, 5, 10)


@pytest.mark.parametrize("subdivision", [None, "BE"])
def test_fronleichnam_is_an_ordinary_thursday_where_it_is_no_holiday(subdivision):
    result = state(SHOP, at(2026, 6, 4, 12), subdivision=subdivision)
    assert result == HoursState("open", at(2026, 6, 4, 20), None)


@pytest.mark.parametrize("subdivision", ["NW", "BE", None])
def test_a_national_holiday_is_closed_everywhere(subdivision):
    assert state(SHOP, at(2026, 12, 25, 12), subdivision=subdivision).state == "closed"  # Friday


def test_allerheiligen_2027_is_closed_in_north_rhine_westphalia():
    assert state(SHOP, at(2027, 11, 1, 12)).state == "closed"  # Monday
    assert state(SHOP, at(2027, 11, 1, 12), subdivision="BE").state == "open"


def test_the_evening_before_a_regional_holiday_runs_to_its_next_opening():
    result = state(SHOP, at(2026, 6, 3, 21))
    assert result == HoursState("closed", at(2026, 6, 5, 10), None)


def test_intervals_on_a_regional_holiday_are_empty_and_the_next_day_is_normal():
    assert intervals_on(SHOP, date(2026, 6, 4), timezone=BERLIN, subdivision="NW") == []
    assert intervals_on(SHOP, date(2026, 6, 5), timezone=BERLIN, subdivision="NW") == [
        (at(2026, 6, 5, 10), at(2026, 6, 5, 20), "open")
    ]


PH_FORMS = [
    SHOP,
    "Su,PH off; Mo-Sa 09:00-18:00",
    "Mo-Fr 09:00-18:00; Su,PH 11:00-15:00",
    "PH Mo-Fr 10:00-12:00",
    "Mo-Fr 08:00-18:00; PH -1 day 08:00-12:00; PH off",
    "Mo-Fr 08:00-18:00; PH +1 day 12:00-18:00; PH off",
    "Mo-Fr 09:00-17:00; PH 20:00-03:00",
    "Mo-Fr 09:00-17:00; PH off \"geschlossen an Feiertagen\"",
    "24/7; PH unknown \"Feiertag: bitte anrufen\"",
    "Mo-Sa 10:00-20:00; SH,PH off",
]


@pytest.mark.parametrize("value", PH_FORMS)
def test_a_patched_regional_holiday_behaves_like_a_national_one(value):
    """Fronleichnam 2026 (regional) and Ascension 2026 (national) are Thursdays three weeks apart."""
    library = opening_hours.OpeningHours(value, timezone=TZ, country="DE")
    national, regional = at(2026, 5, 12), at(2026, 6, 2)  # two days before each
    for hour in range(0, 5 * 24, 1):
        ours = state(value, regional + timedelta(hours=hour))
        theirs, comment = library.state(national + timedelta(hours=hour))
        assert ours.state == str(theirs).rsplit(".", 1)[-1].lower(), (value, hour)
        assert ours.comment == (comment or None)


def test_unknown_subdivision_is_a_sentence():
    with pytest.raises(ValueError, match="No public holiday calendar is known for 'DE-XX'"):
        state(SHOP, at(2026, 6, 4, 12), subdivision="XX")


# --- ordinary values ----------------------------------------------------------------------------


def test_friday_afternoon_is_open_until_six():
    result = state("Mo-Fr 09:00-18:00", at(2026, 6, 5, 17))
    assert result == HoursState("open", at(2026, 6, 5, 18), None)
    assert result.next_change.tzinfo is not None


def test_friday_evening_changes_on_monday_morning():
    assert state("Mo-Fr 09:00-18:00", at(2026, 6, 5, 19)).next_change == at(2026, 6, 8, 9)


def test_the_instant_is_converted_into_the_city_time_zone():
    utc = datetime(2026, 6, 5, 15, 30, tzinfo=ZoneInfo("UTC"))  # 17:30 in Dortmund
    result = state("Mo-Fr 09:00-18:00", utc)
    assert result.state == "open"
    assert result.next_change == at(2026, 6, 5, 18)
    assert result.next_change.utcoffset() == timedelta(hours=2)


def test_always_open_and_always_closed_never_change():
    assert state("24/7", at(2026, 6, 5, 17)) == HoursState("open", None, None)
    assert state("off", at(2026, 6, 5, 17)) == HoursState("closed", None, None)


def test_comments_come_with_the_state():
    value = 'Mo-Fr 10:00-12:00 "nur nach Absprache"; Sa unknown "bitte anrufen"'
    assert state(value, at(2026, 6, 5, 11)) == HoursState("open", at(2026, 6, 5, 12), "nur nach Absprache")
    saturday = state(value, at(2026, 6, 6, 11))
    assert saturday == HoursState("unknown", at(2026, 6, 7, 0), "bitte anrufen")


def test_unknown_intervals_are_listed_with_the_open_ones():
    value = "Mo-Fr 10:00-12:00, Mo-Fr 14:00-16:00 unknown"
    assert intervals_on(value, date(2026, 6, 5), timezone=BERLIN) == [
        (at(2026, 6, 5, 10), at(2026, 6, 5, 12), "open"),
        (at(2026, 6, 5, 14), at(2026, 6, 5, 16), "unknown"),
    ]
    assert state(value, at(2026, 6, 5, 15)).state == "unknown"


def test_intervals_are_clipped_to_the_day():
    value = "Fr-Sa 22:00-02:00"
    assert intervals_on(value, date(2026, 6, 6), timezone=BERLIN) == [
        (at(2026, 6, 6, 0), at(2026, 6, 6, 2), "open"),
        (at(2026, 6, 6, 22), at(2026, 6, 7, 0), "open"),
    ]


def test_intervals_on_daylight_saving_days():
    spring = intervals_on("Su 01:00-04:00", date(2026, 3, 29), timezone=BERLIN)
    assert spring == [(at(2026, 3, 29, 1), at(2026, 3, 29, 4), "open")]
    # aware datetimes sharing a tzinfo subtract on the wall clock, so measure in UTC
    assert spring[0][1].astimezone(UTC) - spring[0][0].astimezone(UTC) == timedelta(hours=2)
    autumn = intervals_on("24/7", date(2026, 10, 25), timezone=BERLIN)
    assert autumn[0][1].astimezone(UTC) - autumn[0][0].astimezone(UTC) == timedelta(hours=25)


# --- errors ---------------------------------------------------------------------------------


def test_check_accepts_good_values_and_explains_bad_ones():
    assert check("Mo-Fr 09:00-18:00; PH off") is None
    problem = check("Mo-Fr 10:00-")
    assert "'Mo-Fr 10:00-'" in problem and "character 13" in problem
    assert "empty" in check("  ")


def test_an_unparsable_value_raises_a_value_error_that_quotes_it():
    with pytest.raises(OpeningHoursError, match="'Mo-Fr 25:00-26:00' does not parse") as caught:
        state("Mo-Fr 25:00-26:00", at(2026, 6, 5, 12))
    assert isinstance(caught.value, ValueError)


def test_a_naive_instant_is_refused():
    with pytest.raises(ValueError, match="time-zone-aware"):
        state_at("24/7", datetime(2026, 6, 5, 12), timezone=BERLIN)


def test_an_unknown_time_zone_is_a_sentence():
    with pytest.raises(ValueError, match="'Europe/Dortmund' is not an IANA time zone"):
        state_at("24/7", at(2026, 6, 5, 12), timezone="Europe/Dortmund")
