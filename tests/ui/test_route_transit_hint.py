"""The route screen offers a ride for a destination farther than transit_hint_walk_min: "Or take U47
towards Aplerbeck from Reinoldikirche in 7 min · timetable"; nearer destinations get none. The real
app in its offscreen window, with the made-up city-centre timetable on the demo content."""
from __future__ import annotations

from dataclasses import replace

import pytest

from tests.live_kit import demo_with_departures
from tests.ui.harness import START, frames


@pytest.fixture(scope="module")
def route_app(kiosk, tmp_path_factory):
    app, _clock = kiosk
    folder = demo_with_departures(tmp_path_factory.mktemp("route-hint") / "data", START)
    original, settings = app.data_dir, app.settings
    app.data_dir = folder
    app.content_changed()
    yield app
    app.settings = settings
    app.data_dir = original
    app.content_changed()


def hint(app, place: str, lang: str = "en") -> str:
    app.set_language(lang)
    app.go("route", item=place)
    frames(3)
    screen = app.current()
    assert screen.name == "route" and screen.directions is not None
    return screen.transit_hint.txt if screen.transit_hint.opacity > 0 else ""


def test_a_long_walk_gets_the_next_ride_there_and_a_short_one_none(app, route_app):
    settings = route_app.settings
    route_app.settings = replace(settings, transit_hint_walk_min=5)  # Stadtgarten is about seven minutes away
    try:
        assert hint(route_app, "u-stadtgarten") == "Or take U47 towards Aplerbeck from Reinoldikirche in 7 mins · timetable"
        assert hint(route_app, "u-stadtgarten", "de").endswith("· Fahrplan")
    finally:
        route_app.settings = settings
    assert hint(route_app, "u-stadtgarten") == ""  # under the default twelve minutes' walk
