"""Speech mode in the real window (docs/accessibility.md): whole visits by keys only, in German and
Arabic, asserting what the kiosk would say, in order. The engine here records the sentences instead
of playing them (tests/test_speech_wav.py renders speech through the real eSpeak NG)."""
from __future__ import annotations

import re

import pytest
from kivy.core.window import Keyboard, Window

from kiosk.speech.engine import DEFAULT_RATE, DEFAULT_VOLUME
from kiosk.ui.widgets.accessibility import LONG_PRESS_S
from tests.ui.harness import advance, frames, tap, tap_at


class Recorder:
    """A speech engine that keeps what it was asked to say."""

    problem = ""

    def __init__(self):
        self.said: list[list[str]] = []
        self.voices = []
        self.stopped = 0

    def speak(self, sentences, voice):
        self.said.append(list(sentences))
        self.voices.append(voice)

    def stop(self):
        self.stopped += 1

    def render(self, sentences, voice, path):
        raise AssertionError("The UI never renders files.")


@pytest.fixture
def voice(app):
    recorder = Recorder()
    app.speech._engine = recorder
    yield recorder
    app.speech.end()
    app.speech._engine = None


def press(app, clock, name: str, text: str | None = None, modifiers=()) -> list[str]:
    """One key as the window delivers it, then time for the screen to settle; what was said since."""
    recorder = app.speech._engine
    if not isinstance(recorder, Recorder):
        recorder = None
    before = len(recorder.said) if recorder else 0
    key = Keyboard.keycodes[name]
    if not Window.dispatch("on_key_down", key, 0, text, list(modifiers)):
        Window.dispatch("on_keyboard", key, 0, text, list(modifiers))
    advance(app, clock, 0.5, step=0.1)
    return [s for said in (recorder.said[before:] if recorder else []) for s in said]


def last(voice) -> str:
    return voice.said[-1][-1]


def down_until(app, clock, voice, words: str, limit: int = 30) -> list[str]:
    """Press down until the focused item says `words`; every item said on the way, in order."""
    heard = []
    for _ in range(limit):
        said = press(app, clock, "down")
        heard.append(said[-1])
        if words in said[-1]:
            return heard
    raise AssertionError(f"'{words}' never came; heard: {heard}")


def test_a_keypad_key_starts_speech_and_reads_home(app, clock, voice):
    assert app.current().name == "attract" and not app.speech.on
    said = press(app, clock, "down")
    assert app.speech.on and app.current().name == "home"
    # The first key only starts speech: it does not move anything yet.
    assert said[:2] == ["Die Sprachausgabe ist an.", "Die Fragezeichen-Taste erklärt die Tasten."]
    assert said[2] == "Start"
    assert "Willkommen in Dortmund" in said
    assert said[-1] == "Heute, Schaltfläche"
    assert voice.voices[-1].lang == "de" and voice.voices[-1].rate == DEFAULT_RATE
    # The ring is around the focused tile, drawn above the screen.
    assert app.speech.ring.target is app.current().tiles["today"]
    assert app.speech.ring.parent is app.root_layout and app.speech.ring.opacity == 1


def test_find_an_open_pharmacy_and_its_step_free_route_by_keys_in_german(app, clock, voice):
    press(app, clock, "down")  # speech on, at home
    heard = down_until(app, clock, voice, "Hilfe & Sicherheit")
    assert heard[:3] == ["Geschäfte & Essen, Schaltfläche", "Entdecken: Kultur, Kunst, Pop-up-Läden, Schaltfläche",
                         "Suche, Schaltfläche"]
    said = press(app, clock, "enter")
    assert app.current().name == "help"
    # The screen, then where this terminal stands, then the first item: the emergency number, digit by digit.
    assert said[0] == "Hilfe & Sicherheit"
    assert said.index("Sie sind hier:") < said.index("Reinoldikirche") < len(said) - 1
    assert said[-1] == "Notruf: 1 1 2"
    assert press(app, clock, "down")[-1] == "Polizei: 1 1 0"
    row = press(app, clock, "down")[-1]
    # Open now, said in words (not "20:00", not "70 m"), and where it sits in the list.
    rows = len([r for r in app.current().list.data if r.get("viewclass", "ListRow") == "ListRow"])
    assert row == "Am nächsten: Apotheke, Markt-Apotheke, Geöffnet bis 20 Uhr, 70 Meter, 1 Minute zu Fuß, " \
                  f"Weg zeigen, Schaltfläche, 1 von {rows}"
    assert app.speech.ring.target is not None

    said = press(app, clock, "right")  # right selects, like the round key
    route = app.current()
    assert route.name == "route" and route.params == {"item": "apotheke-markt"}
    # The destination, the notice, the walk in words; then the first of the map's buttons.
    assert said[:3] == ["Markt-Apotheke", "Bauarbeiten am Westenhellweg bis Freitag.", "70 Meter, 1 Minute zu Fuß"]
    assert said[-1] == "Ansicht zurücksetzen, Schaltfläche"
    heard = down_until(app, clock, voice, "Stufenloser Weg")
    assert heard[-1] == "Stufenloser Weg, Schalter, aus"
    said = press(app, clock, "enter")
    assert route.step_free is True
    assert said[0] == "Stufenloser Weg, Schalter, an"
    assert said[1:] == ["Stufenlos: keine Treppen auf diesem Weg"]  # only what changed above
    steps = down_until(app, clock, voice, "Schritt 1 von ")
    count = len(route.steps.rows)
    assert steps[-1].startswith(f"Schritt 1 von {count}: ")
    for number in range(2, count + 1):
        assert press(app, clock, "down")[-1].startswith(f"Schritt {number} von {count}: ")
    assert "Ihr Ziel" in voice.said[-1][-1] or "Ziel" in voice.said[-1][-1]

    said = press(app, clock, "numpadmul")  # repeat
    assert said == voice.said[-2]
    said = press(app, clock, "numpad0")  # where am I
    assert said == ["Sie sind auf der Seite Markt-Apotheke.",
                    "Dieses Terminal steht hier: Reinoldikirche, Ostenhellweg 2, 44135 Dortmund."]
    said = press(app, clock, "left")  # back to Help
    assert app.current().name == "help" and said[0] == "Hilfe & Sicherheit"


def test_read_help_in_arabic_by_keys(app, clock, voice):
    press(app, clock, "down")
    down_until(app, clock, voice, "العربية")
    said = press(app, clock, "enter")
    assert app.language == "ar" and app.rtl
    # Home again, read once, in Arabic, in the Arabic voice; the first tile is the one top right.
    assert said[:3] == ["الرئيسية", "أعمال طرق في شارع فيستنهيلفيغ حتى الجمعة.", "مرحبًا بكم في Dortmund"]
    assert said.count("الرئيسية") == 1 and said[-1] == "اليوم، زر"
    assert voice.voices[-1].lang == "ar"
    tiles = app.current().tiles
    assert tiles["today"].x > tiles["shops"].x  # read from the right, as the tiles are laid out
    assert press(app, clock, "down") == ["متاجر وطعام، زر"]
    assert app.speech.ring.target is tiles["shops"]
    down_until(app, clock, voice, "المساعدة والأمان")
    said = press(app, clock, "enter")
    assert app.current().name == "help"
    # The title, the notice, the help page's own words above "You are here" (when they fit whole), then where.
    assert said[:4] == ["المساعدة والأمان", "أعمال طرق في شارع فيستنهيلفيغ حتى الجمعة.",
                        "في حالة الطوارئ اتصل بالرقم 112.", "أنتم هنا:"]
    assert "Reinoldikirche" in said and said[-1] == "الطوارئ: 1 1 2"
    assert press(app, clock, "down") == ["Polizei: 1 1 0"]
    row = press(app, clock, "down")[-1]
    # The pharmacy open now: its hours and walk as words (not "20:00", not "70 m"), its place in the list.
    rows = len([r for r in app.current().list.data if r.get("viewclass", "ListRow") == "ListRow"])
    assert row == ("الأقرب: صيدلية، Markt-Apotheke، مفتوح حتى الساعة 20، 70 مترًا، دقيقة سيرًا على الأقدام، "
                   f"اعرض الطريق، زر، 1 من {rows}")
    assert press(app, clock, "numpad0") == ["أنت في شاشة المساعدة والأمان.",
                                            "يقع هذا الجهاز في: Reinoldikirche, Ostenhellweg 2, 44135 Dortmund."]
    guide = press(app, clock, "f1")
    assert len(guide) == 5 and all(any("\u0600" <= ch <= "\u06ff" for ch in s) for s in guide)
    assert guide[0] == "مفتاحا الأعلى والأسفل ينتقلان من عنصر إلى عنصر."


def test_a_place_card_says_its_week_as_runs_of_days(app, clock, voice):
    press(app, clock, "down")
    app.go("place", item="apotheke-markt")
    advance(app, clock, 1, step=0.1)
    said = voice.said[-1]
    assert said[:2] == ["Markt-Apotheke", "Bauarbeiten am Westenhellweg bis Freitag."]
    assert "Montag bis Samstag, 8 bis 20 Uhr." in said and "Sonntag, geschlossen." in said


def test_the_ring_follows_the_focus_down_a_long_list(app, clock, voice):
    from kiosk.ui.widgets.rows import ListRow

    press(app, clock, "down")
    press(app, clock, "down")  # Shops
    press(app, clock, "enter")
    shops = app.current()
    assert shops.name == "shops"
    rows = [r for r in shops.list.data if r.get("viewclass", "ListRow") == "ListRow"]
    assert len(rows) > 12, "the fixture's shop list must be longer than the screen"
    said = down_until(app, clock, voice, "Schaltfläche, 1 von ")
    for number in range(2, 13):
        said = press(app, clock, "down")
        assert said[-1].endswith(f", Schaltfläche, {number} von {len(rows)}")
    advance(app, clock, 0.5, step=0.25)
    ring = app.speech.ring.target
    assert isinstance(ring, ListRow) and ring.title == rows[11]["title"]
    assert said[-1].startswith(rows[11]["title"])
    assert shops.list.scroll_y < 1  # scrolled down to show it
    x, y = ring.to_window(ring.x, ring.y)
    lx, ly = shops.list.to_window(shops.list.x, shops.list.y)
    assert ly - 2 <= y and y + ring.height <= ly + shops.list.height + 2  # inside the visible list


def test_rate_and_volume_keys_and_the_idle_reset_ends_speech(app, clock, voice):
    press(app, clock, "down")
    assert press(app, clock, "numpad9") == ["Schneller"]
    assert app.speech.rate > DEFAULT_RATE
    assert press(app, clock, "numpadsubstract") == ["Leiser"]
    assert app.speech.volume < DEFAULT_VOLUME
    assert voice.voices[-1].volume == app.speech.volume
    app.reset_for_next_visitor()
    frames(2)
    assert not app.speech.on and app.speech.ring.parent is None
    assert (app.speech.rate, app.speech.volume) == (DEFAULT_RATE, DEFAULT_VOLUME)
    assert voice.stopped >= 1


def test_the_idle_question_is_read_aloud_and_a_key_answers_it(app, clock, voice):
    press(app, clock, "down")
    advance(app, clock, 61, step=0.25)  # idle_timeout_s is 60 in the tests
    assert app.idle_question_shown
    assert voice.said[-1][0] == "Noch da?" and voice.said[-1][1].startswith("Neustart in ")
    assert voice.said[-1][1].endswith(" Sekunden") and voice.said[-1][-1] == "Ja, weiter, Schaltfläche"
    press(app, clock, "down")
    assert not app.idle_question_shown and app.speech.on and app.current().name == "home"


def test_keys_keep_the_visitor_here_without_the_idle_question(app, clock, voice):
    press(app, clock, "down")
    for _ in range(4):
        advance(app, clock, 40)
        press(app, clock, "up")
    assert app.current().name == "home" and not app.idle_question_shown and app.speech.on


def test_with_speech_off_touch_users_see_nothing_new_and_other_keys_stay_swallowed(app, clock, voice):
    for name, text, modifiers in (("escape", None, ()), ("a", "a", ()), ("f4", None, ["alt"]),
                                  ("tab", None, ["alt"]), ("left", None, ["ctrl", "alt"])):
        press(app, clock, name, text, modifiers)
        assert not app.speech.on and app.current().name == "attract"
    assert voice.said == []
    tap_at(Window.width / 2, Window.height * 0.7)
    assert app.current().name == "home"
    assert app.speech.ring is None or app.speech.ring.parent is None
    tap(app.current().tiles["today"])
    assert app.current().name == "today" and voice.said == [] and not app.speech.on


def long_press(widget, clock, app, seconds: float) -> None:
    from kivy.tests.common import UnitTestTouch

    x, y = widget.to_window(*widget.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    advance(app, clock, seconds, step=0.1)
    touch.touch_up()
    frames(2)


def test_a_long_press_on_the_accessibility_button_turns_speech_on_and_off(app, clock, voice):
    tap_at(Window.width / 2, Window.height * 0.7)
    button = app.current().frame.header.accessibility
    long_press(button, clock, app, 0.3)  # a short touch does nothing
    assert not app.speech.on and voice.said == []
    long_press(button, clock, app, LONG_PRESS_S + 0.3)
    assert app.speech.on and button.speaking
    advance(app, clock, 0.5, step=0.1)
    assert voice.said[-1][0] == "Die Sprachausgabe ist an."
    long_press(button, clock, app, LONG_PRESS_S + 0.3)
    assert not app.speech.on and not button.speaking
    assert voice.said[-1] == ["Die Sprachausgabe ist aus."]


def test_a_terminal_without_espeak_says_so_on_screen_and_never_crashes(app, clock):
    from kiosk.speech.espeak import EspeakEngine
    from kiosk.ui.widgets.accessibility import SpeechProblem

    app.speech._engine = EspeakEngine(command="espeak-ng-is-not-installed-here")
    try:
        press(app, clock, "down")
        press(app, clock, "down")
        press(app, clock, "enter")
        assert app.speech.on and app.current().name == "shops"
        shown = [w for w in app.root_layout.children if isinstance(w, SpeechProblem)]
        assert shown and "kann im Moment nicht sprechen" in shown[0].txt
    finally:
        app.speech.end()
        app.speech._engine = None
    assert not any(isinstance(w, SpeechProblem) for w in app.root_layout.children)


def test_the_map_is_read_marker_by_marker_nearest_first_and_a_marker_opens_its_place(app, clock, voice):
    press(app, clock, "down")
    app.go("map")
    advance(app, clock, 1, step=0.1)
    screen = app.current()
    markers = screen.map.markers_in_view()
    assert len(markers) > 3, "the demo map's home view shows several markers"
    assert [m[3] for m in markers] == sorted(m[3] for m in markers)  # nearest first
    group = markers[0][2]
    assert len(group) > 1, "at the home view the demo's nearest places crowd into a group"
    heard = down_until(app, clock, voice, "von hier")
    names = [app.content.place(i, None, "de").name for i in group]
    # How many, their names, the distance in words ("Meter", not "m"), and that it can be chosen.
    assert heard[-1] == f"{len(group)} Orte dicht beieinander: {', '.join(names)}, " \
                        f"{round(markers[0][3] / 10) * 10} Meter von hier, Schaltfläche"
    ring = app.speech.ring.target
    assert abs(ring.center_x - markers[0][0]) < 1 and abs(ring.center_y - markers[0][1]) < 1  # on the marker
    scale = screen.map.view.scale
    press(app, clock, "enter")  # a group: come closer, as a touch does
    assert app.current() is screen and screen.map.view.scale > scale
    heard = down_until(app, clock, voice, f"{names[0]}, ")
    place = app.content.place(group[0], None, "de")
    assert heard[-1].startswith(f"{place.name}, ") and heard[-1].endswith(" Meter von hier, Schaltfläche")
    press(app, clock, "enter")
    assert app.current().name == "place" and app.current().params == {"item": group[0]}


def test_a_route_map_leaves_its_markers_to_the_steps(app, clock, voice):
    press(app, clock, "down")
    app.go("route", item="apotheke-markt")
    advance(app, clock, 1, step=0.1)
    app.speech.refresh_items()
    assert app.speech.items and not [item for item in app.speech.items if item.key[0] == "marker"]
