"""What the official-warning providers (NINA, the DWD) have in common, and how their warnings become one list.

`CapWarningsPoller` keeps one provider's CAP state (kiosk/live/cap.py) with its Update, Cancel and
expiry rules, saves it after every good refresh so a terminal restarted offline goes on showing it,
and answers `views(at, lang)` without waiting. `WarningSources` runs the configured providers, each on
its own thread, and shows a warning that two of them carry (NINA relays the DWD's) once.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from kiosk.live.cap import CapMessage, WarningState, WarningView, most_severe_first, same_warning_key, warning_views
from kiosk.live.poller import BackgroundPoller
from sync.status import write_json_atomically

log = logging.getLogger(__name__)

class CapWarningsPoller(BackgroundPoller):
    """One provider of CAP warnings; a subclass's refresh() builds the new state and hands it to keep()."""

    def __init__(self, url: str, fetcher, *, state_file: Path | None = None, **kwargs) -> None:
        super().__init__(url, fetcher, **kwargs)
        self.state_file = state_file
        self._state = self._load_state()

    def _load_state(self) -> WarningState:
        """The warnings known before a restart: a terminal that comes back offline goes on showing them."""
        if self.state_file is None or not self.state_file.exists():
            return WarningState()
        try:
            return WarningState.from_json(json.loads(self.state_file.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("%s: the saved warnings in %s cannot be read (%s); starting without them.",
                        self.what, self.state_file, exc)
            return WarningState()

    def state_copy(self) -> WarningState:
        with self._lock:
            return WarningState(dict(self._state.messages), dict(self._state.ended))

    def keep(self, state: WarningState) -> None:
        """The new state after a good refresh: shown from now on, and saved for a restart."""
        with self._lock:
            self._state = state
        if self.state_file is not None:
            try:
                self.state_file.parent.mkdir(parents=True, exist_ok=True)
                write_json_atomically(self.state_file, state.to_json())
            except OSError as exc:  # showing the warnings matters more than remembering them
                log.warning("%s: cannot save the warnings to %s: %s.", self.what, self.state_file, exc)

    def active(self, at: datetime) -> list[CapMessage]:
        with self._lock:
            return self._state.active(at)

    def ended(self) -> set[str]:
        """The warnings this provider knows to be updated or cancelled, as their origin names them."""
        with self._lock:
            return set(self._state.ended)

    @property
    def confirmed_within(self) -> timedelta:
        """A warning not confirmed for three intervals says so on screen ("last confirmed at …")."""
        return timedelta(seconds=3 * self.interval_s)

    def views(self, at: datetime, lang: str) -> list[WarningView]:
        """What to show at `at` in `lang`."""
        return warning_views(self.active(at), at, lang, confirmed_within=self.confirmed_within)


class WarningSources:
    """The configured warning providers as one source for the screen and `kiosk warnings`.

    A warning two providers carry (NINA relays the DWD's warnings) is shown once: the copy confirmed
    last, the first provider's on a tie. A warning one provider knows to be updated or cancelled is
    not shown from another that still lists it (one of them lags behind the other).
    """

    def __init__(self, pollers: list[CapWarningsPoller]) -> None:
        self.pollers = pollers

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.pollers[0].clock

    @clock.setter
    def clock(self, clock: Callable[[], datetime]) -> None:
        for poller in self.pollers:
            poller.clock = clock

    def start(self) -> None:
        for poller in self.pollers:
            poller.start()

    def stop(self) -> None:
        for poller in self.pollers:
            poller.stop()

    def views(self, at: datetime, lang: str) -> list[WarningView]:
        ended = [poller.ended() for poller in self.pollers]
        chosen: dict[str, tuple[CapMessage, CapWarningsPoller]] = {}
        for index, poller in enumerate(self.pollers):
            others_ended = set().union(*(e for i, e in enumerate(ended) if i != index))
            for message in poller.active(at):
                key = same_warning_key(message.identifier)
                if key in others_ended:
                    continue
                held = chosen.get(key)
                if held is None or _later(message.last_confirmed, held[0].last_confirmed):
                    chosen[key] = (message, poller)
        where = {message.identifier: poller for message, poller in chosen.values()}
        return [view for message in most_severe_first([message for message, _ in chosen.values()])
                for view in warning_views([message], at, lang,
                                          confirmed_within=where[message.identifier].confirmed_within)]

def _later(one: datetime | None, other: datetime | None) -> bool:
    return one is not None and (other is None or one > other)
