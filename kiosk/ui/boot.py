"""What must happen before Kivy is imported: environment, window settings, fonts.

Kivy reads its settings when first imported and can open one window per process, so `prepare` is
called once, first, by `run_kiosk`, the screenshot command and the tests.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent.parent.parent / "assets" / "fonts"
REGULAR = FONTS_DIR / "DejaVuSans.ttf"
BOLD = FONTS_DIR / "DejaVuSans-Bold.ttf"
_prepared = False


def prepare(*, size: tuple[int, int], fullscreen: bool = False, headless: bool = False) -> None:
    global _prepared
    if _prepared:
        return
    _prepared = True
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # click owns the command line
    os.environ.setdefault("KIVY_LOG_MODE", "MIXED")  # Kivy must not take over sys.stderr: errors are sentences there
    if headless:
        os.environ["SDL_VIDEODRIVER"] = "offscreen"
        os.environ["KIVY_USE_DEFAULTCONFIG"] = "1"
        if not os.environ.get("KIOSK_UI_DEBUG"):
            os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
        os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kiosk-kivy-"))
    from kivy.config import Config as KivyConfig

    KivyConfig.set("kivy", "exit_on_escape", "0")
    KivyConfig.set("kivy", "pause_on_minimize", "0")
    KivyConfig.set("kivy", "default_font", ["DejaVuSans", str(REGULAR), str(REGULAR), str(BOLD), str(BOLD)])
    # A touch panel: no red multitouch-emulation dots from a mouse's right button.
    KivyConfig.set("input", "mouse", "mouse,disable_multitouch")
    KivyConfig.set("graphics", "width", str(size[0]))
    KivyConfig.set("graphics", "height", str(size[1]))
    KivyConfig.set("graphics", "resizable", "0")
    if fullscreen:
        KivyConfig.set("graphics", "fullscreen", "auto")
        KivyConfig.set("graphics", "borderless", "1")
        KivyConfig.set("graphics", "show_cursor", "0")
    from kivy.core.text import LabelBase

    # Registering under Kivy's default name makes every Label use DejaVu, which covers all seven scripts.
    for name in ("Roboto", "DejaVuSans"):
        LabelBase.register(name, str(REGULAR), str(REGULAR), str(BOLD), str(BOLD))


def parse_size(value: str) -> tuple[int, int]:
    """'1080x1920' -> (1080, 1920); a ValueError with a sentence otherwise."""
    try:
        width, height = (int(part) for part in value.lower().split("x"))
    except ValueError:
        raise ValueError(f"'{value}' is not a screen size such as 1080x1920.") from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise ValueError(f"The screen size {value} is out of range (200 to 8000 pixels a side).")
    return width, height


def window_size(screen_size: str, orientation: str) -> tuple[int, int]:
    """The configured panel size turned to the configured orientation."""
    width, height = parse_size(screen_size)
    if (orientation == "portrait") != (height >= width):
        width, height = height, width
    return width, height
