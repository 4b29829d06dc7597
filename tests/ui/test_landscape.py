"""Landscape is a tested shape (issue 17's checks, not only the eye): a terminal mounted on its side gets the
real app laid out anew in a 1920 x 1080 window, and the same checks as the portrait window's run on it: every
screen of test_readable.SCREENS plus the map and a route, in all seven languages and with larger text.

The window is turned for this module only and turned back after it, so the modules after it see portrait."""
from __future__ import annotations

import pytest
from kivy.core.window import Window

from tests.ui.harness import frames, window_shaped
from tests.ui.readability import cut_labels, off_the_window, overlapping_labels, window_pixels
from tests.ui.test_languages import demo_folder, language_buttons_off_the_panel
from tests.ui.test_readable import FILLED, LANGUAGES, SCREENS, empty_bands, not_mirrored, show, unreadable

LANDSCAPE = (1920, 1080)
# The map draws its names itself (tests/ui/test_map_labels.py); its panel, filters and nav are labels.
LANDSCAPE_SCREENS = [*SCREENS, ("map", {}), ("route", {"item": "buchhandlung-seitenwind"})]


@pytest.fixture(scope="module")
def turned(kiosk):
    app, _clock = kiosk
    with window_shaped(app, LANDSCAPE):
        yield app


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_label_is_cut_off_or_covered(turned, app, lang):
    assert Window.size == LANDSCAPE and app.landscape
    problems = unreadable(app, LANDSCAPE_SCREENS, lang)
    assert not problems, "\n".join(problems)


# Portrait checks larger text in de, uk, pl and ar; here Polish is left out to keep the module under a minute:
# German has the longest words (Weihnachtsmarkt, zurücksetzen), Ukrainian the longest lines, Arabic the mirror.
@pytest.mark.parametrize("lang", ["de", "uk", "ar"])
def test_larger_text_reflows_instead_of_cutting(turned, app, lang):
    problems = unreadable(app, LANDSCAPE_SCREENS, lang, large_text=True)
    assert not problems, "\n".join(problems)


def test_the_first_screens_have_no_blank_band(turned, app):
    """The screens a passer-by sees before choosing anything never show a band of nothing. (Contrast is the
    palette's, the same in both shapes: tests/ui/test_readable.py reads it from the portrait pixels.)"""
    page = tuple(round(c * 255) for c in app.palette["background"][:3])
    blanks = []
    for name, params in SCREENS:
        if name in FILLED:
            screen = show(app, name, "de", **params)
            blanks += empty_bands(name, screen, window_pixels(), page)
    assert not blanks, "empty bands:\n" + "\n".join(blanks)


def test_arabic_layouts_are_mirrored(turned, app):
    wrong = not_mirrored(app)
    assert not wrong, f"not mirrored in Arabic (German x, Arabic x): {wrong}"


def test_every_language_button_is_on_the_panel(turned, kiosk, tmp_path_factory):
    app, _clock = kiosk
    off = language_buttons_off_the_panel(app, demo_folder(tmp_path_factory))
    assert not off, "\n".join(off)


def test_attract_and_night_are_whole(turned, app, monkeypatch):
    """The two screens nobody chose a language for, in every slide language and with the night's larger text."""
    from tests.ui.test_readable import _at_night

    attract = app.current()
    assert attract.name == "attract"
    problems = []
    for lang in LANGUAGES:
        attract.speak(lang)
        frames(2)
        problems += [f"attract {lang}: {p}" for p in cut_labels(attract) + off_the_window(attract)
                     + overlapping_labels(attract)]
    _at_night(app, monkeypatch)
    frames(3)
    night = app.current()
    for large_text in (False, True):
        app.large_text = large_text
        frames(3)
        problems += [f"night, larger text {large_text}: {p}" for p in cut_labels(night) + off_the_window(night)
                     + overlapping_labels(night)]
    app.large_text = False
    assert not problems, "\n".join(problems)
