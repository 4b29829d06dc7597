"""The map and the route through the real app, on the bundled demo content (it has staircases)."""
from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import replace

import pytest
from kivy.core.window import Window
from kivy.tests.common import UnitTestTouch

from tests.ui.harness import START, find_button, frames, showing_content, tap, tap_at, texts

STAIRS_PLACE = "u-reinoldikirche"  # the steps down to the underground, or round by the lift


@pytest.fixture(scope="module")
def demo(kiosk, tmp_path_factory):
    """The shared app showing the demo content for this module, then the fixture feed again."""
    from sync import service

    app, _clock = kiosk
    folder = tmp_path_factory.mktemp("demo")
    service.ensure_demo_content(folder, now=START)
    with showing_content(app, folder):
        yield app


def _home(app):
    tap_at(Window.width / 2, Window.height * 0.7)
    assert app.current().name == "home"
    return app.current()


def _drag(widget, dx: float, dy: float, steps: int = 6) -> None:
    x, y = widget.to_window(*widget.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    for i in range(1, steps + 1):
        touch.touch_move(x + dx * i / steps, y + dy * i / steps)
        frames(1)
    touch.touch_up()
    frames(2)


def test_home_opens_the_map_heads_up_with_you_are_here(demo, app):
    home = _home(app)
    assert "map" in home.tiles and home.tiles["map"].txt == "Karte & Wege"
    tap(home.tiles["map"])
    screen = app.current()
    assert screen.name == "map"
    mapview = screen.map
    heading = app.content.kiosk(app.settings.kiosk_id)["heading"]
    assert mapview.view.rotation == heading
    assert mapview.scene.here is not None
    here = mapview.to_local(*mapview.scene.here)
    assert mapview.collide_point(*here)  # "you are here" is on the map as it opens
    assert mapview.layouts >= 1 and "Sie sind hier" in texts(screen)
    assert {"Geschäft", "Apotheke", "Nahverkehr"} <= set(texts(screen.legend))


def test_tapping_a_marker_opens_that_places_card(demo, app):
    app.go("map")
    frames(3)
    mapview = app.current().map
    panel = app.current().panel
    buttons = [panel.reset, panel.zoom_in, panel.zoom_out, panel.north]
    target = None
    for marker in mapview.scene.markers:
        x, y = mapview.marker_pos(marker.place_id)
        wx, wy = mapview.to_window(x, y)
        clear = all(not b.collide_point(*b.to_widget(wx, wy)) for b in buttons)
        if (mapview.collide_point(x, y) and clear and mapview.marker_at(x, y) == marker.place_id):
            target = (marker.place_id, wx, wy)
            break
    assert target is not None, "no marker can be touched on the map as it opens"
    tap_at(target[1], target[2])
    card = app.current()
    assert card.name == "place" and card.params == {"item": target[0]}


def test_a_cards_show_the_way_opens_the_route_with_steps_and_a_qr(demo, app):
    app.go("place", item="buchhandlung-seitenwind")
    frames(2)
    tap(find_button(app.current(), "Weg zeigen →"))
    route = app.current()
    assert route.name == "route" and route.params == {"item": "buchhandlung-seitenwind"}
    directions = route.directions
    assert directions is not None and directions.steps
    assert [row.txt for row in route.steps.rows] == directions.steps
    assert route.take_along.qr.data == directions.share_url
    assert route.map.route == list(directions.route.points)
    assert route.map.highlight == "buchhandlung-seitenwind"
    shown = texts(route)
    assert any(t.endswith("zu Fuß") for t in shown)
    assert "Scannen Sie den Code, um diesen Weg aufs Handy mitzunehmen" in shown
    # The route line fits on the map: both of its ends are inside the view.
    for lat, lon in (directions.route.points[0], directions.route.points[-1]):
        assert route.map.collide_point(*route.map.to_local(*route.map.scene.xy(lat, lon)))


def test_the_qr_module_is_at_least_0_8_mm_on_the_panel(demo, app):
    from kiosk.ui.theme import pixels_per_mm

    app.go("route", item="buchhandlung-seitenwind")
    frames(2)
    qr = app.current().take_along.qr
    mm_per_module = qr.module_px / pixels_per_mm(*Window.size, app.settings.screen_diagonal_in)
    assert mm_per_module >= 0.8 and qr.width == qr.height and qr.width >= 150
    assert qr.module_px >= 8 and qr.width == 49 * qr.module_px  # always version 6: one fixed size


# The demo hosts no take-along page: its codes open OpenStreetMap's public walking directions; a
# terminal with `share_page_url` (a tester's laptop on the LAN, docs/wayfinding.md) codes the page.
LAN_PAGE = "http://192.168.1.20:8080/go/"
DEMO_DIRECTIONS = "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&route=51.51408,7.46825;"


@contextmanager
def take_along_page(app, page_url):
    """The app with the terminal's `share_page_url` setting, as a tester's kiosk.toml would give it."""
    settings = app.settings
    app.settings = replace(settings, share_page_url=page_url)
    app.content_changed()
    try:
        yield
    finally:
        app.settings = settings
        app.content_changed()


@pytest.mark.parametrize("page_url, expected_start", [(None, DEMO_DIRECTIONS), (LAN_PAGE, LAN_PAGE + "#1N*DE*")])
def test_every_demo_destinations_code_scans_from_the_route_screen_at_version_6_at_most(
        demo, app, page_url, expected_start):
    from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels
    from PIL import Image
    from pyzbar.pyzbar import decode

    from kiosk.share import qr_version

    with take_along_page(app, page_url):
        versions = {}
        for place_id in [p.id for p in app.content.places(START, "de")]:
            app.go("route", item=place_id)
            frames(2)
            route = app.current()
            qr = route.take_along.qr
            x, y = (round(v) for v in qr.to_window(*qr.pos))
            side = round(qr.width)
            pixels = glReadPixels(x, y, side, side, GL_RGB, GL_UNSIGNED_BYTE)
            image = Image.frombytes("RGB", (side, side), pixels).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
            url = route.directions.share_url
            assert [c.data.decode("ascii") for c in decode(image)] == [url], place_id
            assert url.startswith(expected_start), url
            versions[place_id] = qr_version(url)
    assert len(versions) == 70 and max(versions.values()) <= 6, versions


def test_an_events_show_the_way_goes_to_its_place_or_location(demo, app):
    app.go("event", item="feierabendkonzert-donnerstag")  # at the Konzerthaus
    frames(2)
    tap(find_button(app.current(), "Weg zeigen →"))
    assert app.current().name == "route" and app.current().params == {"item": "konzerthaus"}
    app.go("event", item="weihnachtsbaum-illumination")  # only a location: Hansaplatz
    frames(2)
    tap(find_button(app.current(), "Weg zeigen →"))
    route = app.current()
    assert route.params == {"item": "weihnachtsbaum-illumination", "kind": "event"}
    assert route.directions is not None and route.map.destination is not None


def test_step_free_changes_the_route_round_the_stairs(demo, app):
    finder = app.walks.wayfinder
    target = app.content.place(STAIRS_PLACE, None, "de")
    usual = finder.from_kiosk(app.settings.kiosk_id, (target.lat, target.lon), lang="de")
    step_free = finder.from_kiosk(app.settings.kiosk_id, (target.lat, target.lon), step_free=True, lang="de")
    assert step_free.distance_m > usual.distance_m + 20  # the demo's staircase matters here

    app.go("route", item=STAIRS_PLACE)
    frames(2)
    route = app.current()
    assert route.directions.distance_m == pytest.approx(usual.distance_m)
    assert any("Treppe" in row.txt for row in route.steps.rows)
    tap(route.step_free_button)
    assert route.step_free and route.directions.step_free
    assert route.directions.distance_m == pytest.approx(step_free.distance_m)
    assert [row.txt for row in route.steps.rows] == step_free.steps
    assert not any("Treppe" in row.txt and "nehmen" in row.txt for row in route.steps.rows)
    assert route.map.route == list(step_free.route.points)
    assert route.step_free_button.txt.startswith("✓")
    tap(route.step_free_button)
    assert route.directions.distance_m == pytest.approx(usual.distance_m)


def test_reset_view_restores_heads_up_after_a_pan(demo, app):
    app.go("map")
    frames(3)
    mapview = app.current().map
    home = mapview.view
    _drag(mapview, 180, -120)
    assert mapview.view.centre != home.centre
    tap(app.current().panel.reset)
    assert mapview.view == home and mapview.view.rotation == mapview.scene.rotation


def test_panning_and_pinching_never_rebuild_the_geometry(demo, app):
    from kiosk.ui.widgets import map_layers

    app.go("map")
    frames(3)
    mapview = app.current().map
    builds, scenes, layouts = mapview.geometry_builds, map_layers.BUILDS["scene"], mapview.layouts
    for dx, dy in ((200, 0), (-120, 90), (40, -160)):
        _drag(mapview, dx, dy)
    assert mapview.geometry_builds == builds and map_layers.BUILDS["scene"] == scenes
    assert mapview.layouts == layouts  # a pan at the same zoom lays nothing out again

    x, y = mapview.to_window(*mapview.center)
    a, b = UnitTestTouch(x - 60, y), UnitTestTouch(x + 60, y)
    a.touch_down()
    b.touch_down()
    scale = mapview.view.scale
    for i in range(1, 6):
        b.touch_move(x + 60 + 30 * i, y)
        frames(1)
    assert mapview.view.scale > scale * 1.5
    assert mapview.layouts == layouts  # during the pinch only the transform changes
    b.touch_up()
    a.touch_up()
    frames(2)
    assert mapview.layouts == layouts + 1  # names and markers laid out once, after the gesture
    assert mapview.geometry_builds == builds and map_layers.BUILDS["scene"] == scenes


def test_street_names_are_on_the_map_in_the_visitors_language(demo, app):
    app.go("map")
    frames(3)
    mapview = app.current().map
    mapview.zoom_by(2.0)
    frames(2)
    assert any(key[0] == "de" for key in mapview._label_textures)
    app.set_language("ar")
    frames(3)
    assert any(key[0] == "ar" for key in mapview._label_textures)
    assert mapview.geometry_builds >= 1 and math.isfinite(mapview.view.scale)


def test_arabic_route_steps_are_right_aligned(demo, app):
    app.set_language("ar")
    app.go("route", item="buchhandlung-seitenwind")
    frames(3)
    route = app.current()
    assert route.steps.rows and all(row.halign == "right" for row in route.steps.rows)
    arrow = route.steps.rows[0].parent.children
    assert route.steps.rows[0].x < [w for w in arrow if w is not route.steps.rows[0]][0].x  # icon on the right
    app.go("place", item="buchhandlung-seitenwind")
    frames(2)
    assert app.current().way.txt.endswith("←")


def test_no_route_says_so_and_still_shows_the_place(demo, app, monkeypatch):
    from kiosk.directions import NoRoute

    def nowhere(*args, **kwargs):
        raise NoRoute("test: no way")

    monkeypatch.setattr(app.walks, "directions", nowhere)
    app.go("route", item="teehaus-samowar")
    frames(2)
    route = app.current()
    assert route.directions is None and route.take_along.qr.data == ""
    assert "Leider gibt es von hier keinen Fußweg dorthin. Die Karte zeigt, wo es ist." in texts(route)
    assert route.map.highlight == "teehaus-samowar"
    assert route.map.collide_point(*route.map.marker_pos("teehaus-samowar"))


def test_the_route_screenshot_carries_the_share_url_in_its_qr(demo, app, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from PIL import Image
    from pyzbar.pyzbar import decode

    from kiosk.ui.shoot import default_item

    root = Path(__file__).resolve().parents[2]
    config = tmp_path / "kiosk.toml"
    config.write_text('feed_url = "file:///nonexistent/feed.json"\npublic_keys = ["unused"]\n', encoding="utf-8")
    out = tmp_path / "route-en.png"
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(config), "screenshot", str(out),
                           "--screen", "route", "--lang", "en", "--at", START.isoformat(), "--size", "1080x1920",
                           "--data-dir", str(app.data_dir)], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    item = default_item(app.content, "route", START, "en")
    place = app.content.place(item, START, "en")
    expected = app.walks.directions(place.lat, place.lon, step_free=False, lang="en", destination_id=item).share_url
    codes = decode(Image.open(out))
    assert [c.data.decode("ascii") for c in codes] == [expected]


def test_a_square_is_crossed_once_not_followed_round_its_bends(demo, app):
    rathaus = app.content.place("rathaus", None, "en")
    steps = app.walks.directions(rathaus.lat, rathaus.lon, step_free=False, lang="en").steps
    assert steps.count("Cross Alter Markt") == 1 and "Turn left to stay on Alter Markt" not in steps


def test_zoomed_in_only_the_tiles_near_the_view_are_drawn(demo, app):
    app.go("map")
    frames(3)
    mapview = app.current().map
    tiles = len(mapview.scene.tiles)
    assert tiles > 4 and mapview.geometry_builds >= 1
    mapview.zoom_by(100.0)  # as close as the map goes
    frames(2)
    near = mapview._tiles_shown
    assert 0 < len(near) < tiles / 2
    changes = mapview.tile_changes
    _drag(mapview, -700, 0)
    _drag(mapview, -700, 0)
    assert mapview._tiles_shown != near and mapview.tile_changes > changes  # a pan brings in the next tiles
    mapview.reset_view()
    mapview.zoom_by(0.01)  # the whole map
    frames(2)
    assert len(mapview._tiles_shown) == tiles


def test_lines_meeting_at_a_node_share_one_round_joint():
    from kiosk.ui.widgets.map_layers import build_scene

    def street(*points):
        return {"type": "Feature", "properties": {"layer": "street"},
                "geometry": {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in points]}}

    centre, arms = (51.5140, 7.4650), [(51.5150, 7.4650), (51.5130, 7.4650), (51.5140, 7.4665), (51.5140, 7.4635)]
    scene = build_scene([street(centre, arm) for arm in arms], [], None)
    vertices = sum(len(b.vertices) // 4 for tile in scene.tiles for b in tile.batches.get("street", ()))
    # Four quads of 4 vertices, a disc of 9 at each of the four ends and one shared at the centre.
    assert vertices == 4 * 4 + 5 * 9


@pytest.mark.parametrize("panel_size", [None, (950, 335)])  # as laid out, and as in landscape
def test_the_routes_destination_is_never_under_the_maps_buttons(demo, app, panel_size):
    from kiosk.ui.widgets.mapview import HIGHLIGHT_PX

    for place_id in ("buchhandlung-seitenwind", STAIRS_PLACE):
        app.go("route", item=place_id)
        frames(3)
        screen = app.current()
        assert screen.name == "route"
        hint, size = tuple(screen.panel.size_hint), tuple(screen.panel.size)  # copies: Kivy gives live lists
        if panel_size:
            screen.panel.size_hint = (None, None)
            screen.panel.size = panel_size
            frames(3)
        x, y = screen.map.marker_pos(place_id)
        reach = HIGHLIGHT_PX / 2 + 6  # the marker and its ring
        wx, wy = screen.map.to_window(x, y)
        for button in (screen.panel.reset, screen.panel.zoom_in, screen.panel.zoom_out, screen.panel.north):
            bx, by = button.to_window(button.x, button.y)
            apart = wx + reach <= bx or wx - reach >= bx + button.width or \
                wy + reach <= by or wy - reach >= by + button.height
            assert apart, f"the marker of {place_id} is under a map button"
        screen.panel.size_hint, screen.panel.size = hint, size  # the route screen is reused by later tests
        app.go_home()
        frames(2)


def test_a_place_cards_code_takes_the_walk_there_along(demo, app):
    with take_along_page(app, LAN_PAGE):
        app.go("place", item="buchhandlung-seitenwind")
        frames(2)
        card = app.current()
        place = app.content.place("buchhandlung-seitenwind", START, "de")
        walk = app.walks.directions(place.lat, place.lon, step_free=False, lang="de",
                                    destination_id="buchhandlung-seitenwind")
        assert card.qr.data == walk.share_url and "*BUCHHANDLUNG-SEITENWIND*" in walk.share_url
        assert card.qr.module_px >= 8 and card.qr.width == 49 * card.qr.module_px


def test_without_a_take_along_page_a_place_cards_code_opens_it_on_openstreetmap(demo, app):
    app.go("place", item="buchhandlung-seitenwind")
    frames(2)
    assert app.current().qr.data == "https://www.openstreetmap.org/?mlat=51.51345&mlon=7.46080#map=19/51.51345/7.46080"


def test_a_lift_is_a_square_on_the_map_and_not_a_stroke():
    from kivy.graphics import Rectangle

    from kiosk.ui.widgets.map_layers import LIFT_M, build_scene

    lift = {"type": "Feature", "properties": {"layer": "footway", "walk": True, "link": "elevator", "levels": [0, 1]},
            "geometry": {"type": "LineString", "coordinates": [[7.4650, 51.5140], [7.4650, 51.514001]]}}
    path = {"type": "Feature", "properties": {"layer": "footway", "walk": True},
            "geometry": {"type": "LineString", "coordinates": [[7.4640, 51.5140], [7.4650, 51.5140]]}}
    scene = build_scene([lift, path], [], None)
    x, y = scene.xy(51.5140, 7.4650)
    assert [tile.lifts for tile in scene.tiles if tile.lifts] == [[(x, y)]]
    assert sum(len(tile.batches.get("footway", ())) for tile in scene.tiles) == 1  # the path only
    squares = [i for i in scene.instructions() if isinstance(i, Rectangle)]
    assert [tuple(square.size) for square in squares] == [(LIFT_M, LIFT_M)]


def test_no_step_free_route_says_which_steps_block_it_and_how_near_one_gets(demo, app, monkeypatch):
    from kiosk.directions import NoRoute
    from kiosk.wayfinding import StepFreeGap

    finder = app.walks.wayfinder
    target = app.content.place(STAIRS_PLACE, None, "de")
    usual = finder.from_kiosk(app.settings.kiosk_id, (target.lat, target.lon), lang="de")
    steps = next(leg for leg in usual.route.legs if not leg.step_free)
    gap = StepFreeGap(steps, steps.points[0], "Westenhellweg", usual.route.points[-1], {"de": "Kampstraße"}, 120.0)
    walks_directions = app.walks.directions

    def blocked(lat, lon, *, step_free, lang, destination_id=""):
        if step_free:
            raise NoRoute("test: the steps cannot be avoided", gap)
        return walks_directions(lat, lon, step_free=step_free, lang=lang, destination_id=destination_id)

    monkeypatch.setattr(app.walks, "directions", blocked)
    app.go("route", item=STAIRS_PLACE)
    frames(2)
    route = app.current()
    tap(route.step_free_button)
    assert route.directions is None
    assert ("Leider gibt es von hier keinen stufenlosen Weg dorthin. Die Karte zeigt, wo es ist. "
            "Nach Westenhellweg gibt es Stufen, die sich nicht umgehen lassen. "
            "Ohne Stufen kommen Sie bis auf 120 m heran, über Kampstraße.") in texts(route)


def test_the_scan_caption_sits_right_under_the_code_not_above_the_map(demo, app):
    from tests.ui.readability import cut_labels

    for lang, text in (("de", "Scannen Sie den Code, um diesen Weg aufs Handy mitzunehmen"),
                       ("en", "Scan to take this route to your phone")):
        app.set_language(lang)
        app.go("route", item="buchhandlung-seitenwind")
        frames(3)
        route = app.current()
        qr, caption = route.take_along.qr, route.take_along.caption
        assert caption.txt == text and text not in [w.txt for w in route.summary.lines.children if hasattr(w, "txt")]
        qx, qy = qr.to_window(qr.x, qr.y)
        cx, cy = caption.to_window(caption.x, caption.y)
        assert qy - 40 <= cy + caption.height <= qy + 1  # just under the code
        assert qx - 1 <= cx and cx + caption.width <= qx + qr.width + 1  # as wide as the code at most
        map_bottom = route.panel.to_window(route.panel.x, route.panel.y)[1]
        assert cy + caption.height < map_bottom  # below the map, beside the steps
        assert not cut_labels(route)
    app.set_language("de")


def test_in_portrait_the_map_takes_the_room_the_route_summary_leaves_above_it(demo, app):
    """The top third held the distance and then a blank band of about 100 px above the map: the top zone
    is now as tall as it needs and the map starts right under "600 m · 8 Min. zu Fuß"."""
    from tests.ui.readability import cut_labels

    for lang in ("de", "ar"):
        app.set_language(lang)
        app.go("route", item="buchhandlung-seitenwind")
        frames(3)
        route = app.current()
        walk, panel = route.summary.walk, route.panel
        assert walk.txt.startswith(("600 m", "600 متر"))
        gap = walk.to_window(walk.x, walk.y)[1] - panel.to_window(panel.x, panel.top)[1]
        assert 0 < gap <= 2 * route.frame.top_zone.padding[3], gap  # a margin, no band
        assert not cut_labels(route)
    app.set_language("de")


def test_a_short_event_card_ends_with_what_else_is_on_today_instead_of_a_blank_band(demo, app):
    """'Offene Kirche St. Reinoldi' fills half the body and left about 250 px blank above "Show the way":
    the card now goes on with the other events of today (running first, never itself), which open."""
    app.set_language("en")
    app.go("event", item="offene-kirche-reinoldi")
    frames(3)
    from tests.ui.test_departures_card import in_reading_order

    card = app.current()
    shown = in_reading_order(card.details.column)
    at = shown.index("Also today")
    others = shown[at + 1:]
    assert 1 <= len(others) <= 3 and not any(line.startswith("Open church") for line in others)
    assert others[0].startswith("Christmas market · Now")  # running now first
    assert card.details.column.height >= card.details.height  # the column reaches the button: no band
    tap(find_button(card, others[0]))
    assert app.current().name == "event" and app.current().params["item"].startswith("weihnachtsmarkt")
    app.set_language("de")
