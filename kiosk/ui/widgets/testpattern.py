"""The touch and display test: a full-screen grid, colour bars, a grey ramp, and a ring with its
coordinates under every finger. Staff check the panel's edges, colours and touch calibration with it.
It closes on its button or by itself after a minute, so it can never be left on a public screen.
"""
from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics import Color, Ellipse, Line, Rectangle
from kivy.uix.floatlayout import FloatLayout

from kiosk.ui.translate import N_, tr_txt
from kiosk.ui.widgets.text import KButton, KLabel

CLOSE_AFTER_S = 60
GRID_PX = 60
BARS = [(1, 1, 1), (1, 1, 0), (0, 1, 1), (0, 1, 0), (1, 0, 1), (1, 0, 0), (0, 0, 1), (0, 0, 0)]
GREYS = 11


class TestPattern(FloatLayout):
    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, on_close=None, **kwargs):
        super().__init__(**kwargs)
        from kivy.app import App

        app = App.get_running_app()
        self._on_close = on_close
        self._fingers: dict = {}
        self.close_button = tr_txt(KButton(size_role="button", bold=True, bg="accent", tone="on_accent",
                                           size_hint=(0.5, None), pos_hint={"center_x": 0.5, "y": 0.04},
                                           on_release=lambda *a: self.close()), N_("Close the test pattern"))
        self.info = KLabel(size_role="small", align="center", size_hint=(1, None),
                           pos_hint={"center_x": 0.5, "top": 0.97})
        self.add_widget(self.close_button)
        self.add_widget(self.info)
        self.bind(pos=self._draw, size=self._draw)
        self._timer = Clock.schedule_once(lambda dt: self.close(), CLOSE_AFTER_S)
        self.close_button.min_height = app.touch_px

    def _draw(self, *args) -> None:
        x0, y0, w, h = self.x, self.y, self.width, self.height
        self.canvas.before.clear()
        with self.canvas.before:
            Color(0, 0, 0, 1)
            Rectangle(pos=self.pos, size=self.size)
            Color(0.45, 0.45, 0.45, 1)
            for x in range(0, int(w) + 1, GRID_PX):
                Line(points=[x0 + x, y0, x0 + x, y0 + h], width=1)
            for y in range(0, int(h) + 1, GRID_PX):
                Line(points=[x0, y0 + y, x0 + w, y0 + y], width=1)
            # The outermost pixels: a panel that crops its edges shows a missing white line.
            Color(1, 1, 1, 1)
            Line(rectangle=(x0 + 1, y0 + 1, w - 2, h - 2), width=1)
            Line(points=[x0, y0, x0 + w, y0 + h], width=1)
            Line(points=[x0, y0 + h, x0 + w, y0], width=1)
            Line(circle=(x0 + w / 2, y0 + h / 2, min(w, h) * 0.4), width=1.5)
            band = h * 0.12
            bar_w = w / len(BARS)
            for i, rgb in enumerate(BARS):
                Color(*rgb, 1)
                Rectangle(pos=(x0 + i * bar_w, y0 + h * 0.55), size=(bar_w, band))
            grey_w = w / GREYS
            for i in range(GREYS):
                Color(i / (GREYS - 1), i / (GREYS - 1), i / (GREYS - 1), 1)
                Rectangle(pos=(x0 + i * grey_w, y0 + h * 0.55 - band * 0.6), size=(grey_w, band * 0.6))
        self.info.txt = f"{int(w)} × {int(h)} px"

    # -- fingers ---------------------------------------------------------------------------------

    def on_touch_down(self, touch):
        if self.close_button.collide_point(*touch.pos):
            return super().on_touch_down(touch)
        self._finger(touch)
        return True

    def on_touch_move(self, touch):
        if touch.uid in self._fingers:
            self._finger(touch)
        return True

    def on_touch_up(self, touch):
        if touch.uid in self._fingers:
            self._erase(touch)
            self.remove_widget(self._fingers.pop(touch.uid))
            return True
        return super().on_touch_up(touch)

    def _finger(self, touch) -> None:
        self._erase(touch)
        r = 46
        group = f"finger-{touch.uid}"
        with self.canvas.after:
            Color(1, 0.8, 0.2, 0.9, group=group)
            Line(circle=(touch.x, touch.y, r), width=3, group=group)
            Ellipse(pos=(touch.x - 6, touch.y - 6), size=(12, 12), group=group)
            Line(points=[touch.x - 2 * r, touch.y, touch.x + 2 * r, touch.y], width=1, group=group)
            Line(points=[touch.x, touch.y - 2 * r, touch.x, touch.y + 2 * r], width=1, group=group)
        label = self._fingers.get(touch.uid)
        if label is None:
            label = KLabel(size_role="small", wrap=False, size_hint=(None, None), size=(320, 40))
            self._fingers[touch.uid] = label
            self.add_widget(label)
        label.txt = f"{int(touch.x)}, {int(touch.y)}"
        label.pos = (touch.x + r, touch.y + r)

    def _erase(self, touch) -> None:
        self.canvas.after.remove_group(f"finger-{touch.uid}")

    @property
    def fingers(self) -> int:
        return len(self._fingers)

    def close(self) -> None:
        self._timer.cancel()
        if self.parent is not None:
            self.parent.remove_widget(self)
        if self._on_close is not None:
            self._on_close()
