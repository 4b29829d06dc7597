"""Headless rendering of any screen to a PNG: `kiosk screenshot`, publishers' previews, the README.

Importing this module does not import Kivy; `start_headless` configures Kivy first, then imports it.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from kiosk.config import Config

SCREENSHOT_SCREENS = ("attract", "home", "today", "shops", "discover", "place", "event", "search", "help", "map",
                      "route", "feedback", "admin", "night")


class ScreenshotError(Exception):
    """The screenshot cannot be made; the message says why and what to pass instead."""


def start_headless(config: Config, data_dir: Path, *, size: tuple[int, int], clock=None,
                   example_warning: bool = False):
    """The real app in an offscreen window, built and ready, without entering Kivy's main loop.

    The demo's example warning (`demo_example_warning`) is left out unless asked for: a banner on every
    screenshot and in every UI test would hide what each one is for."""
    from dataclasses import replace

    from kiosk.ui import boot

    config = replace(config, demo_example_warning=example_warning)
    boot.prepare(size=size, headless=True)
    from kivy.base import EventLoop

    from kiosk.ui.app import make_app

    app = make_app(config, data_dir, clock=clock, transitions=False)
    app._run_prepare()
    EventLoop.ensure_window()
    for _ in range(3):
        EventLoop.idle()
    return app


def frames(count: int = 4) -> None:
    from kivy.base import EventLoop

    for _ in range(count):
        EventLoop.idle()


def save_window(path: Path) -> Path:
    """The window's pixels as a PNG at exactly `path` (Window.screenshot appends a counter)."""
    from kivy.core.window import Window
    from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels
    from PIL import Image

    width, height = Window.size
    data = glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE)
    image = Image.frombytes("RGB", (width, height), data).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)
    if path.stat().st_size > 400_000:
        image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path


def default_item(content, screen: str, at: datetime, lang: str) -> str | None:
    if screen in ("place", "route"):
        featured = content.featured_shops(at, lang) or content.places(at, lang)
        return featured[0].id if featured else None
    if screen == "event":
        today = content.todays_events(at, lang)
        events = today.running + today.later + today.upcoming
        return events[0].id if events else None
    return None


def render(config: Config, data_dir: Path, out: Path, *, screen: str, lang: str, at: datetime,
           size: tuple[int, int], item: str | None = None, high_contrast: bool = False,
           large_text: bool = False, example_warning: bool = False) -> Path:
    if screen not in SCREENSHOT_SCREENS:
        raise ScreenshotError(f"There is no screen called '{screen}'; choose one of: {', '.join(SCREENSHOT_SCREENS)}.")
    if lang not in config.locales:
        raise ScreenshotError(f"The language '{lang}' is not offered; choose one of: {', '.join(config.locales)}.")
    if example_warning and (not config.demo_mode or config.warnings_url is not None):
        raise ScreenshotError("--example-warning shows the demo's recorded warning; it needs demo mode "
                              "(no feed_url) and no warnings_url.")
    app = start_headless(config, data_dir, size=size, clock=lambda: at, example_warning=example_warning)
    if config.demo_mode and config.weather_url is None:
        from kiosk.live.recorded import RecordedWeather

        app.services.weather = RecordedWeather(app.clock)  # what the demo shows, labelled "example data"
    content = app.content
    if content is None:
        raise ScreenshotError(f"There is no readable content in {data_dir}.")
    if screen in ("place", "event"):
        item = item or default_item(content, screen, at, lang)
        found = item and (content.place(item, at, lang) if screen == "place" else content.event(item, at, lang))
        if not found:
            raise ScreenshotError(f"There is no {screen} with the id '{item}' in the content of {data_dir}.")
    elif screen == "route":
        item = item or default_item(content, screen, at, lang)
        if not item or not (content.place(item, at, lang) or content.event(item, at, lang)):
            raise ScreenshotError(f"There is no place or event with the id '{item}' in the content of {data_dir}.")
    elif item and screen == "help" and content.page(item, at, lang) is None:
        raise ScreenshotError(f"There is no page with the id '{item}'.")
    if lang != app.language:
        app.set_language(lang)
    app.high_contrast, app.large_text = high_contrast, large_text
    if screen != "attract":
        params = {"item": item} if item else {}
        if screen == "map" and item:
            params = {"kind": item}  # the map showing one kind of place: --item toilet
        app.go(screen, **params)
    else:
        app.current().speak(lang)  # the loop's slide in the language asked for
    if screen == "admin":
        app.current().show_panel()  # the panel as staff see it after the PIN
    if example_warning:
        app._tick(0)  # the banner as the app's next tick shows it
    frames(4)
    if app.errors:
        raise ScreenshotError(f"The {screen} screen failed to draw: {app.errors[0]!r}")
    return save_window(out)
