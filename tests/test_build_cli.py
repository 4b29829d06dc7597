"""`kiosk-feed build`: writes a valid feed and its report, numbers builds, refuses to write an invalid feed."""
from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from sync.cli import main
from sync.feed import read_feed
from tests.conftest import REPO
from tests.test_build_ical import ICAL
from tests.test_build_osm import SMALL_TOWN, write_base


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_build_writes_feed_and_report_and_counts_up_the_sequence(tmp_path):
    base, out = write_base(tmp_path), tmp_path / "out"
    first = run("build", "--base", base, "--osm", SMALL_TOWN, "--ics", ICAL / "kiosk_events.ics", "--out", out)
    assert first.exit_code == 0, first.output
    feed = read_feed((out / "feed.json").read_bytes())
    assert feed["sequence"] >= 202601010000  # no previous build: the UTC minute, YYYYMMDDHHMM
    report = (out / "build-report.txt").read_text(encoding="utf-8")
    assert "places: 5 (aed 1, food 1, shop 2, toilet 1)" in report and "osm-n202 (Café an der Treppe)" in report
    assert "places: 5" in first.output and "wrote" in first.output
    (out / "feed.json.sig").write_text("old signature\n")
    second = run("build", "--base", base, "--osm", SMALL_TOWN, "--out", out, "--generated-at",
                 "2026-11-26T09:00:00+01:00")
    assert second.exit_code == 0, second.output
    again = json.loads((out / "feed.json").read_bytes())
    assert again["sequence"] == feed["sequence"] + 1 and again["generated_at"] == "2026-11-26T09:00:00+01:00"
    assert not (out / "feed.json.sig").exists()  # it signed the old bytes
    assert "sign the new feed" in second.output


def test_a_build_that_would_be_invalid_lists_the_problems_and_writes_nothing(tmp_path):
    base = write_base(tmp_path)
    doc = json.loads(base.read_text())
    doc["notices"] = [{"id": "x", "level": "loud", "text": "Hallo"}]
    base.write_text(json.dumps(doc))
    result = run("build", "--base", base, "--osm", SMALL_TOWN, "--out", tmp_path / "out", "--sequence", "3")
    assert result.exit_code == 1
    assert "$.notices[0].level" in result.output and "nothing was written" in result.output
    assert not (tmp_path / "out" / "feed.json").exists()


def test_unreadable_sources_and_wrong_options_exit_2(tmp_path):
    base = write_base(tmp_path)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert run("build", "--base", broken, "--out", tmp_path / "o").exit_code == 2
    nocity = tmp_path / "nocity.json"
    nocity.write_text("{}")
    result = run("build", "--base", nocity, "--out", tmp_path / "o")
    assert result.exit_code == 2 and "city.timezone" in result.output
    notosm = tmp_path / "a.osm"
    notosm.write_text("hello")
    result = run("build", "--base", base, "--osm", notosm, "--out", tmp_path / "o")
    assert result.exit_code == 2 and "not a readable OpenStreetMap file" in result.output
    result = run("build", "--base", base, "--osm", SMALL_TOWN, "--bbox", "1,2,3", "--out", tmp_path / "o")
    assert result.exit_code == 2 and "S,W,N,E" in result.output
    notics = tmp_path / "a.ics"
    notics.write_text("BEGIN:VCALENDAR\nnonsense")
    result = run("build", "--base", base, "--ics", notics, "--out", tmp_path / "o")
    assert result.exit_code == 2 and "not a readable iCalendar file" in result.output


def test_the_demo_rebuild_command_reproduces_the_committed_feed_with_the_build_code(tmp_path):
    out = tmp_path / "feed.json"
    done = subprocess.run([sys.executable, str(REPO / "tools" / "build_demo.py"), "--output", str(out)],
                          capture_output=True, text=True, check=True)
    assert out.read_bytes() == (REPO / "assets" / "demo" / "feed.json").read_bytes()
    assert done.stderr == ""  # the demo's sources leave nothing out
    assert "from sync.build.assemble import" in (REPO / "tools" / "build_demo.py").read_text()


def test_with_a_page_url_the_build_writes_the_take_along_page_beside_the_feed(tmp_path):
    base = write_base(tmp_path)
    doc = json.loads(base.read_text())
    doc["share"] = {"route_url": "https://www.openstreetmap.org/directions?route={to_lat},{to_lon}",
                    "page_url": "https://kleinstadt.de/kiosk/go/",
                    "tile_url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                    "tile_attribution": "© OpenStreetMap contributors"}
    base.write_text(json.dumps(doc))
    out = tmp_path / "out"
    result = run("build", "--base", base, "--osm", SMALL_TOWN, "--out", out, "--generated-at",
                 "2026-11-26T09:00:00+01:00")
    assert result.exit_code == 0, result.output
    assert f"wrote the take-along page {out / 'go'}" in result.output
    index = (out / "go" / "index.html").read_text(encoding="utf-8")
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in index
    assert (out / "go" / "vendor" / "leaflet" / "leaflet.js").is_file()
    routes = json.loads((out / "go" / "routes" / "oben.en.json").read_text(encoding="utf-8"))
    assert routes["kiosk"] == "Oberstraße" and routes["hours_from"] == "2026-11-26"
    assert any(place.get("steps") for place in routes["places"].values())


def test_without_a_page_url_no_page_is_written(tmp_path):
    out = tmp_path / "out"
    assert run("build", "--base", write_base(tmp_path), "--osm", SMALL_TOWN, "--out", out).exit_code == 0
    assert not (out / "go").exists()
