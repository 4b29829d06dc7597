"""KioskApp: the one owner of the content, the clock, the language and navigation.

Screens ask `app.content` for data at `app.now()` in `app.language`, and draw the answer. The sync
thread hands over new content with `Clock.schedule_once(lambda dt: app.content_changed())`.
"""
from __future__ import annotations

import importlib
import logging
from datetime import datetime, timezone
from pathlib import Path

from kiosk.config import Config
from kiosk.ui import boot

log = logging.getLogger("kiosk.ui")

SCREENS = {
    "attract": "kiosk.ui.screens.attract:AttractScreen",
    "home": "kiosk.ui.screens.home:HomeScreen",
    "today": "kiosk.ui.screens.today:TodayScreen",
    "shops": "kiosk.ui.screens.places:ShopsScreen",
    "discover": "kiosk.ui.screens.places:DiscoverScreen",
    "place": "kiosk.ui.screens.place:PlaceScreen",
    "event": "kiosk.ui.screens.event:EventScreen",
    "search": "kiosk.ui.screens.search:SearchScreen",
    "help": "kiosk.ui.screens.help:HelpScreen",
    "map": "kiosk.ui.screens.map:MapScreen",
    "route": "kiosk.ui.screens.route:RouteScreen",
    "feedback": "kiosk.ui.screens.feedback:FeedbackScreen",
    "admin": "kiosk.ui.screens.admin:AdminScreen",
    "night": "kiosk.ui.screens.night:NightScreen",
}
BACK_STACK_LIMIT = 8
IDLE_COUNTDOWN_S = 10
# Static elements move by a few pixels each minute so nothing burns into the panel.
BURN_IN_SHIFTS = [(0, 0), (3, 2), (-2, 3), (2, -3), (-3, -2), (1, 3)]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


def run_kiosk(config: Config, data_dir: Path) -> None:
    size = boot.window_size(config.screen_size, config.orientation)
    boot.prepare(size=size, fullscreen=config.fullscreen)
    if config.demo_mode:
        from sync.demo import apply_demo_if_needed

        if problem := apply_demo_if_needed(Path(data_dir), now=system_clock()):
            log.error(problem)
    make_app(config, data_dir).run()


def make_app(config: Config, data_dir: Path, **kwargs):
    """The app class is defined on first use, after boot.prepare() has configured Kivy."""
    from kiosk.ui.kioskapp import KioskApp

    return KioskApp(config, Path(data_dir), **kwargs)


def load_screen_class(name: str):
    module, _, cls = SCREENS[name].partition(":")
    return getattr(importlib.import_module(module), cls)


def idle_state(now: datetime, last_activity: datetime, timeout_s: int) -> tuple[str, int]:
    """('active', 0), ('asking', seconds left) or ('expired', 0) for the idle reset."""
    idle = (now - last_activity).total_seconds()
    if idle < timeout_s:
        return "active", 0
    left = timeout_s + IDLE_COUNTDOWN_S - idle
    if left > 0:
        return "asking", int(left + 0.999)
    return "expired", 0


def burn_in_shift(now: datetime) -> tuple[int, int]:
    minutes = int(now.timestamp() // 60)
    return BURN_IN_SHIFTS[minutes % len(BURN_IN_SHIFTS)]

