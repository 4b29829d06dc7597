"""The survey: rate, pick a topic, send; exactly one answer per visitor session lands in the real
outbox file, with nothing but rating, topics, language, hour and terminal."""
from __future__ import annotations

import json
import logging
import sqlite3
from contextlib import closing

from kivy.core.window import Window

from sync.outbox import Outbox, OutboxError, outbox_path
from tests.ui.harness import advance, frames, tap, tap_at, texts


def feedback_rows(data_dir) -> list[dict]:
    path = outbox_path(data_dir)
    if not path.exists():
        return []
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT payload FROM items WHERE kind = 'feedback' ORDER BY rowid").fetchall()
    return [json.loads(payload) for (payload,) in rows]


def open_survey(app):
    tap_at(Window.width / 2, Window.height * 0.7)
    tap(app.current().tiles["feedback"])
    screen = app.current()
    assert screen.name == "feedback"
    return screen


def test_rate_pick_a_topic_and_send_keeps_exactly_one_answer(app, data_dir):
    before = feedback_rows(data_dir)
    screen = open_survey(app)
    assert screen.send.disabled  # nothing to send before a face is touched
    tap(screen.face_buttons[4])
    tap(screen.chips["events"])
    assert screen.meaning.txt == "Gut" and screen.chips["events"].txt == "✓ Veranstaltungen"
    tap(screen.send)
    assert "Danke!" in texts(screen)

    rows = feedback_rows(data_dir)
    assert len(rows) == len(before) + 1
    assert rows[-1] == {"kiosk_id": "reinoldikirche", "rating": 4, "topics": ["events"], "language": "de",
                        "hour": "2026-11-26T16:00:00+00:00"}

    # The same visitor again, from home: the thank-you, and nothing more in the outbox.
    tap(screen.frame.nav.home)
    tap(app.current().tiles["feedback"])
    assert app.current() is screen and "Danke!" in texts(screen)
    screen.choose_rating(1)
    screen.submit()
    assert len(feedback_rows(data_dir)) == len(before) + 1


def test_the_idle_reset_clears_a_half_filled_survey_and_starts_a_new_session(app, clock, data_dir):
    screen = open_survey(app)
    tap(screen.face_buttons[5])
    tap(screen.send)
    assert not app.services.feedback_session.can_answer
    count = len(feedback_rows(data_dir))

    advance(app, clock, app.settings.idle_timeout_s + 11)
    assert app.current().name == "attract"
    screen = open_survey(app)
    tap(screen.face_buttons[2])
    tap(screen.chips["safety"])
    tap(screen.chips["shops"])
    advance(app, clock, app.settings.idle_timeout_s + 11)  # the visitor walked away mid-survey
    assert screen.rating is None and screen.topics == set()
    assert not any(c.txt.startswith("✓") for c in screen.chips.values())

    screen = open_survey(app)
    tap(screen.face_buttons[3])
    tap(screen.send)
    assert len(feedback_rows(data_dir)) == count + 1


def test_a_broken_outbox_still_thanks_the_visitor(app, monkeypatch, caplog):
    def broken(self, *args, **kwargs):
        raise OutboxError("The outbox /nowhere/outbox.db could not be written: disk I/O error.")

    monkeypatch.setattr(Outbox, "add", broken)
    screen = open_survey(app)
    tap(screen.face_buttons[1])
    with caplog.at_level(logging.ERROR, logger="kiosk.ui.services"):
        tap(screen.send)
    assert "Danke!" in texts(screen)
    assert any("disk I/O error" in r.getMessage() for r in caplog.records)


def test_the_faces_and_chips_read_right_to_left_in_arabic(app):
    screen = open_survey(app)
    app.set_language("ar")
    frames(2)
    xs = [screen.face_buttons[r].to_window(*screen.face_buttons[r].center)[0] for r in (1, 5)]
    assert xs[0] > xs[1]  # the scale starts on the right
    assert screen.question.txt and screen.question.txt != "How do you like the city centre today?"


def test_in_portrait_each_face_says_its_word_and_no_blank_band_is_left(app):
    """The form left about 300 px blank above Send: the faces now carry their words under them and what
    remains is shared out between the groups. With larger text the body is tight: the faces keep their
    size and drop the words (the line under them still says the chosen one)."""
    from kivy.uix.widget import Widget

    screen = open_survey(app)
    faces = list(screen.face_buttons.values())
    assert [face.word.txt for face in faces] == ["Sehr schlecht", "Schlecht", "Geht so", "Gut", "Sehr gut"]
    assert all(face.word.opacity == 1 for face in faces)
    parts = [w for w in reversed(screen.form.children) if type(w) is not Widget]  # top to bottom, no spacers
    gaps = [upper.y - (lower.y + lower.height) for upper, lower in zip(parts, parts[1:])]
    assert max(gaps) <= 150, gaps
    # The faces stay level over one- and two-line words ("Sehr schlecht"): each leaves room for the tallest.
    assert {face.word_room for face in faces} == {max(face.word.height for face in faces)}
    app.large_text = True
    frames(3)
    try:
        assert all(face.word.opacity == 0 and face.height >= 2 * app.touch_px - 1 for face in faces)
    finally:
        app.large_text = False
        frames(2)
