"""The map's colours, and the place markers by kind: colour and symbol."""
from __future__ import annotations

from dataclasses import dataclass

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
    "lift": "#3fc1c9",  # public lifts: where a step-free route changes level
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
