"""The map as a passer-by reads it: place names that never overlap, a named destination, markers that
group when zoomed out, a filter by kind with its nearest place, and high-contrast colours (#17, point 9)."""
from __future__ import annotations

import math
from collections import Counter
from itertools import combinations

import pytest

from tests.ui.harness import frames, tap
from tests.ui.test_map import _drag, demo  # noqa: F401 - the demo content for this module too


def _open_map(app):
    app.go("map")
    frames(3)
    screen = app.current()
    assert screen.name == "map"
    return screen, screen.map


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _names_clear(mapview) -> list[str]:
    """Every place name overlapping another name, "you are here" or a marker that is not its own."""
    from kiosk.map_placement import Box

    problems = []
    for (a_id, a), (b_id, b) in combinations(mapview.name_boxes, 2):
        if _overlap(a, b):
            problems.append(f"{a_id} and {b_id} overlap")
    for place_id, box in mapview.name_boxes:
        if mapview.here_box is not None and _overlap(box, mapview.here_box):
            problems.append(f"{place_id} covers 'you are here'")
        for x, y, radius, ids in mapview.shown:
            if ids[0] != place_id and _overlap(box, Box.around(x, y, radius)):
                problems.append(f"{place_id} covers the marker of {ids}")
    return problems


def test_landmarks_are_named_and_no_name_overlaps_another_or_you_are_here(demo, app):  # noqa: F811
    screen, mapview = _open_map(app)
    named = set()
    for factor in (1.0, 1.6, 1.6, 1.6, 1.6):
        mapview.zoom_by(factor)
        frames(2)
        assert mapview.name_boxes, f"no place is named at {mapview.view.scale:.2f} px/m"
        assert _names_clear(mapview) == []
        named |= {place_id for place_id, _box in mapview.name_boxes}
        # Each name is whole inside the map: one cut by its edge cannot be read.
        for place_id, box in mapview.name_boxes:
            (x0, y0), (x1, y1) = mapview.overlay_to_local(box.x0, box.y0), mapview.overlay_to_local(box.x1, box.y1)
            assert mapview.x - 1 <= x0 and x1 <= mapview.right + 1 and mapview.y - 1 <= y0 <= y1 <= mapview.top + 1
    landmarks = {m.place_id for m in mapview.scene.markers if m.kind == "landmark"}
    assert len(named & landmarks) >= 3, named


def test_no_marker_or_place_name_covers_a_street_name(demo, app):  # noqa: F811
    from kiosk.map_placement import Box

    screen, mapview = _open_map(app)
    counts = []
    for factor in (1.0, 2.0, 2.0):
        mapview.zoom_by(factor)
        frames(2)
        counts.append(len(mapview.street_names))
        covers = [Box.around(x, y, r) for x, y, r, _ids in mapview.shown] + [b for _i, b in mapview.name_boxes]
        for a, b, half in mapview.street_names:
            assert all(box.distance_to_segment(a, b) >= half for box in covers)
    assert min(counts) >= 3 and counts[-1] >= counts[0]  # closer in, more streets have room for their name


def test_names_are_in_the_visitors_language_with_the_name_on_the_sign(demo, app):  # noqa: F811
    app.set_language("uk")
    screen, mapview = _open_map(app)
    mapview.zoom_by(2.5)
    frames(2)
    keys = [key for key in mapview._label_textures if key[0] == "place" and key[1] == "uk"]
    assert keys
    place = app.content.place("reinoldikirche", None, "uk")
    assert place.sign_name == "St. Reinoldi" and place.name != place.sign_name  # a translated name
    size = mapview._name_size(False)
    texture = mapview._name_texture("reinoldikirche", False, mapview._name_text("reinoldikirche", False), size)
    single = mapview._label_texture(0, "Reinoldikirche")
    assert texture.height > 1.6 * single.height  # two lines: the Ukrainian name, and the sign's below it


@pytest.mark.parametrize("item,kind", [("buchhandlung-seitenwind", None), ("weihnachtsbaum-illumination", "event")])
def test_the_destination_is_named_on_the_route_screen(demo, app, item, kind):  # noqa: F811
    params = {"kind": kind} if kind else {}
    app.go("route", item=item, **params)
    frames(3)
    route = app.current()
    mapview = route.map
    boxes = {place_id: box for place_id, box in mapview.name_boxes}
    key = "" if kind else item  # an event's location is no place: its name comes from the route screen
    assert key in boxes, f"the destination {item} has no name on the map"
    # Where places crowd round it, the destination's name may lie over their markers, never over a name.
    assert [p for p in _names_clear(mapview) if not p.startswith(f"{key} covers the marker")] == []
    box = boxes[key]
    x, y = mapview.overlay_to_local((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
    assert mapview.collide_point(x, y)
    for button in (route.panel.reset, route.panel.zoom_in, route.panel.zoom_out, route.panel.north):
        bx, by = button.x, button.y  # the map and its buttons share the panel's coordinates
        assert x0_apart(mapview, box, bx, by, button.width, button.height), "the name is under a map button"


def x0_apart(mapview, box, bx, by, bw, bh) -> bool:
    (x0, y0), (x1, y1) = mapview.overlay_to_local(box.x0, box.y0), mapview.overlay_to_local(box.x1, box.y1)
    return x1 <= bx or x0 >= bx + bw or y1 <= by or y0 >= by + bh


def test_zoomed_out_the_markers_group_and_none_overlaps(demo, app):  # noqa: F811
    screen, mapview = _open_map(app)
    total = len(mapview.scene.markers)
    mapview.zoom_by(0.01)  # the whole map
    frames(2)
    far = list(mapview.shown)
    assert sum(len(ids) for *_xy, ids in far) == total  # every place is in a marker or a group
    assert len(far) < total * 0.6 and any(len(ids) > 1 for *_xy, ids in far)
    for (ax, ay, ar, _a), (bx, by, br, _b) in combinations(far, 2):
        assert math.hypot(ax - bx, ay - by) >= 0.9 * (ar + br)  # no marker more than 10 % under another
    mapview.zoom_by(100.0)  # as close as it goes: every place its own marker (a group spreads round its spot)
    frames(2)
    assert mapview.shown and all(len(ids) == 1 for *_xy, ids in mapview.shown)


def test_markers_are_laid_out_near_the_view_and_again_after_a_long_pan(demo, app):  # noqa: F811
    screen, mapview = _open_map(app)
    mapview.zoom_by(100.0)
    frames(2)
    near = {ids[0] for *_xy, ids in mapview.shown}
    assert 0 < len(near) < len(mapview.scene.markers)  # zoomed in: only the places around the view
    layouts = mapview.layouts
    _drag(mapview, 300, 0)
    assert mapview.layouts == layouts  # a short pan keeps what is laid out
    for _ in range(3):
        _drag(mapview, -700, 0)
    assert mapview.layouts > layouts and {ids[0] for *_xy, ids in mapview.shown} != near
    inside = [item for item in mapview.shown if mapview.collide_point(*mapview.overlay_to_local(item[0], item[1]))]
    assert inside, "no marker where the view moved to"


def test_touching_a_group_zooms_in_until_it_parts(demo, app):  # noqa: F811
    from kivy.tests.common import UnitTestTouch

    screen, mapview = _open_map(app)
    mapview.zoom_by(0.01)
    frames(2)
    x, y, _r, ids = max(mapview.shown, key=lambda item: len(item[3]))
    assert len(ids) > 1
    scale = mapview.view.scale
    wx, wy = mapview.to_window(*mapview.overlay_to_local(x, y))
    touch = UnitTestTouch(wx, wy)
    touch.touch_down()
    touch.touch_up()
    frames(3)
    assert app.current().name == "map" and mapview.view.scale >= scale * 2
    groups_after = [item for item in mapview.shown if set(item[3]) & set(ids)]
    assert len(groups_after) > 1  # the group parted into smaller ones or single places


def test_a_filter_shows_only_its_kind_and_nearest_opens_the_nearest_toilet(demo, app):  # noqa: F811
    screen, mapview = _open_map(app)
    chip = screen.filters.chips["toilet"]
    assert chip.height >= app.touch_px and chip.txt == "Toilette"
    tap(chip)
    frames(2)
    kinds = {m.place_id: m.kind for m in mapview.scene.markers}
    shown = [place_id for *_xy, ids in mapview.shown for place_id in ids]
    assert shown and {kinds[i] for i in shown} == {"toilet"}
    assert len(shown) == sum(1 for kind in kinds.values() if kind == "toilet")
    # The nearest by walking distance from the terminal, worked out here from the content.
    walks = {p.id: app.walks.walk(p.lat, p.lon) for p in app.content.places(None, "de") if p.kind == "toilet"}
    expected = min((w[0], place_id) for place_id, w in walks.items() if w is not None)[1]
    button = screen.nearest
    assert button.opacity == 1 and not button.disabled and button.height >= app.touch_px
    assert app.content.place(expected, None, "de").name in button.txt and button.txt.startswith("Am nächsten: ")
    tap(button)
    assert app.current().name == "place" and app.current().params == {"item": expected}


def test_choosing_the_same_kind_again_or_all_shows_every_place(demo, app):  # noqa: F811
    screen, mapview = _open_map(app)
    tap(screen.filters.chips["pharmacy"])
    assert screen.map.kinds == {"pharmacy"} and screen.filters.chips["pharmacy"].bg == "accent"
    tap(screen.filters.chips["pharmacy"])
    assert screen.map.kinds is None and screen.nearest.opacity == 0
    tap(screen.filters.chips["aed"])
    tap(screen.filters.chips[""])
    frames(2)
    assert screen.map.kinds is None
    assert sum(len(ids) for *_xy, ids in mapview.shown) == len(mapview.scene.markers) - (1 if mapview.highlight else 0)
    app.go("map", kind="toilet")  # another screen may send a visitor here for one kind
    frames(2)
    assert app.current().map.kinds == {"toilet"}


def _map_pixels(mapview):
    from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels

    x, y = (round(v) for v in mapview.to_window(*mapview.pos))
    w, h = round(mapview.width), round(mapview.height)
    data = glReadPixels(x, y, w, h, GL_RGB, GL_UNSIGNED_BYTE)
    return Counter(data[i:i + 3] for i in range(0, len(data), 3))


@pytest.mark.parametrize("high_contrast", [True, False])
def test_what_a_visitor_reads_on_the_map_stands_out_3_to_1_from_rendered_pixels(demo, app, high_contrast):  # noqa: F811
    from kiosk.ui.theme import contrast_ratio
    from kiosk.ui.widgets.map_style import READ_STYLES, map_colours

    app.high_contrast = high_contrast
    try:
        app.go("route", item="buchhandlung-seitenwind")  # the route line too
        frames(4)
        mapview = app.current().map
        pixels = _map_pixels(mapview)
    finally:
        app.high_contrast = False
    background = pixels.most_common(1)[0][0]
    colours = map_colours(high_contrast)
    assert background == bytes(round(c * 255) for c in colours["background"][:3])
    bg = tuple(c / 255 for c in background) + (1.0,)
    found = {}
    for style in READ_STYLES:
        want = tuple(round(c * 255) for c in colours[style][:3])
        count = sum(n for rgb, n in pixels.items() if max(abs(a - b) for a, b in zip(rgb, want)) <= 2)
        if count >= 20:  # drawn on this map, not just a blended edge
            found[style] = contrast_ratio(tuple(c / 255 for c in want) + (1.0,), bg)
    assert {"street", "footway", "path", "route", "here", "marker_edge"} <= set(found), found
    assert all(ratio >= 3.0 for ratio in found.values()), found
