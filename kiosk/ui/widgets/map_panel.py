"""The map with its controls (north arrow, zoom, back to heads-up) and the legend of markers."""
from __future__ import annotations

import math

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Ellipse, Line, PopMatrix, PushMatrix, Rectangle, Rotate, Triangle
from kivy.properties import NumericProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.map_projection import rotate
from kiosk.ui.follow import followers
from kiosk.ui.labels import kind_label
from kiosk.ui.translate import N_, tr_txt
from kiosk.ui.widgets.layout import MirrorBox
from kiosk.ui.widgets.map_markers import MarkerIcon
from kiosk.ui.widgets.map_style import map_colours
from kiosk.ui.widgets.mapview import MapView
from kiosk.ui.widgets.text import KButton, KLabel, widest_word

LEGEND_ORDER = ("shop", "popup", "food", "market", "culture", "art", "landmark", "service", "help", "toilet",
                "pharmacy", "aed", "transit")


class NorthArrow(ButtonBehavior, Widget):
    """Where north is on the turned map; touching it turns the map back to heads-up."""

    rotation = NumericProperty(0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        label = CoreLabel(text="N", font_size=30, bold=True, color=(1, 1, 1, 1))
        label.refresh()
        self._n = label.texture
        redraw = Clock.create_trigger(self._draw, -1)  # once per frame, with the layout's final position
        self.bind(pos=redraw, size=redraw, rotation=redraw)
        self._redraw = redraw
        app = App.get_running_app()
        if app is not None:
            followers.follow(app, self, palette=self._repaint)  # weakly (kiosk/ui/follow.py)

    def _repaint(self, app, palette):
        self._redraw()

    def _draw(self, *args):
        r = min(self.width, self.height) / 2
        cx, cy = self.center
        nx, ny = rotate(0, r * 0.62, self.rotation)
        app = App.get_running_app()
        high_contrast = bool(app and app.high_contrast)
        self.canvas.clear()
        with self.canvas:
            Color(*map_colours(high_contrast)["label_halo"][:3], 0.85)
            Ellipse(pos=(cx - r, cy - r), size=(2 * r, 2 * r))
            if app is not None:  # a button's rim, 3:1 like every other control's (WCAG 2.2, 1.4.11)
                Color(*app.palette["edge"])
                Line(circle=(cx, cy, r - 1.5), width=1.5)
            PushMatrix()
            Rotate(angle=self.rotation, origin=(cx, cy), axis=(0, 0, 1))
            Color(0.9, 0.22, 0.21, 1)
            Triangle(points=(cx - r * 0.2, cy, cx + r * 0.2, cy, cx, cy + r * 0.42))
            Color(0.85, 0.87, 0.9, 1)
            Triangle(points=(cx - r * 0.2, cy, cx + r * 0.2, cy, cx, cy - r * 0.42))
            PopMatrix()
            Color(1, 1, 1, 1)
            w, h = self._n.size
            Rectangle(texture=self._n, pos=(cx + nx - w / 2, cy + ny - h / 2), size=(w, h))


class MapPanel(FloatLayout):
    """MapView plus its buttons; `map` is the MapView."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        app = App.get_running_app()
        touch = app.touch_px
        self.map = MapView(size_hint=(1, 1), pos_hint={"x": 0, "y": 0})
        self.add_widget(self.map)
        self.north = NorthArrow(size_hint=(None, None), size=(touch, touch), pos_hint={"right": 0.985, "top": 0.985},
                                on_release=self.map.reset_view)
        self.add_widget(self.north)
        zoom = BoxLayout(spacing=12, size_hint=(None, None), size=(2 * touch + 12, touch),
                         pos_hint={"right": 0.985, "y": 0.03})
        self.zoom_out = KButton(txt="−", size_role="title", bold=True, wrap=False, auto_height=False,
                                on_release=lambda *_: self.map.zoom_by(1 / 1.6))
        self.zoom_in = KButton(txt="+", size_role="title", bold=True, wrap=False, auto_height=False,
                               on_release=lambda *_: self.map.zoom_by(1.6))
        zoom.add_widget(self.zoom_out)
        zoom.add_widget(self.zoom_in)
        self.add_widget(zoom)
        # As wide as its widest word and as tall as its lines need (larger text: "Ansicht zurücksetzen" took
        # two lines 114 px high in the 104-px button, "zurücksetzen" broken inside).
        self.reset = tr_txt(KButton(size_role="small", wrap=True, size_hint=(None, None),
                                    width=round(touch * 2.6), pos_hint={"x": 0.015, "y": 0.03},
                                    on_release=self.map.reset_view), N_("Reset view"))
        self.reset.bind(txt=self._fit_reset, font_size=self._fit_reset)
        self._fit_reset()
        self.add_widget(self.reset)
        self.map.keep_clear = [self.north, zoom, self.reset]
        self.map.fbind("scene", self._north)
        self.map.fbind("view", self._north)

    def _fit_reset(self, *args):
        button, touch = self.reset, App.get_running_app().touch_px
        room = widest_word(button.txt, button.font_size, button.bold) + button.padding[0] + button.padding[2]
        button.width = max(round(touch * 2.6), math.ceil(room) + 4)

    def _north(self, *args):
        view = self.map.view
        if view is not None:
            self.north.rotation = view.rotation


class MapLegend(GridLayout):
    """The marker symbols of the kinds on this map, with their names in the visitor's language."""

    def __init__(self, **kwargs):
        super().__init__(cols=3, spacing=(18, 6), size_hint_y=None, **kwargs)
        self.bind(minimum_height=self.setter("height"))

    def show(self, kinds: set[str]) -> None:
        app = App.get_running_app()
        # Built once per set of kinds and language: a map visit of the same snapshot keeps its legend.
        key = (frozenset(kinds), app.language, app.rtl, app.sizes["small"], app.high_contrast, app.landscape,
               app.large_text)
        if key == getattr(self, "_key", None):
            return
        self._key = key
        self.clear_widgets()
        # In landscape (a third of the width) or with larger text the legend would push the title out of
        # the window or squeeze the map to a strip; the chips under the map name every symbol there.
        self.opacity = 0 if app.landscape or app.large_text else 1
        if self.opacity == 0:
            return
        icon = round(app.sizes["small"] * 1.3)
        entries = []
        for kind in [k for k in LEGEND_ORDER if k in kinds]:
            entries.append(self._entry(MarkerIcon(kind, size_hint=(None, None), size=(icon, icon)),
                                       KLabel(txt=kind_label(kind), size_role="small")))
        entries.append(self._entry(HereIcon(size_hint=(None, None), size=(icon, icon)),
                                   tr_txt(KLabel(size_role="small"), N_("You are here"))))
        entries += [Widget() for _ in range(-len(entries) % self.cols)]
        for start in range(0, len(entries), self.cols):
            row = entries[start:start + self.cols]
            _same_height(row, icon)
            for entry in reversed(row) if app.rtl else row:  # a grid does not mirror itself
                self.add_widget(entry)

    def _entry(self, icon, label):
        # A long name ("Kunst im öffentlichen Raum") wraps to more lines instead of being cut.
        icon.pos_hint = label.pos_hint = {"center_y": 0.5}
        entry = MirrorBox(spacing=10, size_hint_y=None)
        entry.add_logical(icon)
        entry.add_logical(label)
        entry.apply_direction()
        entry.label = label
        return entry


def _same_height(row: list, minimum: float) -> None:
    """The entries of a legend row as high as its tallest name, each centred: a row reads as one line."""
    labels = [entry.label for entry in row if hasattr(entry, "label")]

    def fit(*_):
        height = max([minimum, *(label.height for label in labels)]) + 2
        for entry in row:
            entry.height = height

    for label in labels:
        label.bind(height=fit)
    fit()


class HereIcon(Widget):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bind(pos=self._draw, size=self._draw)

    def _draw(self, *args):
        side = min(self.width, self.height) * 0.8
        x, y = self.center_x - side / 2, self.center_y - side / 2
        self.canvas.clear()
        with self.canvas:
            Color(1, 1, 1, 1)
            Ellipse(pos=(x, y), size=(side, side))
            Color(*map_colours(False)["here"])
            Ellipse(pos=(x + side * 0.15, y + side * 0.15), size=(side * 0.7, side * 0.7))
