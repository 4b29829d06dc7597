"""Idle reset, emergency takeover, hardening against keys and close requests, errors, new content."""
from __future__ import annotations

from datetime import datetime

from kivy.core.window import Window

from tests.ui.harness import advance, find_button, frames, tap, tap_at, texts


def _home(app):
    tap_at(Window.width / 2, Window.height * 0.7)
    return app.current()


def test_idle_visitor_is_asked_then_the_kiosk_starts_over_in_german(app, clock):
    home = _home(app)
    tap(find_button(home, "Türkçe"))
    tap(home.tiles["search"])
    search = app.current()
    search.type_text("kitap")
    frames(2)
    advance(app, clock, 59)
    assert not app.idle_question_shown and app.current().name == "search"
    advance(app, clock, 3)
    assert app.idle_question_shown
    assert "sn" in app._idle_overlay.countdown.txt  # Turkish seconds
    advance(app, clock, 10)
    assert not app.idle_question_shown
    assert app.current().name == "attract"
    assert app.language == "de"
    assert search.query == ""
    assert app.back_stack == []


def test_a_touch_answers_still_there_and_keeps_the_screen(app, clock):
    home = _home(app)
    tap(home.tiles["today"])
    advance(app, clock, 62)
    assert app.idle_question_shown
    tap_at(10, 10)
    assert not app.idle_question_shown and app.current().name == "today"
    advance(app, clock, 30)
    assert app.current().name == "today"


def test_emergency_takes_over_and_ends_on_time(app, clock):
    home = _home(app)
    clock.value = datetime.fromisoformat("2026-11-26T17:59:58+01:00")
    app.touched()  # a visitor is still here; only the notice should change the screen
    advance(app, clock, 3)
    assert app.emergency_shown
    overlay = app._emergency
    assert "Unwetterwarnung" in overlay.text.txt
    assert overlay.until.txt == "Bis 18:30"
    tap(home.tiles["today"])  # the takeover swallows every touch
    assert app.current().name == "home"
    clock.value = datetime.fromisoformat("2026-11-26T18:29:58+01:00")
    app.touched()
    advance(app, clock, 3)
    assert not app.emergency_shown
    tap(home.tiles["today"])
    assert app.current().name == "today"


def test_escape_keys_and_close_requests_leave_the_app_running(app):
    _home(app)
    assert Window.dispatch("on_keyboard", 27, 41, None, []) is True  # Escape
    assert Window.dispatch("on_keyboard", 282, 58, None, []) is True  # F1, Kivy's settings panel
    assert Window.dispatch("on_keyboard", ord("q"), 20, "q", ["ctrl"]) is True
    assert Window.dispatch("on_request_close") is True
    frames(2)
    assert app.current().name == "home"
    assert app.root.get_root_window() is Window


def test_feed_text_is_never_markup(app):
    from kiosk.ui.widgets.text import KLabel

    app.go("help")
    frames(2)
    labels = [w for w in app.root.walk() if isinstance(w, KLabel)]
    assert labels and not any(label.markup for label in labels)


def test_a_failing_screen_brings_the_visitor_home(app, monkeypatch):
    from kiosk.ui.screens.today import TodayScreen

    def broken(self, content, now, lang):
        raise RuntimeError("simulated failure")

    _home(app)
    monkeypatch.setattr(TodayScreen, "fill", broken)
    app.go("today")
    frames(2)
    assert app.current().name == "home"
    assert any("simulated failure" in str(e) for e in app.errors)
    app.errors.clear()


def test_an_error_in_a_callback_is_caught_and_goes_home(app):
    from kivy.clock import Clock

    app.go("shops")
    frames(1)

    def explode(dt):
        raise ValueError("boom in a callback")

    Clock.schedule_once(explode, 0)
    frames(4)
    assert app.current().name == "home"
    assert any("boom" in str(e) for e in app.errors)
    app.errors.clear()


def test_new_content_redraws_without_throwing_the_visitor_out(app):
    app.go("place", item="teehaus-samowar")
    frames(2)
    app.content_changed()
    frames(2)
    assert app.current().name == "place" and app.current().params == {"item": "teehaus-samowar"}
    assert "Teehaus Samowar" in texts(app.current())


def test_implausible_clock_never_says_today(app, clock):
    clock.value = datetime.fromisoformat("1970-01-01T00:10:00+00:00")
    app.go("today")
    frames(2)
    shown = texts(app.current())
    assert "Heute" not in shown and "Veranstaltungen" in shown
    assert not any(t.startswith("Heute") or "Jetzt" in t for t in shown)
