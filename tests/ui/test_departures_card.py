"""The transit place card shows the next departures: from the timetable offline, live with a delay
and a cancellation when a provider answered; the real app in its offscreen window."""
from __future__ import annotations

import pytest

from kiosk.live.poller import TripUpdatesPoller
from sync.fetch import Fetcher
from tests.live_kit import LocalProvider, demo_with_departures, trip_updates
from tests.ui.harness import START, frames

PLACE = "u-reinoldikirche"


@pytest.fixture(scope="module")
def departures_app(kiosk, tmp_path_factory):
    """The shared app on the demo content plus a city-centre timetable, then the fixture feed again."""
    app, _clock = kiosk
    folder = demo_with_departures(tmp_path_factory.mktemp("departures") / "data", START)
    original = app.data_dir
    app.data_dir = folder
    app.content_changed()
    yield app
    app.services.trip_updates = None
    app.data_dir = original
    app.content_changed()


def in_reading_order(widget) -> list[str]:
    """The texts of the card's column top to bottom (Kivy keeps children last-added first)."""
    found = [widget.txt] if getattr(widget, "txt", "") and widget.opacity > 0 else []
    for child in reversed(widget.children):
        found += in_reading_order(child)
    return found


def card_texts(app, lang: str) -> list[str]:
    app.set_language(lang)
    app.go("place", item=PLACE)
    frames(3)
    screen = app.current()
    assert screen.name == "place"
    return in_reading_order(screen.details.column)


def test_offline_the_card_shows_the_timetable_and_says_so(app, departures_app):
    shown = card_texts(departures_app, "en")
    at = shown.index("Next departures")
    assert shown[at + 1:at + 5] == ["17:31", "U43  Wickede", "17:32", "U43  Dorstfeld"]
    assert "Timetable times: no live data" in shown
    german = card_texts(departures_app, "de")
    assert "Nächste Abfahrten" in german and "Zeiten laut Fahrplan: keine Echtzeitdaten" in german


def test_with_a_provider_the_card_shows_delays_and_cancellations_live(app, departures_app):
    issued = START.replace(minute=29)
    payload = trip_updates(issued,
                           {"trip_id": "U43E", "start_date": "20261126", "start_time": "17:23:00",
                            "stops": [(2, "REI2", 180, False)]},
                           {"trip_id": "U43W", "start_date": "20261126", "start_time": "17:20:00", "cancelled": True},
                           {"trip_id": "U47S", "start_date": "20261126", "start_time": "17:22:00",
                            "stops": [(2, "REI2", -60, False)]})
    provider = LocalProvider(lambda path: (200, payload, {"Content-Type": "application/x-protobuf"}))
    poller = TripUpdatesPoller(provider.url, Fetcher(allow_insecure_http=True, connect_timeout_s=2, read_timeout_s=2))
    try:
        poller.poll_once(START)
        departures_app.services.trip_updates = poller
        shown = card_texts(departures_app, "en")
    finally:
        departures_app.services.trip_updates = None
        poller.fetcher.close()
        provider.close()
    at = shown.index("Next departures")
    # An early run says so too: it leaves before the time a visitor may know from the printed timetable.
    assert shown[at + 1:at + 9] == ["17:32", "U43  Dorstfeld · cancelled", "17:34", "U43  Wickede · 3 min late",
                                    "17:35", "U47  Westerfilde", "17:36", "U47  Aplerbeck · 1 min early"]
    assert "Live times, updated 1 min ago" in shown


def test_the_open_card_refreshes_its_departures_on_the_apps_clock_and_stops_when_left(app, clock, departures_app):
    """A visitor reading the card at 17:30 sees 17:31 first; 90 s later that run has left and the list
    says so without a touch. Leaving the card ends its refresh: no Clock event is left behind."""
    from kivy.clock import Clock

    from tests.ui.harness import advance

    def ticking(screen) -> list:
        return [e for e in Clock.get_events() if e.get_callback() == screen.refresh_departures]

    shown = card_texts(departures_app, "en")
    screen = departures_app.current()
    at = shown.index("Next departures")
    assert shown[at + 1:at + 3] == ["17:31", "U43  Wickede"]
    screen.details.scroll_y = 0.5  # where the visitor is reading
    for _ in range(3):  # 90 s, a visitor's touch every 30 s (no idle reset)
        departures_app.touched()
        advance(departures_app, clock, 30, step=10)
    assert departures_app.current() is screen and len(ticking(screen)) == 1
    shown = in_reading_order(screen.details.column)
    assert shown[at + 1:at + 3] == ["17:32", "U43  Dorstfeld"]
    assert screen.details.scroll_y == 0.5  # refreshed in place: the card did not jump back to its top
    departures_app.go("home")
    frames(2)
    assert ticking(screen) == []
