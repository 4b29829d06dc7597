"""eSpeak NG (Debian package `espeak-ng`): offline voices for all seven UI languages. Each utterance
is one `espeak-ng` process whose WAV goes to `aplay` (or `paplay`), so a new key press can stop it at
once by ending both processes."""
from __future__ import annotations

import logging
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from kiosk.speech.engine import Voice, utterance

log = logging.getLogger("kiosk.speech")

COMMAND = "espeak-ng"
# The voice for each UI language (`espeak-ng --voices`); British English, as on the UI's en_GB dates.
VOICES = {"de": "de", "en": "en-gb", "tr": "tr", "ar": "ar", "uk": "uk", "pl": "pl", "nl": "nl"}
FALLBACK_VOICE = "en-gb"
# Players that read a WAV on standard input, in the order tried: ALSA first (a kiosk has no desktop).
PLAYERS = (("aplay", "-q"), ("paplay",))


@lru_cache(maxsize=1)
def installed_voices(command: str = COMMAND) -> frozenset[str]:
    """The languages eSpeak NG has voices for on this machine ('de', 'en-gb', ...); empty when it is missing."""
    try:
        listing = subprocess.run([command, "--voices"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.split()[1] for line in listing.splitlines()[1:] if len(line.split()) > 1)


def voice_for(lang: str, installed: frozenset[str] | None = None) -> str:
    """The eSpeak NG voice for a language: our choice for the UI languages, the language's own code
    for a city language eSpeak knows (fr), else British English (the UI's fallback words are English)."""
    base = lang.split("-")[0].lower()
    if base in VOICES:
        return VOICES[base]
    installed = installed_voices() if installed is None else installed
    return base if base in installed else FALLBACK_VOICE


class EspeakEngine:
    def __init__(self, command: str = COMMAND, players: Sequence[Sequence[str]] = PLAYERS):
        self.command = shutil.which(command)
        self.player = next((list(p) for p in players if shutil.which(p[0])), None)
        self._running: list[subprocess.Popen] = []
        self.problem = ""
        if self.command is None:
            self.problem = (f"The speech engine '{command}' is not installed, so the kiosk cannot speak "
                            f"(sudo apt-get install espeak-ng).")
            log.error(self.problem)
        elif self.player is None:
            log.warning("Neither aplay nor paplay is installed: eSpeak NG plays its speech itself.")

    def _arguments(self, voice: Voice) -> list[str]:
        # -b 1: the text on standard input is UTF-8 (Arabic, Ukrainian); --stdin: never read as options.
        return [self.command, "-v", voice_for(voice.lang), "-s", str(voice.rate), "-a", str(voice.volume),
                "-b", "1", "--stdin"]

    def speak(self, sentences: Sequence[str], voice: Voice) -> None:
        self.stop()
        text = utterance(sentences)
        if self.command is None or not text:
            return
        try:
            if self.player is None:
                speaker = subprocess.Popen(self._arguments(voice), stdin=subprocess.PIPE,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                self._running = [speaker]
            else:
                speaker = subprocess.Popen(self._arguments(voice) + ["--stdout"], stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                player = subprocess.Popen(self.player, stdin=speaker.stdout, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL)
                speaker.stdout.close()  # the player owns the pipe now: it sees the end when eSpeak ends
                self._running = [speaker, player]
            speaker.stdin.write(text.encode("utf-8"))
            speaker.stdin.close()
        except OSError as exc:
            log.error("Speaking failed (%s %s): %s", self.command, self.player, exc)
            self.stop()

    def stop(self) -> None:
        for process in self._running:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=2)
        self._running = []

    @property
    def speaking(self) -> bool:
        return any(process.poll() is None for process in self._running)

    def render(self, sentences: Sequence[str], voice: Voice, path: Path) -> Path:
        if self.command is None:
            raise RuntimeError(self.problem)
        path = Path(path)
        done = subprocess.run(self._arguments(voice) + ["-w", str(path)], input=utterance(sentences).encode("utf-8"),
                              capture_output=True, timeout=60)
        if done.returncode != 0 or not path.exists():
            raise RuntimeError(f"espeak-ng could not write {path}: {done.stderr.decode(errors='replace').strip()}")
        return path
