"""The weather now and in the next hours: the Deutscher Wetterdienst's observations and MOSMIX
forecasts, as the Bright Sky API serves them (`/current_weather` and `/weather`).

What is shown is decided here, with the instant passed in: an observation older than the set age is
hidden, and so are forecasts fetched longer ago than that; hours already past are never shown.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from kiosk.live import LiveDataError

MAX_AGE = timedelta(minutes=90)
HOURS_SHOWN = 4
AHEAD = timedelta(hours=12)  # "the next hours": a forecast for later than this is not what a passer-by asks
# Bright Sky's icon names (https://brightsky.dev/docs/): the kind of weather, day and night alike.
KINDS = {
    "clear-day": "clear", "clear-night": "clear", "partly-cloudy-day": "partly-cloudy",
    "partly-cloudy-night": "partly-cloudy", "cloudy": "cloudy", "fog": "fog", "wind": "wind", "rain": "rain",
    "sleet": "sleet", "snow": "snow", "hail": "hail", "thunderstorm": "thunderstorm",
}


@dataclass(frozen=True)
class Reading:
    """One observation or one hour's forecast."""

    at: datetime
    temperature_c: float | None
    kind: str | None  # one of KINDS' values, or None when the provider did not say
    precipitation_probability: int | None = None  # forecasts only, in per cent


@dataclass(frozen=True)
class Weather:
    """What one refresh brought: the observation, the hourly forecast, when it arrived, where it was measured."""

    current: Reading | None
    hours: tuple[Reading, ...]
    received_at: datetime
    station: str = ""
    example: bool = False  # recorded data replayed in demo mode: the screen says so
    recorded_at: datetime | None = None  # the example's observation as recorded, before it was moved


@dataclass(frozen=True)
class WeatherView:
    """What the screen shows at an instant; None instead of this when there is nothing fresh enough."""

    current: Reading | None
    hours: tuple[Reading, ...]
    station: str
    example: bool
    observed_age_s: int | None = field(default=None)
    recorded_at: datetime | None = None  # the example's: the screen gives this date instead of "now"

    def as_json(self) -> dict[str, Any]:
        def reading(r: Reading) -> dict[str, Any]:
            return {"at": r.at.isoformat(), "temperature_c": r.temperature_c, "kind": r.kind,
                    "precipitation_probability": r.precipitation_probability}

        return {"current": reading(self.current) if self.current else None, "hours": [reading(h) for h in self.hours],
                "station": self.station, "example": self.example, "observed_age_s": self.observed_age_s,
                "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _reading(record: Any, where: str) -> Reading:
    if not isinstance(record, dict):
        raise LiveDataError(f"{where} is not a JSON object.")
    try:
        at = datetime.fromisoformat(str(record.get("timestamp")))
    except ValueError:
        raise LiveDataError(f"{where} has the timestamp {record.get('timestamp')!r}, not a date-time.") from None
    if at.tzinfo is None:
        raise LiveDataError(f"{where} has the timestamp {record['timestamp']!r} without an offset.")
    probability = _number(record.get("precipitation_probability"))
    return Reading(at, _number(record.get("temperature")), KINDS.get(record.get("icon")),
                   round(probability) if probability is not None else None)


def _document(body: bytes, source: str, what: str) -> dict:
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise LiveDataError(f"The answer from {source} for {what} is not JSON: {exc}.") from None
    if not isinstance(doc, dict) or "weather" not in doc:
        raise LiveDataError(f"The answer from {source} for {what} has no 'weather'; it is not a Bright Sky answer.")
    return doc


def _station(doc: dict) -> str:
    sources = doc.get("sources")
    first = sources[0] if isinstance(sources, list) and sources and isinstance(sources[0], dict) else {}
    return str(first.get("station_name") or "")


def parse_current(body: bytes, *, source: str) -> tuple[Reading, str]:
    """Bright Sky's /current_weather: the latest observation and the station's name."""
    doc = _document(body, source, "the current weather")
    reading = _reading(doc["weather"], f"The current weather from {source}")
    if reading.temperature_c is None and reading.kind is None:
        raise LiveDataError(f"The current weather from {source} has neither a temperature nor an icon.")
    return reading, _station(doc)


def parse_hours(body: bytes, *, source: str) -> tuple[Reading, ...]:
    """Bright Sky's /weather: one record an hour, in time order."""
    doc = _document(body, source, "the hourly weather")
    if not isinstance(doc["weather"], list):
        raise LiveDataError(f"The hourly weather from {source} is not a list of hours.")
    readings = [_reading(record, f"Hour {index + 1} of the hourly weather from {source}")
                for index, record in enumerate(doc["weather"])]
    return tuple(sorted(readings, key=lambda r: r.at))


def weather_view(weather: Weather | None, at: datetime, *, max_age: timedelta = MAX_AGE,
                 hours: int = HOURS_SHOWN) -> WeatherView | None:
    """The part of `weather` still worth showing at `at`, or None: old weather is hidden, never shown as now."""
    if weather is None:
        return None
    fresh_fetch = weather.example or at - weather.received_at <= max_age
    current = weather.current
    if current is not None and not weather.example and at - current.at > max_age:
        current = None
    # An hour's forecast is shown from the hour it covers on, so the first one is the coming hour.
    coming = tuple(r for r in weather.hours if at < r.at <= at + AHEAD)[:hours] if fresh_fetch else ()
    if current is None and not coming:
        return None
    age = max(0, int((at - current.at).total_seconds())) if current is not None else None
    return WeatherView(current, coming, weather.station, weather.example, age, weather.recorded_at)


def shifted(weather: Weather, at: datetime) -> Weather:
    """Recorded weather moved so its first forecast hour is the hour after `at`: the demo's example data,
    remembering when its observation was recorded (the screen says that date, never "now")."""
    if weather.recorded_at is None and weather.current is not None:
        weather = replace(weather, recorded_at=weather.current.at)
    if not weather.hours:
        return replace(weather, received_at=at, example=True)
    first = at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    offset = first - weather.hours[0].at
    return replace(weather, received_at=at, example=True,
                   hours=tuple(replace(r, at=r.at + offset) for r in weather.hours),
                   current=replace(weather.current, at=at) if weather.current is not None else None)
