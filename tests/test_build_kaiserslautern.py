"""A real city centre from OpenStreetMap: Kaiserslautern 2013 builds into a valid feed, every place
reachable from the kiosk, and its preview renders. Uses the shared data folder beside the repo."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from kiosk.wayfinding import WalkingNetwork
from sync import service
from sync.build.assemble import BuildInputs, build_feed
from sync.feed import read_feed
from sync.signing import load_private_key, sign_bytes, write_signature
from tests.conftest import REPO

SHARED = Path(__file__).resolve().parents[2] / "shared"
EXTRACT = SHARED / "data" / "osm" / "kaiserslautern_cc_2013.osm.gz"
BASE = REPO / "tests" / "fixtures" / "osm" / "kaiserslautern_base.json"
KIOSK = (49.4447, 7.7718)

pytestmark = pytest.mark.skipif(not EXTRACT.exists(),
                                reason=f"needs the shared OSM extract {EXTRACT}, which is not in this checkout")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("kaiserslautern")
    result = build_feed(BuildInputs(base=BASE, out_dir=out, osm=EXTRACT, sequence=1,
                                    generated_at="2026-11-26T08:00:00+01:00"))
    result.write(out)
    return result, out


def test_the_city_centre_builds_into_a_valid_feed(built):
    result, out = built
    feed = read_feed((out / "feed.json").read_bytes())
    kinds = {place["kind"] for place in feed["places"]}
    assert len(feed["places"]) > 250 and {"shop", "food", "pharmacy", "transit", "landmark"} <= kinds
    layers = {f["properties"]["layer"] for f in feed["map"]["features"]}
    assert {"building", "street", "footway", "steps", "square", "park", "rail"} <= layers
    report = (out / "build-report.txt").read_text(encoding="utf-8")
    assert "opening_hours that do not parse" in report and "osm-w53047746 (Stiftsplatz)" in report
    # Eisenbahnstraße's road tunnel has no pavement; the pedestrian underpass under the B 37 is walked a level down.
    assert "road tunnels without a foot, sidewalk or footway tag (not walked): 1\n    w104122170 (Eisenbahnstraße)" in report
    assert {f["properties"].get("level") for f in feed["map"]["features"]
            if f["properties"].get("osm_id") in ("w102343783", "w105453468")} == {-1}


def test_every_place_is_reachable_from_the_kiosk(built):
    result, _ = built
    network = WalkingNetwork.from_feature_collection(result.feed["map"])
    tree = network.tree_from(network.attach(*KIOSK))
    unreachable = [p["id"] for p in result.feed["places"]
                   if tree.distance_to(network.attach(p["lat"], p["lon"])) is None]
    assert unreachable == []
    far = [p["id"] for p in result.feed["places"] if network.attach(p["lat"], p["lon"]).distance_m > 150]
    assert far == []


def test_a_terminal_applies_it_and_the_preview_renders(built, tmp_path, keypair):
    from click.testing import CliRunner

    from sync.cli import main

    result, out = built
    key_path, public = keypair
    write_signature(out / "feed.json.sig", sign_bytes((out / "feed.json").read_bytes(), load_private_key(key_path)))
    applied = service.apply_from_file(out / "feed.json", public_keys=[public], data_dir=tmp_path / "data",
                                      now=datetime(2026, 11, 26, tzinfo=timezone.utc))
    assert applied.applied and applied.sequence == 1
    shots = tmp_path / "preview"
    run = CliRunner().invoke(main, ["preview", str(out / "feed.json"), "--out", str(shots), "--at",
                                    "2026-11-26T11:00", "--lang", "de", "--screen", "home", "--screen", "shops",
                                    "--screen", "map"])
    assert run.exit_code == 0, run.output
    assert (shots / "20261126T1100-de-home.png").stat().st_size > 5000
    assert (shots / "20261126T1100-de-shops.png").stat().st_size > 5000
    assert "map" in (shots / "index.html").read_text()
