"""Routes as sentences: merged streets, turns at known angles, steps, unnamed ways, arrival side."""
from __future__ import annotations

import math

import pytest

from kiosk.route_steps import describe_route, describe_route_structured, format_distance, turn_direction
from tests.test_wayfinding import at, line, network


def toward(bearing_deg: float, length: float = 100.0) -> tuple[float, float]:
    """The point `length` metres from (0, 0) in a compass direction."""
    return (length * math.sin(math.radians(bearing_deg)), length * math.cos(math.radians(bearing_deg)))


def test_same_street_legs_are_merged_into_one_walk():
    net = network(
        line((0, 0), (100, 0), name="Westenhellweg"),
        line((100, 0), (180, 0), name="Westenhellweg"),
        line((180, 0), (250, 0), name="Westenhellweg"),
        line((100, 0), (100, 80), name="Kampstraße"),  # side streets make the joins junctions
        line((180, 0), (180, -60), name="Hansastraße"),
    )
    route = net.route(at(net, 0, 0), at(net, 250, 0))
    assert len(route.legs) == 3
    assert describe_route(route, "en") == ["Walk 250 m along Westenhellweg",
                                          "You have arrived at your destination"]


@pytest.mark.parametrize("bearing, sentence", [
    (0, "Turn left into Kampstraße"),
    (180, "Turn right into Kampstraße"),
    (60, "Turn slightly left into Kampstraße"),
    (120, "Turn slightly right into Kampstraße"),
    (300, "Turn sharp left into Kampstraße"),
    (225, "Turn right into Kampstraße"),  # 135°: the upper bound of a plain turn
    (240, "Turn sharp right into Kampstraße"),
])
def test_turns_at_known_angles(bearing, sentence):
    end = toward(bearing)
    net = network(line((-100, 0), (0, 0), name="Westenhellweg"), line((0, 0), end, name="Kampstraße"))
    route = net.route(at(net, -100, 0), at(net, *end))
    assert describe_route(route, "en")[:2] == ["Walk 100 m along Westenhellweg", sentence]


def test_three_streets_at_one_junction():
    net = network(
        line((-120, 0), (0, 0), name="Westenhellweg"),
        line((0, 0), (0, 90), name="Kampstraße"),
        line((0, 0), (0, -70), name="Hansastraße"),
    )
    start = at(net, -120, 0)
    left = describe_route(net.route(start, at(net, 10, 90)), "en")
    right = describe_route(net.route(start, at(net, 10, -70)), "en")
    assert left == ["Walk 120 m along Westenhellweg", "Turn left into Kampstraße",
                    "Walk 90 m along Kampstraße", "Your destination is on the right"]
    assert right == ["Walk 120 m along Westenhellweg", "Turn right into Hansastraße",
                     "Walk 70 m along Hansastraße", "Your destination is on the left"]
    kinds = [(s.kind, s.direction) for s in describe_route_structured(net.route(start, at(net, 10, 90)))]
    assert kinds == [("walk", None), ("turn", "left"), ("walk", None), ("arrive", "right")]


def test_straight_on_into_another_street_needs_no_turn():
    net = network(line((0, 0), (100, 0), name="Westenhellweg"), line((100, 0), (200, 10), name="Ostenhellweg"))
    assert describe_route(net.route(at(net, 0, 0), at(net, 200, 10)), "en")[:2] == [
        "Walk 100 m along Westenhellweg", "Walk 100 m along Ostenhellweg"]


def test_a_street_bending_away_at_a_junction_says_stay_on():
    net = network(
        line((0, 0), (100, 0), name="Brückstraße"),
        line((100, 0), (100, 100), name="Brückstraße"),
        line((100, 0), (200, 0), name="Kuckelke"),
    )
    assert describe_route(net.route(at(net, 0, 0), at(net, 100, 100)), "en")[:3] == [
        "Walk 100 m along Brückstraße", "Turn left to stay on Brückstraße", "Walk 100 m along Brückstraße"]


def test_steps_up_and_down_follow_the_incline():
    net = network(
        line((0, 0), (100, 0), name="Katharinenstraße"),
        line((100, 0), (130, 0), layer="steps", step_free=False, incline="up"),
        line((130, 0), (200, 0), name="Königswall"),
    )
    up = describe_route(net.route(at(net, 0, 0), at(net, 200, 0)), "en")
    down = describe_route(net.route(at(net, 200, 0), at(net, 0, 0)), "en")
    assert up == ["Walk 100 m along Katharinenstraße", "Take the steps up", "Walk 70 m along Königswall",
                  "You have arrived at your destination"]
    assert down[1] == "Take the steps down"
    step = describe_route_structured(net.route(at(net, 200, 0), at(net, 0, 0)))[1]
    assert (step.kind, step.direction, step.layer) == ("steps", "down", "steps")


def test_unnamed_square_and_footway_say_what_they_are():
    square_end = toward(120, 80)
    footway_end = tuple(a + b for a, b in zip(square_end, toward(150, 60)))
    net = network(
        line((-100, 0), (0, 0), name="Westenhellweg"),
        line((0, 0), square_end, layer="square"),
        line(square_end, footway_end, layer="footway"),
    )
    route = net.route(at(net, -100, 0), at(net, *footway_end))
    assert describe_route(route, "en") == [
        "Walk 100 m along Westenhellweg",
        "Turn slightly right onto the square",
        "Cross the square",
        "Turn slightly right onto the footpath",
        "Walk 60 m along the footpath",
        "You have arrived at your destination",
    ]


def test_german_names_come_from_localized_text():
    platz = {"de": "Platz von Amiens", "fr": "Place d'Amiens"}
    kamp = {"de": "Kampstraße", "en": "Kamp Street"}
    net = network(line((-100, 0), (0, 0), name=platz), line((0, 0), (0, 100), name=kamp))
    route = net.route(at(net, -100, 0), at(net, 0, 100))
    german = describe_route(route, "de")
    assert "Platz von Amiens" in german[0] and "Kampstraße" in german[1] and "Kampstraße" in german[2]
    assert describe_route(route, "en")[1] == "Turn left into Kamp Street"
    assert describe_route(route, "fr")[0].endswith(" along Place d'Amiens")


def test_distances_are_rounded_the_way_people_say_them():
    assert format_distance(12, "en") == "less than 50 m"
    # Turkish: "less than 50 m" is "50 m'den az" ("50 m altında" says "under 50 m", as in depth).
    assert format_distance(12, "tr") == "50 m'den az"
    assert format_distance(254, "en") == "250 m"
    assert format_distance(996, "en") == "1 km"
    assert format_distance(1234, "en") == "1.2 km"
    assert format_distance(1234, "de") == "1,2 km"
    assert format_distance(1234, "xx") == "1.2 km"  # an unknown locale falls back to English


def test_turn_thresholds():
    assert turn_direction(90, 90 + 20) is None
    assert turn_direction(350, 10) is None
    assert turn_direction(90, 90 + 21) == "slight_right"
    assert turn_direction(90, 90 - 45) == "slight_left"
    assert turn_direction(90, 90 - 46) == "left"
    assert turn_direction(10, 190) == "sharp_left"


def test_a_short_first_stretch_says_less_than_50_m():
    net = network(line((0, 0), (30, 0), name="Markt"), line((30, 0), (30, 100), name="Betenstraße"))
    assert describe_route(net.route(at(net, 0, 0), at(net, 30, 100)), "en")[0] == \
        "Walk less than 50 m along Markt"
