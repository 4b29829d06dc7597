"""The map's geometry without a window: projection, heads-up rotation, fitting, label placement."""
from __future__ import annotations

import math

import pytest

from kiosk.map_projection import (Bounds, LabelSpot, Limits, Projection, View, fit, heads_up_rotation, join_lines,
                                  label_spots, upright_angle, visible_labels)
from kiosk.wayfinding import WalkingNetwork

DORTMUND = Projection(51.5136, 7.4660)


def test_projection_is_metres_east_and_north_of_the_centre():
    assert DORTMUND.to_xy(51.5136, 7.4660) == (0.0, 0.0)
    x, y = DORTMUND.to_xy(51.5136 + 0.001, 7.4660)
    assert x == 0.0 and y == pytest.approx(111.19, abs=0.01)  # a thousandth of a degree of latitude
    x, y = DORTMUND.to_xy(51.5136, 7.4660 + 0.001)
    assert y == 0.0 and x == pytest.approx(111.19 * math.cos(math.radians(51.5136)), abs=0.01)
    lat, lon = DORTMUND.to_latlon(*DORTMUND.to_xy(51.517, 7.459))
    assert (lat, lon) == (pytest.approx(51.517), pytest.approx(7.459))


def test_projection_agrees_with_the_walking_network():
    line = {"type": "Feature", "properties": {"walk": True},
            "geometry": {"type": "LineString", "coordinates": [[7.460, 51.510], [7.470, 51.516]]}}
    network = WalkingNetwork.from_feature_collection({"type": "FeatureCollection", "features": [line]})
    projection = Projection.around([[7.460, 51.510], [7.470, 51.516]])
    assert (projection.lat0, projection.lon0) == (pytest.approx(network.lat0), pytest.approx(network.lon0))
    assert projection.kx == pytest.approx(network.kx) and projection.ky == pytest.approx(network.ky)


@pytest.mark.parametrize("heading", [0, 45, 90, 180, 270, 333])
def test_a_point_straight_ahead_of_the_viewer_is_up_on_screen(heading):
    view = View(heads_up_rotation(heading), 2.0, (0.0, 0.0))
    ahead = (100 * math.sin(math.radians(heading)), 100 * math.cos(math.radians(heading)))
    sx, sy = view.to_screen(*ahead)
    assert sx == pytest.approx(0.0, abs=1e-9) and sy == pytest.approx(200.0)


def test_east_of_a_kiosk_facing_north_is_right_and_facing_east_it_is_up():
    north = View(heads_up_rotation(0), 1.0, (0.0, 0.0))
    assert north.to_screen(50.0, 0.0) == (pytest.approx(50.0), pytest.approx(0.0))
    east = View(heads_up_rotation(90), 1.0, (0.0, 0.0))
    assert east.to_screen(50.0, 0.0) == (pytest.approx(0.0, abs=1e-9), pytest.approx(50.0))
    # Facing east, north is to the viewer's left.
    assert east.to_screen(0.0, 50.0) == (pytest.approx(-50.0), pytest.approx(0.0, abs=1e-9))


def test_screen_and_map_round_trip_and_the_centre_is_the_middle():
    view = View(heads_up_rotation(270), 0.75, (120.0, -40.0))
    assert view.to_screen(120.0, -40.0) == (0.0, 0.0)
    x, y = view.to_map(*view.to_screen(33.0, 250.0))
    assert (x, y) == (pytest.approx(33.0), pytest.approx(250.0))


def test_panning_moves_the_map_with_the_finger_whatever_the_rotation():
    view = View(heads_up_rotation(135), 2.0, (10.0, 20.0))
    point = (60.0, -5.0)
    before = view.to_screen(*point)
    after = view.panned(30.0, -12.0).to_screen(*point)
    assert (after[0] - before[0], after[1] - before[1]) == (pytest.approx(30.0), pytest.approx(-12.0))


def test_zooming_keeps_the_point_under_the_fingers():
    view = View(heads_up_rotation(20), 1.0, (0.0, 0.0))
    about = (150.0, -80.0)
    under = view.to_map(*about)
    zoomed = view.zoomed(2.5, about)
    assert zoomed.scale == pytest.approx(2.5)
    assert zoomed.to_screen(*under) == (pytest.approx(150.0), pytest.approx(-80.0))


def test_limits_keep_the_view_within_the_map_and_the_zoom_range():
    limits = Limits(Bounds(-500, -300, 500, 300), min_scale=0.4, max_scale=6.0)
    view = View(0.0, 1.0, (0.0, 0.0)).panned(-100000.0, 0.0, limits)
    assert view.centre == (500, 0.0)
    assert View(0.0, 1.0, (0.0, 0.0)).zoomed(100.0, limits=limits).scale == 6.0
    assert View(0.0, 1.0, (0.0, 0.0)).zoomed(0.01, limits=limits).scale == 0.4


def test_fit_shows_every_point_inside_the_padding():
    points = [(-400.0, -100.0), (600.0, 250.0), (0.0, 0.0), (150.0, -300.0)]
    for rotation in (0.0, 90.0, 217.0):
        view = fit(points, rotation, 1000, 600, padding_px=50)
        for p in points:
            sx, sy = view.to_screen(*p)
            assert -450 - 1e-6 <= sx <= 450 + 1e-6 and -250 - 1e-6 <= sy <= 250 + 1e-6
        # ...and tightly: some point touches the padding.
        edges = [max(abs(view.to_screen(*p)[0]) / 450, abs(view.to_screen(*p)[1]) / 250) for p in points]
        assert max(edges) == pytest.approx(1.0)


def test_fit_of_one_point_centres_it_at_a_sensible_zoom():
    view = fit([(10.0, 20.0)], 0.0, 800, 800, max_scale=3.0)
    assert view.centre == (pytest.approx(10.0), pytest.approx(20.0)) and view.scale == 3.0


def test_street_names_stay_upright():
    assert upright_angle(1, 0, 0) == pytest.approx(0)
    assert upright_angle(-1, 0, 0) == pytest.approx(0)  # a street drawn westwards is not written upside down
    assert upright_angle(0, 1, 0) == pytest.approx(90)
    assert upright_angle(0, -1, 0) == pytest.approx(90)
    assert upright_angle(1, 0, 90) == pytest.approx(90)  # facing east, an east-west street runs up the screen
    for dx, dy, r in ((1, 2, 30), (-3, 1, 200), (0.5, -1, 300)):
        assert -90 < upright_angle(dx, dy, r) <= 90


def test_label_spots_are_the_straight_runs_of_a_line():
    line = [(0.0, 0.0), (100.0, 0.0), (200.0, 1.0), (200.0, 150.0)]  # straight east, then a bend north
    spots = label_spots(0, line, 0.0)
    assert [round(s.length_m) for s in spots] == [200, 149]
    assert spots[0].angle == pytest.approx(0.29, abs=0.01) and spots[1].angle == pytest.approx(90)


def test_pieces_of_one_street_are_joined_end_to_end():
    pieces = [[(100.0, 0.0), (200.0, 0.0)], [(0.0, 0.0), (100.0, 0.0)], [(300.0, 0.0), (200.0, 0.0)]]
    joined = join_lines(pieces)
    assert len(joined) == 1 and sorted(joined[0]) == [(0.0, 0.0), (100.0, 0.0), (200.0, 0.0), (300.0, 0.0)]


def test_labels_show_when_they_fit_and_never_collide():
    spots = [LabelSpot(0, 0.0, 0.0, 0.0, 300.0), LabelSpot(1, 0.0, 5.0, 0.0, 250.0),
             LabelSpot(2, 0.0, 200.0, 0.0, 80.0), LabelSpot(0, 1000.0, 0.0, 0.0, 300.0)]
    widths = [150.0, 150.0, 150.0]
    assert visible_labels(spots, widths, 30.0, 0.4) == []  # at 0.4 px/m no stretch holds 150 px of text
    shown = visible_labels(spots, widths, 30.0, 1.0)
    assert 0 in shown and 1 not in shown  # the parallel street 5 m away would overlap
    assert 2 not in shown  # 80 m is too short for 150 px
    assert 3 in shown  # the same name again, far enough away


def test_join_lines_joins_a_long_street_given_in_shuffled_pieces():
    import random

    points = [(float(i), 0.0) for i in range(3001)]
    pieces = [[points[i], points[i + 1]] for i in range(3000)]
    random.Random(7).shuffle(pieces)
    pieces = [p if i % 2 else p[::-1] for i, p in enumerate(pieces)]  # half of them drawn backwards
    (street,) = join_lines(pieces)
    assert sorted(street) == points and street in (points, points[::-1])
