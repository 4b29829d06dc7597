"""What the kiosk says (kiosk/speech/phrases.py, keys.py, headphones.py): words, not symbols."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.speech import phrases
from kiosk.speech.engine import RATES, step, utterance
from kiosk.speech.headphones import (JackSource, alsa_jack_names, alsa_jack_on, find_sources,
                                     has_headphone_switch, switch_bits)
from kiosk.speech.keys import command_for

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 23)


def week(hours: dict[int, list[tuple[int, int, int, int]]]) -> list[tuple[date, list]]:
    """Seven days from a Thursday (the order a place card has), hours by weekday (0 = Monday)."""
    days = []
    for offset in range(3, 10):
        day = MONDAY + timedelta(days=offset)
        spans = [(datetime(day.year, day.month, day.day, h1, m1, tzinfo=BERLIN),
                  datetime(day.year, day.month, day.day, h2, m2, tzinfo=BERLIN) if h2 < 24 else
                  datetime(day.year, day.month, day.day, tzinfo=BERLIN) + timedelta(days=1), "open")
                 for h1, m1, h2, m2 in hours.get(day.weekday(), [])]
        days.append((day, spans))
    return days


SHOP = {d: [(10, 0, 20, 0)] for d in range(6)}


def test_opening_hours_are_said_as_runs_of_days_from_monday():
    assert phrases.hours_sentences(week(SHOP), "en", BERLIN) == ["Monday to Saturday, 10 to 20 hours.", "Sunday, closed."]
    assert phrases.hours_sentences(week(SHOP), "de", BERLIN) == ["Montag bis Samstag, 10 bis 20 Uhr.",
                                                                 "Sonntag, geschlossen."]


def test_opening_hours_with_a_break_two_days_and_around_the_clock():
    hours = {0: [(9, 0, 12, 30), (14, 0, 18, 0)], 1: [(9, 0, 12, 30), (14, 0, 18, 0)], 5: [(0, 0, 24, 0)],
             6: [(0, 0, 24, 0)]}
    said = phrases.hours_sentences(week(hours), "en", BERLIN)
    assert said == ["Monday and Tuesday, 9 to 12 30 hours and 14 to 18 hours.", "Wednesday to Friday, closed.",
                    "Saturday and Sunday, open around the clock."]


def test_day_names_come_from_babel_in_every_language():
    for lang, monday in (("tr", "Pazartesi"), ("ar", "الاثنين"), ("uk", "понеділок"), ("pl", "poniedziałek"),
                         ("nl", "maandag")):
        first = phrases.hours_sentences(week(SHOP), lang, BERLIN)[0]
        assert monday in first.split("،")[0].split(",")[0], first
        assert "10" in first and "20" in first and ":" not in first


def test_numbers_to_dial_are_said_digit_by_digit():
    assert phrases.digits("112") == "1 1 2"
    assert phrases.spoken("112 · Notruf", "de") == "1 1 2, Notruf"
    assert phrases.spoken("Telefon: 0231 50-0", "de") == "Telefon: 0 2 3 1 5 0 0"
    assert phrases.emergency_sentence("Notruf", "112", "", "de") == "Notruf: 1 1 2"


def test_screen_symbols_and_short_forms_become_words():
    assert phrases.spoken("Geöffnet bis 20:00", "de") == "Geöffnet bis 20 Uhr"
    assert phrases.spoken("350 m · 5 Min. zu Fuß", "de") == "350 Meter, 5 Minuten zu Fuß"
    assert phrases.spoken("1,2 km · 1 Std. 12 Min. zu Fuß", "de") == "1,2 Kilometer, 1 Stunde 12 Minuten zu Fuß"
    assert phrases.spoken("✓ ♿  Stufenlose Route", "de") == "Stufenlose Route"
    assert phrases.spoken("↰", "de") == ""
    assert phrases.spoken("Montag 10:00–20:00", "de") == "Montag 10 bis 20 Uhr"
    assert phrases.spoken("350 м · 5 хв", "uk") == "350 метрів, 5 хвилин"
    assert "مترًا" in phrases.spoken("350 مترًا", "ar")
    # A distance is a number, not a phone number.
    assert phrases.spoken("350 m", "en") == "350 metres"
    assert phrases.spoken("Neustart in 10 s", "de") == "Neustart in 10 Sekunden"


def test_a_focused_item_says_its_role_state_and_place_in_the_list():
    item = phrases.Item("Apotheke am Markt · Geöffnet bis 20:00", role="button", position=3, count=12)
    assert phrases.item_sentence(item, "de") == "Apotheke am Markt, Geöffnet bis 20 Uhr, Schaltfläche, 3 von 12"
    switch = phrases.Item("✓ ♿  Step-free route", role="switch", state="on")
    assert phrases.item_sentence(switch, "en") == "Step-free route, switch, on"
    assert phrases.step_sentence(2, 5, "Turn left", "en") == "Step 2 of 5: Turn left"


def test_where_am_i_names_the_screen_and_the_terminal():
    said = phrases.where_sentences("Hilfe & Sicherheit", "Reinoldikirche", "Ostenhellweg 2, 44135 Dortmund", "de")
    assert said[0].startswith("Sie sind auf der Seite Hilfe & Sicherheit")
    assert "Reinoldikirche, Ostenhellweg 2, 4 4 1 3 5 Dortmund" not in said[1]  # a postcode is not dialled
    assert "Reinoldikirche" in said[1] and "44135" in said[1]


def test_every_new_sentence_is_translated_in_the_seven_languages():
    for lang in ("de", "tr", "ar", "uk", "pl", "nl"):
        guide = phrases.key_guide(lang)
        assert guide != phrases.key_guide("en"), lang
        assert phrases.item_sentence(phrases.Item("x", role="button"), lang) != "x, button", lang


def test_sentences_become_one_utterance_with_pauses():
    assert utterance(["Hilfe", "  Notruf: 1 1 2.", ""]) == "Hilfe. Notruf: 1 1 2."


def test_rate_and_volume_keys_move_in_steps_and_stop_at_the_ends():
    assert step(RATES, 170, +1) == 195
    assert step(RATES, 170, -1) == 150
    assert step(RATES, RATES[-1], +1) == RATES[-1]
    assert step(RATES, RATES[0], -1) == RATES[0]


@pytest.mark.parametrize(("name", "text", "command"), [
    ("up", None, "up"), ("numpad2", None, "down"), ("left", None, "back"), ("right", None, "select"),
    ("numpadenter", None, "enter"), ("f1", None, "help"), ("numpad0", None, "where"), ("numpadmul", None, "repeat"),
    ("numpadadd", None, "volume_up"), ("numpad3", None, "rate_down"), ("slash", "?", "help"),
    ("escape", None, None), ("a", "a", None),
])
def test_keypad_keys(name, text, command):
    assert command_for(name, text) == command


def test_keys_held_with_ctrl_or_alt_do_nothing():
    assert command_for("left", None, ["alt"]) is None
    assert command_for("f1", None, ["ctrl"]) is None


def test_headphone_switch_from_sysfs_capabilities():
    assert switch_bits("0 4") == 4
    assert has_headphone_switch("4")  # bit 2: SW_HEADPHONE_INSERT
    assert has_headphone_switch("d4")  # headphone, line-out, jack-physical
    assert not has_headphone_switch("1")  # a lid switch only


AMIXER_CONTROLS = """numid=11,iface=CARD,name='Headphone Jack'
numid=10,iface=CARD,name='Mic Jack'
numid=2,iface=MIXER,name='Master Playback Switch'
"""


def test_alsa_jack_controls_and_their_state():
    assert alsa_jack_names(AMIXER_CONTROLS) == ["Headphone Jack"]
    assert alsa_jack_on("numid=11,iface=CARD,name='Headphone Jack'\n  ; type=BOOLEAN,access=r-------,values=1\n"
                        "  : values=on\n")
    assert not alsa_jack_on("  : values=off\n")


def test_find_sources_reads_sysfs_and_alsa(tmp_path):
    caps = tmp_path / "input" / "event7" / "device" / "capabilities"
    caps.mkdir(parents=True)
    (caps / "sw").write_text("14\n")
    (tmp_path / "asound" / "card1").mkdir(parents=True)

    class Done:
        stdout = AMIXER_CONTROLS

    found = find_sources(tmp_path / "input", tmp_path / "asound", run=lambda *a, **k: Done())
    assert JackSource("alsa", "1", "Headphone Jack") in found
    # /dev/input/event7 is not readable here (or not there): it is left out with a warning, never a crash.
    assert all(source.kind == "alsa" for source in found) or any(s.where == "/dev/input/event7" for s in found)


def test_the_headphone_watch_reports_plugging_in_once_and_drops_a_jack_that_fails(caplog):
    from kiosk.speech.headphones import HeadphoneWatch

    class Jack:
        where = "card1"

        def __init__(self, states):
            self.states = list(states)

        def plugged(self):
            state = self.states.pop(0)
            if isinstance(state, Exception):
                raise state
            return state

    jack = Jack([False, False, True, True, False, True, OSError("gone")])
    watch = HeadphoneWatch([jack])  # the first reading: out
    assert [watch.plugged_in_now() for _ in range(5)] == [False, True, False, False, True]
    assert watch.plugged_in_now() is False and watch.sources == []
    assert "cannot be read any more" in caplog.text


def test_a_map_marker_says_its_name_kind_and_distance_and_a_group_its_count_in_the_language_s_plural():
    assert phrases.marker_sentence(["Reinoldikirche"], "Sehenswürdigkeit", "180 m", "de") == \
        "Reinoldikirche, Sehenswürdigkeit, 180 Meter von hier, Schaltfläche"
    assert phrases.marker_sentence(["A", "B"], "", "40 m", "de") == \
        "2 Orte dicht beieinander: A, B, 40 Meter von hier, Schaltfläche"
    # Polish and Ukrainian have a form for 2–4 and one for 5 and more; Arabic a dual.
    assert phrases.marker_sentence(list("ABCDE"), "", "40 m", "pl").startswith("5 miejsc blisko siebie")
    assert phrases.marker_sentence(list("AB"), "", "40 m", "pl").startswith("2 miejsca blisko siebie")
    assert phrases.marker_sentence(list("AB"), "", "40 m", "ar").startswith("مكانان متقاربان")
