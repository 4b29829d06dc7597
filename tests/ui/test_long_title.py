"""Issue 19, case 12: a 135-character event title once grew the header to nine lines, pushed its start
off the top and let the notice banner cover "Now, until 21:00". The demo, with that title, on the real app."""
from __future__ import annotations

import json
import shutil

import pytest

from tests.ui.harness import START, frames, showing_content
from tests.ui.readability import cut_labels, overlaps, visible_labels, window_rect

EVENT = "weihnachtsmarkt-nov-do"  # on at 17:30 on 26 November, under the demo's notice banner
PLACE = "buchhandlung-seitenwind"
PLACE_NAME = ("Buchhandlung Seitenwind – Inhabergeführte Fachbuchhandlung für Ruhrgebietsliteratur, "
              "Kinderbücher, Lesungen und Vorlesestunden")
LONG = {
    "de": "Großer Weihnachtsmarkt rund um die Reinoldikirche mit Kunsthandwerk, Glühwein, Kinderkarussell, "
          "Musik aus der Region und Lichtern bis spät",
    "en": "Great Christmas market around St Reinold's Church with handicrafts, mulled wine, a children's "
          "carousel and local music until late at night",
    "ar": "سوق عيد الميلاد الكبير حول كنيسة القديس راينولد مع الحرف اليدوية والنبيذ الساخن ودوامة الأطفال "
          "والموسيقى المحلية حتى وقت متأخر من الليل",
}


@pytest.fixture(scope="module")
def long_title(kiosk, tmp_path_factory):
    """The shared app showing the demo with one very long event title, signed with a throw-away key."""
    from sync import service, signing
    from sync.service import DEMO_DIR

    app, _clock = kiosk
    source = tmp_path_factory.mktemp("long-title-feed")
    feed = json.loads((DEMO_DIR / "feed.json").read_text(encoding="utf-8"))
    event = next(e for e in feed["events"] if e["id"] == EVENT)
    event["title"] = dict(event["title"], **LONG)
    next(p for p in feed["places"] if p["id"] == PLACE)["name"] = PLACE_NAME
    raw = json.dumps(feed, ensure_ascii=False).encode("utf-8")
    (source / "feed.json").write_bytes(raw)
    key = signing.generate_key()
    (source / "feed.json.sig").write_text(signing.sign_bytes(raw, key) + "\n", encoding="ascii")
    shutil.copytree(DEMO_DIR / "images", source / "images")
    folder = tmp_path_factory.mktemp("long-title")
    service.apply_from_file(source / "feed.json", public_keys=[signing.public_key_b64(key)], data_dir=folder,
                            now=START)
    with showing_content(app, folder):
        yield app


def _top_zone_overlaps(screen) -> list[str]:
    """Pairs of shown parts of the top zone (title, clock, where, banner, when, where it is) that overlap."""
    from kivy.core.window import Window

    zone = screen.frame.top_zone
    parts = [w for w in visible_labels(zone) if w.txt and w.opacity]
    problems = [f"outside the window: {w.txt!r}" for w in parts
                if window_rect(w)[3] > Window.height + 2 or window_rect(w)[1] < -2]
    for i, a in enumerate(parts):
        for b in parts[i + 1:]:
            if overlaps(window_rect(a), window_rect(b)):
                problems.append(f"{a.txt[:30]!r} overlaps {b.txt[:30]!r}")
    body = window_rect(screen.frame.body)
    problems += [f"{w.txt[:30]!r} runs into the body" for w in parts if window_rect(w)[1] < body[3] - 2]
    return problems


@pytest.mark.parametrize("lang, large_text", [("de", False), ("en", False), ("ar", False), ("de", True),
                                              ("ar", True)])
def test_a_very_long_event_title_is_cut_in_the_header_and_given_whole_in_the_text(long_title, app, lang,
                                                                                   large_text):
    from kiosk.ui.widgets.layout import TITLE_MAX_LINES

    app.large_text = large_text
    try:
        app.set_language(lang)
        assert app.go("event", item=EVENT)
        frames(4)
        screen = app.current()
        title = screen.frame.header.title
        assert title.txt == LONG[lang] and title.cut and title.shown_text().endswith("…")
        assert title._lines(title.shown_text(), title.font_size) <= TITLE_MAX_LINES
        whole = screen.whole_title.label
        assert whole.parent is screen.details.column and whole.txt == LONG[lang]
        assert screen.details.column.children[-1] is whole  # the first thing in the text
        assert screen.frame.banner.txt and screen.hero.lines.children  # the banner and "now, until 21:00"
        assert not _top_zone_overlaps(screen)
        assert not cut_labels(screen)
    finally:
        app.large_text = False
        app.set_language("de")


def test_a_title_that_fits_is_neither_cut_nor_repeated(long_title, app):
    app.go("event", item=EVENT)
    frames(4)
    app.go("event", item="feierabendkonzert-donnerstag")
    frames(4)
    screen = app.current()
    assert not screen.frame.header.title.cut and screen.frame.header.title.size_role == "title"
    assert screen.whole_title.label.parent is None and not _top_zone_overlaps(screen) and not cut_labels(screen)


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_a_very_long_place_name_is_cut_in_the_header_and_given_whole_in_the_text(long_title, app, lang):
    app.set_language(lang)
    try:
        assert app.go("place", item=PLACE)
        frames(4)
        screen = app.current()
        assert screen.frame.header.title.cut and screen.whole_title.label.txt == PLACE_NAME
        assert screen.details.column.children[-1] is screen.whole_title.label
        assert not _top_zone_overlaps(screen) and not cut_labels(screen)
    finally:
        app.set_language("de")
