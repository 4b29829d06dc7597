"""Every passer-by can read it (issue 17): where the terminal stands, Help built around the emergency,
nothing cut, edges and text with enough contrast in the rendered pixels, no third language, Arabic
mirrored. Each check walks the real screens in the real window."""
from __future__ import annotations

import json

import pytest
from kivy.core.window import Window

from kiosk.ui.widgets.rows import ListRow, RowList
from kiosk.ui.widgets.text import KButton
from tests.ui.harness import FIXTURES, find_button, frames, tap, texts, visible_rows, walk
from tests.ui.readability import (blank_bands, broken_word, centre_x, cut_labels, edge_contrast, list_tail,
                                  off_the_window, on_screen, overlapping_labels, text_contrast, visible_labels,
                                  window_pixels)

LANGUAGES = ["de", "en", "tr", "ar", "uk", "pl", "nl"]
SCREENS = [("home", {}), ("today", {}), ("shops", {}), ("discover", {}), ("search", {}), ("help", {}),
           ("place", {"item": "buchhandlung-seitenwind"}), ("event", {"item": "weihnachtsmarkt"}), ("feedback", {})]
# Screens a passer-by sees before choosing anything: they must never show a band of nothing (the review found
# 175 px on Home, 240 px on Today and 740 px on Search); the row gap of a list is far below this.
FILLED = ("home", "today", "shops", "search", "help")
BLANK_LIMIT = 160


def show(app, name: str, lang: str = "de", **params):
    app.set_language(lang)
    current = app.current()
    already = current is not None and current.name == name and current.params == params  # redrawn by the switch
    assert already or app.go(name, **params), name
    frames(4)
    return app.current()


def test_every_screen_says_where_the_terminal_stands(app):
    for name, params in SCREENS:
        screen = show(app, name, "de", **params)
        if name == "help":
            continue
        assert screen.frame.where.txt == "Sie sind hier: Reinoldikirche, Ostenhellweg 2, 44135 Dortmund", name
        assert on_screen(screen.frame.where), name
    uk = show(app, "today", "uk")
    # A translated name comes with the name on the sign, which is what a caller says to 112.
    assert uk.frame.where.txt == "Ви тут: Церква Святого Райнольда (Reinoldikirche), Ostenhellweg 2, 44135 Dortmund"


def test_help_puts_the_emergency_first_within_reach(app):
    help_screen = show(app, "help", "en")
    assert help_screen.here_name.txt == "St Reinold's Church (Reinoldikirche)"
    assert help_screen.here_address.txt == "Ostenhellweg 2, 44135 Dortmund"
    assert help_screen.here_name.font_size >= app.sizes["title"]
    cards = help_screen.cards.cards
    assert [c.number.txt for c in cards] == ["112", "110"]
    assert all(c.number.font_size >= app.sizes["clock"] for c in cards)
    # The emergency and the ways to help lie in the lower two thirds, out of no one's reach.
    for card in cards:
        assert card.to_window(card.x, card.top)[1] <= Window.height * 2 / 3 + 8
    rows = visible_rows(help_screen)
    nearest = [(r.title, r.item_id, r.target) for r in rows[:2]]
    assert nearest == [("Nearest: Pharmacy", "apotheke-markt", "route"), ("Nearest: Toilet", "wc-hansaplatz", "route")]
    assert "on foot" in rows[0].subtitle
    # Only a place with opening hours says "Open" (not the 24/7 toilet or helplines); 110 is a card, not a row.
    assert [r.title for r in rows if r.badge] == ["0231 555 0100 · Markt-Apotheke"]
    assert not any("110" in r.title for r in rows)
    tap(rows[0])
    assert app.current().name == "route" and app.current().params["item"] == "apotheke-markt"


def test_the_nearest_pharmacy_is_one_that_is_open(app, clock):
    from datetime import datetime

    clock.value = datetime.fromisoformat("2026-11-26T21:00:00+01:00")  # the fixture's pharmacy closes at 20:00
    app.touched()
    rows = visible_rows(show(app, "help", "en"))
    assert rows[0].title == "Nearest: Pharmacy" and rows[0].badge == ""
    assert rows[0].subtitle.startswith("Markt-Apotheke · Opens tomorrow at 08:00")


def unreadable(app, screens, lang: str, large_text: bool = False) -> list[str]:
    """Every screen in `lang` (with the visitor's larger text, then off again): labels cut or with a word broken
    inside, not whole in the window, or drawn over other text."""
    problems = []
    app.large_text = large_text
    try:
        for name, params in screens:
            screen = show(app, name, lang, **params)
            problems += [f"{name}: {p}" for p in cut_labels(screen) + off_the_window(screen) + overlapping_labels(screen)]
    finally:
        app.large_text = False
    return problems


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_label_is_cut(app, lang):
    problems = unreadable(app, SCREENS, lang)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["de", "uk", "pl", "ar"])
def test_larger_text_reflows_instead_of_cutting(app, lang):
    problems = unreadable(app, SCREENS, lang, large_text=True)
    assert not problems, "\n".join(problems)


def empty_bands(name: str, screen, image, page: tuple) -> list[str]:
    """The bands of nothing on a screen a passer-by sees first (FILLED), the end of a short list excepted."""
    if name not in FILLED:
        return []
    lists = [w for w in walk(screen) if isinstance(w, RowList) and on_screen(w)]
    return [f"{name}: {height} px of nothing from {top} px down" for top, height in blank_bands(image, page, BLANK_LIMIT)
            if not list_tail((top, height), lists, Window.height)]


def faint(name: str, screen, image) -> tuple[list[str], list[str]]:
    """Controls whose rim is under 3:1 against the page, and labels whose ink is under 4.5:1, in the pixels."""
    edges, inks = [], []
    for widget in walk(screen):
        if isinstance(widget, (KButton, ListRow)) and on_screen(widget, whole=True) and widget.width > 40 \
                and not widget.disabled:  # WCAG 1.4.11 exempts inactive controls
            x = widget.to_window(widget.x, 0)[0]
            if x >= 8:  # a control at the window's edge has no page beside it to compare with
                ratio = edge_contrast(image, widget)
                if ratio < 3.0:
                    edges.append(f"{name}: {type(widget).__name__} {getattr(widget, 'txt', '')!r} {ratio:.2f}")
    for label in visible_labels(screen, whole=True):
        if label.texture_size[0] > 4 and label.texture_size[1] > 4 and not label.disabled:
            ratio = text_contrast(image, label)
            if ratio < 4.5:
                inks.append(f"{name}: {label.txt!r} {ratio:.2f}")
    return edges, inks


@pytest.mark.parametrize("high_contrast", [False, True])
def test_controls_and_text_stand_out_in_the_rendered_pixels(app, high_contrast):
    app.high_contrast = high_contrast
    try:
        edges, inks, blanks = [], [], []
        page = tuple(round(c * 255) for c in app.palette["background"][:3])
        for name, params in SCREENS:
            screen = show(app, name, "de", **params)
            image = window_pixels()
            blanks += empty_bands(name, screen, image, page)
            screen_edges, screen_inks = faint(name, screen, image)
            edges += screen_edges
            inks += screen_inks
    finally:
        app.high_contrast = False
    assert not edges, "edges under 3:1 (WCAG 1.4.11):\n" + "\n".join(edges)
    assert not inks, "text under 4.5:1 (WCAG 1.4.3):\n" + "\n".join(inks)
    assert not blanks, "empty bands:\n" + "\n".join(blanks)


def _english_only_strings() -> set[str]:
    """The fixture feed's English texts that differ from the German on the signs."""
    feed = json.loads((FIXTURES / "feed.json").read_text(encoding="utf-8"))
    found = set()

    def visit(node):
        if isinstance(node, dict):
            if "en" in node and "de" in node and isinstance(node["en"], str) and node["en"] != node["de"]:
                found.add(node["en"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(feed)
    return found


def _english_ui_words(lang: str) -> set[str]:
    """The UI's English words that `lang` says differently ("Open" is Dutch too), leaving out the words that
    are German as well: a name such as "Qualitätsroute" is the sign's word, not a third language."""
    from babel.messages.pofile import read_po

    from tests.ui.test_theme_and_catalogs import ROOT

    def catalog(code):
        with (ROOT / "locales" / code / "LC_MESSAGES" / "kiosk.po").open("rb") as f:
            return read_po(f)

    german = {m.id for m in catalog("de") if m.id and m.string == m.id}
    return {m.id for m in catalog(lang) if m.id and isinstance(m.id, str) and m.string != m.id and "{" not in m.id
            and m.id not in german}


@pytest.mark.parametrize("lang", ["tr", "ar", "uk", "pl", "nl"])
def test_no_visible_string_in_a_third_language(app, lang):
    """A visitor reads their language or the sign's (German), never English they did not choose."""
    english = _english_only_strings() | _english_ui_words(lang)
    found = []
    for name, params in SCREENS:
        screen = show(app, name, lang, **params)
        for text in texts(screen):
            hits = [e for e in english if e == text or (len(e) > 12 and e in text)]
            if hits:
                found.append(f"{name}: {text!r} has {hits}")
    assert not found, "\n".join(found)


def mirror_spots(app, lang: str) -> dict[str, float]:
    """Window x of what must mirror in Arabic: Home's tiles and language buttons, Help's card, nav and row side,
    Search's first topic and scroll bar."""
    home = show(app, "home", lang)
    spots = {f"tile {n}": centre_x(t) for n, t in home.tiles.items()}
    spots.update({f"language {t.txt}": centre_x(t) for t in walk(home) if isinstance(t, KButton)
                  and t.txt in ("Deutsch", "English", "Türkçe", "Polski")})
    help_screen = show(app, "help", lang)
    spots["help card 112"] = centre_x(help_screen.cards.cards[0])
    spots["help back"] = centre_x(help_screen.frame.nav.back)
    spots["help button"] = centre_x(help_screen.frame.nav.help)
    row = visible_rows(help_screen)[0]
    spots["row side"] = centre_x(row._side_box)
    search = show(app, "search", lang)
    first = search.suggestions.topics.children[-1]  # words differ in width: compare where the row starts
    start = first.to_window(first.right if lang == "ar" else first.x, 0)[0]
    spots["first topic start"] = start
    spots["scroll bar"] = _bar_x(search.suggestions.highlights)
    return spots


def not_mirrored(app) -> dict[str, tuple[float, float]]:
    """(German x, Arabic x) of each spot whose Arabic place is not the German one mirrored."""
    ltr, rtl = mirror_spots(app, "de"), mirror_spots(app, "ar")
    return {k: (ltr[k], rtl[k]) for k in ltr if abs(rtl[k] - (Window.width - ltr[k])) > 4}


def test_arabic_layouts_are_mirrored(app):
    wrong = not_mirrored(app)
    assert not wrong, f"not mirrored in Arabic (German x, Arabic x): {wrong}"


def test_every_kind_and_category_of_the_demo_has_a_name(app):
    from kiosk.ui.labels import CATEGORIES, KINDS
    from tests.ui.test_theme_and_catalogs import ROOT

    feed = json.loads((ROOT / "assets" / "demo" / "feed.json").read_text(encoding="utf-8"))
    kinds = {p["kind"] for p in feed["places"]}
    categories = {p["category"] for p in feed["places"] if p.get("category")}
    assert kinds <= set(KINDS), kinds - set(KINDS)
    assert categories <= set(CATEGORIES), categories - set(CATEGORIES)
    app.set_language("de")
    assert find_button(show(app, "discover", "de"), "Sehenswertes")


def _bar_x(scroller) -> float:
    """The middle of a scroller's bar in window x."""
    left = scroller.to_window(scroller.x, 0)[0]
    return left + scroller.bar_width / 2 if scroller.bar_pos_y == "left" else left + scroller.width - scroller.bar_width / 2


def test_a_word_too_wide_for_its_line_is_found():
    """The check behind 'no word broken inside' (issue 17: 'Bahnhof-Apothe/ke' in larger text)."""
    from kiosk.ui.widgets.text import KLabel

    label = KLabel(txt="Nächste Bahnhof-Apotheke", size_role="body", size_hint_x=None, width=220)
    assert broken_word(label) == "Bahnhof-Apotheke"
    label.width = 800
    assert broken_word(label) == ""


def test_today_says_at_a_glance_what_is_on_and_what_starts_next(app):
    today = show(app, "today", "de")
    assert today.summary.txt == "Läuft gerade: 1 · Später heute: 1"
    assert today.next_up.txt == "Als Nächstes: Adventskonzert, Heute 19:30–21:30"
    assert today.frame.header.date.txt not in today.summary.txt  # the header has the date: no second one
    # A short day is followed by the next days; the daily market is not listed again for each of them.
    titles = [r.title for r in visible_rows(today)]
    assert "Lesung für Kinder" in titles and titles.count("Weihnachtsmarkt") == 1, titles
    assert show(app, "today", "ar").summary.txt.startswith("يجري الآن: ")


def test_search_offers_topics_and_todays_highlights_before_the_first_key(app):
    search = show(app, "search", "de")
    chips = [w for w in search.suggestions.topics.children[::-1]]
    assert [c.txt for c in chips][:5] == ["Toilette", "Apotheke", "Essen & Trinken", "Kultur", "Café"]
    assert len(chips) <= 6
    assert all(on_screen(c, whole=True) for c in chips)
    assert [r.item_id for r in visible_rows(search.suggestions)] == ["weihnachtsmarkt", "adventskonzert"]
    tap(chips[0])
    assert search.query == "Toilette" and search.suggestions.parent is None
    assert [r.item_id for r in visible_rows(search)][:1] == ["wc-hansaplatz"]
    tap(find_button(search, "Löschen"))
    frames(2)
    assert search.suggestions.parent is search.frame.body and search.results.parent is None


def test_the_shops_list_says_what_it_holds_and_filters_the_qualitaetsroute(app):
    shops = show(app, "shops", "de")
    assert shops.frame.header.title.txt == "Geschäfte & Essen"
    members = {"buchhandlung-seitenwind", "teehaus-samowar"}
    rows = visible_rows(shops)
    assert {r.item_id for r in rows if "Qualitätsroute" in r.subtitle} == members & {r.item_id for r in rows}
    assert any(r.item_id not in members for r in rows)  # the list holds more than the members, as its title says
    # "Geöffnet bis 19:00" says it once: no "Geöffnet" badge beside it on the same row.
    assert not [r.title for r in rows if r.badge == "Geöffnet" and "Geöffnet bis" in r.subtitle]
    assert any("Geöffnet bis" in r.subtitle for r in rows)
    tap(find_button(shops, "Qualitätsroute"))
    assert {r.item_id for r in visible_rows(shops)} == members
    assert shops.summary.txt.startswith("2 ")


def test_the_attract_slides_take_turns_in_every_language(app):
    from kiosk.i18n import translator

    attract = app.current()
    assert attract.name == "attract"
    attract.refresh()
    frames(1)
    seen = {}
    for _ in app.settings.locales:
        seen[attract.slide_lang] = (attract.kicker.txt, attract.kicker.rtl, attract.headline.rtl)
        attract.next_slide()
    assert list(seen) == app.settings.locales
    kickers = ("Featured", "Owner-run in the city centre", "Today")
    for lang, (kicker, rtl, headline_rtl) in seen.items():
        assert kicker in {translator(lang).gettext(k) for k in kickers}, (lang, kicker)
        assert rtl == headline_rtl == (lang == "ar")
    german = {translator("de").gettext(k) for k in kickers}
    assert all(seen[lang][0] not in german for lang in ("en", "tr", "ar", "uk", "pl"))


def _at_night(app, monkeypatch) -> None:
    """Night by the schedule at the test's 17:30, so the app's night check never ends it mid-test."""
    from dataclasses import replace

    monkeypatch.setattr(app, "settings", replace(app.settings, night_mode="17:00-06:00"))
    assert app.go("night", remember=False)


def test_the_night_slide_asks_for_a_touch_in_every_language(app, monkeypatch):
    _at_night(app, monkeypatch)
    frames(3)
    night = app.current()
    lines = night.touch_lines
    assert list(lines) == app.settings.locales  # the visitor's (here the default) language first
    assert lines["en"].txt == "Touch the screen to start" and lines["ar"].rtl and not lines["de"].rtl
    assert all(on_screen(line, whole=True) for line in lines.values())
    assert not cut_labels(night)


def test_the_emergency_numbers_stand_level_when_a_name_wraps(app):
    for lang in ("en", "pl"):
        cards = show(app, "help", lang).cards.cards
        tops = [c.number.to_window(0, c.number.top)[1] for c in cards]
        notes = [c.note.to_window(0, c.note.y)[1] for c in cards]
        assert abs(tops[0] - tops[1]) <= 1 and abs(notes[0] - notes[1]) <= 1, (lang, tops, notes)


def test_help_shows_the_page_text_only_where_it_fits_whole(app):
    help_screen = show(app, "help", "de")
    text = help_screen.page_text
    assert text.txt == "In einem Notfall rufen Sie 112." and text.opacity == 1 and text.height > 0
    # A page text too long for the calm zone is left out rather than pushing the cards down or being cut.
    text.txt = " ".join(["Im Notfall rufen Sie 112 oder 110, kostenlos von jedem Telefon."] * 8)
    frames(3)
    assert text.opacity == 0 and text.height == 0
    for card in help_screen.cards.cards:
        assert card.to_window(card.x, card.top)[1] <= Window.height * 2 / 3 + 8


def test_the_scroll_bar_keeps_clear_of_rows_and_headings(app):
    from kiosk.ui.widgets.rows import SectionRow

    for lang, side in (("de", "right"), ("ar", "left")):
        today = show(app, "today", lang)
        rows_list = today.list
        assert rows_list.bar_pos_y == side
        bar = _bar_x(rows_list)
        for widget in walk(rows_list):
            if isinstance(widget, (ListRow, SectionRow)) and on_screen(widget):
                left = widget.to_window(widget.x, 0)[0]
                assert not left - rows_list.bar_width / 2 <= bar <= left + widget.width + rows_list.bar_width / 2, \
                    (lang, getattr(widget, "txt", "") or widget.title)


def test_attract_and_night_are_whole_and_stand_out_in_every_language(app, monkeypatch):
    """The two screens nobody chose a language for: every slide language and the night's larger text whole,
    their text at 4.5:1 or more in the rendered pixels."""
    attract = app.current()
    assert attract.name == "attract"
    problems, inks = [], []
    for lang in LANGUAGES:
        attract.speak(lang)
        frames(2)
        problems += [f"attract {lang}: {p}" for p in cut_labels(attract)]
    image = window_pixels()
    inks += [f"attract: {label.txt!r} {text_contrast(image, label):.2f}" for label in visible_labels(attract, whole=True)
             if text_contrast(image, label) < 4.5]
    app.large_text = True
    try:
        attract.speak("ar")
        frames(3)
        problems += [f"attract, larger text: {p}" for p in cut_labels(attract)]
    finally:
        app.large_text = False
    _at_night(app, monkeypatch)
    frames(3)
    night = app.current()
    image = window_pixels()
    inks += [f"night: {label.txt!r} {text_contrast(image, label):.2f}" for label in visible_labels(night, whole=True)
             if text_contrast(image, label) < 4.5]
    app.large_text = True
    try:
        frames(3)
        problems += [f"night, larger text: {p}" for p in cut_labels(night)]
    finally:
        app.large_text = False
    assert not problems, "\n".join(problems)
    assert not inks, "text under 4.5:1:\n" + "\n".join(inks)
