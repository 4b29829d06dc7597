"""OpenStreetMap -> feed: map layers, a walking network joined at shared nodes, places with checked values."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.wayfinding import WalkingNetwork
from sync.build.assemble import BuildInputs, build_feed
from sync.build.osm import classify
from sync.feed import read_feed
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "osm"
SMALL_TOWN = FIXTURES / "small_town.osm"
STIFTSPLATZ = FIXTURES / "kaiserslautern_stiftsplatz.osm.pbf"
KIOSK = (51.50002, 7.4610)  # on Oberstraße, at the top of the steps
BOOKSHOP = (51.49895, 7.4611)  # on Unterstraße, at the bottom


def write_base(folder: Path, *, kiosk=KIOSK, name="Kleinstadt") -> Path:
    base = {
        "city": {"name": name, "timezone": "Europe/Berlin", "country": "DE", "subdivision": "NW",
                 "default_locale": "de", "locales": ["de", "en"]},
        "kiosks": [{"id": "oben", "name": "Oberstraße", "lat": kiosk[0], "lon": kiosk[1], "heading": 180}],
    }
    path = folder / "base.json"
    path.write_text(json.dumps(base), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    return build_feed(BuildInputs(base=write_base(folder), out_dir=folder / "out", osm=SMALL_TOWN, sequence=7))


def walk_lines(feed):
    return [f for f in feed["map"]["features"] if f["properties"].get("walk") is True]


def by_osm_id(feed, osm_id):
    return [f for f in feed["map"]["features"] if f["properties"].get("osm_id") == osm_id]


def test_the_small_town_builds_a_valid_feed(small):
    read_feed(small.dumps())
    assert small.feed["sequence"] == 7


def test_streets_are_split_where_walkable_ways_share_a_node(small):
    # Oberstraße (101-102-103-104) meets the steps at 102 and the square at 103 and 104: three pieces.
    pieces = [f["geometry"]["coordinates"] for f in by_osm_id(small.feed, "w1001")]
    assert pieces == [[[7.46, 51.5], [7.461, 51.5]], [[7.461, 51.5], [7.462, 51.5]], [[7.462, 51.5], [7.463, 51.5]]]
    # Unterstraße's node 107 joins nothing, so the piece from 106 to 108 keeps it as an inner vertex.
    assert [[7.461, 51.499], [7.462, 51.499], [7.463, 51.499]] in [
        f["geometry"]["coordinates"] for f in by_osm_id(small.feed, "w1002")]
    network = WalkingNetwork.from_feature_collection(small.feed["map"])
    assert network.problems == []


def test_steps_steep_ramps_and_raised_kerbs_are_not_step_free(small):
    steps = by_osm_id(small.feed, "w1003")[0]["properties"]
    assert steps["layer"] == "steps" and steps["step_free"] is False and steps["incline"] == "down"
    assert "step_free" not in by_osm_id(small.feed, "w1004")[0]["properties"]  # 4 %: a gentle ramp
    assert by_osm_id(small.feed, "w1005")[0]["properties"]["step_free"] is False  # 12 %
    assert by_osm_id(small.feed, "w1008")[0]["properties"]["step_free"] is False  # crossing to a raised kerb


def test_motorways_and_private_ways_are_not_walked(small):
    walked = {f["properties"]["osm_id"] for f in walk_lines(small.feed)}
    assert "w1007" not in walked and "w1009" not in walked


def test_the_step_free_route_goes_around_the_steps(small):
    network = WalkingNetwork.from_feature_collection(small.feed["map"])
    start, goal = network.attach(*KIOSK), network.attach(*BOOKSHOP)
    direct = network.route(start, goal)
    assert any(leg.layer == "steps" for leg in direct.legs)
    assert direct.distance_m < 150
    step_free = network.route(network.attach(*KIOSK, step_free=True), network.attach(*BOOKSHOP, step_free=True),
                              step_free=True)
    assert step_free is not None and all(leg.step_free for leg in step_free.legs)
    # Around by the gentle ramp in the east (not the steep one in the west): about 390 m.
    assert 350 < step_free.distance_m < 420


def test_a_pedestrian_area_is_a_square_and_its_outline_is_walked(small):
    kinds = {(f["properties"]["layer"], f["geometry"]["type"], f["properties"].get("walk", False))
             for f in by_osm_id(small.feed, "w1006")}
    assert kinds == {("square", "Polygon", False), ("square", "LineString", True)}


def test_map_layers_include_buildings_parks_from_multipolygons_and_rail(small):
    layers = {(f["properties"]["layer"], f["properties"].get("osm_id")) for f in small.feed["map"]["features"]}
    assert {("building", "w1010"), ("park", "r5001"), ("rail", "w1012")} <= layers
    park = by_osm_id(small.feed, "r5001")[0]
    assert park["properties"]["name"] == "Stadtgärtchen" and park["geometry"]["type"] == "Polygon"


def test_places_keep_checked_values_and_leave_out_the_rest(small):
    places = {p["id"]: p for p in small.feed["places"]}
    book = places["osm-n201"]
    assert book["name"] == {"de": "Buchhandlung am Markt", "en": "Market Bookshop"}
    assert (book["kind"], book["category"], book["opening_hours"]) == ("shop", "books", "Mo-Fr 10:00-19:00; Sa 10:00-16:00; PH off")
    assert book["website"].startswith("https://") and book["wheelchair"] == "yes"
    assert book["address"] == "Unterstraße 3"
    cafe = places["osm-n202"]
    assert cafe["kind"] == "food" and "opening_hours" not in cafe and "website" not in cafe
    assert "wheelchair" not in places["osm-n204"]  # "designated" is not a feed value
    assert places["osm-n205"]["kind"] == "aed"
    shop_in_building = places["osm-w1010"]
    assert abs(shop_in_building["lat"] - 51.5003) < 1e-6 and abs(shop_in_building["lon"] - 7.4615) < 1e-6
    assert "osm-n203" not in places and "osm-n206" not in places and "osm-n207" not in places


def test_the_report_says_what_was_left_out_and_why(small):
    text = small.report.render()
    assert "osm-n202 (Café an der Treppe): 'Mo-Fr 8-18 Uhr'" in text
    assert "http://cafe.example.org uses http://" in text
    assert "shop places without a name: 1" in text
    assert "osm-n204 (WC am Markt): 'designated'" in text
    assert "osm-n207 (Kiosk weit draußen)" in text and "farther than 150 m" in text


def test_bbox_limits_what_is_read(tmp_path):
    built = build_feed(BuildInputs(base=write_base(tmp_path), out_dir=tmp_path / "out", osm=SMALL_TOWN,
                                   bbox=(51.4980, 7.4595, 51.5010, 7.4616), sequence=1))
    assert {p["id"] for p in built.feed["places"]} == {"osm-n201", "osm-n202", "osm-w1010"}
    assert built.report.tallies["places outside the --bbox"] == 4
    assert all(7.4595 <= x <= 7.4616 for f in walk_lines(built.feed) for x, _ in f["geometry"]["coordinates"])


@pytest.mark.parametrize("tags, expected", [
    ({"shop": "clothes"}, ("shop", "clothes")),
    ({"amenity": "ice_cream"}, ("food", "ice_cream")),
    ({"amenity": "pharmacy", "shop": "chemist"}, ("pharmacy", "pharmacy")),
    ({"tourism": "museum"}, ("culture", "museum")),
    ({"tourism": "artwork", "artwork_type": "sculpture"}, ("art", "sculpture")),
    ({"historic": "memorial"}, ("landmark", "memorial")),
    ({"amenity": "marketplace"}, ("market", "marketplace")),
    ({"amenity": "police"}, ("help", "police")),
    ({"highway": "bus_stop"}, ("transit", "bus_stop")),
    ({"amenity": "atm"}, ("service", "atm")),
    ({"amenity": "bench"}, None),
    ({"shop": "vacant"}, None),
])
def test_osm_tags_map_to_feed_kinds(tags, expected):
    assert classify(tags) == expected


def test_a_real_pbf_cut_out_builds_a_connected_network_that_reaches_every_place(tmp_path):
    built = build_feed(BuildInputs(base=write_base(tmp_path, kiosk=(49.4447, 7.7718), name="Kaiserslautern"),
                                   out_dir=tmp_path / "out", osm=STIFTSPLATZ, sequence=1))
    feed = read_feed(built.dumps())
    assert len(feed["places"]) > 50
    network = WalkingNetwork.from_feature_collection(feed["map"])
    tree = network.tree_from(network.attach(49.4447, 7.7718))
    unreachable = [p["id"] for p in feed["places"] if tree.distance_to(network.attach(p["lat"], p["lon"])) is None]
    assert unreachable == []
    assert "'Di 07:00-13:30; Sa 07:00-13:30'" in built.report.render()  # German day names do not parse
    for feature in walk_lines(feed):
        for lon, lat in feature["geometry"]["coordinates"]:
            assert round(lon, 7) == lon and round(lat, 7) == lat


BROKEN_WAYS = """
  <way id="9001" version="1"><nd ref="88801"/><nd ref="88802"/>
    <tag k="highway" v="footway"/><tag k="name" v="Weg aus dem Nachbarausschnitt"/></way>
  <way id="9002" version="1"><nd ref="101"/>
    <tag k="highway" v="residential"/><tag k="name" v="Straße mit einem Knoten"/></way>
  <way id="9003" version="1"><nd ref="88803"/><nd ref="88804"/><nd ref="88805"/><nd ref="88803"/>
    <tag k="building" v="retail"/><tag k="shop" v="bakery"/><tag k="name" v="Bäckerei ohne Knoten"/></way>
  <relation id="9004" version="1"><member type="way" ref="88806" role="outer"/>
    <tag k="type" v="multipolygon"/><tag k="leisure" v="park"/><tag k="name" v="Park ohne Wege"/></relation>
</osm>"""


def test_broken_ways_and_relations_leave_the_rest_of_the_map_and_places_intact(tmp_path, small):
    """A cut-out's ways whose nodes lie outside it, a one-node street, a relation without its ways."""
    osm = tmp_path / "broken.osm"
    osm.write_text(SMALL_TOWN.read_text(encoding="utf-8").replace("</osm>", BROKEN_WAYS), encoding="utf-8")
    built = build_feed(BuildInputs(base=write_base(tmp_path), out_dir=tmp_path / "out", osm=osm, sequence=1))
    assert {p["id"] for p in built.feed["places"]} == {p["id"] for p in small.feed["places"]}
    assert len(walk_lines(built.feed)) == len(walk_lines(small.feed))
    assert not by_osm_id(built.feed, "w9001") and not by_osm_id(built.feed, "w9003")  # build_feed raised if invalid


@pytest.mark.parametrize("boundary", ["small_town_boundary.poly", "small_town_boundary.geojson"])
def test_a_boundary_polygon_keeps_only_what_lies_inside_it_holes_included(tmp_path, boundary):
    built = build_feed(BuildInputs(base=write_base(tmp_path), out_dir=tmp_path / "out", osm=SMALL_TOWN,
                                   boundary=FIXTURES / boundary, sequence=1))
    # The café (osm-n202) stands in the hole; the kiosk far out east (osm-n207) is outside.
    assert {p["id"] for p in built.feed["places"]} == {"osm-n201", "osm-n204", "osm-n205", "osm-w1010"}
    assert built.report.tallies["places outside the --boundary"] == 2
    assert all(7.4595 <= x <= 7.4640 for f in walk_lines(built.feed) for x, _ in f["geometry"]["coordinates"])
    assert f"limited to the boundary {FIXTURES / boundary} (1 polygon within S,W,N,E 51.4980,7.4595" in built.report.render()


def test_a_boundary_that_is_not_a_polygon_is_refused_with_a_sentence(tmp_path):
    from click.testing import CliRunner

    from sync.cli import main

    line = tmp_path / "line.geojson"
    line.write_text(json.dumps({"type": "LineString", "coordinates": [[7.46, 51.5], [7.47, 51.5]]}), encoding="utf-8")
    run = CliRunner().invoke(main, ["build", "--base", str(write_base(tmp_path)), "--osm", str(SMALL_TOWN),
                                    "--boundary", str(line), "--out", str(tmp_path / "out")])
    assert run.exit_code != 0 and not (tmp_path / "out" / "feed.json").exists()
    assert f"The boundary file {line} holds a LineString; --boundary needs a Polygon or MultiPolygon." in run.output
    broken = tmp_path / "broken.poly"
    broken.write_text("x\n1\n 7.46 51.5\n 7.47\nEND\nEND\n", encoding="utf-8")
    run = CliRunner().invoke(main, ["build", "--base", str(write_base(tmp_path)), "--osm", str(SMALL_TOWN),
                                    "--boundary", str(broken), "--out", str(tmp_path / "out")])
    assert f"{broken} line 4: '7.47' is not 'longitude latitude' as a .poly file needs." in run.output
