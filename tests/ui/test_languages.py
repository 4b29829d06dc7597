"""A live language switch: translated words, Arabic shaped and laid out right to left."""
from __future__ import annotations

import pytest
from kivy.core.window import Window

from tests.ui.harness import find_button, frames, tap, tap_at, texts, visible_rows
from tests.ui.readability import on_screen


def _home(app):
    tap_at(Window.width / 2, Window.height * 0.7)
    assert app.current().name == "home"
    return app.current()


def test_switching_to_arabic_mirrors_and_shapes(app):
    home = _home(app)
    tap(find_button(home, "العربية"))
    assert app.language == "ar" and app.rtl
    today_tile = home.tiles["today"]
    assert today_tile.txt == "اليوم"
    # Shaped presentation forms are drawn, not the logical letters.
    assert today_tile.text != today_tile.txt and any("\ufe70" <= ch <= "\ufeff" for ch in today_tile.text)
    welcome = home.welcome  # the only welcome on Home (issue 17: not twice)
    assert welcome.txt.startswith("مرحبًا بكم في") and welcome.halign == "right" and home.frame.header.title.txt == ""
    nav_back = None
    tap(home.tiles["today"])
    today = app.current()
    nav = today.frame.nav
    nav_back = nav.back
    assert nav_back.txt.startswith("→")  # the back arrow points right in a right-to-left language
    assert nav.help.x < nav_back.x  # the row is mirrored: help on the left, back on the right
    assert "يجري الآن" in texts(today)
    market = next(r for r in visible_rows(today) if r.title == "سوق عيد الميلاد")
    assert market._badge.x < market._title.x


def test_switching_to_turkish(app):
    home = _home(app)
    tap(find_button(home, "Türkçe"))
    assert home.tiles["today"].txt == "Bugün"
    assert home.tiles["shops"].txt == "Mağazalar & yeme-içme"
    assert home.frame.header.title.halign == "left"
    assert app.clock_date == "26 Kasım Perşembe"
    tap(home.tiles["shops"])
    assert "Tümü" in texts(app.current())
    rows = visible_rows(app.current())
    assert rows[0].badge == ""  # an open place says so once, in words, not in a badge beside them too
    assert rows[0].subtitle.startswith("19:00 saatine kadar açık")


def test_search_keyboard_follows_the_language(app):
    home = _home(app)
    tap(find_button(home, "Українська"))
    tap(home.tiles["search"])
    search = app.current()
    letters = {w.txt for w in search.keyboard.walk() if getattr(w, "bg", "") == "key"}
    assert {"й", "ї", "є", "ґ"} <= letters
    app.set_language("tr")
    frames(2)
    letters = {w.txt for w in search.keyboard.walk() if getattr(w, "bg", "") == "key"}
    assert {"ı", "ğ", "ş", "ç", "ö", "ü"} <= letters
    app.set_language("de")
    frames(2)
    for char in "buch":
        tap(find_button(search.keyboard, char))
    frames(2)
    assert search.query == "buch"
    assert [r.title for r in visible_rows(search)][0] == "Buchhandlung Seitenwind"


def test_a_language_without_ui_words_is_named_in_itself_and_shows_english_words(app, monkeypatch):
    from dataclasses import replace

    from kiosk.ui.widgets.langbar import LanguageBar

    monkeypatch.setattr(app, "settings", replace(app.settings, locales=[*app.settings.locales, "fr"]))
    bar = LanguageBar(app.settings.locales)
    assert bar.buttons["fr"].txt == "Français" and bar.buttons["uk"].txt == "Українська"
    home = _home(app)
    app.set_language("fr")
    frames(2)
    assert app.language == "fr" and not app.rtl
    assert home.tiles["today"].txt == "Today"  # the interface has no French words: English ones
    app.set_language("de")


LANGUAGE_NAMES = ("Deutsch", "English", "Türkçe", "العربية", "Українська", "Polski", "Nederlands")


def each_home(app, folder):
    """Home, on the demo content staged in `folder`, once in every language: yields (language, screen)."""
    from tests.ui.harness import showing_content

    with showing_content(app, folder):
        for lang in app.settings.locales:
            app.set_language(lang)
            app.go_home()
            frames(3)
            yield lang, app.current()
        app.set_language("de")


def language_buttons_off_the_panel(app, folder) -> list[str]:
    """The language buttons not whole in the window without scrolling (outside it, or scrolled partly out
    of the tiles' viewport), in every language (each_home)."""
    return [f"{name} is off the panel in {lang}" for lang, home in each_home(app, folder)
            for name in LANGUAGE_NAMES if not on_screen(find_button(home, name), whole=True)]


def demo_folder(tmp_path_factory):
    from sync import service
    from tests.ui.harness import START

    folder = tmp_path_factory.mktemp("demo-home")
    service.ensure_demo_content(folder, now=START)
    return folder


@pytest.mark.parametrize("example_warning", [False, True], ids=["demo notice", "and the example warning"])
def test_every_language_button_is_on_the_panel_without_scrolling(kiosk, tmp_path_factory, example_warning):
    """Home with the demo's banner is the tightest: a visitor who reads no German must see their language
    without first finding out that the tiles scroll (the live corner and four-line tiles in uk pushed it off).
    `make run` adds the example warning above the demo's notice (seven lines in German): the welcome line
    gives way then, never the language bar or the high-contrast and larger-text switches."""
    from kiosk.live.recorded import RecordedWarning

    app, _clock = kiosk
    folder = demo_folder(tmp_path_factory)
    app.services.warnings = RecordedWarning(app.clock) if example_warning else None
    try:
        for lang, home in each_home(app, folder):
            assert (app.banner is not None and "2026" in app.banner[1].splitlines()[0]) == example_warning
            for button in [find_button(home, name) for name in LANGUAGE_NAMES] + [home.contrast, home.large]:
                _x, bottom = button.to_window(button.x, button.y)
                assert 0 <= bottom and bottom + button.height <= Window.height, \
                    f"{button.txt} is off the panel in {lang}"
                assert button.height >= app.touch_px - 1, f"{button.txt} is smaller than a finger in {lang}"
            if not example_warning:
                assert home.welcome.parent is not None, f"the welcome line gave way without need in {lang}"
    finally:
        app.services.warnings = None
        app._tick(0)
        app.set_language("de")


def test_the_arabic_where_line_keeps_its_comma_with_the_name_it_follows(app, tmp_path):
    """'أنتم هنا: كنيسة القديس راينولد (Reinoldikirche), Ostenhellweg 2' wrapped after the comma: a Latin ","
    after the Latin name is set at the line's far left, where it reads as the start of that name; Arabic's
    own "،" is at home there (the demo content, whose terminal has an Arabic name with its sign name)."""
    from tests.live_kit import demo_with_departures
    from tests.ui.harness import START, showing_content

    with showing_content(app, demo_with_departures(tmp_path / "data", START)):
        app.touched()
        app.set_language("ar")
        app.go("today")
        frames(3)
        where = app.current().frame.where
        lines = where.text.split("\n")
        assert where.txt.startswith("أنتم هنا: ") and "(Reinoldikirche)\u060c Ostenhellweg 2" in where.txt
        assert len(lines) == 2, lines  # the portrait width wraps it after the name
        assert not any(line.startswith(",") or line.endswith(",") for line in lines), lines
