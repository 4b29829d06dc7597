"""The night slide: dark and dim, the time and the emergency numbers, nothing moving but the clock.
"Touch the screen to start" stands in every language of the terminal, each in its own direction, so
a passer-by who reads no German knows the dark screen is for them too.

Shown by `app.services.check_night()` when `night_mode` says it is night and nobody is using the
kiosk; a touch wakes it to the home screen, and the idle reset brings the night back.
"""
from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import Screen

from kiosk.i18n import is_right_to_left, translator
from kiosk.ui.follow import followers
from kiosk.ui.screens.attract import TOUCH_TO_START
from kiosk.ui.theme import hex_colour
from kiosk.ui.translate import tr
from kiosk.ui.widgets.layout import Background
from kiosk.ui.widgets.text import KLabel

HELP_PAGE = "help"
EMERGENCY_LINES = 2  # the help page lists the emergency numbers first (112, then 110)
# Dim on black, still above 4.5:1: readable at night without lighting up the street.
DIM = {"text": hex_colour("#9aa4ae"), "muted": hex_colour("#7b858f"), "accent": hex_colour("#b39024")}
# The block of text wanders once a minute over the panel so nothing burns in during the night.
SPOTS = [(0.5, 0.62), (0.45, 0.5), (0.55, 0.4), (0.5, 0.3), (0.44, 0.56), (0.56, 0.46), (0.5, 0.36)]


class DimLabel(KLabel):
    def _on_palette(self, app, palette):
        self.color = DIM.get(self.tone, DIM["text"])


class NightScreen(Screen):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        from kivy.app import App

        app = App.get_running_app()
        self.params: dict = {}
        self.stale = False
        pad = round(60 * app.scale)
        root = Background(tone="overlay")
        stage = FloatLayout()
        self.block = BoxLayout(orientation="vertical", spacing=pad // 2, size_hint=(0.9, None),
                               pos_hint={"center_x": 0.5, "center_y": 0.5})
        self.block.bind(minimum_height=self.block.setter("height"))
        self.time = DimLabel(size_role="clock", bold=True, align="center", wrap=False)
        self.date = DimLabel(size_role="heading", tone="muted", align="center")
        self.emergency = BoxLayout(orientation="vertical", spacing=pad // 4, size_hint_y=None)
        self.emergency.bind(minimum_height=self.emergency.setter("height"))
        # "Touch the screen to start" in the visitor's language first, then in the terminal's others.
        self.touch = BoxLayout(orientation="vertical", spacing=4, size_hint_y=None)
        self.touch.bind(minimum_height=self.touch.setter("height"))
        self.touch_lines: dict[str, DimLabel] = {}
        for widget in (self.time, self.date, BoxLayout(size_hint_y=None, height=pad), self.emergency,
                       BoxLayout(size_hint_y=None, height=pad // 2), self.touch):
            self.block.add_widget(widget)
        stage.add_widget(self.block)
        stage.bind(size=self._place, pos=self._place)
        self.block.bind(height=self._place)
        root.add_widget(stage)
        self.add_widget(root)
        app.fbind("clock_time", self._clock)
        app.fbind("clock_date", self._clock)

    @property
    def app(self):
        from kivy.app import App

        return App.get_running_app()

    def _clock(self, *args) -> None:
        app = self.app
        self.time.txt, self.date.txt = app.clock_time, app.clock_date
        minutes = int(app.now().timestamp() // 60)
        self._spot = SPOTS[minutes % len(SPOTS)]
        self._place()

    def _place(self, *args) -> None:
        # The spot's centre, moved only as far as keeps the whole block in the window (a short landscape panel).
        x, y = getattr(self, "_spot", SPOTS[0])
        stage = self.block.parent
        if stage is None:
            return
        self.block.pos_hint = {"center_x": x}
        free = max(0.0, stage.height - self.block.height)
        self.block.y = stage.y + min(free, max(0.0, y * stage.height - self.block.height / 2))

    def activate(self, params: dict) -> None:
        self.params = dict(params)
        self.refresh()

    def reset(self) -> None:
        self.params = {}

    def refresh(self) -> None:
        app = self.app
        self.stale = False
        self._clock()
        self._touch_lines(app)
        self.emergency.clear_widgets()
        for text in self._emergency_lines(app.content, app.now(), app.language):
            self.emergency.add_widget(DimLabel(txt=text, size_role="title", tone="accent", bold=True, align="center"))

    def _touch_lines(self, app) -> None:
        languages = [app.language] + [lang for lang in app.settings.locales if lang != app.language]
        if list(self.touch_lines) == languages:
            return
        self.touch.clear_widgets()
        self.touch_lines = {}
        for lang in languages:
            line = DimLabel(txt=translator(lang).gettext(TOUCH_TO_START), size_role="small" if self.touch_lines else "body",
                            tone="muted", align="center")
            followers.unfollow(line, "rtl")  # each line keeps its own language's direction
            line.rtl = is_right_to_left(lang)
            self.touch_lines[lang] = line
            self.touch.add_widget(line)

    @staticmethod
    def _emergency_lines(content, now, lang) -> list[str]:
        page = content.page(HELP_PAGE, now, lang) if content is not None else None
        numbers = [c for c in page.contacts if c.phone][:EMERGENCY_LINES] if page else []
        if not numbers:
            return [tr._("Emergency: call 112")]
        return [f"{c.name}: {c.phone}" for c in numbers]

    def on_touch_down(self, touch):
        # Any touch wakes the kiosk for a visitor; the idle reset brings the night back later.
        self.app.go("home", remember=False)
        return True
