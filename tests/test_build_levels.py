"""OpenStreetMap's pedestrian semantics on a hand-made map (tests/fixtures/osm/levels.osm): road
tunnels are not walked, a castle on a hill attaches to its own level and not to the tunnel under
it, steps and an up escalator lead down to a platform, a lone lift node and a lift node where two
levels meet join the levels, and the step-free route takes the lift."""
from __future__ import annotations

import json

import pytest

from kiosk.route_steps import describe_route, describe_route_structured
from kiosk.wayfinding import WalkingNetwork
from sync.build.assemble import BuildInputs, build_feed
from sync.build.osm import parse_levels, way_level
from sync.feed import read_feed
from tests.conftest import REPO

LEVELS = REPO / "tests" / "fixtures" / "osm" / "levels.osm"
KIOSK = (50.0000, 8.0005)  # on Hauptstraße, at street level
CASTLE, STATION, CAFE = (50.0006, 8.0025), (49.9997, 8.0020), (50.0003, 8.0053)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("levels")
    base = {"city": {"name": "Hohenberg", "timezone": "Europe/Berlin", "country": "DE", "subdivision": "NW",
                     "default_locale": "de", "locales": ["de", "en"]},
            "kiosks": [{"id": "markt", "name": "Markt", "lat": KIOSK[0], "lon": KIOSK[1], "heading": 90}]}
    (folder / "base.json").write_text(json.dumps(base), encoding="utf-8")
    return build_feed(BuildInputs(base=folder / "base.json", out_dir=folder / "out", osm=LEVELS, sequence=1))


@pytest.fixture(scope="module")
def network(built):
    network = WalkingNetwork.from_feature_collection(built.feed["map"])
    assert network.problems == []
    return network


def props(built, osm_id):
    return [f["properties"] for f in built.feed["map"]["features"]
            if f["properties"].get("osm_id") == osm_id and f["properties"].get("walk")]


def place(built, name):
    return next(p for p in built.feed["places"] if p["name"] == name)


def anchor(network, item, **kwargs):
    return network.attach(item["lat"], item["lon"], level=item.get("level", 0), **kwargs)


def test_the_feed_with_levels_lifts_and_escalators_is_valid(built):
    read_feed(built.dumps())


def test_a_road_tunnel_is_not_walked_but_a_pedestrian_tunnel_and_one_with_sidewalks_are(built):
    assert props(built, "w103") == []  # primary road in a tunnel, no foot or sidewalk tag
    assert [p["level"] for p in props(built, "w104")] == [-1]  # the pedestrian tunnel keeps its layer
    assert [p["level"] for p in props(built, "w105")] == [-1]  # sidewalk=both
    report = built.report.render()
    assert "road tunnels without a foot, sidewalk or footway tag (not walked): 1\n    w103 (Schlosstunnel)" in report


def test_the_castle_on_the_hill_attaches_to_its_own_level_not_to_the_tunnel_under_it(built, network):
    castle = place(built, "Schloss Hohenberg")
    attached = anchor(network, castle)
    line = built.feed["map"]["features"][network.lines[network.edge_line[attached.edge]].feature]["properties"]
    assert line["name"] == "Schlossweg" and "level" not in line
    assert 43 < attached.distance_m < 46  # the tunnel is 22 m away, but a level down
    route = network.route(network.attach(*KIOSK), attached)
    # 36 m along Hauptstraße, 111 m up Schlossweg, 179 m along it: 326 m, never through the tunnel.
    assert route.distance_m == pytest.approx(326, abs=2)
    assert all(leg.name == "Hauptstraße" or leg.name == "Schlossweg" for leg in route.legs)


def test_the_station_a_level_down_by_the_steps_and_step_free_by_the_lone_lift_node(built, network):
    station = place(built, "Hauptbahnhof")
    assert station["level"] == -1
    start = network.attach(*KIOSK)
    walk = network.route(start, anchor(network, station))
    # 179 m to the steps, 22 m down, 72 m back along the platform.
    assert walk.distance_m == pytest.approx(272, abs=2)
    assert "Take the steps down" in describe_route(walk, "en")
    step_free = network.route(network.attach(*KIOSK, step_free=True), anchor(network, station, step_free=True),
                              step_free=True)
    # 236 m to the lift, 11 m to its door, down, 11 m to the platform, 129 m back along it.
    assert step_free.distance_m == pytest.approx(387, abs=2)
    assert all(leg.step_free for leg in step_free.legs)
    assert [leg.link for leg in step_free.legs].count("elevator") == 1
    assert "Take the lift to level -1" in describe_route(step_free, "en")
    assert "Fahren Sie mit dem Aufzug zur Ebene -1" in describe_route(step_free, "de")
    tree = network.tree_from(network.attach(*KIOSK, step_free=True), step_free=True)
    assert tree.distance_to(anchor(network, station, step_free=True)) == pytest.approx(step_free.distance_m)


def test_the_escalator_only_goes_up(built, network):
    station = place(built, "Hauptbahnhof")
    up = network.route(anchor(network, station), network.attach(*KIOSK))
    kinds = [(step.kind, step.direction) for step in describe_route_structured(up)]
    assert ("escalator", "up") in kinds and "Take the escalator up" in describe_route(up, "en")
    # 36 m along the platform, 22 m up, 143 m along Hauptstraße.
    assert up.distance_m == pytest.approx(201, abs=2)
    down = network.route(network.attach(*KIOSK), anchor(network, station))
    assert all(leg.link != "escalator" for leg in down.legs)


def test_a_lift_node_where_two_levels_meet_takes_the_visitor_up_to_the_cafe(built, network):
    cafe = place(built, "Galerie-Café")
    lift = props(built, "n41")
    assert lift == [{"layer": "footway", "walk": True, "osm_id": "n41", "link": "elevator", "levels": [0, 1]}]
    attached = anchor(network, cafe)
    assert network.lines[network.edge_line[attached.edge]].name == "Galeriesteg"
    route = network.route(network.attach(*KIOSK), attached)
    # 286 m along Hauptstraße, 22 m to the lift, 57 m along the skywalk.
    assert route.distance_m == pytest.approx(365, abs=2)
    assert "Take the lift to level 1" in describe_route(route, "en")
    back = network.route(attached, network.attach(*KIOSK))
    assert "Take the lift to street level" in describe_route(back, "en")


def test_lifts_that_join_nothing_are_reported(built):
    report = built.report.render()
    assert "lifts that join nothing (they need walking ways of two levels within 25 m): 1" in report
    assert "n51 at 49.998000,7.999000: levels found: none" in report
    assert "n50" not in report


def test_steps_with_a_wheelchair_ramp_are_step_free(built):
    assert props(built, "w106")[0]["step_free"] is True
    assert props(built, "w108")[0]["step_free"] is False
    escalator = props(built, "w109")[0]
    assert (escalator["link"], escalator["oneway"], escalator["step_free"]) == ("escalator", True, False)


@pytest.mark.parametrize("value, expected", [
    ("0", [0.0]), ("-1;0", [-1.0, 0.0]), ("0-2", [0.0, 2.0]), ("-2--1", [-2.0, -1.0]), ("1.5", [1.5]),
    ("EG", []), (None, []),
])
def test_level_values_are_read(value, expected):
    assert parse_levels(value) == expected


@pytest.mark.parametrize("tags, expected", [
    ({"highway": "footway"}, 0.0),
    ({"highway": "footway", "tunnel": "yes"}, -1.0),
    ({"highway": "footway", "tunnel": "yes", "layer": "-3"}, -3.0),
    ({"highway": "footway", "tunnel": "building_passage"}, 0.0),
    ({"highway": "footway", "bridge": "yes"}, 1.0),
    ({"highway": "footway", "level": "-1;0"}, 0.0),
    ({"highway": "corridor", "level": "2"}, 2.0),
    ({"highway": "footway", "layer": "1"}, 0.0),  # layer alone only orders drawing
])
def test_the_level_a_way_is_walked_on(tags, expected):
    assert way_level(tags) == expected


def test_a_terminal_routes_to_the_station_on_its_level_through_the_lift(built, tmp_path, keypair):
    from datetime import datetime, timezone

    from click.testing import CliRunner

    from kiosk.cli import main
    from sync import service
    from sync.signing import load_private_key, sign_bytes, write_signature

    out = tmp_path / "site"
    built.write(out)
    key_path, public = keypair
    write_signature(out / "feed.json.sig", sign_bytes((out / "feed.json").read_bytes(), load_private_key(key_path)))
    applied = service.apply_from_file(out / "feed.json", public_keys=[public], data_dir=tmp_path / "data",
                                      now=datetime(2026, 11, 26, tzinfo=timezone.utc))
    assert applied.applied
    run = CliRunner().invoke(main, ["route", "--to", "osm-n61", "--from", "markt", "--step-free", "--lang", "en",
                                    "--data-dir", str(tmp_path / "data")])
    assert run.exit_code == 0, run.output
    assert run.output.startswith("387 m") and "Take the lift to level -1" in run.output


# ---- real extracts (© OpenStreetMap contributors, ODbL; see tests/fixtures/osm/README.md)

def build_real(tmp_path, osm, kiosk, name):
    base = {"city": {"name": name, "timezone": "Europe/Berlin", "country": "DE", "subdivision": "HH",
                     "default_locale": "de", "locales": ["de", "en"]},
            "kiosks": [{"id": "k", "name": name, "lat": kiosk[0], "lon": kiosk[1], "heading": 0}]}
    (tmp_path / "base.json").write_text(json.dumps(base), encoding="utf-8")
    built = build_feed(BuildInputs(base=tmp_path / "base.json", out_dir=tmp_path / "out", osm=osm, sequence=1))
    read_feed(built.dumps())
    return built, WalkingNetwork.from_feature_collection(built.feed["map"])


def osm_ids(built, route):
    return [built.feed["map"]["features"][leg.feature]["properties"]["osm_id"] for leg in route.legs]


def test_hamburg_jungfernstieg_up_to_the_arcade_by_the_steps_or_step_free_by_the_lift(tmp_path):
    # From Jungfernstieg's promenade to the first floor of the Europa Passage (level=1).
    start, floor = (53.5530, 9.9928), (53.55125, 9.99655)
    built, network = build_real(tmp_path, REPO / "tests" / "fixtures" / "osm" / "hamburg_jungfernstieg.osm.gz",
                                start, "Hamburg")
    walk = network.route(network.attach(*start), network.attach(*floor, level=1))
    assert walk.distance_m == pytest.approx(311.5, abs=3)
    assert "Take the steps up" in describe_route(walk, "en") and all(leg.link is None for leg in walk.legs)
    step_free = network.route(network.attach(*start, step_free=True), network.attach(*floor, level=1, step_free=True),
                              step_free=True)
    assert step_free.distance_m == pytest.approx(354.5, abs=3)
    assert all(leg.step_free for leg in step_free.legs)
    assert "Take the lift to level 1" in describe_route(step_free, "en")
    assert "w1000656538" in osm_ids(built, step_free)  # the lift drawn as its shaft's outline
    report = built.report.render()
    # Lifts drawn at level 0 only, with no way of a second level within reach in this export.
    assert "lifts that join nothing (they need walking ways of two levels within 25 m): 3" in report
    assert "w1000656539 at 53.551668,9.996315: levels found: 0" in report


def test_kaiserslautern_under_the_b37_by_the_underpass_or_step_free_across_it(tmp_path):
    west, east = (49.44475, 7.76550), (49.44430, 7.76665)  # Mühlstraße and Fackelstraße
    built, network = build_real(tmp_path, REPO / "tests" / "fixtures" / "osm" / "kaiserslautern_underpass.osm.pbf",
                                west, "Kaiserslautern")
    walk = network.route(network.attach(*west), network.attach(*east))
    assert walk.distance_m == pytest.approx(94, abs=3)
    assert "w102343783" in osm_ids(built, walk)  # the pedestrian tunnel, tunnel=yes layer=-1
    assert props(built, "w102343783") == [{"layer": "footway", "walk": True, "osm_id": "w102343783", "level": -1}]
    step_free = network.route(network.attach(*west, step_free=True), network.attach(*east, step_free=True),
                              step_free=True)
    assert step_free.distance_m == pytest.approx(119.5, abs=3)
    assert "w102343783" not in osm_ids(built, step_free) and "w45204016" in osm_ids(built, step_free)  # Königstraße


def test_the_report_names_each_class_of_attachment_problem_once_with_distinct_ids():
    from sync.build.network import check_network
    from sync.build.report import BuildReport

    def line(osm_id, *points, **properties):
        return {"type": "Feature", "properties": {"layer": "footway", "walk": True, "osm_id": osm_id, **properties},
                "geometry": {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in points]}}

    north = 0.00001 / 1.11  # about 1 m of latitude, in degrees
    feed = {
        "city": {"default_locale": "de"},
        "map": {"type": "FeatureCollection", "features": [
            line("w1", (50.0, 8.0), (50.0, 8.001)), line("w1", (50.0, 8.001), (50.0, 8.002)),
            line("w2", (50.01, 8.0), (50.01, 8.001)), line("w2", (50.01, 8.001), (50.01, 8.002)),  # a piece apart
            line("w3", (50.02, 8.0), (50.02, 8.001)),  # another
        ]},
        "places": [{"id": "near", "name": "Nah", "lat": 50.0 + 30 * north, "lon": 8.001},
                   {"id": "far", "name": "Fern", "lat": 50.0 + 80 * north, "lon": 8.001},
                   {"id": "gone", "name": "Weg", "lat": 50.0 - 200 * north, "lon": 8.001},
                   {"id": "upstairs", "name": "Oben", "lat": 50.0 + 10 * north, "lon": 8.001, "level": 1}],
        "kiosks": [{"id": "k", "lat": 50.0 - 80 * north, "lon": 8.0005}],
    }
    report = BuildReport()
    check_network(feed, report)
    text = report.render()
    assert [p["id"] for p in feed["places"]] == ["near", "far", "upstairs"]
    assert ("pieces of walking network not joined to the main one (kept on the map, not walkable): 2\n"
            "    2 lines of 1 ways: w2\n    1 lines of 1 ways: w3\n") in text
    assert "places attached more than 50 m from a walking way" in text and "far (Fern): 80 m" in text
    assert "near (Nah)" not in text
    assert "places farther than 150 m from the walking network (no route could reach them): 1\n    gone (Weg)" in text
    assert "upstairs (Oben): level 1 wanted, nearest way 10 m away on another level" in text
    assert "kiosk k is 80 m from the nearest walking way on its level" in text


def test_without_its_lift_the_station_has_no_step_free_route_and_the_message_says_why(built, tmp_path):
    import sqlite3

    from kiosk.content import Content
    from kiosk.directions import NoRoute, Wayfinder
    from sync import store

    feed = json.loads(built.dumps())
    feed["map"]["features"] = [f for f in feed["map"]["features"] if f["properties"].get("osm_id") != "n50"]
    staged = store.stage(feed, tmp_path, demo=False, applied_at="2026-11-26T08:00:00+00:00", source="test",
                         feed_sha256="0" * 64)
    content = Content(sqlite3.connect(staged))
    finder = Wayfinder(content)
    station = place(built, "Hauptbahnhof")
    with pytest.raises(NoRoute) as caught:
        finder.from_kiosk("markt", (station["lat"], station["lon"]), step_free=True)
    assert str(caught.value) == (
        "There is no step-free walking route from Markt to Hauptbahnhof: the steps at 50.00000,8.00300 after "
        "Hauptstraße cannot be avoided. The nearest point without steps is on Hauptstraße at 50.00000,8.00200, "
        "22 m from Hauptbahnhof.")
    gap = caught.value.gap
    assert gap.barrier.layer == "steps" and gap.nearest_gap_m == pytest.approx(22.2, abs=0.5)
    # Between two points, the same reasons.
    with pytest.raises(NoRoute, match="the steps at 50.00000,8.00300 after Hauptstraße cannot be avoided"):
        finder.between(KIOSK, (station["lat"], station["lon"]), step_free=True)
    assert finder.from_kiosk("markt", (station["lat"], station["lon"])).distance_m == pytest.approx(272, abs=2)
    from kiosk.route_steps import describe_step_free_gap

    assert describe_step_free_gap(gap, "de") == [
        "Nach Hauptstraße gibt es Stufen, die sich nicht umgehen lassen.",
        "Ohne Stufen kommen Sie bis auf weniger als 50 m heran, über Hauptstraße."]
    assert describe_step_free_gap(gap, "en")[0] == "There are steps after Hauptstraße that cannot be avoided."


def test_a_store_is_reached_at_its_main_entrance_not_at_the_street_nearest_its_middle(built, network, tmp_path,
                                                                                       keypair):
    store = place(built, "Kaufhaus am Schlossweg")
    assert store["entrance"] == {"lat": 50.0008, "lon": 8.0009}  # entrance=main, not the service door
    from_middle = network.route(network.attach(*KIOSK), network.attach(store["lat"], store["lon"]))
    assert from_middle.distance_m == pytest.approx(25, abs=2)  # Hauptstraße, the back of the store
    at_door = network.route(network.attach(*KIOSK), network.attach(50.0008, 8.0009))
    # 36 m back along Hauptstraße, 111 m up Schlossweg, 64 m along it to the door.
    assert at_door.distance_m == pytest.approx(211, abs=2)

    from datetime import datetime, timezone

    from kiosk.content import Content
    from kiosk.directions import Wayfinder
    from sync import service
    from sync.signing import load_private_key, sign_bytes, write_signature

    out = tmp_path / "site"
    built.write(out)
    key_path, public = keypair
    write_signature(out / "feed.json.sig", sign_bytes((out / "feed.json").read_bytes(), load_private_key(key_path)))
    assert service.apply_from_file(out / "feed.json", public_keys=[public], data_dir=tmp_path / "data",
                                   now=datetime(2026, 11, 26, tzinfo=timezone.utc)).applied
    content = Content.open(tmp_path / "data")
    try:
        finder = Wayfinder(content)
        directions = finder.from_kiosk("markt", (store["lat"], store["lon"]), lang="en")
        assert directions.distance_m == pytest.approx(211, abs=2)
        assert finder.walking_time("markt", (store["lat"], store["lon"]))[0] == pytest.approx(211, abs=2)
    finally:
        content.close()
