"""Night mode: the calm slide starts at the scheduled time on the app's clock, a touch wakes the kiosk
for one visitor, the idle reset brings the night back, and the morning ends it."""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

import pytest
from kivy.core.window import Window

from tests.ui.harness import advance, tap_at, texts


@pytest.fixture
def night(app, monkeypatch):
    monkeypatch.setattr(app, "settings", replace(app.settings, night_mode="22:00-06:00"))
    return app


def test_the_night_slide_starts_at_22_00_and_shows_the_emergency_numbers(night, clock):
    app = night
    clock.value = datetime.fromisoformat("2026-11-26T21:59:30+01:00")
    advance(app, clock, 25)
    assert app.current().name == "attract"
    advance(app, clock, 20)
    screen = app.current()
    assert screen.name == "night"
    shown = texts(screen)
    assert "22:00" in shown
    assert "Notruf: 112" in shown and "Polizei: 110" in shown
    advance(app, clock, 3 * app.settings.idle_timeout_s)
    assert app.current().name == "night" and not app.idle_question_shown  # no "still there?" at night


def test_a_touch_wakes_it_for_one_visitor_then_the_night_returns(night, clock):
    app = night
    clock.value = datetime.fromisoformat("2026-11-26T23:30:00+01:00")
    advance(app, clock, 11)
    assert app.current().name == "night"
    tap_at(Window.width / 2, Window.height / 2)
    assert app.current().name == "home" and app.back_stack == []
    advance(app, clock, 30)
    assert app.current().name == "home"
    advance(app, clock, app.settings.idle_timeout_s + 10)  # "still there?", then the idle reset
    assert app.current().name in ("attract", "night")
    advance(app, clock, 2)
    assert app.current().name == "night"


def test_the_morning_ends_the_night(night, clock):
    app = night
    clock.value = datetime.fromisoformat("2026-11-27T05:59:30+01:00")
    advance(app, clock, 11)
    assert app.current().name == "night"
    advance(app, clock, 40)
    assert app.current().name == "attract"


def test_without_a_schedule_there_is_no_night(app, clock):
    clock.value = datetime.fromisoformat("2026-11-26T23:30:00+01:00")
    advance(app, clock, 21)
    assert app.current().name == "attract"


def test_a_broken_schedule_is_logged_and_means_no_night(app, clock, monkeypatch, caplog):
    monkeypatch.setattr(app, "settings", replace(app.settings, night_mode="late"))
    monkeypatch.setattr(app.services, "_logged", set())
    clock.value = datetime.fromisoformat("2026-11-26T23:30:00+01:00")
    with caplog.at_level(logging.ERROR, logger="kiosk.ui.services"):
        advance(app, clock, 21)
    assert app.current().name == "attract"
    assert [r.getMessage() for r in caplog.records] == ["Night mode is off: night_mode 'late' is not a time range "
                                                        'such as "22:00-06:00".']


def test_the_screenshot_command_draws_the_night_slide(tmp_path, data_dir):
    import subprocess
    import sys

    from PIL import Image, ImageStat

    from tests.ui.test_screenshot_command import ROOT

    config = tmp_path / "kiosk.toml"
    config.write_text('feed_url = "file:///nonexistent/feed.json"\npublic_keys = ["unused"]\n', encoding="utf-8")
    out = tmp_path / "night-ar.png"
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(config), "screenshot", str(out),
                           "--screen", "night", "--lang", "ar", "--size", "540x960", "--data-dir", str(data_dir),
                           "--at", "2026-11-26T23:30+01:00"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    image = Image.open(out).convert("L")
    assert image.size == (540, 960)
    assert ImageStat.Stat(image).mean[0] < 20  # dark: a calm slide, not a lit screen
