"""Screens that keep what a visit did not change: the shops list's rows and the cards' widgets are reused,
and what the visitor sees is exactly what a fresh build shows (texts, and the pixels of a card)."""
from __future__ import annotations

from datetime import datetime

from tests.ui.harness import frames, texts

SEITENWIND = "buchhandlung-seitenwind"


def pixels(scroll_view) -> bytes:
    """The window's pixels, with the scroll bar's strip blanked: its colour fades by real time (Kivy)."""
    from kivy.core.window import Window
    from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels
    from PIL import Image

    frames(4)
    image = Image.frombytes("RGB", Window.size, glReadPixels(0, 0, Window.width, Window.height, GL_RGB,
                                                             GL_UNSIGNED_BYTE))
    right = round(scroll_view.to_window(scroll_view.right, 0)[0])
    image.paste((0, 0, 0), (right - round(scroll_view.bar_width) - 4, 0, right + 1, Window.height))
    return image.tobytes()


def go(app, name: str, **params) -> None:
    """Navigate and let the (instant) transition finish: a request during a transition is ignored."""
    assert app.go(name, **params), name
    frames(2)


def shops_row(app, place_id: str) -> dict:
    return next(r for r in app.current().list.data if r.get("item_id") == place_id)


def test_the_shops_list_follows_the_clock_past_a_closing_time(app, clock):
    clock.value = datetime.fromisoformat("2026-11-26T18:59:30+01:00")
    app.touched()  # a visitor at this time: the clock's jump is no idle time
    go(app, "shops")
    open_row = shops_row(app, SEITENWIND)
    assert open_row["badge"] == "" and "Geöffnet bis 19:00" in open_row["subtitle"]
    go(app, "home")
    go(app, "shops")
    assert shops_row(app, SEITENWIND) is open_row  # the same minute and state: the row is reused
    clock.value = datetime.fromisoformat("2026-11-26T19:00:00+01:00")
    app.touched()
    go(app, "home")
    go(app, "shops")
    closed_row = shops_row(app, SEITENWIND)
    assert closed_row["badge"] == "Geschlossen" and "Öffnet morgen um 10:00" in closed_row["subtitle"]
    app.set_language("en")
    frames(2)
    assert shops_row(app, SEITENWIND)["badge"] == "Closed"


def test_a_refilled_place_card_draws_what_a_fresh_one_draws(app):
    from kiosk.ui.widgets.detail import _Pool

    go(app, "place", item=SEITENWIND)
    card = app.current()
    card.details._pool, card.hero._pool = _Pool(), _Pool()  # nothing to reuse: this fill builds every widget
    card.refresh()
    fresh_texts, fresh = texts(card), pixels(card.details)
    go(app, "place", item="uhrmacherei-brenscheidt")
    assert "Uhrmacherei Brenscheidt" in texts(app.current())
    reused_labels = {id(w) for w in card.details.column.children}
    go(app, "place", item=SEITENWIND)
    assert texts(card) == fresh_texts
    again = pixels(card.details)
    assert again == fresh
    assert {id(w) for w in card.details.column.children} & reused_labels  # the widgets were reused


def test_a_refilled_event_card_shows_only_its_own_lines(app):
    go(app, "event", item="weihnachtsmarkt")
    market = texts(app.current())
    go(app, "event", item="lesung")
    reading = texts(app.current())
    assert "Teilnehmende Läden" in market and reading != market
    go(app, "event", item="weihnachtsmarkt")
    assert texts(app.current()) == market
