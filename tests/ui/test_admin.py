"""The admin panel: five taps in the top-left corner within 3 s, then the PIN; lockout after five wrong
tries, measured with an injected monotonic clock; the panel's facts and actions."""
from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from kivy.core.window import Window

from kiosk.admin_pin import hash_pin
from tests.ui.harness import advance, find_button, frames, tap, tap_at, texts

PIN = "2468"


class Monotonic:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture(scope="module")
def pin_hash() -> str:
    return hash_pin(PIN)


@pytest.fixture
def mono(app, monkeypatch, pin_hash):
    monkeypatch.setattr(app, "settings", replace(app.settings, admin_pin_hash=pin_hash))
    clock = Monotonic()
    monkeypatch.setattr(app.services, "monotonic", clock)
    monkeypatch.setattr(app.services, "_guard", None)  # a fresh lockout count for every test
    return clock


def corner_taps(mono: Monotonic, count: int, gap_s: float = 0.5) -> None:
    for _ in range(count):
        tap_at(5, Window.height - 5)
        mono.value += gap_s


def open_pad(app, mono):
    corner_taps(mono, 5)
    screen = app.current()
    assert screen.name == "admin" and not screen.unlocked
    return screen


def test_only_five_quick_taps_in_the_corner_ask_for_the_pin(app, mono):
    corner_taps(mono, 4)
    assert app.current().name == "attract"  # the taps did not start the kiosk underneath either
    tap_at(Window.width / 2, Window.height * 0.7)
    assert app.current().name == "home"

    corner_taps(mono, 3, gap_s=0.2)
    tap_at(Window.width / 2, Window.height - 5)  # a tap outside the corner starts the count again
    corner_taps(mono, 2, gap_s=0.2)
    assert app.current().name == "home"
    mono.value += 5

    corner_taps(mono, 5, gap_s=0.8)  # five taps over 3.2 s: too slow
    assert app.current().name == "home"

    corner_taps(mono, 5, gap_s=0.7)
    screen = app.current()
    assert screen.name == "admin" and not screen.unlocked
    assert screen.pad.shown == "–"
    assert "reinoldikirche" not in " ".join(texts(screen.frame.body))


def test_the_right_pin_opens_the_panel_and_the_pin_is_never_shown(app, mono):
    screen = open_pad(app, mono)
    for digit in PIN:
        tap(screen.pad.keys[digit])
    assert screen.pad.shown == "●●●●"
    assert not any(PIN in t for t in texts(app.root))
    tap(screen.pad.keys["ok"])
    assert screen.unlocked
    shown = "\n".join(texts(screen))
    assert "Terminal: reinoldikirche" in shown
    assert "Version: " in shown and "Freier Speicherplatz: " in shown


def test_five_wrong_pins_lock_the_pad_for_five_minutes(app, mono, clock):
    screen = open_pad(app, mono)
    for tries_left in (4, 3, 2, 1):
        screen.pad.enter("0000")
        assert str(tries_left) in screen.pad.message.txt and not screen.pad.locked
    screen.pad.enter("0000")
    assert screen.pad.locked and "5" in screen.pad.message.txt

    mono.value += 299
    screen.pad.enter(PIN)  # a locked pad does not even take the digits
    assert app.services.pin_attempt(PIN).locked
    assert not screen.unlocked

    mono.value += 2
    advance(app, clock, 1)  # the pad looks at the lock once a second
    assert not screen.pad.locked
    screen.pad.enter(PIN)
    assert screen.unlocked


def test_the_panel_times_out_and_asks_for_the_pin_again(app, mono, clock):
    screen = open_pad(app, mono)
    screen.pad.enter(PIN)
    assert screen.unlocked
    advance(app, clock, app.settings.idle_timeout_s + 11)
    assert app.current().name == "attract"
    screen = open_pad(app, mono)
    assert not screen.unlocked


def test_without_a_pin_hash_the_gesture_does_nothing_and_says_so_once(app, mono, monkeypatch, caplog):
    monkeypatch.setattr(app, "settings", replace(app.settings, admin_pin_hash=None))
    monkeypatch.setattr(app.services, "_logged", set())
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.services"):
        for _ in range(2):
            corner_taps(mono, 5)
            assert app.current().name != "admin"
    assert len([r for r in caplog.records if "admin_pin_hash" in r.getMessage()]) == 1


def test_test_pattern_draws_fingers_and_closes_by_itself(app, mono, clock):
    from kivy.tests.common import UnitTestTouch

    screen = open_pad(app, mono)
    screen.pad.enter(PIN)
    tap(screen.actions["pattern"])
    pattern = screen._pattern
    assert pattern is not None and pattern.parent is app.root_layout
    touch = UnitTestTouch(300, 900)
    touch.touch_down()
    frames(1)
    assert pattern.fingers == 1
    touch.touch_up()
    frames(1)
    assert pattern.fingers == 0 and app.current().name == "admin"  # touches on the pattern reach nothing else
    corner = UnitTestTouch(5, Window.height - 5)
    corner.touch_down()
    frames(1)
    assert pattern.fingers == 1  # the corner shows fingers too while the test runs
    corner.touch_up()
    advance(app, clock, 61)
    assert pattern.parent is None


def test_pattern_closes_on_its_button(app, mono):
    screen = open_pad(app, mono)
    screen.pad.enter(PIN)
    tap(screen.actions["pattern"])
    pattern = screen._pattern
    tap(pattern.close_button)
    assert pattern.parent is None and screen._pattern is None


def test_sync_reload_leave_and_back(app, mono, monkeypatch):
    screen = open_pad(app, mono)
    screen.pad.enter(PIN)
    tap(screen.actions["sync"])
    assert "Demo-Modus" in screen.message.txt  # no feed_url here: nothing to wake

    class Worker:
        woken = 0

        def wake(self):
            Worker.woken += 1

    monkeypatch.setattr(app.services, "worker", Worker())
    tap(screen.actions["sync"])
    assert Worker.woken == 1
    tap(screen.actions["reload"])
    assert screen.unlocked and app.current().name == "admin"

    stopped = []
    monkeypatch.setattr(app, "stop", lambda *a: stopped.append(True))
    tap(screen.actions["leave"])
    assert stopped == [True]

    tap(find_button(screen, "Zurück"))
    assert app.current().name != "admin"


def test_a_restart_does_not_lift_the_lock(app, mono):
    screen = open_pad(app, mono)
    for _ in range(5):
        screen.pad.enter("0000")
    assert screen.pad.locked
    assert (app.services.data_dir / "admin-pin-state.json").exists()
    app.services._guard = None  # what a restart forgets: the guard in memory
    assert app.services.pin_attempt(PIN).locked, "the lock must survive a restart"
