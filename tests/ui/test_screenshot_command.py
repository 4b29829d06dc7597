"""`kiosk screenshot` renders a screen headless in its own process, and refuses with a sentence."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
AT = "2026-11-26T17:30+01:00"


def _kiosk(tmp_path: Path, data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    # A configured feed (not demo mode), so the command shows the fixture content as it is.
    config = tmp_path / "kiosk.toml"
    config.write_text('feed_url = "file:///nonexistent/feed.json"\npublic_keys = ["unused"]\n', encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(config), "screenshot", *args,
                           "--data-dir", str(data_dir), "--at", AT], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_renders_a_place_in_arabic(tmp_path, data_dir):
    out = tmp_path / "place-ar.png"
    done = _kiosk(tmp_path, data_dir, str(out), "--screen", "place", "--lang", "ar", "--size", "540x960",
                  "--item", "teehaus-samowar")
    assert done.returncode == 0, done.stderr
    assert out.exists() and Image.open(out).size == (540, 960)


def test_unknown_screen_and_item_exit_1_with_a_sentence(tmp_path, data_dir):
    done = _kiosk(tmp_path, data_dir, str(tmp_path / "x.png"), "--screen", "nowhere")
    assert done.returncode == 1 and "There is no screen called 'nowhere'" in done.stderr
    done = _kiosk(tmp_path, data_dir, str(tmp_path / "x.png"), "--screen", "event", "--item", "no-such-event")
    assert done.returncode == 1 and "There is no event with the id 'no-such-event'" in done.stderr


def test_the_example_warning_is_the_demos_only(tmp_path, data_dir):
    done = _kiosk(tmp_path, data_dir, str(tmp_path / "x.png"), "--screen", "home", "--example-warning")
    assert done.returncode == 1 and "--example-warning shows the demo's recorded warning; it needs demo mode" in done.stderr
