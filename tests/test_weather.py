"""The weather: real Bright Sky answers (tests/fixtures/weather, README there: source and licence)
replayed by a server on 127.0.0.1; shown while fresh, hidden when old; a timeout, a 500 and
malformed JSON keep the last good weather. Every instant is passed in."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from kiosk.config import ConfigError, from_mapping, weather_poller
from kiosk.live import LiveDataError
from kiosk.live.brightsky import BrightSkyPoller
from kiosk.live.recorded import RecordedWeather
from kiosk.live.weather import parse_current, parse_hours, weather_view
from sync.fetch import Fetcher
from tests.live_kit import LocalProvider

FIXTURES = Path(__file__).parent / "fixtures" / "weather"
CURRENT = (FIXTURES / "brightsky_current_weather.json").read_bytes()
HOURLY = (FIXTURES / "brightsky_weather.json").read_bytes()
# The recorded forecast starts 23 March 2026 14:00 UTC; the observation is from 18 September 2025.
FORECAST_DAY = datetime.fromisoformat("2026-03-23T13:40:00+00:00")
OBSERVED = datetime.fromisoformat("2025-09-18T13:30:00+00:00")


class BrightSky(LocalProvider):
    """/current_weather and /weather; `answers` lists (status, body, headers) or None (hang) per request."""

    def __init__(self) -> None:
        self.answers: list = []
        self.asked: list[str] = []
        super().__init__(self._respond)

    def _respond(self, path: str):
        self.asked.append(path)
        if self.answers:
            return self.answers.pop(0)
        body = CURRENT if path.startswith("/current_weather") else HOURLY
        return 200, body, {"Content-Type": "application/json"}


@pytest.fixture
def brightsky():
    served = BrightSky()
    yield served
    served.close()


def poller_for(server: BrightSky, timeout_s: float = 0.5) -> BrightSkyPoller:
    fetcher = Fetcher(allow_insecure_http=True, connect_timeout_s=timeout_s, read_timeout_s=timeout_s)
    return BrightSkyPoller(server.url, 51.5141, 7.4682, fetcher, interval_s=600, rand=lambda: 1.0)


def test_the_recorded_answers_read_as_weather():
    now, station = parse_current(CURRENT, source="api.brightsky.dev")
    assert (now.temperature_c, now.kind, now.at, station) == (19.7, "cloudy", OBSERVED, "Berlin-Tempelhof")
    hours = parse_hours(HOURLY, source="api.brightsky.dev")
    assert [h.at.hour for h in hours] == [14, 15, 16, 17, 18, 19, 20]
    assert (hours[4].temperature_c, hours[4].kind, hours[4].precipitation_probability) == (18.6, "partly-cloudy", 26)


def test_weather_is_fetched_for_the_position_and_shown_then_hidden_when_stale(brightsky):
    poller = poller_for(brightsky)
    poller.poll_once(FORECAST_DAY)
    current_path, hours_path = brightsky.asked
    assert current_path.startswith("/current_weather?") and parse_qs(urlparse(current_path).query)["lat"] == ["51.5141"]
    query = parse_qs(urlparse(hours_path).query)
    assert query["date"] == ["2026-03-23T13:00:00+00:00"] and query["last_date"] == ["2026-03-23T21:00:00+00:00"]
    weather = poller.latest()
    # The observation in the recording is months older than its forecast: on the forecast's day it is
    # far too old to be "now", so only the coming hours are shown.
    shown = weather_view(weather, FORECAST_DAY)
    assert shown.current is None and [h.at.hour for h in shown.hours] == [14, 15, 16, 17]
    # At the hour the observation was made it is shown, with its age.
    recent = weather_view(weather.__class__(weather.current, weather.hours, received_at=OBSERVED), OBSERVED + timedelta(minutes=20))
    assert recent.current.temperature_c == 19.7 and recent.observed_age_s == 1200 and recent.hours == ()
    # Hours that have passed drop out; a fetch older than the limit hides the forecast too.
    assert [h.at.hour for h in weather_view(weather, FORECAST_DAY + timedelta(hours=1)).hours] == [15, 16, 17, 18]
    assert weather_view(weather, FORECAST_DAY + timedelta(minutes=91)) is None
    assert weather_view(weather, FORECAST_DAY + timedelta(minutes=91), max_age=timedelta(hours=3)) is not None
    poller.fetcher.close()


def test_a_500_with_retry_after_keeps_the_last_weather_and_waits(brightsky, caplog):
    poller = poller_for(brightsky)
    poller.poll_once(FORECAST_DAY)
    brightsky.answers = [(500, b"Internal Server Error", {"Retry-After": "1200"})]
    delay = poller.poll_once(FORECAST_DAY + timedelta(minutes=10))
    assert delay == pytest.approx(1800)  # never before Retry-After, plus jitter up to the interval
    assert "answered 500" in poller.last_problem and "Keeping the last good state" in caplog.text
    assert poller.latest().received_at == FORECAST_DAY
    poller.fetcher.close()


def test_a_timeout_is_a_sentence_and_backs_off(brightsky):
    poller = poller_for(brightsky, timeout_s=0.3)
    brightsky.answers = [None, None]
    first = poller.poll_once(FORECAST_DAY)
    second = poller.poll_once(FORECAST_DAY)
    assert (first, second) == (600, 900)  # the interval, then doubled but capped at 15 min
    assert "stopped answering for more than 0.3 s" in poller.last_problem
    assert poller.latest() is None
    poller.fetcher.close()


@pytest.mark.parametrize("body, problem", [
    (b'{"weather": {"timestamp": "2025-09-18T13:30:00+00:00"', "is not JSON"),
    (b"<html>Bad gateway</html>", "is not JSON"),
    (b'{"error": "not found"}', "it is not a Bright Sky answer"),
    (b'{"weather": {"timestamp": "yesterday", "temperature": 3}}', "not a date-time"),
    (b'{"weather": {"timestamp": "2025-09-18T13:30:00+00:00", "temperature": null, "icon": null}}',
     "neither a temperature nor an icon"),
])
def test_garbage_is_logged_and_ignored(brightsky, body, problem):
    poller = poller_for(brightsky)
    poller.poll_once(FORECAST_DAY)
    brightsky.answers = [(200, body, {"Content-Type": "application/json"})]
    poller.poll_once(FORECAST_DAY + timedelta(minutes=10))
    assert problem in poller.last_problem and "127.0.0.1" in poller.last_problem
    assert poller.latest().received_at == FORECAST_DAY  # the last good weather stays
    with pytest.raises(LiveDataError):
        parse_current(body, source="api.brightsky.dev")
    poller.fetcher.close()


def test_the_hourly_answer_must_be_a_list():
    with pytest.raises(LiveDataError, match="not a list of hours"):
        parse_hours(json.dumps({"weather": {"timestamp": "2026-03-23T14:00:00+00:00"}}).encode(), source="x")


def test_the_weather_is_off_unless_configured_and_its_settings_are_checked():
    assert weather_poller(from_mapping({})) is None
    poller = weather_poller(from_mapping({"weather_url": "https://api.brightsky.dev", "weather_lat": 51.514,
                                          "weather_lon": 7.468}))
    assert poller.urls(FORECAST_DAY)[0] == "https://api.brightsky.dev/current_weather?lat=51.5140&lon=7.4680"
    poller.fetcher.close()
    with pytest.raises(ConfigError, match="'weather_lat' and 'weather_lon' must give the terminal's position"):
        from_mapping({"weather_url": "https://api.brightsky.dev"})
    with pytest.raises(ConfigError, match="'weather_url' must be an https:// address"):
        from_mapping({"weather_url": "ftp://api.brightsky.dev", "weather_lat": 51.5, "weather_lon": 7.4})
    with pytest.raises(ConfigError, match="'weather_lat' is 151.5, but must be between -90 and 90"):
        from_mapping({"weather_url": "https://api.brightsky.dev", "weather_lat": 151.5, "weather_lon": 7.4})
    with pytest.raises(ConfigError, match="'weather_max_age_s' is 5, but must be between 600 and"):
        from_mapping({"weather_max_age_s": 5})


def test_the_demo_replays_recorded_weather_as_example_data_for_the_coming_hours():
    now = datetime.fromisoformat("2026-11-26T17:30:00+01:00")
    demo = RecordedWeather(lambda: now)
    shown = weather_view(demo.latest(), now)
    assert shown.example is True  # the screen says "example data", never that it is the weather now
    # The observation keeps the moment it was recorded: the screen gives that day instead of "now".
    assert shown.recorded_at == datetime.fromisoformat("2025-09-18T13:30:00+00:00")
    assert shown.as_json()["recorded_at"] == "2025-09-18T13:30:00+00:00"
    assert shown.current.temperature_c == 19.7
    assert [h.at for h in shown.hours][:2] == [now.replace(minute=0) + timedelta(hours=1),
                                               now.replace(minute=0) + timedelta(hours=2)]


def test_kiosk_weather_fetches_once_and_prints_what_a_terminal_would_show(brightsky, tmp_path):
    from click.testing import CliRunner

    from kiosk.cli import main as kiosk_main

    config = tmp_path / "kiosk.toml"
    config.write_text(f'allow_insecure_http = true\nweather_url = "{brightsky.url}"\n'
                      "weather_lat = 51.514\nweather_lon = 7.468\n", encoding="utf-8")
    shown = CliRunner().invoke(kiosk_main, ["--config", str(config), "weather", "--at", "2026-03-23T13:40+00:00"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[0] == "2026-03-23T14:00:00+00:00  19.6 °C  cloudy  rain 17 %"
    stale = CliRunner().invoke(kiosk_main, ["--config", str(config), "weather", "--at", "2026-03-25T13:40+00:00",
                                            "--json"])
    assert json.loads(stale.output) is None  # two days later nothing of it is fresh
    off = tmp_path / "off.toml"
    off.write_text("", encoding="utf-8")
    assert "No weather is configured" in CliRunner().invoke(kiosk_main, ["--config", str(off), "weather"]).output
