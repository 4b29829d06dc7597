"""What the kiosk needs from a speech engine, so a better one can replace eSpeak NG without touching
the screens: speak sentences in a language at a rate and volume, stop, and render to a WAV file."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

# Words per minute and loudness steps the rate and volume keys move through; the middle is the default.
RATES = (110, 130, 150, 170, 195, 225, 260, 300)
VOLUMES = (40, 60, 80, 100, 120, 150, 180)
DEFAULT_RATE = 170
DEFAULT_VOLUME = 100


@dataclass(frozen=True)
class Voice:
    """How to speak: the visitor's language, words per minute, loudness (100 = the engine's normal)."""

    lang: str
    rate: int = DEFAULT_RATE
    volume: int = DEFAULT_VOLUME


class SpeechEngine(Protocol):
    #: A sentence for the log and the screen when it cannot speak (not installed, no audio), else "".
    problem: str

    def speak(self, sentences: Sequence[str], voice: Voice) -> None:
        """Start speaking at once, interrupting whatever is being spoken; never blocks the UI."""

    def stop(self) -> None:
        """Silence, now."""

    def render(self, sentences: Sequence[str], voice: Voice, path: Path) -> Path:
        """Write the speech to a WAV file (for tests and for checking a terminal's voices)."""


def step(values: Sequence[int], current: int, direction: int) -> int:
    """The next value up (+1) or down (-1) from `current`, staying within `values`."""
    below = [v for v in values if v < current]
    above = [v for v in values if v > current]
    if direction > 0:
        return above[0] if above else values[-1]
    return below[-1] if below else values[0]


def utterance(sentences: Sequence[str]) -> str:
    """Sentences as one text, each ending in a full stop so the engine pauses between them."""
    parts = []
    for sentence in sentences:
        sentence = " ".join(sentence.split())
        if not sentence:
            continue
        parts.append(sentence if sentence[-1] in ".!?:;,。؟" else sentence + ".")
    return " ".join(parts)
