"""The demo's live information: real recorded answers shipped in assets/demo/live, replayed with no
network and always labelled as example data on screen, with the day they were recorded
(assets/demo/live/README.md says where they come from)."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Callable

from kiosk.live.cap import WarningView, parse_cap
from kiosk.live.weather import Weather, parse_current, parse_hours, shifted
from sync.demo import DEMO_DIR

RECORDED = DEMO_DIR / "live"


class RecordedWeather:
    """A Bright Sky answer recorded once, moved to the coming hours: the weather poller's stand-in in demo mode."""

    def __init__(self, clock: Callable[[], datetime], folder: Path = RECORDED) -> None:
        self.clock = clock
        source = "the demo's recorded weather"
        current, station = parse_current((folder / "brightsky_current_weather.json").read_bytes(), source=source)
        hours = parse_hours((folder / "brightsky_weather.json").read_bytes(), source=source)
        self._weather = Weather(current, hours, received_at=current.at, station=station, example=True)

    def latest(self) -> Weather:
        return shifted(self._weather, self.clock())

    def start(self) -> None:
        """Nothing to fetch."""

    def stop(self) -> None:
        """Nothing to stop."""


class RecordedWarning:
    """A real DWD gale warning relayed by NINA, recorded once: the warnings poller's stand-in in demo mode
    (the demo setting `demo_example_warning`). It is current at whatever moment is asked, never takes
    over the screen whatever its severity, gives no "until" (that would be invented), and carries the
    day it was sent, for the banner's "Example of an official warning (recorded …)"."""

    def __init__(self, clock: Callable[[], datetime], folder: Path = RECORDED) -> None:
        self.clock = clock
        doc = json.loads((folder / "nina_warning_dwd.json").read_text(encoding="utf-8"))
        self._message = parse_cap(doc, source="the demo's recorded warning")

    def views(self, at: datetime, lang: str) -> list[WarningView]:
        message = self._message
        info, own = message.text(lang)
        return [WarningView(message.identifier, info.headline, info.description, info.instruction, own,
                            takeover=False, severity=message.severity, provider=message.provider, expires=None,
                            last_confirmed=at, unconfirmed=False, example_recorded=message.sent)]

    def start(self) -> None:
        """Nothing to fetch."""

    def stop(self) -> None:
        """Nothing to stop."""
