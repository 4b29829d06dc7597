"""Walking network and routes on small hand-made networks with known answers."""
from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.wayfinding import (
    EmptyNetworkError,
    WalkingNetwork,
    decode_polyline,
    encode_polyline,
)

LAT0, LON0 = 51.5140, 7.4660  # Reinoldikirche, Dortmund
M_PER_DEG_LAT = math.pi / 180 * 6_371_008.8
M_PER_DEG_LON = M_PER_DEG_LAT * math.cos(math.radians(LAT0))


def ll(x: float, y: float) -> tuple[float, float]:
    """(lat, lon) of a point x metres east and y metres north of the test origin."""
    return LAT0 + y / M_PER_DEG_LAT, LON0 + x / M_PER_DEG_LON


def line(*xy: tuple[float, float], **properties) -> dict:
    coordinates = [[round(ll(x, y)[1], 7), round(ll(x, y)[0], 7)] for x, y in xy]
    return {"type": "Feature", "geometry": {"type": "LineString", "coordinates": coordinates},
            "properties": {"walk": True, "layer": "street", **properties}}


def network(*features: dict) -> WalkingNetwork:
    return WalkingNetwork.from_feature_collection({"type": "FeatureCollection", "features": list(features)})


def at(net: WalkingNetwork, x: float, y: float, **kwargs):
    return net.attach(*ll(x, y), **kwargs)


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot((a[0] - b[0]) * M_PER_DEG_LAT, (a[1] - b[1]) * M_PER_DEG_LON)


def test_the_shortest_of_several_ways_wins():
    net = network(
        line((0, 0), (0, 100), (200, 100), (200, 0), name="Long"),
        line((0, 0), (100, -20), (200, 0), name="Short"),
        line((0, 0), (100, -60), (200, 0), name="Medium"),
    )
    route = net.route(at(net, 0, 0), at(net, 200, 0))
    assert route is not None
    assert route.distance_m == pytest.approx(2 * math.hypot(100, 20), rel=1e-3)
    assert {leg.name for leg in route.legs} == {"Short"}
    assert route.duration_s(4.5) == pytest.approx(route.distance_m / 1.25)


def test_step_free_route_goes_around_the_stairs_the_normal_route_takes():
    net = network(
        line((0, 0), (100, 0), layer="steps", step_free=False, name="Treppe"),
        line((0, 0), (50, 80), (100, 0), name="Rampe"),
        line((-50, 0), (0, 0), name="Ost"),
        line((100, 0), (150, 0), name="West"),
    )
    origin, destination = at(net, -50, 0), at(net, 150, 0)
    normal = net.route(origin, destination)
    step_free = net.route(origin, destination, step_free=True)
    assert normal.distance_m == pytest.approx(200, rel=1e-3)
    assert "Treppe" in [leg.name for leg in normal.legs]
    assert step_free.distance_m == pytest.approx(100 + 2 * math.hypot(50, 80), rel=1e-3)
    assert all(leg.step_free for leg in step_free.legs)
    assert "Treppe" not in [leg.name for leg in step_free.legs]


def test_steps_without_step_free_false_are_not_step_free():
    net = network(line((0, 0), (100, 0), layer="steps"), line((0, 0), (0, 50), (100, 0)))
    route = net.route(at(net, 0, 0), at(net, 100, 0), step_free=True)
    assert route.distance_m > 100
    assert net.problems and "steps" in net.problems[0]


def test_a_step_free_route_from_a_place_on_the_stairs_starts_on_a_step_free_line():
    net = network(
        line((0, 0), (100, 0), layer="steps", step_free=False),
        line((0, 10), (100, 10), name="Unten"),
    )
    on_stairs = at(net, 50, 2)
    assert not net.edge_step_free[on_stairs.edge]
    route = net.route(on_stairs, at(net, 90, 12), step_free=True)
    assert route is not None and all(leg.step_free for leg in route.legs)
    assert route.distance_m == pytest.approx(40, rel=1e-3)


def test_places_mid_segment_route_from_the_projected_points():
    net = network(line((0, 0), (100, 0), (100, 100), name="Kampstraße"))
    origin, destination = at(net, 30, 10), at(net, 110, 60)
    assert origin.distance_m == pytest.approx(10, rel=1e-3)
    assert origin.fraction == pytest.approx(0.3, rel=1e-3)
    assert metres_between(origin.point, ll(30, 0)) < 0.01
    route = net.route(origin, destination)
    assert route.distance_m == pytest.approx(70 + 60, rel=1e-3)
    assert metres_between(route.points[0], ll(30, 0)) < 0.01
    assert metres_between(route.points[-1], ll(100, 60)) < 0.01
    assert len(route.points) == 3  # the partial edges, joined at the corner
    assert len(route.legs) == 1 and route.legs[0].forward


def test_attach_finds_the_nearest_segment_not_the_nearest_vertex():
    net = network(line((0, 0), (1000, 0)), line((0, 40), (0, 1000)))
    anchor = at(net, 500, 30)  # the vertex (0, 40) is far; the long segment is 30 m away
    assert anchor.distance_m == pytest.approx(30, rel=1e-3)
    assert metres_between(anchor.point, ll(500, 0)) < 0.01


def test_attach_far_outside_the_network():
    net = network(line((0, 0), (100, 0)))
    anchor = at(net, 5000, 3000)
    assert metres_between(anchor.point, ll(100, 0)) < 0.01


def test_lines_crossing_without_a_shared_vertex_are_not_joined():
    crossing = network(line((0, 0), (100, 0)), line((50, -50), (50, 50)))
    assert crossing.route(at(crossing, 0, 0), at(crossing, 50, 50)) is None
    joined = network(line((0, 0), (50, 0), (100, 0)), line((50, -50), (50, 0), (50, 50)))
    assert joined.route(at(joined, 0, 0), at(joined, 50, 50)).distance_m == pytest.approx(100, rel=1e-3)


def test_an_island_gives_no_route_and_no_exception():
    net = network(line((0, 0), (100, 0)), line((0, 500), (100, 500), name="Insel"))
    origin, island = at(net, 0, 0), at(net, 50, 510)
    assert net.route(origin, island) is None
    assert net.route(origin, island, step_free=True) is None
    assert net.tree_from(origin).route_to(island) is None


def test_origin_and_destination_on_the_same_edge():
    net = network(line((0, 0), (100, 0), (100, 100), name="Brückstraße"))
    a, b = at(net, 20, 5), at(net, 70, -5)
    for origin, destination in ((a, b), (b, a)):
        route = net.route(origin, destination)
        assert route.distance_m == pytest.approx(50, rel=1e-3)
        assert len(route.points) == 2 and len(route.legs) == 1
        assert net.tree_from(origin).route_to(destination).distance_m == pytest.approx(50, rel=1e-3)
    assert net.route(a, a).distance_m == 0


def test_a_multilinestring_is_part_of_the_network():
    net = network({"type": "Feature",
                   "geometry": {"type": "MultiLineString",
                                "coordinates": [[[ll(0, 0)[1], ll(0, 0)[0]], [ll(100, 0)[1], ll(100, 0)[0]]],
                                                [[ll(100, 0)[1], ll(100, 0)[0]], [ll(100, 80)[1], ll(100, 80)[0]]]]},
                   "properties": {"walk": True, "layer": "footway"}})
    assert net.route(at(net, 0, 0), at(net, 100, 80)).distance_m == pytest.approx(180, rel=1e-3)


def test_features_not_for_walking_and_broken_geometry_are_left_out():
    net = network(
        line((0, 0), (100, 0)),
        {**line((0, 0), (0, 100)), "properties": {"layer": "street"}},  # no walk: true
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, "x"], [2, 3]]},
         "properties": {"walk": True}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []}, "properties": {"walk": True}},
    )
    assert net.node_count == 2 and net.edge_count == 1
    assert any("invalid coordinates" in problem for problem in net.problems)


def test_an_empty_network_says_so():
    net = WalkingNetwork.from_feature_collection({"type": "FeatureCollection", "features": []})
    with pytest.raises(EmptyNetworkError, match="empty"):
        net.attach(LAT0, LON0)


def test_destination_side_and_incline_follow_the_walking_direction():
    net = network(line((0, 0), (200, 0), name="Westenhellweg", incline="up"))
    eastwards = net.route(at(net, 0, 0), at(net, 150, 20))  # place north of the street
    assert eastwards.destination_side == "left"
    assert eastwards.legs[0].incline == "up" and eastwards.legs[0].bearing_end == pytest.approx(90, abs=0.1)
    westwards = net.route(at(net, 200, 0), at(net, 50, 20))
    assert westwards.destination_side == "right"
    assert westwards.legs[0].incline == "down"
    assert net.route(at(net, 0, 0), at(net, 150, 0)).destination_side is None


def grid(n: int, spacing: float, seed: int) -> WalkingNetwork:
    rnd = random.Random(seed)
    xy = {(i, j): (i * spacing + rnd.uniform(-spacing / 5, spacing / 5),
                   j * spacing + rnd.uniform(-spacing / 5, spacing / 5)) for i in range(n) for j in range(n)}
    features = [line(*(xy[i, j] for j in range(n)), name=f"Column {i}", step_free=i % 4 != 1)
                for i in range(n)]
    # Rows with missing blocks make detours, so the tree and A* have to agree on non-trivial paths.
    features += [line(xy[i, j], xy[i + 1, j], name=f"Row {j}")
                 for j in range(n) for i in range(n - 1) if rnd.random() > 0.2]
    return network(*features)


GRID = grid(20, 40.0, seed=3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-20, 780), st.floats(-20, 780)), min_size=2, max_size=6),
       st.booleans())
def test_the_tree_gives_the_same_distance_as_route(places, step_free):
    anchors = [at(GRID, x, y) for x, y in places]
    tree = GRID.tree_from(anchors[0], step_free=step_free)
    for destination in anchors[1:]:
        direct = GRID.route(anchors[0], destination, step_free=step_free)
        looked_up = tree.route_to(destination)
        assert (direct is None) == (looked_up is None)
        if direct is None:
            continue
        assert looked_up.distance_m == pytest.approx(direct.distance_m, abs=1e-6)
        assert sum(leg.length_m for leg in looked_up.legs) == pytest.approx(looked_up.distance_m)
        if step_free:
            assert all(leg.step_free for leg in direct.legs + looked_up.legs)


def test_route_points_are_continuous_and_add_up_to_the_distance():
    rnd = random.Random(11)
    for _ in range(50):
        a = at(GRID, rnd.uniform(0, 760), rnd.uniform(0, 760))
        b = at(GRID, rnd.uniform(0, 760), rnd.uniform(0, 760))
        route = GRID.route(a, b)
        walked = sum(metres_between(p, q) for p, q in zip(route.points, route.points[1:]))
        assert walked == pytest.approx(route.distance_m, rel=1e-3, abs=0.01)
        assert route.points[0] == a.point


def test_google_polyline_example():
    points = [(38.5, -120.2), (40.7, -120.95), (43.252, -126.453)]
    assert encode_polyline(points) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"
    assert decode_polyline("_p~iF~ps|U_ulLnnqC_mqNvxq`@") == points
    assert encode_polyline([]) == ""
