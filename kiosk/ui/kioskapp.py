"""The Kivy App. Imported only after kiosk.ui.boot.prepare() has configured Kivy."""
from __future__ import annotations

import logging
import signal
from datetime import datetime
from pathlib import Path
from typing import Callable

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import (BooleanProperty, DictProperty, NumericProperty, ObjectProperty, StringProperty)
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import FadeTransition, NoTransition, ScreenManager

from kiosk import formatting
from kiosk.config import Config
from kiosk.content import Content
from kiosk.directions import Wayfinder
from kiosk.i18n import is_right_to_left
from kiosk.ui import theme
from kiosk.ui.app import (BACK_STACK_LIMIT, SCREENS, burn_in_shift, idle_state, load_screen_class,
                          system_clock)
from kiosk.ui.services import Services
from kiosk.ui.speech_mode import SpeechMode
from kiosk.ui.translate import tr
from kiosk.ui.walks import Walks
from kiosk.ui.warmup import Warmup

log = logging.getLogger("kiosk.ui")
THEME_KV = Path(__file__).with_name("theme.kv")


class _BackHome(ExceptionHandler):
    """An exception inside a screen is logged and brings the visitor home; never a frozen screen."""

    def __init__(self, app: "KioskApp"):
        super().__init__()
        self.app = app

    def handle_exception(self, exception):
        if isinstance(exception, (KeyboardInterrupt, SystemExit)):
            return ExceptionManager.RAISE
        log.exception("A screen failed; going back home.", exc_info=exception)
        self.app.errors.append(exception)
        Clock.schedule_once(lambda dt: self.app.recover(), 0)
        return ExceptionManager.PASS


class Root(FloatLayout):
    """Notes every touch (for the idle reset) before the screens see it."""

    def on_touch_down(self, touch):
        app = App.get_running_app()
        if app.idle_question_shown:
            app.touched()  # the touch that answers "still there?" does nothing else
            return True
        app.touched()
        return super().on_touch_down(touch)


class KioskApp(App):
    language = StringProperty("de")
    rtl = BooleanProperty(False)
    translated = NumericProperty(0)  # bumped after every language switch, for widgets that rebuild text
    palette = DictProperty(theme.palette(False))
    sizes = DictProperty(theme.font_sizes(1080, 1920, False))
    touch_px = NumericProperty(104)
    scale = NumericProperty(1.0)
    landscape = BooleanProperty(False)
    high_contrast = BooleanProperty(False)
    large_text = BooleanProperty(False)
    clock_time = StringProperty("")
    clock_date = StringProperty("")
    # "You are here: Reinoldikirche, Ostenhellweg 2": on every screen, for a caller to 112.
    terminal_line = StringProperty("")
    banner = ObjectProperty(None, allownone=True)  # (level, text) of the first info/warning notice
    speech_on = BooleanProperty(False)  # the kiosk speaks and follows the keypad (docs/accessibility.md)

    def __init__(self, settings: Config, data_dir: Path, *, clock: Callable[[], datetime] | None = None,
                 transitions: bool = True, **kwargs):
        self.settings = settings
        self.data_dir = Path(data_dir)
        self.clock = clock or system_clock  # the one clock: tests and screenshots replace it
        self.transitions = transitions
        self.errors: list[BaseException] = []
        self.back_stack: list[tuple[str, dict]] = []
        self._content: Content | None = None
        self._walks: Walks | None = None
        self._map_scene = None
        self._scene_steps = None  # the map scene while the warm-up builds it
        self.warmup = Warmup(self)
        self._screens: dict = {}
        self._emergency = None
        self._idle_overlay = None
        self._last_activity: datetime | None = None
        self._ticker = None
        super().__init__(**kwargs)
        self.services = Services(self)  # threads, systemd, usage counts, survey session, admin PIN, night
        from kiosk.ui.official_warnings import OfficialWarnings

        self.official_warnings = OfficialWarnings(self)  # NINA/DWD warnings: the banner or a takeover
        self.title = "Dortmund"
        self.language = settings.default_locale
        self.rtl = is_right_to_left(self.language)
        tr.switch(self.language)
        self.speech = SpeechMode(self)  # the kiosk speaks and follows a keypad (docs/accessibility.md)

    # -- the clock, the content ---------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock()

    @property
    def content(self) -> Content | None:
        if self._content is None:
            try:
                self._content = Content.open(self.data_dir)
            except Exception as exc:  # no content yet, or unreadable: screens show a sentence
                log.error("The content in %s cannot be opened: %s", self.data_dir, exc)
                return None
        return self._content

    @property
    def walks(self) -> Walks | None:
        content = self.content
        if content is None:
            return None
        if self._walks is None:
            try:
                finder = Wayfinder(content, walking_speed_kmh=self.settings.walking_speed_kmh,
                                   step_free_speed_kmh=self.settings.step_free_speed_kmh,
                                   share_page_url=self.settings.share_page_url)
            except Exception as exc:  # an unusable map costs the walking times, never the screen
                log.error("The walking network cannot be built: %s", exc)
                return None
            self._walks = Walks(finder, self.settings.kiosk_id)
        return self._walks

    @property
    def map_scene(self):
        """The map's drawing data for this content snapshot and this terminal: what the warm-up has not
        built yet is built now."""
        while not self.map_scene_step():
            pass
        return self._map_scene

    def map_scene_step(self) -> bool:
        """One slice of building the map scene (kiosk/ui/warmup.py); True once it is there, or cannot be."""
        if self._map_scene is not None:
            return True
        content = self.content
        if content is None:
            return True
        if self._scene_steps is None:
            from kiosk.ui.widgets.map_layers import scene_steps

            self._scene_steps = scene_steps(content.map_features(), content.places(None, content.default_locale),
                                            content.kiosk(self.settings.kiosk_id))
        try:
            next(self._scene_steps)
        except StopIteration as built:
            self._map_scene, self._scene_steps = built.value, None
            return True
        except BaseException:
            self._scene_steps = None  # a broken build starts over next time, it never resumes half-way
            raise
        return False

    def content_changed(self) -> None:
        """New content was swapped in: reopen it and redraw what the visitor sees, where they are."""
        old = self._content
        self._content, self._walks, self._map_scene, self._scene_steps = None, None, None, None
        if self.content is None:
            self._content = old  # keep the last good state
            return
        if old is not None:
            old.close()
        self.warmup.restart()
        for screen in self._screens.values():
            screen.stale = True
        self.refresh_current()
        self._tick(0)

    # -- building -----------------------------------------------------------------------------

    def _measure_window(self) -> None:
        """What the layout takes from the window: its shape, the scale, the touch size and the font sizes."""
        width, height = Window.size
        self.landscape = width > height
        self.scale = theme.scale_for(width, height)
        self.touch_px = round(theme.touch_size(width, height, self.settings.screen_diagonal_in))
        self._apply_theme()

    def lay_out_again(self) -> None:
        """Build every screen anew for the window's present size (the tests turn the window to landscape and
        back; screens take their shape when built). The visitor is back at the attract loop. The overlays are
        kept: they fill the window whatever its shape, and turning a panel keeps its short side, so the scale."""
        current = self.current()
        if current is not None:  # removing the shown screen does not leave it: stop its slides and timers
            current.dispatch("on_leave")
        for screen in self._screens.values():
            self.sm.remove_widget(screen)
        self._screens.clear()
        self.back_stack.clear()
        self._measure_window()
        self.warmup.restart()
        self.go("attract", remember=False)
        self._tick(0)

    def build(self):
        self._measure_window()
        Builder.load_file(str(THEME_KV))
        self._harden()
        root = Root()
        self.sm = ScreenManager(transition=FadeTransition(duration=0.15) if self.transitions else NoTransition())
        root.add_widget(self.sm)
        self.root_layout = root
        self._last_activity = self.now()
        self._tick(0)
        self.go("attract", remember=False)
        self._ticker = Clock.schedule_interval(self._tick, 1)
        self.warmup.restart()
        self.services.attach()
        self.speech.attach()
        return root

    def on_start(self):
        # The service manager's stop ends the kiosk at once; visitors' keys and close requests still cannot.
        signal.signal(signal.SIGTERM, lambda signum, frame: Clock.schedule_once(lambda dt: self.stop()))
        self.services.start()
        self.speech.watch_headphones()

    def on_stop(self):
        self.warmup.stop()
        self.services.stop()

    def _harden(self) -> None:
        ExceptionManager.add_handler(_BackHome(self))
        Window.bind(on_request_close=lambda *a, **k: True)
        Window.bind(on_keyboard=self._on_keyboard)
        if self.settings.fullscreen:
            Window.show_cursor = False

    def _on_keyboard(self, window, key, *args):
        # A kiosk has no keys: Escape, F1 (Kivy's settings) and everything else are swallowed.
        return True

    def open_settings(self, *args):
        return False

    def _apply_theme(self) -> None:
        width, height = Window.size
        self.palette = theme.palette(self.high_contrast)
        self.sizes = theme.font_sizes(width, height, self.large_text)

    def on_high_contrast(self, *args):
        self._apply_theme()

    def on_large_text(self, *args):
        self._apply_theme()

    # -- language -----------------------------------------------------------------------------

    def set_language(self, lang: str) -> None:
        if lang not in self.settings.locales:
            lang = self.settings.default_locale
        self.language = lang
        self.services.language_chosen(lang)

    def on_language(self, instance, lang):
        self.rtl = is_right_to_left(lang)
        tr.switch(lang)
        self.translated += 1
        if self._ticker is not None:
            self._tick(0)
            self.refresh_current()

    # -- navigation ---------------------------------------------------------------------------

    def screen_state(self, name: str) -> str:
        """'missing' (not built yet), 'stale' (filled before the content changed) or 'ready'."""
        screen = self._screens.get(name)
        return "missing" if screen is None else "stale" if screen.stale else "ready"

    def prepare_screen(self, name: str, *, fill: bool = False) -> None:
        """Build a screen's widgets ahead of its first visit (kiosk/ui/warmup.py), and fill those that
        need no parameters; a visit fills it again as of its own moment and language."""
        screen = self._screen(name)
        screen.size = self.sm.size  # laid out at the size it will show at, not Kivy's default 100 x 100
        if fill:
            screen.activate({})

    def _screen(self, name: str):
        screen = self._screens.get(name)
        if screen is None:
            screen = load_screen_class(name)(name=name)
            self._screens[name] = screen
            self.sm.add_widget(screen)
        return screen

    def current(self):
        return self.sm.current_screen if self.sm.screens else None

    def go(self, name: str, *, remember: bool = True, item: str | None = None, **params) -> bool:
        """Show a screen. Ignored while a transition runs, so a storm of taps cannot stack screens."""
        if name not in SCREENS:
            log.warning("There is no screen called %r.", name)
            return False
        if self.sm.transition.is_active:
            return False
        if item is not None:
            params["item"] = item
        current = self.current()
        if current is not None and current.name == name and current.params == params:
            return False
        try:
            screen = self._screen(name)
            screen.activate(params)
        except Exception as exc:
            log.exception("The %s screen could not be shown; going home.", name)
            self.errors.append(exc)
            if name not in ("home", "attract"):
                self.go_home()
            return False
        if remember and current is not None and current.name != "attract":
            self.back_stack.append((current.name, dict(current.params)))
            del self.back_stack[:-BACK_STACK_LIMIT]
        if current is None or current.name != name:
            self.sm.current = name
        self.services.screen_opened(name)
        return True

    def back(self) -> None:
        if self.sm.transition.is_active:
            return
        if not self.back_stack:
            self.go_home()
            return
        name, params = self.back_stack.pop()
        if not self.go(name, remember=False, **params):
            self.go_home()

    def go_home(self) -> None:
        self.back_stack.clear()
        self.go("home", remember=False)

    def recover(self) -> None:
        """After an error: home, with a fresh state, never a frozen screen."""
        self.back_stack.clear()
        try:
            if self.current() is None or self.current().name != "home":
                self.go("home", remember=False)
        except Exception:
            log.exception("Even the home screen failed.")

    def refresh_current(self) -> None:
        screen = self.current()
        if screen is None:
            return
        try:
            screen.refresh()
        except Exception as exc:
            log.exception("Refreshing the %s screen failed; going home.", screen.name)
            self.errors.append(exc)
            self.recover()

    # -- idle, notices, clock -----------------------------------------------------------------

    def touched(self) -> None:
        self._last_activity = self.now()
        if self._idle_overlay is not None and self._idle_overlay.parent is not None:
            self.root_layout.remove_widget(self._idle_overlay)

    def reset_for_next_visitor(self) -> None:
        """Back to the attract loop in the default language, with search, filters and forms cleared."""
        if self._idle_overlay is not None and self._idle_overlay.parent is not None:
            self.root_layout.remove_widget(self._idle_overlay)
        self.back_stack.clear()
        self.speech.end()
        self.high_contrast = False
        self.large_text = False
        self.language = self.settings.default_locale  # not a visitor's choice, so not counted
        for screen in self._screens.values():
            screen.reset()
        self.go("attract", remember=False)
        self._last_activity = self.now()
        self.warmup.visitor_left()
        self.services.visitor_left()

    def _tick(self, dt) -> None:
        now = self.now()
        content = self.content
        tz = content.timezone if content else None
        if tz is not None:
            self.clock_time, self.clock_date = formatting.clock_texts(now, self.language, tz)
        self.terminal_line = self._terminal_line(content)
        self._show_notices(now, content)
        self.official_warnings.update(now, content)
        self._check_idle(now)
        if hasattr(self, "sm"):
            self.sm.pos = burn_in_shift(now)

    def terminal_here(self):
        """This terminal's name (with the name on the sign) and address in the visitor's language, or None."""
        content = self.content
        return content.terminal(self.settings.kiosk_id, self.language) if content is not None else None

    def _terminal_line(self, content: Content | None) -> str:
        here = self.terminal_here() if content is not None else None
        if here is None:
            return ""
        place = formatting.comma(self.language).join(part for part in (here.name, here.address) if part)
        return tr._("You are here: {place}").format(place=place)

    def notices_changed(self) -> None:
        """The desk's emergency notices changed: show it now, not at the next tick."""
        self._show_notices(self.now(), self.content)

    def _show_notices(self, now: datetime, content: Content | None) -> None:
        # The desk's emergency notice first: it is the newest word, and it shows even without content.
        alert = self.services.alert_notice(now, self.language)
        if content is None:
            self.banner = None
            self._show_emergency(alert, None)
            return
        notices = content.notices(now, self.language, self.settings.kiosk_id)
        emergency = next((n for n in notices if n.level == "emergency"), None)
        others = [n for n in notices if n.level != "emergency"]
        feed_banner = (others[0].level, others[0].text) if others else None
        self.banner = self.official_warnings.banner_over(feed_banner, now, content)  # set once a tick
        self._show_emergency(alert or emergency, content)

    def _show_emergency(self, notice, content: Content | None) -> None:
        if not hasattr(self, "root_layout"):
            return
        from kiosk.ui.widgets.overlays import EmergencyOverlay

        if notice is None:
            if self._emergency is not None and self._emergency.parent is not None:
                self.root_layout.remove_widget(self._emergency)
            return
        if self._emergency is None:
            self._emergency = EmergencyOverlay()
        until = ""
        if notice.until is not None and content is not None:
            until = tr._("Until {time}").format(time=formatting.time_text(notice.until, self.language, content.timezone))
        self._emergency.show(notice.id, notice.text, until)
        if self._emergency.parent is None:
            self.root_layout.add_widget(self._emergency)

    @property
    def emergency_shown(self) -> bool:
        return self._emergency is not None and self._emergency.parent is not None

    @property
    def idle_question_shown(self) -> bool:
        return self._idle_overlay is not None and self._idle_overlay.parent is not None

    def _check_idle(self, now: datetime) -> None:
        current = self.current()
        if current is None or current.name in ("attract", "night") or self._last_activity is None:
            return
        state, left = idle_state(now, self._last_activity, self.settings.idle_timeout_s)
        if state == "active":
            return
        if state == "expired":
            self._last_activity = now  # the reset re-enters _tick through the language switch: reset once
            self.services.idle_reset()
            self.reset_for_next_visitor()
            return
        from kiosk.ui.widgets.overlays import IdleOverlay

        if self._idle_overlay is None:
            self._idle_overlay = IdleOverlay(on_continue=self.touched)
        self._idle_overlay.set_seconds(tr._("Starting over in {seconds} s").format(
            seconds=formatting.number_text(left, self.language)))
        if self._idle_overlay.parent is None:
            self.root_layout.add_widget(self._idle_overlay)
