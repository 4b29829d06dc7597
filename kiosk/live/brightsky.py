"""The weather for the terminal's position from the Bright Sky API (DWD open data), off the UI thread.

One refresh asks `{url}/current_weather` and `{url}/weather` for the next hours; either failing keeps
the last good weather, which kiosk/live/weather.py hides once it is too old.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from kiosk.live.poller import BackgroundPoller
from kiosk.live.weather import Weather, parse_current, parse_hours
from sync.fetch import Fetcher, host_of

MAX_BYTES = 512 * 1024  # a day of hourly records is about 15 KiB
FORECAST_HOURS = 8


class BrightSkyPoller(BackgroundPoller):
    """The latest weather at (`lat`, `lon`) from a Bright Sky server at `url` (e.g. https://api.brightsky.dev)."""

    what = "Weather"

    def __init__(self, url: str, lat: float, lon: float, fetcher: Fetcher, **kwargs) -> None:
        super().__init__(url.rstrip("/"), fetcher, **kwargs)
        self.lat, self.lon = lat, lon
        self._latest: Weather | None = None

    def latest(self) -> Weather | None:
        """The newest good weather, or None; never waits for a fetch."""
        with self._lock:
            return self._latest

    def urls(self, now: datetime) -> tuple[str, str]:
        place = {"lat": f"{self.lat:.4f}", "lon": f"{self.lon:.4f}"}
        hour = now.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)
        hours = {**place, "date": hour.isoformat(), "last_date": (hour + timedelta(hours=FORECAST_HOURS)).isoformat()}
        return f"{self.url}/current_weather?{urlencode(place)}", f"{self.url}/weather?{urlencode(hours)}"

    def refresh(self, now: datetime) -> None:
        current_url, hours_url = self.urls(now)
        current = self.fetcher.get(current_url, what="the current weather", limit=MAX_BYTES, now=now)
        reading, station = parse_current(current.body or b"", source=host_of(current_url))
        hourly = self.fetcher.get(hours_url, what="the hourly weather", limit=MAX_BYTES, now=now)
        hours = parse_hours(hourly.body or b"", source=host_of(hours_url))
        with self._lock:
            self._latest = Weather(reading, hours, received_at=now, station=station)
