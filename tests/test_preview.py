"""`kiosk-feed preview`: apply the feed like a terminal, render screens with `kiosk screenshot`, index them."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from sync import store
from sync.cli import main
from sync.preview import PreviewError, preview
from tests import feedkit

BERLIN = ZoneInfo("Europe/Berlin")
AT = datetime(2026, 11, 26, 18, 0, tzinfo=BERLIN)

# Stands in for `kiosk`: knows four screens, says "no screen called" for the rest, logs its arguments.
FAKE_KIOSK = r'''
import json, sys
from pathlib import Path
args = sys.argv[1:]
data = Path(args[args.index("--data-dir") + 1])
seen = {"args": args, "config": Path(args[1]).read_text(), "data": sorted(p.name for p in data.iterdir())}
Path(sys.argv[0]).with_suffix(".log").open("a").write(json.dumps(seen) + "\n")
out, screen = Path(args[3]), args[args.index("--screen") + 1]
if screen not in ("attract", "home", "today", "shops"):
    print(f"Error: There is no screen called '{screen}'; choose one of: attract, home.", file=sys.stderr)
    sys.exit(1)
if screen == "shops" and args[args.index("--lang") + 1] == "ar":
    print("Error: The shops screen failed to draw: KeyError('x')", file=sys.stderr)
    sys.exit(1)
out.write_bytes(b"\x89PNG\r\n\x1a\n fake")
'''


@pytest.fixture
def feed_file(tmp_path):
    path = tmp_path / "feed" / "feed.json"
    path.parent.mkdir()
    path.write_text(json.dumps(feedkit.feed(), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def fake_kiosk(tmp_path):
    script = tmp_path / "fake_kiosk.py"
    script.write_text(FAKE_KIOSK)
    return [sys.executable, str(script)], script.with_suffix(".log")


def test_screens_are_rendered_per_moment_and_language_and_missing_ones_listed(tmp_path, feed_file, fake_kiosk):
    command, log = fake_kiosk
    moments = [AT, datetime(2026, 11, 27, 10, 0, tzinfo=BERLIN)]
    result = preview(feed_file, tmp_path / "out", moments=moments, langs=["de", "ar"], command=command)
    assert len(result.rendered) == 2 * 2 * 4 - 2  # shops fails in Arabic
    assert result.unavailable == ["map", "route"]
    assert [(s.screen, s.lang) for s in result.failed] == [("shops", "ar"), ("shops", "ar")]
    assert (tmp_path / "out" / "20261126T1800-de-home.png").exists()
    calls = [json.loads(line)["args"] for line in log.read_text().splitlines()]
    # An unknown screen is asked for once, not once per moment and language.
    assert sum(1 for call in calls if "map" in call) == 1
    first = calls[0]
    assert first[0] == "--config" and first[2] == "screenshot"
    assert first[first.index("--at") + 1] == "2026-11-26T18:00:00+01:00"
    index = (tmp_path / "out" / "index.html").read_text()
    assert "Not available yet in this terminal software: map, route." in index
    assert index.count("not available yet</div>") == 2 * 2 * 2
    assert 'src="20261127T1000-ar-home.png"' in index and "shops (ar, 2026-11-26T18:00+01:00) failed" in index


def test_the_feed_is_applied_as_a_terminal_applies_it(tmp_path, feed_file, fake_kiosk):
    command, log = fake_kiosk
    preview(feed_file, tmp_path / "out", moments=[AT], langs=["de"], screens=("home",), command=command)
    seen = json.loads(log.read_text().splitlines()[0])
    assert 'kiosk_id = "reinoldikirche"' in seen["config"] and "public_keys = [" in seen["config"]
    assert 'default_locale = "de"' in seen["config"]
    assert store.content_path(Path("x")).name in seen["data"]  # the applied content, as a terminal keeps it


def test_the_screens_are_drawn_for_the_chosen_kiosk(tmp_path, fake_kiosk):
    command, log = fake_kiosk
    doc = feedkit.feed()
    doc["kiosks"].append({**doc["kiosks"][0], "id": "alter-markt", "name": "Alter Markt"})
    two = tmp_path / "two" / "feed.json"
    two.parent.mkdir()
    two.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    preview(two, tmp_path / "out", moments=[AT], langs=["de"], screens=("home",), command=command,
            kiosk_id="alter-markt")
    assert 'kiosk_id = "alter-markt"' in json.loads(log.read_text().splitlines()[0])["config"]
    with pytest.raises(PreviewError, match="the feed has no kiosk 'gibt-es-nicht'; it has reinoldikirche, alter-markt"):
        preview(two, tmp_path / "out", moments=[AT], command=command, kiosk_id="gibt-es-nicht")


def test_an_invalid_feed_is_not_previewed(tmp_path):
    bad = tmp_path / "feed.json"
    bad.write_text(json.dumps(feedkit.feed(sequence=0)))
    with pytest.raises(PreviewError, match="not a valid feed"):
        preview(bad, tmp_path / "out", moments=[AT])
    result = CliRunner().invoke(main, ["preview", str(bad), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "$.sequence" in result.output


@pytest.mark.slow
def test_the_real_kiosk_screenshot_renders_the_feed(tmp_path, feed_file):
    result = CliRunner().invoke(main, ["preview", str(feed_file), "--out", str(tmp_path / "out"),
                                       "--at", "2026-11-26T18:00", "--lang", "en", "--screen", "today",
                                       "--screen", "route"])
    assert result.exit_code == 0, result.output
    png = tmp_path / "out" / "20261126T1800-en-today.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    index = (tmp_path / "out" / "index.html").read_text()
    assert "20261126T1800-en-today.png" in index
    assert "route" in index  # rendered, or listed as not available yet
