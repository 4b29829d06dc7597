"""The map's colours, the place markers by kind (colour and symbol), and their legend icon."""
from __future__ import annotations

from dataclasses import dataclass

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Ellipse, Rectangle
from kivy.uix.widget import Widget

from kiosk.ui.theme import hex_colour

MAP_COLOURS = {name: hex_colour(value) for name, value in {
    "background": "#1a222b",
    "park": "#1f3d2b",
    "water": "#1d4168",
    "square": "#2b3642",
    "building": "#36414d",
    "rail": "#6b7079",
    "path": "#4d5966",
    "street": "#5d6a78",
    "footway": "#6a6152",  # pedestrian streets: warmer, the visitor's usual way
    "steps": "#e08a2e",  # steps stand out: they matter to a wheelchair user
    "landmark": "#a9b3bd",
    "label": "#f3f5f7",
    "label_halo": "#11161c",
    "route": "#ffcc33",
    "route_casing": "#14181c",
    "here": "#2f80ed",
    "marker_edge": "#11161c",
}.items()}
MAP_COLOURS["here_cone"] = (*MAP_COLOURS["here"][:3], 0.45)

DARK = hex_colour("#14181c")
WHITE = (1.0, 1.0, 1.0, 1.0)


@dataclass(frozen=True)
class KindStyle:
    colour: tuple
    glyph: str  # drawn with DejaVu Sans Bold, which has every one of these
    on_colour: tuple


def _style(colour: str, glyph: str, dark_glyph: bool = True) -> KindStyle:
    return KindStyle(hex_colour(colour), glyph, DARK if dark_glyph else WHITE)


KIND_STYLE = {
    "shop": _style("#ffcc33", "◆"),
    "popup": _style("#2ec4b6", "✦"),
    "food": _style("#ff9f43", "☕"),
    "market": _style("#8bd17c", "✿"),
    "culture": _style("#c39bff", "♫"),
    "art": _style("#ff7eb6", "✎"),
    "landmark": _style("#e3e7eb", "⚑"),
    "service": _style("#7fb8ff", "ℹ"),
    "help": _style("#7fb8ff", "☎"),
    "toilet": _style("#7fb8ff", "WC"),
    "pharmacy": _style("#e53935", "✚", dark_glyph=False),
    "aed": _style("#2e9e4f", "♥", dark_glyph=False),
    "transit": _style("#1f63c6", "U", dark_glyph=False),
    "destination": _style("#ffcc33", "★"),
}

_GLYPHS: dict[tuple, object] = {}


def glyph_texture(glyph: str, size: float, colour: tuple):
    """A marker's symbol, rendered once per size and colour."""
    key = (glyph, round(size), tuple(colour))
    texture = _GLYPHS.get(key)
    if texture is None:
        label = CoreLabel(text=glyph, font_size=round(size) * (0.75 if len(glyph) > 1 else 1), bold=True,
                          color=colour)
        label.refresh()
        texture = _GLYPHS[key] = label.texture
    return texture


class MarkerIcon(Widget):
    """A place marker as the legend shows it."""

    def __init__(self, kind: str, **kwargs):
        super().__init__(**kwargs)
        self.kind = kind
        self.bind(pos=self._draw, size=self._draw)

    def _draw(self, *args):
        style = KIND_STYLE.get(self.kind, KIND_STYLE["service"])
        side = min(self.width, self.height)
        x, y = self.center_x - side / 2, self.center_y - side / 2
        self.canvas.clear()
        texture = glyph_texture(style.glyph, side * 0.55, style.on_colour)
        with self.canvas:
            Color(*MAP_COLOURS["marker_edge"])
            Ellipse(pos=(x - 2, y - 2), size=(side + 4, side + 4))
            Color(*style.colour)
            Ellipse(pos=(x, y), size=(side, side))
            Color(1, 1, 1, 1)
            Rectangle(texture=texture, pos=(self.center_x - texture.width / 2, self.center_y - texture.height / 2),
                      size=texture.size)
