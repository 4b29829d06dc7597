"""The small accessibility button in every header (the universal access figure, drawn, so no font
needs the symbol): a long press turns speech on or off; a short touch does nothing, so nobody starts
it by accident. And the line a terminal that cannot speak shows instead."""
from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.graphics import Color, Ellipse, Line, Rectangle
from kivy.properties import BooleanProperty
from kivy.uix.widget import Widget

from kiosk.ui.follow import followers
from kiosk.ui.widgets.text import EDGE_PX, KLabel

LONG_PRESS_S = 1.0


class AccessibilityButton(Widget):
    speaking = BooleanProperty(False)

    def __init__(self, side: int, **kwargs):
        app = App.get_running_app()
        super().__init__(size_hint=(None, None), size=(side, side), **kwargs)
        self._hold = None
        with self.canvas:
            self._edge_colour = Color()
            self._edge = Ellipse()
            self._fill_colour = Color()
            self._fill = Ellipse()
            self._ink = Color()
            self._head = Ellipse()
            self._arms = Line(width=1)
            self._body = Line(width=1)
        self.bind(pos=self._draw, size=self._draw, speaking=self._draw)
        followers.follow(app, self, palette=self._draw, speech_on=self._on_speech)  # weakly (kiosk/ui/follow.py)
        self.speaking = app.speech_on
        self._draw()

    def _on_speech(self, app, value):
        self.speaking = value

    def _draw(self, *args):
        palette = App.get_running_app().palette
        self._edge_colour.rgba = palette["edge"]
        self._fill_colour.rgba = palette["accent" if self.speaking else "surface"]
        self._ink.rgba = palette["on_accent" if self.speaking else "text"]
        d = min(self.width, self.height)
        x, y = self.center_x - d / 2, self.center_y - d / 2
        self._edge.pos, self._edge.size = (x, y), (d, d)
        self._fill.pos, self._fill.size = (x + EDGE_PX, y + EDGE_PX), (d - 2 * EDGE_PX, d - 2 * EDGE_PX)
        cx, cy, u = self.center_x, self.center_y, d / 10
        self._head.pos, self._head.size = (cx - u, cy + 2 * u), (2 * u, 2 * u)
        self._arms.width = self._body.width = max(2, u * 0.55)
        self._arms.points = [cx - 3.2 * u, cy + 1.2 * u, cx + 3.2 * u, cy + 1.2 * u]
        self._body.points = [cx - 2 * u, cy - 3.4 * u, cx, cy - 0.6 * u, cx + 2 * u, cy - 3.4 * u,
                             cx, cy - 0.6 * u, cx, cy + 1.2 * u]

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return super().on_touch_down(touch)
        touch.grab(self)
        self._hold = Clock.schedule_once(self._held, LONG_PRESS_S)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is self:
            touch.ungrab(self)
            if self._hold is not None:
                self._hold.cancel()
                self._hold = None
            return True
        return super().on_touch_up(touch)

    def _held(self, dt):
        self._hold = None
        App.get_running_app().speech.toggle()


class SpeechProblem(KLabel):
    """"This terminal cannot speak": across the top of the window, in speech mode only."""

    def __init__(self, **kwargs):
        super().__init__(size_role="heading", bold=True, tone="on_warning", padding=(24, 18),
                         size_hint=(1, None), pos_hint={"x": 0, "top": 1}, **kwargs)
        app = App.get_running_app()
        with self.canvas.before:
            self._colour = Color(*app.palette["warning"])
            self._rect = Rectangle()
        self.bind(pos=self._sync, size=self._sync)

    def _sync(self, *args):
        self._rect.pos, self._rect.size = self.pos, self.size
