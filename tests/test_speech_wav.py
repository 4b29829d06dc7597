"""Speech through the real eSpeak NG (kiosk/speech/espeak.py), rendered to WAV files: not mocked.
The test machine has the Debian package espeak-ng (tools/setup.sh installs it)."""
from __future__ import annotations

import math
import wave
from array import array
from pathlib import Path

import pytest

from kiosk.speech.engine import Voice
from kiosk.speech.espeak import VOICES, EspeakEngine, installed_voices, voice_for

# One sentence each, as the kiosk would say them (phrases.py), in the seven UI languages.
SENTENCES = {
    "de": "Apotheke am Markt, geöffnet bis 20 Uhr, Schaltfläche, 3 von 12.",
    "en": "Pharmacy at the market, open until 20 hours, button, 3 of 12.",
    "tr": "Pazar eczanesi, saat 20'ye kadar açık, düğme, 3 / 12.",
    "ar": "صيدلية السوق، مفتوحة حتى الساعة 20، زر، 3 من 12.",
    "uk": "Аптека на ринку, відчинено до 20 години, кнопка, 3 з 12.",
    "pl": "Apteka przy rynku, otwarte do 20, przycisk, 3 z 12.",
    "nl": "Apotheek aan de markt, open tot 20 uur, knop, 3 van 12.",
}
SILENCE_RMS = 300  # of 32767: eSpeak's speech is around 2,000-6,000, its silence 0


def samples(path: Path) -> tuple[array, int]:
    with wave.open(str(path)) as wav:
        assert wav.getsampwidth() == 2 and wav.getnchannels() == 1
        data = array("h", wav.readframes(wav.getnframes()))
        return data, wav.getframerate()


def rms(data: array) -> float:
    return math.sqrt(sum(v * v for v in data) / max(1, len(data)))


def seconds(path: Path) -> float:
    data, rate = samples(path)
    return len(data) / rate


@pytest.fixture(scope="module")
def engine():
    engine = EspeakEngine()
    assert engine.problem == "", engine.problem  # espeak-ng must be installed where the tests run
    return engine


def test_every_ui_language_has_its_voice_installed():
    assert set(VOICES.values()) <= installed_voices()


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_each_language_speaks_a_sentence_aloud_for_a_plausible_time(engine, lang, tmp_path):
    wav = engine.render([SENTENCES[lang]], Voice(lang), tmp_path / f"{lang}.wav")
    data, rate = samples(wav)
    assert rms(data) > SILENCE_RMS, f"{lang}: the speech is silent"
    length = len(data) / rate
    chars = len(SENTENCES[lang])
    # About 12-15 characters a second at the default rate: a sentence of 55 characters takes 2-8 s.
    assert 0.03 * chars < length < 0.2 * chars, f"{lang}: {length:.1f} s for {chars} characters"


@pytest.mark.parametrize("lang", ["ar", "uk", "de"])
def test_the_language_is_spoken_in_its_own_voice_not_spelled_by_another(engine, lang, tmp_path):
    """A voice that does not know a language spells it letter by letter ("Arabic alif, Arabic lam…"),
    which takes several times longer: the right voice reads the words."""
    assert engine._arguments(Voice(lang))[1:3] == ["-v", VOICES[lang]]
    own = seconds(engine.render([SENTENCES[lang]], Voice(lang), tmp_path / "own.wav"))
    other = "en-gb" if lang != "en" else "de"
    wrong = EspeakEngine()
    wrong._arguments = lambda voice: [wrong.command, "-v", other, "-s", "170", "-a", "100", "-b", "1", "--stdin"]
    spelled = seconds(wrong.render([SENTENCES[lang]], Voice(lang), tmp_path / "other.wav"))
    if lang == "de":
        assert spelled != own  # an English voice reads German words differently, but reads them
    else:
        assert spelled > 1.8 * own, f"{lang}: {own:.1f} s in its voice, {spelled:.1f} s spelled"


def test_rate_and_volume_keys_change_the_speech(engine, tmp_path):
    text = [SENTENCES["de"]]
    normal = engine.render(text, Voice("de"), tmp_path / "n.wav")
    fast = engine.render(text, Voice("de", rate=300), tmp_path / "f.wav")
    quiet = engine.render(text, Voice("de", volume=40), tmp_path / "q.wav")
    assert seconds(fast) < 0.75 * seconds(normal)
    assert rms(samples(quiet)[0]) < 0.6 * rms(samples(normal)[0])


def test_several_sentences_take_longer_than_one(engine, tmp_path):
    one = seconds(engine.render(["Notruf: 1 1 2."], Voice("de"), tmp_path / "1.wav"))
    two = seconds(engine.render(["Notruf: 1 1 2.", "Polizei: 1 1 0."], Voice("de"), tmp_path / "2.wav"))
    assert two > 1.6 * one


def test_a_city_language_without_ui_words_uses_its_espeak_voice():
    assert voice_for("fr", frozenset({"fr", "en-gb"})) == "fr"
    assert voice_for("xx", frozenset({"fr", "en-gb"})) == "en-gb"
    assert voice_for("ar") == "ar"


def test_without_espeak_the_engine_says_so_and_stays_silent(tmp_path, caplog):
    engine = EspeakEngine(command="espeak-ng-is-not-installed-here")
    assert "not installed" in engine.problem and "espeak-ng" in engine.problem
    assert "cannot speak" in caplog.text
    engine.speak(["Hallo"], Voice("de"))  # nothing happens, nothing breaks
    engine.stop()
    with pytest.raises(RuntimeError, match="not installed"):
        engine.render(["Hallo"], Voice("de"), tmp_path / "x.wav")


def test_speaking_plays_through_a_player_and_stops_at_once(tmp_path):
    """The player is a real process reading eSpeak's WAV from a pipe (here `cat` into a file, as the
    test machine has no sound card); stop() ends both."""
    out = tmp_path / "played.wav"
    engine = EspeakEngine(players=[("sh", "-c", f"cat > {out}")])
    engine.player = ["sh", "-c", f"cat > {out}"]
    engine.speak([SENTENCES["de"]], Voice("de"))
    for process in engine._running:
        process.wait(timeout=20)
    assert rms(samples(out)[0]) > SILENCE_RMS
    engine.speak([SENTENCES["de"]] * 20, Voice("de"))
    engine.stop()
    assert not engine.speaking
