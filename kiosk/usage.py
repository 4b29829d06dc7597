"""Anonymous usage counts per hour: what visitors use, never who they are or what they typed.

The UI calls one method per thing that happened, with the instant it happened. Counts live in
memory for the current hour only; when an event (or `tick`) arrives in a later hour, or at
shutdown (`flush`), the finished hour goes to `sink(payload, at)` (the outbox, as kind "usage").
There is deliberately no argument for search text, place ids or touch positions: what is never
recorded cannot leak.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone
from typing import Any, Callable

Sink = Callable[[dict[str, Any], datetime], None]
# Names come from code (screen and language identifiers), never from what a visitor typed.
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
COUNTERS = ("searches", "routes", "qr_codes", "idle_resets")


def hour_start(at: datetime) -> datetime:
    """The UTC hour an instant falls in: the only time a count carries."""
    if at.tzinfo is None:
        raise ValueError("Usage counts need an aware instant; pass the app's clock (UTC).")
    return at.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)


class UsageCounters:
    """One per terminal, used from the UI thread only."""

    def __init__(self, kiosk_id: str, sink: Sink):
        self.kiosk_id = kiosk_id
        self.sink = sink
        self._hour: datetime | None = None
        self._screens: Counter[str] = Counter()
        self._languages: Counter[str] = Counter()
        self._counts: Counter[str] = Counter()

    # What the UI reports ------------------------------------------------------------

    def screen_opened(self, screen: str, at: datetime) -> None:
        screen = _checked_name(screen, "screen")
        self._roll(at)
        self._screens[screen] += 1

    def language_chosen(self, language: str, at: datetime) -> None:
        if not LANGUAGE_PATTERN.match(language):
            raise ValueError(f"'{language}' is not a language code such as 'de' or 'uk'.")
        self._roll(at)
        self._languages[language] += 1

    def search_made(self, at: datetime) -> None:
        """A search was run; its text is not an argument on purpose."""
        self._roll(at)
        self._counts["searches"] += 1

    def route_asked(self, at: datetime) -> None:
        self._roll(at)
        self._counts["routes"] += 1

    def qr_shown(self, at: datetime) -> None:
        self._roll(at)
        self._counts["qr_codes"] += 1

    def idle_reset(self, at: datetime) -> None:
        self._roll(at)
        self._counts["idle_resets"] += 1

    def tick(self, at: datetime) -> None:
        """Hand over a finished hour even when nobody touched the screen since (call every minute or so)."""
        if self._hour is not None and hour_start(at) != self._hour:
            self.flush(at)

    def flush(self, at: datetime) -> dict[str, Any] | None:
        """Send the counts so far to the sink (at shutdown, or when the hour ended); returns them."""
        if self._hour is None:
            return None
        payload = self.snapshot()
        self._hour = None
        self._screens.clear()
        self._languages.clear()
        self._counts.clear()
        if payload is not None:
            self.sink(payload, at)
        return payload

    def snapshot(self) -> dict[str, Any] | None:
        """The current hour's counts, or None when nothing happened."""
        if self._hour is None or not (self._screens or self._languages or +self._counts):
            return None
        return {
            "kiosk_id": self.kiosk_id,
            "hour": self._hour.isoformat(),
            "screens": dict(sorted(self._screens.items())),
            "languages": dict(sorted(self._languages.items())),
            **{name: self._counts[name] for name in COUNTERS},
        }

    # ------------------------------------------------------------------------------

    def _roll(self, at: datetime) -> None:
        hour = hour_start(at)
        if self._hour is not None and hour != self._hour:
            self.flush(at)
        if self._hour is None:
            self._hour = hour


def _checked_name(name: str, what: str) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise ValueError(f"'{name}' is not a {what} name (lower-case letters, digits and _); counts carry no free text.")
    return name
