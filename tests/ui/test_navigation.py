"""Touching through the real app: attract -> home -> today -> an event -> back -> shops -> a shop -> help."""
from __future__ import annotations

from kivy.core.window import Window

from tests.ui.harness import find_button, frames, tap, tap_at, texts, visible_rows


def test_a_visitor_touches_their_way_through(app):
    assert app.current().name == "attract"
    tap_at(Window.width / 2, Window.height * 0.7)
    assert app.current().name == "home"

    tap(app.current().tiles["today"])
    today = app.current()
    assert today.name == "today"
    shown = texts(today)
    assert "Heute" in shown and "Läuft gerade" in shown and "Später heute" in shown
    rows = visible_rows(today)
    market = next(r for r in rows if r.title == "Weihnachtsmarkt")
    assert market.badge == "Jetzt"
    tap(market)
    event = app.current()
    assert event.name == "event" and event.params == {"item": "weihnachtsmarkt"}
    assert "Teilnehmende Läden" in texts(event)
    assert event.qr is not None and event.qr.data == "https://example.org/weihnachtsmarkt"
    assert event.qr.module_px >= 6

    tap(event.frame.nav.back)
    assert app.current().name == "today"
    tap(app.current().frame.nav.home)
    assert app.current().name == "home" and app.back_stack == []

    tap(app.current().tiles["shops"])
    shops = app.current()
    assert shops.name == "shops"
    first = visible_rows(shops)[0]
    assert first.title == "Buchhandlung Seitenwind"  # the active campaign's shop comes first
    assert first.badge == "" and first.subtitle.startswith("Geöffnet bis 19:00")  # said once, first
    tap(first)
    place = app.current()
    assert place.name == "place" and place.params == {"item": "buchhandlung-seitenwind"}
    shown = texts(place)
    assert "Geöffnet bis 19:00" in shown
    assert any(t.endswith("zu Fuß") for t in shown), shown
    assert "Öffnungszeiten" in shown and "Sonntag" in shown
    assert place.hero.image.texture is not None  # the shop's picture from the image cache

    tap(place.frame.nav.help)
    help_screen = app.current()
    assert help_screen.name == "help"
    cards = [(card.number.txt, card.name.txt) for card in help_screen.cards.cards]
    assert cards == [("112", "Notruf"), ("110", "Polizei")]
    nearest = visible_rows(help_screen)[0]
    assert nearest.target == "route" and nearest.item_id == "apotheke-markt"


def test_touch_targets_are_at_least_9_mm(app):
    from kiosk.ui.theme import pixels_per_mm

    app.go("home")
    frames(2)
    minimum = 9 * pixels_per_mm(*Window.size, app.settings.screen_diagonal_in)
    for name, tile in app.current().tiles.items():
        assert tile.height >= minimum, name
    app.go("search")
    frames(2)
    keys = [w for w in app.current().keyboard.walk() if hasattr(w, "bg") and w.bg == "key"]
    assert keys and all(k.height >= minimum for k in keys)


def test_in_portrait_everything_to_touch_is_in_the_lower_two_thirds(app):
    from kiosk.ui.widgets.text import KButton

    for name in ("home", "today", "shops", "search", "help"):
        app.go(name)
        frames(3)
        for widget in app.current().walk():
            if isinstance(widget, KButton) and widget.opacity > 0 and widget.get_root_window():
                top = widget.to_window(widget.x, widget.top)[1]
                assert top <= Window.height * 2 / 3 + 8, (name, widget.txt, top)


def test_a_touch_storm_neither_stacks_screens_nor_crashes(app):
    from kiosk.ui.app import BACK_STACK_LIMIT

    app.go("home")
    frames(1)
    tiles = list(app.current().tiles.values())
    for round_ in range(6):
        for tile in tiles:
            x, y = tile.to_window(*tile.center)
            tap_at(x, y)
        for _ in range(4):
            tap_at(Window.width * 0.5, Window.height * 0.05)
    assert len(app.back_stack) <= BACK_STACK_LIMIT
    assert app.sm.current in app._screens
    assert len([s for s in app.sm.screens if s.name == app.sm.current]) == 1


def test_help_is_one_touch_away_on_every_screen(app):
    for name, params in (("today", {}), ("shops", {}), ("discover", {}), ("search", {}),
                         ("place", {"item": "teehaus-samowar"}), ("event", {"item": "adventskonzert"})):
        app.go(name, **params)
        frames(2)
        tap(app.current().frame.nav.help)
        assert app.current().name == "help", name
        tap(find_button(app.current(), "Start"))  # "Home" in German
        assert app.current().name == "home"
