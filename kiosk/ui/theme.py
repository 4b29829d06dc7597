"""Colours and sizes. Plain data (no Kivy import), so a test can check every text/background pair.

Two palettes: the calm dark default and a high-contrast one. Every pair in TEXT_PAIRS has a WCAG
contrast ratio of at least 4.5:1 in both, and every control's edge at least 3:1 against the page.
"""
from __future__ import annotations

import math

Colour = tuple[float, float, float, float]


def hex_colour(value: str) -> Colour:
    value = value.lstrip("#")
    return (int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255, 1.0)


_DARK = {
    "background": "#11161c",
    "surface": "#1f2831",
    "surface_pressed": "#2d3945",
    "text": "#f3f5f7",
    "muted": "#b9c4cf",
    "accent": "#ffcc33",
    "on_accent": "#14181c",
    "open": "#1f7a3a",
    "on_open": "#ffffff",
    "closed": "#a32020",
    "on_closed": "#ffffff",
    "info": "#1d4f8f",
    "on_info": "#ffffff",
    "warning": "#ffb300",
    "on_warning": "#111111",
    "emergency": "#b00020",
    "on_emergency": "#ffffff",
    "help": "#c62828",
    "on_help": "#ffffff",
    "key": "#2b3640",
    "overlay": "#000000",
    "edge": "#6b7d8f",
}

_HIGH_CONTRAST = dict(
    _DARK,
    background="#000000",
    surface="#000000",
    surface_pressed="#333333",
    text="#ffffff",
    muted="#ffffff",
    accent="#ffff00",
    on_accent="#000000",
    key="#000000",
    info="#003399",
    open="#006400",
    closed="#990000",
    help="#990000",
    edge="#ffffff",
)

PALETTES = {"default": _DARK, "high_contrast": _HIGH_CONTRAST}

# The rim of every tile, button and row against the page: WCAG 2.2 1.4.11 asks >= 3:1 for the
# boundary of a control, and the fills alone give 1.22 (default) and 1.00 (high contrast).
EDGE_PAIRS = [("edge", "background")]
NON_TEXT_MIN = 3.0

# (text, background) pairs the UI draws; checked by tests/ui/test_theme.py.
TEXT_PAIRS = [
    ("text", "background"), ("muted", "background"), ("text", "surface"), ("muted", "surface"),
    ("text", "surface_pressed"), ("on_accent", "accent"), ("accent", "background"), ("accent", "surface"),
    ("on_open", "open"), ("on_closed", "closed"), ("on_info", "info"), ("on_warning", "warning"),
    ("on_emergency", "emergency"), ("on_help", "help"), ("text", "key"),
]


def palette(high_contrast: bool) -> dict[str, Colour]:
    source = PALETTES["high_contrast" if high_contrast else "default"]
    return {name: hex_colour(value) for name, value in source.items()}


def relative_luminance(colour: Colour) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: Colour, b: Colour) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# Font sizes in pixels for a 1080-pixel-wide portrait panel; scaled by the short side of the window.
# "small" (hours, distances, subtitles) was 28 px, a 5.5 mm x-height on a 32-inch panel: too small at 2 m.
FONT_SIZES = {"small": 32, "body": 36, "button": 36, "heading": 44, "title": 56, "hero": 72, "clock": 110}
LARGE_TEXT_FACTOR = 1.25
MIN_TOUCH_MM = 9.0


def pixels_per_mm(width_px: int, height_px: int, diagonal_in: float) -> float:
    """How many pixels a millimetre of the physical panel holds."""
    return math.hypot(width_px, height_px) / (diagonal_in * 25.4)


def scale_for(width_px: int, height_px: int) -> float:
    return min(width_px, height_px) / 1080


def font_sizes(width_px: int, height_px: int, large_text: bool) -> dict[str, float]:
    factor = scale_for(width_px, height_px) * (LARGE_TEXT_FACTOR if large_text else 1.0)
    return {name: round(size * factor) for name, size in FONT_SIZES.items()}


def touch_size(width_px: int, height_px: int, diagonal_in: float) -> float:
    """The height of every touch target: generous, and never under 9 mm on the configured panel."""
    return max(MIN_TOUCH_MM * pixels_per_mm(width_px, height_px, diagonal_in), 104 * scale_for(width_px, height_px))
