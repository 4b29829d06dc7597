"""The attract loop: campaigns, owner-run shops and today's events, the events a frame after the first."""
from __future__ import annotations

from kivy.clock import Clock

from tests.ui.harness import frames


def _kickers(screen) -> list[str]:
    return [slide["kicker"] for slide in screen.slides]


def test_the_loop_shows_todays_events_among_shops_and_campaigns(app):
    screen = app.current()
    assert screen.name == "attract"
    screen.refresh()
    frames(1)
    assert "Heute" in _kickers(screen) and "Inhabergeführt in der City" in _kickers(screen)


def test_the_first_frame_waits_for_no_events_and_they_follow_a_frame_later(app, monkeypatch):
    screen = app.current()
    monkeypatch.setattr(Clock, "_frames_displayed", 0)  # as before the app's first frame
    screen.refresh()
    before = _kickers(screen)
    assert before and "Heute" not in before  # the first frame shows shops and campaigns at once
    monkeypatch.undo()
    frames(2)
    assert "Heute" in _kickers(screen)
    assert screen.slides[0]["kicker"] == before[0]  # the slide on screen stays where it was
