"""Home's live corner in the real app's offscreen window: the next departures at the nearest stop
(timetable offline, live with its age), the weather from a Bright Sky server on 127.0.0.1 replaying
real answers, hidden when it is older than weather_max_age_s; the demo's example data says so."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from kiosk.live.brightsky import BrightSkyPoller
from kiosk.live.poller import TripUpdatesPoller
from kiosk.live.recorded import RecordedWeather
from sync.fetch import Fetcher
from tests.live_kit import LocalProvider, demo_with_departures, trip_updates
from tests.test_weather import CURRENT, HOURLY
from tests.ui.harness import START, frames


@pytest.fixture(scope="module")
def home_app(kiosk, tmp_path_factory):
    """The shared app on the demo content plus the made-up U43/U47 timetable, then the fixture feed again."""
    app, _clock = kiosk
    folder = demo_with_departures(tmp_path_factory.mktemp("home-live") / "data", START)
    original, demo_weather = app.data_dir, app.services.weather
    app.services.weather = None  # each test says which weather there is
    app.data_dir = folder
    app.content_changed()
    yield app
    app.services.trip_updates, app.services.weather = None, demo_weather
    app.data_dir = original
    app.content_changed()


def live_corner(app, lang: str = "en") -> list[str]:
    app.touched()  # a visitor is there: no idle reset to the attract loop
    app.set_language(lang)
    app.go("home")
    frames(3)
    screen = app.current()
    assert screen.name == "home"
    panel = screen.live
    return [label.txt for column in reversed(panel.children) for label in reversed(column.children)
            if label.txt and label.opacity > 0]


def recorded_weather_at(now):
    """The real recorded answers, dated as if observed ten minutes ago and forecast from the next hour on."""
    current = json.loads(CURRENT)
    current["weather"]["timestamp"] = (now - timedelta(minutes=10)).isoformat()
    hourly = json.loads(HOURLY)
    first = now.replace(minute=0) + timedelta(hours=1)
    for index, record in enumerate(hourly["weather"]):
        record["timestamp"] = (first + timedelta(hours=index)).isoformat()
    return json.dumps(current).encode(), json.dumps(hourly).encode()


def test_with_no_stop_nearby_and_no_weather_home_keeps_its_tap_hint(app):
    """The fixture content has no timetable: without weather the corner is empty and the hint is back.
    (First in this file: the module's timetable content is not there yet.)"""
    weather, app.services.weather = app.services.weather, None
    try:
        app.go("home")
        frames(2)
        screen = app.current()
        assert not screen.live.has_content and screen.live.height == 0
        assert screen.subtitle.parent is not None and screen.subtitle.txt == "Tippen Sie auf eine Kachel."
    finally:
        app.services.weather = weather


def test_offline_home_shows_the_timetable_at_the_nearest_stop_and_no_weather(app, home_app):
    shown = live_corner(home_app)
    assert shown == ["Reinoldikirche · timetable", "17:31  U43  Wickede", "17:32  U43  Dorstfeld"]
    assert home_app.current().subtitle.parent is None  # the corner takes the tap hint's place
    german = live_corner(home_app, "de")
    assert german[0] == "Reinoldikirche · Fahrplan"


def test_live_departures_say_live_with_their_age(app, home_app):
    payload = trip_updates(START.replace(minute=29), {"trip_id": "U43W", "start_date": "20261126",
                                                      "start_time": "17:20:00", "cancelled": True})
    provider = LocalProvider(lambda path: (200, payload, {"Content-Type": "application/x-protobuf"}))
    poller = TripUpdatesPoller(provider.url, Fetcher(allow_insecure_http=True, connect_timeout_s=2, read_timeout_s=2))
    try:
        poller.poll_once(START)
        home_app.services.trip_updates = poller
        shown = live_corner(home_app)
    finally:
        home_app.services.trip_updates = None
        poller.fetcher.close()
        provider.close()
    assert shown[:3] == ["Reinoldikirche · live, 1 min ago", "17:31  U43  Wickede", "17:32  U43  Dorstfeld · cancelled"]


def test_weather_is_shown_while_fresh_and_hidden_when_stale(app, clock, home_app):
    current, hourly = recorded_weather_at(START)
    server = LocalProvider(lambda path: (200, current if path.startswith("/current_weather") else hourly,
                                         {"Content-Type": "application/json"}))
    poller = BrightSkyPoller(server.url, 51.514, 7.468,
                             Fetcher(allow_insecure_http=True, connect_timeout_s=2, read_timeout_s=2))
    try:
        poller.poll_once(START)
        home_app.services.weather = poller
        shown = live_corner(home_app)
        # The recorded hours' icons say "cloudy" throughout (their rain is light): no "From …: rain" line.
        assert shown[-3:] == ["Weather · DWD, 10 mins ago", "Now 20°C, cloudy", "18:00\u00a020°   19:00\u00a020°"]
        assert "Wetter · DWD, vor 10 Min." in live_corner(home_app, "de")
        # The network is gone: after weather_max_age_s (90 min) nothing of it is shown any more.
        server.close()
        clock.value = START + timedelta(minutes=95)
        poller.poll_once(clock.value)
        assert poller.failures == 1
        shown = live_corner(home_app)
        assert not any(text.startswith("Weather") for text in shown)
        assert shown[0] == "Reinoldikirche · timetable"  # the departures stay
    finally:
        home_app.services.weather = None
        poller.fetcher.close()


def test_the_demo_weather_says_it_is_example_data_and_the_day_it_was_recorded(app, home_app):
    """The recording is a warm September afternoon: in November it says so instead of "Now 20 °C"."""
    home_app.services.weather = RecordedWeather(home_app.clock)  # what the app starts in demo mode
    try:
        arabic, english = live_corner(home_app, "ar"), live_corner(home_app, "en")
    finally:
        home_app.services.weather = None
    assert "الطقس · بيانات توضيحية" in arabic and "في 18 سبتمبر: 20°م\u060c غائم" in arabic
    assert english[-3:-1] == ["Weather · example data", "On 18 Sept: 20°C, cloudy"]
    assert not any(line.startswith("Now") for line in english)

