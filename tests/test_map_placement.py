"""Markers grouped by zoom and place names placed beside them, in plain numbers (kiosk/map_placement.py)."""
from __future__ import annotations

import math
import random
from itertools import combinations

from kiosk.map_placement import Box, Occupied, group_markers, place_name, spread


def test_no_two_shown_markers_are_closer_than_the_distance_and_every_marker_is_in_one_group():
    rng = random.Random(7)
    points = [(rng.uniform(0, 800), rng.uniform(0, 800)) for _ in range(2000)]
    groups = group_markers(points, range(len(points)), 44.0)
    assert sorted(i for g in groups for i in g.members) == list(range(len(points)))
    for a, b in combinations(groups, 2):
        assert math.hypot(a.x - b.x, a.y - b.y) >= 44.0
    assert len(groups) < len(points) / 4  # 2,000 markers on 800 px are thinned to what can be told apart


def test_the_most_important_marker_leads_its_group_and_far_markers_stay_alone():
    points = [(0, 0), (10, 0), (200, 0)]
    groups = group_markers(points, [1, 0, 2], 40.0)
    assert [(g.x, g.y, g.members) for g in groups] == [(10, 0, [1, 0]), (200, 0, [2])]


def test_places_of_one_spot_spread_round_it_without_touching():
    spots = spread(0, 0, 6, 40)
    assert len(spots) == 6
    assert all(math.dist(a, b) >= 40 for a, b in combinations(spots, 2))
    assert spread(5, 5, 1, 40) == [(5, 5)]


def test_a_name_goes_after_its_marker_else_before_above_below_and_never_over_anything_taken():
    taken = Occupied()
    first = place_name(0, 0, 20, 100, 30, taken)
    assert first == Box(26, -15, 126, 15)  # after the marker in reading order
    second = place_name(0, 0, 20, 100, 30, taken)
    assert second == Box(-126, -15, -26, 15)  # the same spot again: before it
    assert place_name(0, 0, 20, 100, 30, taken, rtl=True).y0 == 26  # then above
    assert place_name(0, 0, 20, 100, 30, taken).y1 == -26  # then below
    assert place_name(0, 0, 20, 100, 30, taken) is None  # no room left


def test_a_name_takes_a_corner_when_the_sides_are_taken():
    taken = Occupied()
    taken.add_box(Box(26, -14, 126, 14))  # names right and left of the marker
    taken.add_box(Box(-126, -14, -26, 14))
    for y in (45, -45):  # small markers straight above and below
        taken.add_box(Box.around(0, y, 10), soft=True)
    box = place_name(0, 0, 20, 100, 30, taken)
    assert box is not None and box.x0 >= 26 and (box.y0 > 15 or box.y1 < -15)


def test_a_name_keeps_clear_of_street_names_and_the_maps_edges():
    taken = Occupied()
    taken.add_capsule((20, 0), (300, 0), 15)  # a street name written along the x axis
    box = place_name(0, 0, 20, 100, 30, taken, within=Box(-500, -500, 500, 500))
    assert box is not None and box.x1 <= 0  # before the marker, away from the street's name
    edge = place_name(0, 100, 20, 100, 30, Occupied(), within=Box(-60, -500, 60, 500))
    assert edge is not None and edge.x0 >= -60 and edge.x1 <= 60  # above it: beside it would cross the edge


def test_a_destinations_name_may_cover_a_marker_but_never_another_name():
    taken = Occupied()
    for x in (60, -60, 0):
        for y in (-60, 0, 60):
            if (x, y) != (0, 0):
                taken.add_box(Box.around(x, y, 20), soft=True)  # markers all round
    assert place_name(0, 0, 20, 100, 30, taken) is None
    box = place_name(0, 0, 20, 100, 30, taken, insist=True)
    assert box is not None
    taken.add_box(Box(-500, -500, 500, 500))  # a name everywhere
    assert place_name(0, 0, 20, 100, 30, taken, insist=True) is None


def test_street_names_avoid_markers_through_the_capsule_check():
    taken = Occupied()
    taken.add_box(Box.around(100, 0, 20), soft=True)
    assert not taken.clear_of_capsule((0, 0), (200, 0), 15)
    assert taken.clear_of_capsule((0, 100), (200, 100), 15)


def test_a_groups_count_is_exact_up_to_nine_then_rounded_down():
    from kiosk.ui.widgets.map_markers import count_text

    assert [count_text(n) for n in (2, 9, 10, 19, 20, 49, 50, 99, 100, 2000)] == \
        ["2", "9", "10+", "10+", "20+", "20+", "50+", "50+", "100+", "100+"]
