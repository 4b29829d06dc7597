"""The map's colours in both themes, and the place markers by kind: colour and symbol.

Lines, markers and the route are what a visitor reads on the map, so each meets WCAG 2.2's non-text
contrast (3:1, 1.4.11) against the map's background in both palettes (tests/ui/test_map_labels.py
reads it back from the rendered pixels). High contrast also lifts the areas to 3:1 and rims every
marker in white.
"""
from __future__ import annotations

from dataclasses import dataclass

from kiosk.ui.theme import hex_colour

_DEFAULT = {
    "background": "#1a222b",
    "park": "#1f3d2b",
    "water": "#1d4168",
    "square": "#2b3642",
    "building": "#36414d",
    "rail": "#6b7079",
    "path": "#66727f",
    "street": "#6b7886",
    "footway": "#857a66",  # pedestrian streets: warmer, the visitor's usual way
    "steps": "#e08a2e",  # steps stand out: they matter to a wheelchair user
    "landmark": "#a9b3bd",
    "lift": "#3fc1c9",  # public lifts: where a step-free route changes level
    "label": "#f3f5f7",
    "label_halo": "#11161c",
    "route": "#ffcc33",
    "route_casing": "#14181c",
    "here": "#2f80ed",
    "marker_edge": "#dfe5eb",  # a light rim: every marker stands 3:1 off the map, whatever its colour
}

_HIGH_CONTRAST = dict(
    _DEFAULT,
    background="#000000",
    park="#2e7d32",
    water="#2f62c9",
    square="#6b6b6b",
    building="#5e5e5e",
    rail="#8c8c8c",
    path="#a6a6a6",
    street="#d9d9d9",
    footway="#e6c58a",
    steps="#ff9900",
    landmark="#ffffff",
    label="#ffffff",
    label_halo="#000000",
    route="#ffff00",
    route_casing="#000000",
    here="#3d8bff",
    marker_edge="#ffffff",
)

# The styles a visitor must be able to tell from the background (the rest are areas and text).
READ_STYLES = ("street", "footway", "path", "steps", "rail", "route", "here", "marker_edge")


def _colours(source: dict[str, str]) -> dict[str, tuple]:
    colours = {name: hex_colour(value) for name, value in source.items()}
    colours["here_cone"] = (*colours["here"][:3], 0.45)
    return colours


MAP_PALETTES = {False: _colours(_DEFAULT), True: _colours(_HIGH_CONTRAST)}
MAP_COLOURS = MAP_PALETTES[False]


def map_colours(high_contrast: bool) -> dict[str, tuple]:
    """The map's palette for the visitor's choice of theme."""
    return MAP_PALETTES[bool(high_contrast)]


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
    "transit": _style("#3377e0", "U", dark_glyph=False),  # 3.7:1 on the map (the old #1f63c6 was 2.8:1)
    "destination": _style("#ffcc33", "★"),
}
# A group of places of several kinds: a slate disc with their count, unlike any one kind's marker.
CLUSTER_STYLE = _style("#3d4a57", "", dark_glyph=False)
