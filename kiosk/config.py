"""Terminal settings: a TOML file (--config, KIOSK_CONFIG, /etc/kiosk/kiosk.toml) or the demo defaults."""
from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import platformdirs

SYSTEM_CONFIG = Path("/etc/kiosk/kiosk.toml")
# All the DWD's current warnings for Germany's municipalities, one CAP XML file each, in eight languages.
DWD_WARNINGS_URL = ("https://opendata.dwd.de/weather/alerts/cap/COMMUNEUNION_DWD_STAT/"
                    "Z_CAP_C_EDZW_LATEST_PVW_STATUS_PREMIUMDWD_COMMUNEUNION_MUL.zip")
KIOSK_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}\Z")  # the feed's id pattern (docs/feed-format.md)
SCREEN_SIZE = re.compile(r"([0-9]{3,4})x([0-9]{3,4})\Z", re.ASCII)
UI_LOCALES = ["de", "en", "tr", "ar", "uk", "pl", "nl"]


class ConfigError(Exception):
    """The configuration file has a problem; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    kiosk_id: str = "reinoldikirche"
    feed_url: str | None = None  # None: demo mode, the bundled demo feed
    public_keys: list[str] = field(default_factory=list)
    allow_insecure_http: bool = False
    data_dir: str | None = None
    sync_interval_s: int = 300
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    idle_timeout_s: int = 60
    locales: list[str] = field(default_factory=lambda: list(UI_LOCALES))
    default_locale: str = "de"
    fullscreen: bool = False
    orientation: str = "portrait"
    screen_size: str = "1080x1920"
    screen_diagonal_in: float = 27.0
    walking_speed_kmh: float = 4.5
    step_free_speed_kmh: float = 3.0
    prometheus_file: str | None = None
    feedback_url: str | None = None
    usage_url: str | None = None
    heartbeat_url: str | None = None
    fleet_token: str | None = None
    admin_pin_hash: str | None = None
    night_mode: str | None = None  # e.g. "22:00-06:00"
    share_page_url: str | None = None  # the take-along page instead of the feed's share.page_url
    # Live departures: a GTFS-Realtime TripUpdates URL; None means timetable only (docs/live.md).
    trip_updates_url: str | None = None
    # Live departures from an EFA departure monitor (e.g. https://efa.vrr.de/standard/XML_DM_REQUEST); None: off.
    efa_url: str | None = None
    live_interval_s: int = 30
    live_timeout_s: float = 5.0
    live_max_age_s: int = 300  # older predictions are not shown: the timetable is, labelled as such
    # Official warnings: the NINA service's base URL and the region's 12-digit Regionalschlüssel; off without a URL.
    warnings_url: str | None = None
    warnings_ars: str | None = None
    warnings_interval_s: int = 120
    # The DWD's own weather warnings for one 9-digit warn cell (Dortmund: 805913000); off without a cell.
    dwd_warn_cell: str | None = None
    dwd_warnings_url: str = DWD_WARNINGS_URL
    # Demo mode only (no feed_url, no warnings_url): a recorded warning as a banner headed "Example of an
    # official warning (recorded …)", so a newcomer sees what a warning looks like; false to leave it out.
    demo_example_warning: bool = True
    # The desk's emergency notices (docs/emergency.md): alerts.json beside the feed unless set ("" for none).
    alerts_url: str | None = None
    alert_interval_s: int = 15
    # The weather from a Bright Sky server (DWD open data) for one position; off without a URL.
    weather_url: str | None = None
    weather_lat: float | None = None
    weather_lon: float | None = None
    weather_interval_s: int = 600
    weather_max_age_s: int = 5400  # older observations and forecasts are hidden, never shown as now
    # Destinations at least this many minutes' walk away get "or take U43 from …" on the route screen.
    transit_hint_walk_min: int = 12
    source_path: str | None = None  # where these settings came from, for status and error messages

    @property
    def demo_mode(self) -> bool:
        return self.feed_url is None

    def resolved_data_dir(self) -> Path:
        return resolve_data_dir(self.data_dir)

    def sync_settings(self, data_dir: Path | None = None):
        """What sync.worker.SyncWorker needs (sync/ never reads this config itself); None in demo mode."""
        if self.feed_url is None:
            return None  # before the import: demo mode must not load the sync pipeline at start
        from sync.worker import SyncSettings

        return SyncSettings(
            feed_url=self.feed_url, public_keys=tuple(self.public_keys),
            data_dir=Path(data_dir) if data_dir else self.resolved_data_dir(), kiosk_id=self.kiosk_id,
            interval_s=self.sync_interval_s, allow_insecure_http=self.allow_insecure_http,
            prometheus_file=self.prometheus_file, connect_timeout_s=self.connect_timeout_s,
            read_timeout_s=self.read_timeout_s,
        )


def trip_updates_poller(config: Config):
    """The background fetcher of live departures, or None when no provider is configured."""
    if config.trip_updates_url is None:
        return None
    from kiosk.live.poller import TripUpdatesPoller

    return TripUpdatesPoller(config.trip_updates_url, _live_fetcher(config), interval_s=config.live_interval_s)


def efa_poller(config: Config):
    """The background fetcher of EFA departure monitors, or None when `efa_url` is not set; its owner hands
    it the stop areas to ask for (`set_areas`, from efa_areas)."""
    if config.efa_url is None:
        return None
    from kiosk.live.poller import EfaDeparturesPoller

    return EfaDeparturesPoller(config.efa_url, _live_fetcher(config), interval_s=config.live_interval_s)


def efa_areas(stops) -> list[str]:
    """The stop areas (DHIDs) of these transit stops, each once; stops without a DHID id are not asked for."""
    from kiosk.live.efa import stop_area

    return sorted({area for stop in stops if (area := stop_area(stop["id"])) is not None})


WARNINGS_STATE = "warnings.json"
DWD_WARNINGS_STATE = "dwd-warnings.json"


def warnings_poller(config: Config, data_dir: Path | None = None):
    """The official warnings (kiosk/live/warnings.py WarningSources): the DWD's for `dwd_warn_cell`
    (remembered in DATA_DIR/dwd-warnings.json) and NINA's for `warnings_ars` (DATA_DIR/warnings.json),
    each fetched on its own thread; None when neither is configured."""
    folder = Path(data_dir) if data_dir is not None else config.resolved_data_dir()
    pollers = []
    if config.dwd_warn_cell is not None:
        from kiosk.live.dwd import DwdWarningsPoller

        pollers.append(DwdWarningsPoller(config.dwd_warnings_url, config.dwd_warn_cell, _live_fetcher(config),
                                         interval_s=config.warnings_interval_s,
                                         state_file=folder / DWD_WARNINGS_STATE))
    if config.warnings_url is not None and config.warnings_ars is not None:
        from kiosk.live.nina import NinaWarningsPoller

        pollers.append(NinaWarningsPoller(config.warnings_url, config.warnings_ars, _live_fetcher(config),
                                          interval_s=config.warnings_interval_s, state_file=folder / WARNINGS_STATE))
    if not pollers:
        return None
    from kiosk.live.warnings import WarningSources

    return WarningSources(pollers)


def alert_poller(config: Config, data_dir: Path | None = None):
    """The background poller of the desk's emergency notices, or None in demo mode and for a feed on a
    USB stick (file://), which has no server to ask every few seconds."""
    url = config.alerts_url
    if url is None and config.feed_url and urlparse(config.feed_url).scheme in ("https", "http"):
        from sync.alert_poll import alerts_url_beside

        url = alerts_url_beside(config.feed_url)
    if not url:
        return None
    from sync.alert_poll import AlertPoller

    folder = Path(data_dir) if data_dir is not None else config.resolved_data_dir()
    return AlertPoller(url, config.public_keys, folder, interval_s=config.alert_interval_s,
                       allow_insecure_http=config.allow_insecure_http)

def weather_poller(config: Config):
    """The background fetcher of the weather, or None when no Bright Sky server is configured."""
    if config.weather_url is None or config.weather_lat is None or config.weather_lon is None:
        return None
    from kiosk.live.brightsky import BrightSkyPoller

    return BrightSkyPoller(config.weather_url, config.weather_lat, config.weather_lon, _live_fetcher(config),
                           interval_s=config.weather_interval_s)


def _live_fetcher(config: Config):
    from sync.fetch import Fetcher

    return Fetcher(allow_insecure_http=config.allow_insecure_http, connect_timeout_s=config.live_timeout_s,
                   read_timeout_s=config.live_timeout_s)


def resolve_data_dir(explicit: str | os.PathLike | None) -> Path:
    """--data-dir, else KIOSK_DATA_DIR, else the platform's user data directory."""
    if explicit:
        return Path(explicit).expanduser()
    if env := os.environ.get("KIOSK_DATA_DIR"):
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("dortmund-kiosk", appauthor=False))


_TYPES: dict[str, tuple[type, ...]] = {}
for _f in fields(Config):
    _TYPES[_f.name] = {
        "str": (str,), "str | None": (str,), "int": (int,), "bool": (bool,), "float": (float, int), "float | None": (float, int),
        "list[str]": (list,),
    }[str(_f.type)]


def _problems(values: dict[str, Any]) -> list[str]:
    problems = []
    for key, value in values.items():
        if key not in _TYPES or key == "source_path":
            problems.append(f"unknown key '{key}'")
            continue
        expected = _TYPES[key]
        if isinstance(value, bool) and bool not in expected:
            expected_ok = False
        else:
            expected_ok = isinstance(value, expected)
        if not expected_ok:
            names = " or ".join(t.__name__ for t in expected)
            problems.append(f"'{key}' must be a {names}, not {type(value).__name__} {value!r}")
        elif isinstance(value, list) and not all(isinstance(v, str) for v in value):
            problems.append(f"'{key}' must be a list of strings")
    url = values.get("feed_url")
    if isinstance(url, str):
        scheme = urlparse(url).scheme
        if scheme == "http" and not values.get("allow_insecure_http"):
            problems.append("'feed_url' uses http://; use https:// or set allow_insecure_http = true")
        elif scheme not in ("https", "http", "file", ""):
            problems.append(f"'feed_url' must be https://, file:// or a path, not {scheme}://")
        if not values.get("public_keys"):
            problems.append("'public_keys' must list at least one key when 'feed_url' is set")
    page = values.get("share_page_url")
    if isinstance(page, str) and (urlparse(page).scheme not in ("https", "http") or "#" in page):
        problems.append("'share_page_url' must be an http:// or https:// address without '#'")
    problems += _range_problems(values)
    problems += _path_problems(values)
    problems += _form_problems(values)
    if values.get("feed_url") and _lists_demo_key(values.get("public_keys")):
        problems.append("'public_keys' lists the demo key, whose private key ships with this software so anyone "
                        "can sign with it; list only your own keys (kiosk-feed keygen)")
    problems += _address_problems(values, "trip_updates_url")
    problems += _address_problems(values, "efa_url")
    if isinstance(values.get("warnings_url"), str):
        problems += _address_problems(values, "warnings_url")
        ars = values.get("warnings_ars")
        if not (isinstance(ars, str) and len(ars) == 12 and ars.isascii() and ars.isdigit()):
            problems.append("'warnings_ars' must be the region's 12-digit Amtlicher Regionalschlüssel "
                            "(Dortmund: \"059130000000\") when 'warnings_url' is set")
    problems += _dwd_problems(values)
    alerts = values.get("alerts_url")
    if isinstance(alerts, str) and alerts:  # "" turns the polling off
        problems += _address_problems(values, "alerts_url")
        if not values.get("public_keys"):
            problems.append("'public_keys' must list at least one key when 'alerts_url' is set")
    problems += _weather_problems(values)
    if values.get("orientation") not in (None, "portrait", "landscape"):
        problems.append("'orientation' must be 'portrait' or 'landscape'")
    locales = values.get("locales", UI_LOCALES)
    if isinstance(locales, list) and values.get("default_locale", "de") not in locales:
        problems.append("'default_locale' must be one of 'locales'")
    return problems


# A setting outside these is a typo or a unit mistake (ms for s), never a wish: (lowest, highest).
RANGES: dict[str, tuple[float, float]] = {
    "sync_interval_s": (10, 7 * 86400), "connect_timeout_s": (0.1, 300), "read_timeout_s": (0.1, 600),
    "idle_timeout_s": (5, 3600), "screen_diagonal_in": (5, 200), "walking_speed_kmh": (0.5, 20),
    "step_free_speed_kmh": (0.5, 20), "live_interval_s": (5, 3600), "live_timeout_s": (0.1, 120),
    "live_max_age_s": (10, 86400), "warnings_interval_s": (10, 86400),
    "alert_interval_s": (5, 60),  # over a minute would break the promise of docs/emergency.md
    "weather_interval_s": (60, 86400), "weather_max_age_s": (600, 7 * 86400), "weather_lat": (-90, 90),
    "weather_lon": (-180, 180), "transit_hint_walk_min": (1, 120),
}


def _address_problems(values: dict[str, Any], key: str, example: str = "") -> list[str]:
    """A provider's address: https://, or http:// where the operator allowed it for a closed network."""
    url = values.get(key)
    if not isinstance(url, str):
        return []
    scheme = urlparse(url).scheme
    if scheme in ("https", "http") and (scheme == "https" or values.get("allow_insecure_http")):
        return []
    return [f"'{key}' must be an https:// address{example} (http:// only with allow_insecure_http = true)"]


def _dwd_problems(values: dict[str, Any]) -> list[str]:
    problems = []
    cell = values.get("dwd_warn_cell")
    if cell is not None and not (isinstance(cell, str) and len(cell) == 9 and cell.isascii() and cell.isdigit()):
        problems.append("'dwd_warn_cell' must be the DWD's 9-digit warn cell id as a string (Dortmund: \"805913000\")")
    if isinstance(values.get("dwd_warnings_url"), str):
        problems += _address_problems(values, "dwd_warnings_url")
        if cell is None:
            problems.append("'dwd_warn_cell' must name the warn cell (Dortmund: \"805913000\") when 'dwd_warnings_url' is set")
    return problems


def _weather_problems(values: dict[str, Any]) -> list[str]:
    url = values.get("weather_url")
    if not isinstance(url, str):
        return []
    problems = _address_problems(values, "weather_url", ' such as "https://api.brightsky.dev"')
    if values.get("weather_lat") is None or values.get("weather_lon") is None:
        problems.append("'weather_lat' and 'weather_lon' must give the terminal's position in degrees "
                        "(Dortmund: 51.514, 7.468) when 'weather_url' is set")
    return problems


def _is_language(tag: object) -> bool:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(str(tag).replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True


def _range_problems(values: dict[str, Any]) -> list[str]:
    problems = []
    for key, (low, high) in RANGES.items():
        value = values.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value) or not low <= value <= high:
                problems.append(f"'{key}' is {value!r}, but must be between {low:g} and {high:g}")
    return problems


def _form_problems(values: dict[str, Any]) -> list[str]:
    problems = []
    kiosk_id = values.get("kiosk_id")
    if isinstance(kiosk_id, str) and not KIOSK_ID.match(kiosk_id):
        problems.append(f"'kiosk_id' {kiosk_id!r} is not a feed id (a-z, 0-9, '.', '_', '-'; at most 64)")
    size = values.get("screen_size")
    match = SCREEN_SIZE.match(size) if isinstance(size, str) else None
    if isinstance(size, str) and not (match and all(200 <= int(side) <= 8000 for side in match.groups())):
        problems.append(f"'screen_size' {size!r} is not WIDTHxHEIGHT in pixels, 200 to 8000 a side, e.g. \"1080x1920\"")
    locales = values.get("locales")
    unknown = [tag for tag in locales if not _is_language(tag)] if isinstance(locales, list) else []
    if unknown:
        # A real language without interface words is fine (English words, content in it; docs/ui.md).
        problems.append(f"'locales' lists {', '.join(map(repr, unknown))}, which is no language tag Babel knows, "
                        f"such as {', '.join(UI_LOCALES)}")
    night = values.get("night_mode")
    if isinstance(night, str):
        from kiosk.night import NightModeError, parse_schedule

        try:
            parse_schedule(night)
        except NightModeError as exc:
            problems.append(f"'night_mode': {str(exc).rstrip('.')}")
    return problems


def _path_problems(values: dict[str, Any]) -> list[str]:
    problems = []
    data_dir = values.get("data_dir")
    if isinstance(data_dir, str) and data_dir:
        folder = Path(data_dir).expanduser()
        if folder.exists() and not folder.is_dir():
            problems.append(f"'data_dir' names {folder}, which is a file, not a folder")
    prometheus = values.get("prometheus_file")
    if isinstance(prometheus, str) and prometheus:
        target = Path(prometheus).expanduser()
        if target.is_dir():
            problems.append(f"'prometheus_file' names {target}, which is a folder; name a file such as kiosk.prom")
        else:
            existing = next(folder for folder in (target, *target.parents) if folder.exists())
            # The sync creates missing folders, so what counts is the nearest one that exists.
            if existing != target and not existing.is_dir():
                problems.append(f"'prometheus_file' {target} cannot be created: {existing} is a file")
            elif not os.access(existing, os.W_OK):
                problems.append(f"'prometheus_file' {target} cannot be written by this user ({existing} is read-only)")
    return problems


def _lists_demo_key(keys: object) -> bool:
    if not isinstance(keys, list) or not keys:
        return False
    from sync.demo import demo_public_key  # light: only the key file is read

    return demo_public_key() in (key.strip() for key in keys if isinstance(key, str))


def from_mapping(values: dict[str, Any], source: str = "settings") -> Config:
    problems = _problems(values)
    if problems:
        raise ConfigError(f"{source}: " + "; ".join(problems) + ".")
    return replace(Config(), **values, source_path=source)


def load_config(path: str | os.PathLike | None = None) -> Config:
    """--config, else KIOSK_CONFIG, else /etc/kiosk/kiosk.toml, else the built-in demo settings."""
    candidate = path or os.environ.get("KIOSK_CONFIG")
    if not candidate and SYSTEM_CONFIG.exists():
        candidate = SYSTEM_CONFIG
    if not candidate:
        return Config()
    candidate = Path(candidate)
    try:
        values = tomllib.loads(candidate.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"The configuration file {candidate} does not exist.") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"The configuration file {candidate} is not UTF-8: byte 0x{exc.object[exc.start]:02x} at "
                          f"offset {exc.start} cannot be decoded; save it as UTF-8.") from None
    except OSError as exc:
        raise ConfigError(f"The configuration file {candidate} cannot be read: {exc.strerror}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The configuration file {candidate} is not valid TOML: {exc}.") from None
    return from_mapping(values, str(candidate))
