"""The read model over a real store: today's events, places, campaigns, notices, pages, search."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from kiosk.content import Content
from sync import service
from tests import feedkit

APPLIED = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def content(tmp_path, keypair, data_dir):
    key_path, public = keypair
    path = feedkit.write_signed(tmp_path / "pub", feedkit.feed(), key_path)
    service.sync_once(str(path), public_keys=[public], data_dir=data_dir, now=APPLIED)
    opened = Content.open(data_dir)
    yield opened
    opened.close()


def ids(views) -> list[str]:
    return [v.id for v in views]


def test_today_lists_running_events_first_then_later_ones(content):
    today = content.todays_events(at("2026-11-26T17:30+01:00"), "en")
    assert ids(today.running) == ["weihnachtsmarkt"]
    assert today.running[0].title == "Christmas market" and today.running[0].now
    assert today.running[0].start == at("2026-11-26T11:00+01:00")
    assert ids(today.later) == ["spaetkonzert"]
    assert today.upcoming == []


def test_an_event_past_midnight_is_on_both_days(content):
    evening = content.todays_events(at("2026-11-26T23:00+01:00"), "de")
    assert "spaetkonzert" in ids(evening.running)
    after_midnight = content.todays_events(at("2026-11-27T00:30+01:00"), "de")
    assert ids(after_midnight.running) == ["spaetkonzert"]
    assert ids(after_midnight.later) == ["weihnachtsmarkt"]


def test_an_ended_event_is_no_longer_on_todays_list(content):
    late = content.todays_events(at("2026-11-26T21:30+01:00"), "de")
    assert "weihnachtsmarkt" not in ids(late.running + late.later)


def test_an_excluded_day_is_empty_and_the_next_days_are_offered(content):
    today = content.todays_events(at("2026-11-22T12:00+01:00"), "de")
    assert today.running == [] and today.later == []
    assert today.upcoming and today.upcoming[0].id == "weihnachtsmarkt"
    assert today.upcoming[0].start == at("2026-11-23T11:00+01:00")


def test_an_all_day_multi_day_event_runs_on_its_second_day(content):
    today = content.todays_events(at("2026-11-29T10:00+01:00"), "de")
    fest = next(v for v in today.running if v.id == "stadtfest")
    assert fest.all_day and fest.start == date(2026, 11, 28) and fest.end == date(2026, 11, 29)


def test_places_know_whether_they_are_open_and_when_that_changes(content):
    views = {v.id: v for v in content.places(at("2026-11-26T17:30+01:00"), "en")}
    assert views["buchhandlung-kamp"].open is True
    assert views["buchhandlung-kamp"].next_change == at("2026-11-26T19:00+01:00")
    assert views["buchhandlung-kamp"].name == "Kamp Bookshop"
    assert views["apotheke-markt"].open is True
    assert views["wc-hansaplatz"].open is None


def test_a_regional_public_holiday_closes_a_shop_with_ph_off(content):
    # Fronleichnam (Corpus Christi) is a public holiday in North Rhine-Westphalia, not nationwide.
    fronleichnam = at("2026-06-04T12:00+02:00")
    views = {v.id: v for v in content.places(fronleichnam, "de")}
    assert views["buchhandlung-kamp"].open is False
    assert views["kette-mode"].open is True


def test_campaign_shops_come_first_then_owner_run_shops(content):
    featured = content.featured_shops(at("2026-11-26T17:30+01:00"), "de")
    assert ids(featured) == ["brueck-uhren", "buchhandlung-kamp"]
    shops = content.places(at("2026-11-26T17:30+01:00"), "de", kinds=["shop"])
    assert ids(shops) == ["brueck-uhren", "buchhandlung-kamp", "kette-mode"]


def test_places_filter_by_kind_and_category(content):
    assert ids(content.places(None, "de", kinds=["shop"], category="books")) == ["buchhandlung-kamp"]
    assert content.categories(["shop"]) == ["books", "fashion", "jewellery"]


def test_an_emergency_notice_is_for_the_terminals_it_names_and_ends_on_time(content):
    during = at("2026-11-26T12:30+01:00")
    assert [n.level for n in content.notices(during, "de", "reinoldikirche")] == ["emergency", "info"]
    assert content.emergency(during, "de", "reinoldikirche").text == "Bitte Innenstadt meiden"
    assert content.emergency(during, "de", "alter-markt") is None
    assert content.emergency(at("2026-11-26T13:00+01:00"), "de", "reinoldikirche") is None


def test_the_help_page_has_its_contacts_with_their_hours(content):
    page = content.page("help", at("2026-11-26T03:00+01:00"), "en")
    assert page.title == "Help" and page.body.startswith("In an emergency")
    assert [c.name for c in page.contacts] == ["Notruf", "Pharmacy"]
    assert page.contacts[1].open is True


def test_an_event_links_its_place_and_the_shops_taking_part(content):
    event = content.event("weihnachtsmarkt", at("2026-11-26T17:30+01:00"), "de")
    assert event.location_name == "Apotheke am Markt" and event.related_place_ids == ("buchhandlung-kamp",)
    at_shop = content.events_at_place("buchhandlung-kamp", at("2026-11-26T17:30+01:00"), "de")
    assert ids(at_shop) == ["weihnachtsmarkt"]


@pytest.mark.parametrize(
    "query, expected",
    [("Bruckstrasse", "brueck-uhren"), ("Brückstraße", "brueck-uhren"), ("weihnachtsmrkt", "weihnachtsmarkt"),
     ("kamp book", "buchhandlung-kamp"), ("apoth", "apotheke-markt")],
)
def test_search_forgives_typos_and_folds_letters(content, query, expected):
    results = content.search(query, "de")
    assert results and results[0].id == expected


def test_search_titles_come_in_the_visitors_language(content):
    assert content.search("weihnachtsmarkt", "en")[0].title == "Christmas market"


def test_a_clock_before_the_feed_was_made_cannot_date_today(content):
    assert content.clock_is_plausible(at("2026-11-26T12:00+01:00"))
    assert not content.clock_is_plausible(at("1970-01-01T00:00+00:00"))


def test_an_event_long_over_or_far_ahead_still_opens(tmp_path, keypair, data_dir):
    key_path, public = keypair
    events = feedkit.BASE["events"] + [
        {"id": "altes-konzert", "title": "Altes Konzert", "start": "2019-05-01T20:00:00+02:00",
         "end": "2019-05-01T22:00:00+02:00"},
        {"id": "fernes-fest", "title": "Fernes Fest", "start": "2029-05-01", "end": "2029-05-02"},
    ]
    path = feedkit.write_signed(tmp_path / "pub", feedkit.feed(events=events), key_path)
    service.sync_once(str(path), public_keys=[public], data_dir=data_dir, now=APPLIED)
    content = Content.open(data_dir)
    try:
        old = content.event("altes-konzert", at("2026-11-26T17:30+01:00"), "de")
        assert old.start == at("2019-05-01T20:00+02:00")
        ahead = content.event("fernes-fest", at("2026-11-26T17:30+01:00"), "de")
        assert ahead.start == date(2029, 5, 1) and ahead.all_day
        market = content.event("weihnachtsmarkt", at("2027-06-01T12:00+02:00"), "de")
        assert market.start == at("2026-12-30T11:00+01:00")  # its latest, the series ended
    finally:
        content.close()


@pytest.mark.parametrize("query", ["gare", "Bahnhof", "istasyon", "вокзал", "dworzec", "station", "محطة قطار"])
def test_search_knows_the_words_for_a_station_in_every_ui_language_and_french(tmp_path, keypair, data_dir, query):
    key_path, public = keypair
    doc = feedkit.feed()
    doc["places"].append({"id": "gare-est", "name": "Gare de l'Est", "kind": "transit", "category": "station",
                          "lat": 51.5143, "lon": 7.4640})
    doc["places"].append({"id": "u-kampstrasse", "name": "Kampstraße", "kind": "transit", "category": "subway",
                          "lat": 51.5155, "lon": 7.4640})
    path = feedkit.write_signed(tmp_path / "pub", doc, key_path)
    service.sync_once(str(path), public_keys=[public], data_dir=data_dir, now=APPLIED)
    opened = Content.open(data_dir)
    try:
        found = [hit.id for hit in opened.search(query, "de")]
    finally:
        opened.close()
    assert found[0] == "gare-est" and "u-kampstrasse" not in found


def test_search_finds_a_toilet_by_a_word_its_name_does_not_have(content):
    assert [hit.id for hit in content.search("wc", "en")][:1] == ["wc-hansaplatz"]
    assert [hit.id for hit in content.search("tuvalet", "tr")][:1] == ["wc-hansaplatz"]
