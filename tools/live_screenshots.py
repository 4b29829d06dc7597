"""Screenshots of the live information for docs/live.md: Home and the transit place card with the
made-up U43/U47 timetable of the UI tests on the demo content (tests/live_kit.py), the demo's
recorded example weather, and a warning takeover made from the recorded DWD warning of
tests/fixtures/warnings with its severity raised to Severe (the recording is Moderate); `dwd-banner`
is Home with the DWD's own recorded warnings for Stadt Northeim (warn cell 803155011: heavy rain,
Moderate, and wind gusts, Minor; tests/fixtures/warnings/README.md) moved to the screenshot's day.

    .venv/bin/python tools/live_screenshots.py OUT.png --screen home|place|route|warning|dwd-banner --lang de [--size 1080x1920]

The route screen goes to Stadtgarten (about seven minutes' walk) with transit_hint_walk_min = 5, so
its "Or take U47 …" line shows.

One screenshot a process: Kivy opens one window per process.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import zipfile
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.config import Config  # noqa: E402
from kiosk.live.cap import WarningState, parse_cap, warning_views  # noqa: E402
from kiosk.live.recorded import RecordedWeather  # noqa: E402
from kiosk.ui import shoot  # noqa: E402
from tests.live_kit import demo_with_departures  # noqa: E402

AT = datetime.fromisoformat("2026-11-26T17:30+01:00")
WARNING = ROOT / "tests" / "fixtures" / "warnings" / "bbk_warning_dwd.json"
DWD_ZIP = ROOT / "tests" / "fixtures" / "warnings" / "Z_CAP_C_EDZW_LATEST_PVW_STATUS_PREMIUMDWD_COMMUNEUNION_MUL.zip"
DWD_RECORDED_AT = datetime.fromisoformat("2023-06-23T12:00+02:00")


class ShownWarning:
    """The recorded DWD warning, moved to the screenshot's day and made Severe, as the poller would give it."""

    def __init__(self, at: datetime) -> None:
        doc = json.loads(WARNING.read_text(encoding="utf-8"))
        doc["msgType"], doc["references"] = "Alert", ""
        for info in doc["info"]:
            info.update(severity="Severe", effective=(at - timedelta(hours=1)).isoformat(),
                        expires=(at + timedelta(hours=14, minutes=30)).isoformat())
        self.state = WarningState()
        self.state.apply(parse_cap(doc, source="the recorded DWD warning"), at)

    def views(self, at: datetime, lang: str):
        return warning_views(self.state.active(at), at, lang, confirmed_within=timedelta(minutes=6))

    def stop(self) -> None:
        """Nothing runs."""


class ShownDwdWarnings(ShownWarning):
    """The DWD's recorded warnings for one warn cell, every instant moved by the same amount to the screenshot's day."""

    def __init__(self, at: datetime, cell: str = "803155011") -> None:
        from kiosk.live.dwd import read_cap_xml

        shift = at - DWD_RECORDED_AT
        self.state = WarningState()
        with zipfile.ZipFile(DWD_ZIP) as archive:
            for name in archive.namelist():
                doc, cells = read_cap_xml(archive.read(name), source=name)
                if cell in cells:
                    message = parse_cap(doc, source=name, markup=False)
                    moved = {key: getattr(message, key) + shift for key in ("sent", "effective", "expires")}
                    self.state.apply(replace(message, **moved), at)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--screen", choices=("home", "place", "route", "warning", "dwd-banner"), required=True)
    parser.add_argument("--lang", default="de")
    parser.add_argument("--size", default="1080x1920")
    parser.add_argument("--large-text", action="store_true")
    args = parser.parse_args()
    width, height = (int(side) for side in args.size.split("x"))
    data_dir = demo_with_departures(Path(tempfile.mkdtemp()) / "data", AT)
    app = shoot.start_headless(Config(transit_hint_walk_min=5), data_dir, size=(width, height), clock=lambda: AT)
    app.services.weather = RecordedWeather(app.clock)
    if args.screen == "warning":
        app.services.warnings = ShownWarning(AT)
    elif args.screen == "dwd-banner":
        app.services.warnings = ShownDwdWarnings(AT)
    if args.lang != app.language:
        app.set_language(args.lang)
    app.large_text = args.large_text
    if args.screen == "place":
        app.go("place", item="u-reinoldikirche")
    elif args.screen == "route":
        app.go("route", item="u-stadtgarten")
    else:
        app.go("home")
    app._tick(0)
    shoot.frames(4)
    if app.errors:
        raise SystemExit(f"The {args.screen} screen failed to draw: {app.errors[0]!r}")
    print(f"Wrote {shoot.save_window(Path(args.out))}")


if __name__ == "__main__":
    main()
