"""The parts of the route screen: the summary, the steps and the QR code to take the route along."""
from __future__ import annotations

import math

from kivy.app import App
from kivy.core.window import Window
from kivy.properties import NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.share import qr_matrix
from kiosk.ui.theme import pixels_per_mm
from kiosk.ui.widgets.layout import MirrorBox, fitted_row
from kiosk.ui.widgets.qr import FIXED_VERSION, MIN_MODULE_PX, QRCode
from kiosk.ui.widgets.scrolling import KScrollView
from kiosk.ui.widgets.text import KLabel

MIN_MODULE_MM = 0.8  # a phone reads a module this size from 40-60 cm (docs/wayfinding.md)

# Turn arrows keep their meaning in every script: a left turn is a left turn, also in Arabic.
STEP_ICONS = {
    ("turn", "left"): "↰", ("turn", "right"): "↱", ("turn", "slight_left"): "↖", ("turn", "slight_right"): "↗",
    ("turn", "sharp_left"): "↙", ("turn", "sharp_right"): "↘", ("steps", "up"): "⇅", ("steps", "down"): "⇅",
    ("steps", None): "⇅", ("arrive", "left"): "⚑", ("arrive", "right"): "⚑", ("arrive", None): "⚑",
    ("escalator", "up"): "⇅", ("escalator", "down"): "⇅", ("escalator", None): "⇅", ("lift", None): "⇕",
}


def step_icon(kind: str, direction: str | None) -> str:
    return STEP_ICONS.get((kind, direction), "↑")


def min_module_px() -> int:
    """Whole pixels per QR module for at least MIN_MODULE_MM on the configured panel."""
    app = App.get_running_app()
    diagonal = app.settings.screen_diagonal_in if app else 27.0
    return max(3, math.ceil(MIN_MODULE_MM * pixels_per_mm(*Window.size, diagonal)))


class RouteSummary(MirrorBox):
    """The distance, the time and the step-free note."""

    def __init__(self, **kwargs):
        super().__init__(spacing=28, size_hint_y=None, **kwargs)
        # As tall as its lines: the zone above the map then knows what it needs (route screen, portrait).
        self.lines = BoxLayout(orientation="vertical", spacing=10, size_hint_y=None)
        self.lines.bind(minimum_height=self.lines.setter("height"))
        self.lines.bind(height=self.setter("height"))
        self.walk = KLabel(size_role="heading", bold=True, tone="accent")
        self.note = KLabel(size_role="body")
        for label in (self.walk, self.note):
            self.lines.add_widget(label)
        self.add_logical(self.lines)
        self.apply_direction()

    def show(self, walk: str, note: str) -> None:
        self.walk.txt, self.note.txt = walk, note


class TakeAlongCode(MirrorBox):
    """The route's QR code beside the steps, always version 6 at >= 8 px per module: one fixed size.
    What it does is said right with it, where the eye already is (not above the map): under it in
    portrait, beside it in landscape, where the body is too short for both under each other."""

    needed_height = NumericProperty(0)  # the code and its caption: the steps' row is never shorter

    def __init__(self, **kwargs):
        app = App.get_running_app()
        self.beside = bool(app and app.landscape)
        super().__init__(orientation="horizontal" if self.beside else "vertical", size_hint_x=None, width=0,
                         spacing=16, **kwargs)
        self.qr = QRCode(size_hint=(None, None))
        self.caption = KLabel(size_role="body", tone="muted", align="center")
        self.caption_width = round((app.sizes["body"] if app else 36) * 6.5)
        if self.beside:
            words = BoxLayout(orientation="vertical")
            words.add_widget(self.caption)
            words.add_widget(Widget())
            self.code = BoxLayout(orientation="vertical", size_hint_x=None)
            self.code.add_widget(self.qr)
            self.code.add_widget(Widget())
            self.add_logical(words)
            self.add_logical(self.code)
            self.apply_direction()
        else:
            self.add_widget(self.qr)
            self.add_widget(self.caption)
            self.add_widget(Widget())
        self.qr.bind(height=self._need)
        self.caption.bind(height=self._need)

    def _need(self, *args) -> None:
        shown = self.qr.opacity > 0
        if self.beside or not self.caption.txt:
            self.needed_height = self.qr.height if shown else 0
        else:
            self.needed_height = self.qr.height + self.spacing + self.caption.height

    def show(self, url: str, caption: str = "") -> None:
        self.qr.data = url
        self.caption.txt = caption if url else ""
        if not url:
            self.width, self.qr.opacity = 0, 0
            self._need()
            return
        self.qr.module_px = max(MIN_MODULE_PX, min_module_px())
        self.qr.opacity = 1
        side = self.qr.side_for(len(qr_matrix(url, FIXED_VERSION)))
        if self.beside:
            # Narrow, but never narrower than its longest word ("mitzunehmen" must not break).
            longest = max((self.caption._measure(word) for word in self.caption.txt.split()), default=0)
            self.code.width = side
            self.width = side + self.spacing + max(self.caption_width, math.ceil(longest / 0.94) + 4)
        else:
            self.width = side
        self.qr._draw()
        self._need()


class StepList(KScrollView):
    """The steps of a route, one row each: an arrow and a sentence in the visitor's language."""

    def __init__(self, **kwargs):
        super().__init__(do_scroll_x=False, bar_width=10, effect_cls="ScrollEffect", **kwargs)
        self.column = BoxLayout(orientation="vertical", size_hint_y=None, spacing=14, padding=(12, 8, 20, 12))
        self.column.bind(minimum_height=self.column.setter("height"))
        self.add_widget(self.column)
        self.rows: list[KLabel] = []

    def show(self, steps: list[tuple[str, str]], message: str = "") -> None:
        """`steps` as (icon, sentence); `message` instead when there is no route."""
        app = App.get_running_app()
        # The same route shown again (a second visit to the same destination) keeps its rows.
        key = (tuple(steps), message, app.rtl, app.sizes["heading"], app.sizes["body"])
        self.scroll_y = 1
        if key == getattr(self, "_key", None):
            return
        self._key = key
        self.column.clear_widgets()
        self.rows = []
        if message:
            self.column.add_widget(KLabel(txt=message, size_role="heading"))
            return
        icon_w = round(app.sizes["heading"] * 1.6)
        for icon, sentence in steps:
            arrow = KLabel(txt=icon, size_role="heading", bold=True, tone="accent", align="center",
                           size_hint_x=None, width=icon_w, wrap=False)
            text = KLabel(txt=sentence, size_role="body")
            self.column.add_widget(fitted_row(arrow, text))
            self.rows.append(text)


def way_button(on_release) -> "KButton":
    """The card's "Show the way" button; its text is set by way_text() when the card is filled."""
    from kiosk.ui.widgets.text import KButton

    return KButton(size_role="button", bold=True, bg="accent", tone="on_accent", on_release=lambda *_: on_release())


def way_text() -> str:
    """"Show the way" with an arrow pointing forward in the reading direction (left in Arabic)."""
    from kiosk.ui.translate import tr

    app = App.get_running_app()
    return tr._("Show the way") + (" ←" if app and app.rtl else " →")


def show_way(parent, button, shown: bool) -> None:
    """Put the card's way button in (with its text in the current language) or take it out."""
    button.txt = way_text()
    if shown and button.parent is None:
        parent.add_widget(button)
    elif not shown and button.parent is not None:
        parent.remove_widget(button)
