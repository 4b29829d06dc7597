"""One real app in one offscreen window for the whole UI suite (Kivy can open one window per process).

A test that needs the window and cannot get one fails; it never skips.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.ui import boot
from tests.ui.harness import START, TestClock, frames, stage_fixture_feed

ROOT = Path(__file__).resolve().parents[2]
SIZE = (1080, 1920)
# Before any test module imports Kivy: its settings are read on first import, one window per process. The
# offscreen surface cannot grow once made, so it is made square, big enough for both shapes; the window is
# then set to SIZE (tests/ui/test_landscape.py turns it on its side and back).
boot.prepare(size=(max(SIZE), max(SIZE)), headless=True)


def _compile_catalogs() -> None:
    """The .mo files are build products (git-ignored); make sure they match the .po files under test."""
    stale = [po for po in (ROOT / "locales").glob("*/LC_MESSAGES/kiosk.po")
             if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime]
    if stale:
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "--domain", "kiosk",
                        "--directory", str(ROOT / "locales")], check=True, capture_output=True)
        from kiosk.i18n import translator

        translator.cache_clear()


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    return stage_fixture_feed(tmp_path_factory.mktemp("content"))


@pytest.fixture(scope="session")
def kiosk(data_dir):
    _compile_catalogs()
    from kiosk.config import Config
    from kiosk.ui.shoot import start_headless

    from kivy.core.window import Window

    Window.size = SIZE
    clock = TestClock()
    app = start_headless(Config(idle_timeout_s=60), data_dir, size=SIZE, clock=clock)
    assert app.root is not None, "The kiosk app did not build its window."
    return app, clock


@pytest.fixture
def app(kiosk):
    """The shared app, back at the attract loop at 17:30 on 26 November 2026, with no errors."""
    app, clock = kiosk
    clock.value = START
    app.touched()
    app._tick(0)  # notices and overlays as of the reset clock
    app.reset_for_next_visitor()
    app.errors.clear()
    frames(2)
    yield app
    assert not app.errors, f"The UI raised: {app.errors!r}"


@pytest.fixture
def clock(kiosk):
    return kiosk[1]
