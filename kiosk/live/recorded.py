"""The demo's live information: real recorded answers shipped in assets/demo/live, replayed with no
network and always labelled as example data on screen (assets/demo/live/README.md says where they
come from)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable

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
