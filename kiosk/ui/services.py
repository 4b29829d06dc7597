"""The app's services: background threads, systemd, usage counts, the visitor's survey session, the
admin gesture and PIN guard, and the night switch. KioskApp owns one `Services` as `app.services`.

Threads (sync worker, uploader, heartbeat) never touch widgets: new content reaches the UI thread
through `Clock.schedule_once`. Everything else here runs on the UI thread. The rules themselves
live in plain modules (kiosk.usage, kiosk.feedback, kiosk.admin_pin, kiosk.night); this module
only calls them at the right moment with the app's clock.

For other screens: `app.services.route_asked()`, `app.services.qr_shown()` and
`app.services.search_made()` count one use each (never with what was asked).
"""
from __future__ import annotations

import importlib.metadata
import logging
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable

from kivy.clock import Clock
from kivy.core.window import Window

from kiosk import systemd
from kiosk.admin_pin import PinAttempt, PinGuard, pin_hash_problem
from kiosk.feedback import AlreadyAnswered, FeedbackAnswer, FeedbackSession
from kiosk.night import NightModeError, is_night
from kiosk.usage import UsageCounters
from sync.outbox import Outbox, OutboxError

log = logging.getLogger("kiosk.ui.services")

CORNER_TAPS = 5
CORNER_WINDOW_S = 3.0
# Screens a visitor does not open themselves: they are not counted as used.
NOT_COUNTED = ("attract", "night", "admin")
CHECK_EVERY_S = 10  # night switch and the usage hour: cheap checks, so a short interval
THREAD_JOIN_S = 2.0


def app_version() -> str:
    try:
        return importlib.metadata.version("dortmund-kiosk")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


class Services:
    def __init__(self, app, *, settings=None, data_dir: Path | None = None,
                 monotonic: Callable[[], float] = time.monotonic):
        self.app = app
        self._settings = settings
        self._data_dir = Path(data_dir) if data_dir is not None else None
        self.monotonic = monotonic  # for the PIN guard, the admin gesture and uptime; tests replace it
        self.started_at = monotonic()
        self.usage = UsageCounters(self.settings.kiosk_id, sink=self._store_usage)
        self.feedback_session = FeedbackSession()
        self.worker = None
        self.sync_cycled = threading.Event()  # set after every sync cycle (for the admin panel and tests)
        self._guard: PinGuard | None = None
        self._outbox: Outbox | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._corner_taps: list[float] = []
        self.corner_paused = False  # the touch test needs the corner for fingers, not for the gesture
        self._logged: set[str] = set()
        self._events: list = []
        self.trip_updates = None  # the live departures poller, when trip_updates_url is configured
        self.efa = None  # the EFA departure monitor poller, when efa_url is configured
        self.alerts = None  # the desk's emergency notices (sync/alert_poll.py), beside the content sync
        self.warnings = None  # the official warnings poller, when warnings_url is configured
        self.weather = None  # the weather poller, or the demo's recorded example weather

    def live_predictions(self):
        """The latest live departure predictions of every configured provider (kiosk/live/departures.py
        LiveSources), or None (no provider): never waits."""
        if self.trip_updates is None and self.efa is None:
            return None
        from kiosk.live.departures import LiveSources

        return LiveSources(trip_updates=self.trip_updates.latest() if self.trip_updates is not None else None,
                           efa=self.efa.latest() if self.efa is not None else None)

    def _hand_efa_areas(self) -> None:
        """On the UI thread (the content's): tell the EFA poller the stop areas of the feed's transit stops."""
        content = self.app.content
        if self.efa is not None and content is not None:
            from kiosk.config import efa_areas

            self.efa.set_areas(efa_areas(content.transit_stops()))

    def alert_notice(self, now: datetime, lang: str):
        """The desk's emergency notice to show now (kiosk/alerts.py), or None; never waits."""
        if self.alerts is None:
            return None
        from kiosk.alerts import emergency_notice

        return emergency_notice(self.alerts.document(), now, lang, self.settings.kiosk_id)

    def live_warnings(self, at: datetime, lang: str) -> list:
        """The official warnings to show at `at` in `lang` (kiosk/live/cap.py WarningView): never waits."""
        return self.warnings.views(at, lang) if self.warnings is not None else []

    def live_weather(self, at: datetime):
        """The weather still fresh enough to show at `at` (kiosk/live/weather.py WeatherView), or None."""
        from kiosk.live.weather import weather_view

        latest = self.weather.latest() if self.weather is not None else None
        return weather_view(latest, at, max_age=timedelta(seconds=self.settings.weather_max_age_s))

    @property
    def settings(self):
        return self._settings if self._settings is not None else self.app.settings

    @property
    def data_dir(self) -> Path:
        return self._data_dir if self._data_dir is not None else Path(self.app.data_dir)

    def _now(self) -> datetime:
        return self.app.now()

    def _log_once(self, key: str, level: int, message: str, *args) -> None:
        if key not in self._logged:
            self._logged.add(key)
            log.log(level, message, *args)

    # -- lifecycle ----------------------------------------------------------------------------

    def attach(self) -> None:
        """UI-thread parts, from KioskApp.build(): the admin gesture and the periodic checks."""
        Window.fbind("on_touch_down", self._corner_down)
        Window.fbind("on_touch_move", self._corner_swallow)
        Window.fbind("on_touch_up", self._corner_swallow)
        self._events.append(Clock.schedule_interval(self.check, CHECK_EVERY_S))

    def start(self) -> None:
        """Background threads and systemd, from KioskApp.on_start() (not in tests or screenshots)."""
        self._stop.clear()
        self._start_sync()
        self._start_uploads()
        self._start_live()
        self._start_alerts()
        Window.fbind("on_flip", self._first_frame)
        Window.canvas.ask_update()  # the attract loop no longer redraws every frame: ask for the one READY waits for

    def stop(self) -> None:
        """On app stop: hand over this hour's counts, stop the threads, tell systemd."""
        systemd.stopping()
        try:
            self.usage.flush(self._now())
        except Exception:  # a failing flush must not keep the kiosk from stopping
            log.exception("The usage counts could not be handed to the outbox at stop.")
        for event in self._events:
            event.cancel()
        self._events.clear()
        self._stop.set()
        if self.worker is not None:
            self.worker.stop()
        for source in (self.trip_updates, self.efa, self.warnings, self.weather, self.alerts):
            if source is not None:
                source.stop()
        self.trip_updates = self.efa = self.warnings = self.weather = self.alerts = None
        for thread in self._threads:
            thread.join(THREAD_JOIN_S)
        alive = [t.name for t in self._threads if t.is_alive()]
        if alive:
            log.warning("Still finishing at stop (left to end with the process): %s", ", ".join(alive))
        elif self._outbox is not None:
            self._outbox.close()
            self._outbox = None
        self._threads.clear()
        self.worker = None

    def _first_frame(self, *args) -> None:
        Window.funbind("on_flip", self._first_frame)
        systemd.ready(f"Showing the kiosk {self.settings.kiosk_id}")
        interval = systemd.watchdog_interval()
        if interval:
            # Pings start after READY, so a slow first frame can never send one before it; and they come
            # from the UI loop on purpose: a frozen UI stops the pings and systemd restarts the kiosk.
            self._events.append(Clock.schedule_interval(lambda dt: systemd.watchdog(), interval))

    def _start_sync(self) -> None:
        sync_settings = self.settings.sync_settings(self.data_dir)
        if sync_settings is None:
            log.info("Demo mode (no feed_url): no background sync.")
            return
        from sync.worker import SyncWorker

        # isolated: a feed is parsed and staged in a child process, so the UI never waits on the GIL for it.
        self.worker = SyncWorker(sync_settings, on_applied=self._content_arrived, on_cycle=self._cycled,
                                 clock=self.app.clock, isolated=True)
        self.worker.start()
        self._threads.append(self.worker)

    def _start_live(self) -> None:
        from kiosk.config import efa_poller, trip_updates_poller, warnings_poller, weather_poller
        from kiosk.live.recorded import RecordedWarning, RecordedWeather

        # Each its own thread and HTTP session: a slow provider never holds up the UI or the content sync.
        self.trip_updates = trip_updates_poller(self.settings)
        self.efa = efa_poller(self.settings)
        self._hand_efa_areas()
        self.warnings = warnings_poller(self.settings, self.data_dir)
        self.weather = weather_poller(self.settings)
        if self.weather is None and self.settings.demo_mode:
            self.weather = RecordedWeather(self.app.clock)  # labelled "example data" on screen
        if self.warnings is None and self.settings.demo_mode and self.settings.demo_example_warning:
            self.warnings = RecordedWarning(self.app.clock)  # headed "Example of an official warning" on screen
        for source in (self.trip_updates, self.efa, self.warnings, self.weather):
            if source is not None:
                source.clock = self.app.clock
                source.start()

    def _start_alerts(self) -> None:
        from kiosk.config import alert_poller

        # Its own thread: a 304 every few seconds, never behind a long content sync or the UI.
        self.alerts = alert_poller(self.settings, self.data_dir)
        if self.alerts is not None:
            self.alerts.clock = self.app.clock
            self.alerts.on_change = lambda document: Clock.schedule_once(lambda dt: self.app.notices_changed(), 0)
            self.alerts.start()

    def _content_arrived(self, result) -> None:
        # On the worker's thread: only schedule; the UI thread reopens the content and redraws.
        Clock.schedule_once(lambda dt: (self.app.content_changed(), self._hand_efa_areas()), 0)

    def _cycled(self, outcome) -> None:
        if outcome.ok and outcome.result is not None:
            systemd.status(f"Content sequence {outcome.result.sequence}; last sync succeeded.")
        else:
            systemd.status(f"Last sync failed: {outcome.error}")
        self.sync_cycled.set()

    def _start_uploads(self) -> None:
        settings = self.settings
        if settings.feedback_url or settings.usage_url:
            outbox = self.outbox()
            if outbox is None:
                log.error("No uploads: the outbox cannot be opened.")
            else:
                from sync.uploader import Uploader

                uploader = Uploader.from_settings(outbox, kiosk_id=settings.kiosk_id,
                                                  feedback_url=settings.feedback_url, usage_url=settings.usage_url,
                                                  fleet_token=settings.fleet_token)
                self._thread("kiosk-uploader", uploader.run, self._stop, clock=self.app.clock)
        if settings.heartbeat_url:
            from sync.heartbeat import Heartbeat

            heartbeat = Heartbeat(self.data_dir, kiosk_id=settings.kiosk_id, url=settings.heartbeat_url,
                                  token=settings.fleet_token, extra=self._heartbeat_extra)
            self._thread("kiosk-heartbeat", heartbeat.run, self._stop, clock=self.app.clock)

    def _thread(self, name: str, target, *args, **kwargs) -> None:
        thread = threading.Thread(target=target, args=args, kwargs=kwargs, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _heartbeat_extra(self) -> dict[str, Any]:
        extra: dict[str, Any] = {"version": app_version(), "uptime_s": round(self.uptime_s())}
        if self._outbox is not None:
            extra["outbox"] = self._outbox.summary()
        if self.alerts is not None:  # so the fleet view can tell which terminals hold the newest notices
            document = self.alerts.document()
            extra["alert_sequence"] = document.sequence if document is not None else None
            extra["alert_problem"] = self.alerts.last_problem
        return extra

    # -- the outbox ---------------------------------------------------------------------------

    def outbox(self) -> Outbox | None:
        """The outbox, opened on first use; None (logged) when it cannot be opened."""
        if self._outbox is None:
            try:
                self._outbox = Outbox.open(self.data_dir)
            except OutboxError as exc:
                log.error("%s Feedback and usage counts are not kept until it can be opened.", exc)
                return None
        return self._outbox

    def _add(self, kind: str, payload: dict, at: datetime) -> bool:
        outbox = self.outbox()
        if outbox is None:
            return False
        try:
            outbox.add(kind, payload, now=at)
        except OutboxError as exc:
            log.error("A %s item is lost: %s", kind, exc)
            return False
        return True

    def _store_usage(self, payload: dict, at: datetime) -> None:
        self._add("usage", payload, at)

    # -- usage counts (UI thread) -------------------------------------------------------------

    def _count(self, method: str, *args) -> None:
        try:
            getattr(self.usage, method)(*args, self._now())
        except ValueError as exc:  # a bad name from code: log it, never break the visitor's screen
            self._log_once(f"usage-{exc}", logging.ERROR, "Usage not counted: %s", exc)

    def screen_opened(self, name: str) -> None:
        if name not in NOT_COUNTED:
            self._count("screen_opened", name)

    def language_chosen(self, lang: str) -> None:
        self._count("language_chosen", lang)

    def search_made(self) -> None:
        """One search; the text is deliberately not an argument."""
        self._count("search_made")

    def route_asked(self) -> None:
        self._count("route_asked")

    def qr_shown(self) -> None:
        self._count("qr_shown")

    def idle_reset(self) -> None:
        self._count("idle_reset")

    # -- the visitor session ------------------------------------------------------------------

    def visitor_left(self) -> None:
        """The idle reset: the next visitor gets a new survey session; at night the slide returns."""
        self.feedback_session = FeedbackSession()
        # After the transition to the attract loop has finished, so the switch is not ignored.
        Clock.schedule_once(self.check, 1)

    def send_feedback(self, answer: FeedbackAnswer) -> bool:
        """Keep this visitor's one answer in the outbox; False when they had already answered.

        A failing outbox is logged and still counts as answered: the visitor is thanked either way.
        """
        now = self._now()
        try:
            payload = self.feedback_session.submit(answer, kiosk_id=self.settings.kiosk_id, at=now)
        except AlreadyAnswered:
            return False
        self._add("feedback", payload, now)
        return True

    # -- periodic checks: the usage hour and the night slide ----------------------------------

    def check(self, *args) -> None:
        now = self._now()
        try:
            self.usage.tick(now)
        except Exception:  # the outbox or a counter failing must not stop the night switch
            log.exception("Handing over the usage counts failed.")
        self.check_night(now)

    def night_now(self, now: datetime) -> bool:
        try:
            return is_night(now, self.settings.night_mode)
        except NightModeError as exc:
            self._log_once("night", logging.ERROR, "Night mode is off: %s", exc)
            return False

    def check_night(self, now: datetime | None = None) -> None:
        """At night an unused kiosk (the attract loop) shows the night slide; by day it goes back."""
        current = self.app.current()
        if current is None:
            return
        night = self.night_now(now or self._now())
        if night and current.name == "attract":
            self.app.go("night", remember=False)
        elif not night and current.name == "night":
            self.app.go("attract", remember=False)

    # -- admin: the corner gesture and the PIN ------------------------------------------------

    def _admin_problem(self) -> str | None:
        return pin_hash_problem(self.settings.admin_pin_hash)

    def _corner_down(self, window, touch) -> bool:
        if self.corner_paused:
            return False
        size = self.app.touch_px
        if not (touch.x <= size and touch.y >= window.height - size):
            self._corner_taps.clear()
            return False
        now = self.monotonic()
        self._corner_taps = [t for t in self._corner_taps if now - t <= CORNER_WINDOW_S] + [now]
        complete = len(self._corner_taps) >= CORNER_TAPS
        if complete:
            self._corner_taps.clear()
        problem = self._admin_problem()
        if problem:
            if complete:
                self._log_once("admin", logging.WARNING, "The admin gesture was used: %s", problem)
            return False  # without a usable PIN the corner is an ordinary part of the screen
        touch.ud["admin_corner"] = True
        self.app.touched()
        if complete:
            log.info("The admin gesture was used; asking for the PIN.")
            self.app.go("admin")
        return True

    def _corner_swallow(self, window, touch) -> bool:
        return bool(touch.ud.get("admin_corner"))

    @property
    def pin_guard(self) -> PinGuard:
        stored = self.settings.admin_pin_hash
        if self._guard is None or self._guard.stored_hash != stored:
            # Kept in the data folder, so a restart (or pulling the plug) does not reset the lockout.
            self._guard = PinGuard(stored, state_path=self.data_dir / "admin-pin-state.json", now=self.monotonic())
        return self._guard

    def pin_attempt(self, pin: str) -> PinAttempt:
        attempt = self.pin_guard.attempt(pin, self.monotonic())
        if attempt.accepted:
            log.info("The admin panel was opened with the PIN.")
        elif attempt.locked:
            log.warning("Wrong admin PINs: the panel is locked for %.0f s.", attempt.retry_after_s)
        return attempt

    def pin_retry_after(self) -> float:
        return self.pin_guard.retry_after(self.monotonic())

    # -- admin actions ------------------------------------------------------------------------

    def uptime_s(self) -> float:
        return self.monotonic() - self.started_at

    def sync_now(self) -> bool:
        """Wake the sync worker; False in demo mode, where there is nothing to sync."""
        if self.worker is None:
            return False
        self.worker.wake()
        return True

    def outbox_summary(self) -> dict | None:
        outbox = self.outbox()
        return outbox.summary() if outbox is not None else None

    def leave_kiosk_mode(self) -> None:
        log.warning("Leaving kiosk mode from the admin panel: the app stops now. Under systemd "
                    "(Restart=always) it starts again in a few seconds unless an operator runs "
                    "`sudo systemctl stop kiosk`.")
        self.app.stop()
