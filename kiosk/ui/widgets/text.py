"""Labels and buttons that shape and mirror right-to-left text, never interpret markup, and size
themselves from the theme. Every visible string goes through KLabel.txt."""
from __future__ import annotations

import math
import unicodedata

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, OptionProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label

from kiosk import bidi
from kiosk.ui.follow import followers


# The width of the rim that sets a control off from the page (theme.EDGE_PAIRS).
EDGE_PX = 3


_WORD_WIDTHS: dict[tuple, float] = {}


def _extent(word: str, font_size: float, bold: bool) -> tuple[float, float]:
    key = (word, font_size, bold)
    size = _WORD_WIDTHS.get(key)
    if size is None:
        if len(_WORD_WIDTHS) > 50_000:
            _WORD_WIDTHS.clear()
        size = _WORD_WIDTHS[key] = CoreLabel(font_size=font_size, bold=bold).get_extents(word)
    return size


def text_width(text: str, font_size: float, bold: bool) -> float:
    """The width of `text` on one line."""
    return _extent(text, font_size, bold)[0]


def wrapped_height(text: str, font_size: float, bold: bool, width: float) -> float:
    """The height `text` takes when a KLabel wraps it at `width`, without rendering a texture: a list of
    2,000 rows is measured word by word from a cache instead of drawn twice."""
    if not text:
        return 0.0
    room = max(1.0, width * 0.95)  # a little slack: Kivy and the right-to-left wrapper measure slightly wider
    space = _extent(" ", font_size, bold)[0]
    line_h = _extent("Ág", font_size, bold)[1]
    lines, used = 1, 0.0
    for word in text.split():
        w = _extent(word, font_size, bold)[0]
        if used and used + space + w <= room:
            used += space + w
            continue
        if used:
            lines += 1
        lines += int(w // room)  # a word wider than the line is broken inside
        used = w % room if w > room else w
    return lines * line_h


def widest_word(text: str, font_size: float, bold: bool) -> float:
    """The width of the widest word of `text` as drawn (Arabic shaped): no wrapping line may be narrower."""
    return max((text_width(bidi.display(w) if has_rtl_letters(w) else w, font_size, bold) for w in set(text.split())),
               default=0.0)


def has_rtl_letters(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


class KLabel(Label):
    """`txt` is the logical text; `text` is what gets drawn (shaped, reordered, wrapped)."""

    txt = StringProperty("")
    align = OptionProperty("start", options=["start", "center", "end"])
    wrap = BooleanProperty(True)
    # Height follows the text (for rows in a BoxLayout); False keeps the layout's height.
    auto_height = BooleanProperty(True)
    size_role = StringProperty("body")
    tone = StringProperty("text")
    rtl = BooleanProperty(False)

    def __init__(self, **kwargs):
        self._relayout = Clock.create_trigger(self._update, -1)
        self._role_size = self._floor_size = 0
        kwargs.setdefault("markup", False)  # feed text is plain text, never markup
        super().__init__(**kwargs)
        app = App.get_running_app()
        if app is not None:
            self.rtl = app.rtl
            # Weakly: a label thrown away (a card refilled) is freed with its texture (kiosk/ui/follow.py).
            followers.follow(app, self, rtl=self._on_app_rtl, sizes=self._on_sizes, palette=self._on_palette)
            self._on_sizes(app, app.sizes)
            self._on_palette(app, app.palette)
        self.fbind("txt", self._relayout)
        self.fbind("width", self._relayout)
        self.fbind("font_size", self._relayout)
        self.fbind("align", self._relayout)
        self.fbind("rtl", self._relayout)
        self.fbind("size_role", lambda *a: self._on_sizes(app, app.sizes) if app else None)
        self.fbind("tone", lambda *a: self._on_palette(app, app.palette) if app else None)
        self.fbind("texture_size", self._fit_height)
        self._update()

    def _on_app_rtl(self, app, value):
        self.rtl = value

    def _on_sizes(self, app, sizes):
        self._role_size = sizes.get(self.size_role, sizes["body"])
        self._floor_size = sizes["small"]
        self.font_size = self._word_fit(self._role_size)

    def _word_fit(self, size: float) -> float:
        """The role's size, or smaller when a word of the text is wider than the line (a narrow landscape
        column, larger text): Kivy would break it inside ("Weihnachts/markt"). Never under the small size."""
        room = self.width - self.padding[0] - self.padding[2]
        if not self.wrap or self.width <= 10 or not self.txt or size <= self._floor_size:
            return size
        widest = widest_word(self.txt, size, self.bold)
        if widest <= room:
            return size
        return max(self._floor_size, math.floor(size * room / widest * 0.98))

    def _on_palette(self, app, palette):
        self.color = palette.get(self.tone, palette["text"])

    def _fit_height(self, *args):
        if self.auto_height:
            self.height = self.texture_size[1]  # Kivy 2.3's texture already includes the label's padding
            self.size_hint_y = None

    def _measure(self, text: str) -> float:
        label = CoreLabel(font_name=self.font_name, font_size=self.font_size, bold=self.bold)
        return label.get_extents(text)[0]

    def _update(self, *args):
        if self._role_size:
            self.font_size = self._word_fit(self._role_size)
        rtl = self.rtl
        self.halign = {
            "start": "right" if rtl else "left", "center": "center", "end": "left" if rtl else "right",
        }[self.align]
        inner = max(1, self.width)
        self.text_size = (inner, None) if self.wrap else (inner, self.height if not self.auto_height else None)
        self.shorten = not self.wrap
        self.shorten_from = "right"  # keep the start of a name
        self.text = self._display(self.shown_text())
        self.valign = "middle"

    def shown_text(self) -> str:
        """The logical text to draw: `txt` itself (a title cut to its lines says otherwise)."""
        return self.txt

    def _display(self, logical: str) -> str:
        """`logical` as Kivy must draw it: Arabic shaped and reordered, wherever it appears."""
        if not has_rtl_letters(logical):
            return logical
        inner = max(1, self.width)
        room = inner - self.padding[0] - self.padding[2]
        if self.wrap and self.width > 10:
            # A small margin: Kivy must never re-wrap a line that is already in display order.
            # Kivy wraps inside the padding: lines wider than that would be wrapped again, out of order.
            return bidi.wrap_display(logical, room * 0.96, self._measure)
        if self.width > 10:
            self.shorten = False  # cut in reading order before reordering, not by Kivy afterwards
            return bidi.truncate_display(logical, room * 0.96, self._measure)
        return bidi.display(logical)


class KButton(ButtonBehavior, KLabel):
    """A touch target: at least the theme's touch size high, with a filled background."""

    bg = StringProperty("surface")
    bg_colour = ListProperty([0, 0, 0, 0])
    edge_colour = ListProperty([0, 0, 0, 0])
    edge_px = NumericProperty(EDGE_PX)
    min_height = NumericProperty(0)
    radius = NumericProperty(14)

    def __init__(self, **kwargs):
        kwargs.setdefault("wrap", True)
        kwargs.setdefault("align", "center")
        kwargs.setdefault("size_role", "button")
        super().__init__(**kwargs)
        app = App.get_running_app()
        if app is not None:
            self.min_height = app.touch_px
            followers.follow(app, self, palette=self._paint, touch_px=self._on_app_touch_px)
        self.fbind("bg", self._paint)
        self.fbind("state", self._paint)
        self._paint()
        self.padding = (18, 10)

    def _on_app_touch_px(self, app, value):
        self.min_height = value

    def _paint(self, *args):
        app = App.get_running_app()
        if app is None:
            return
        name = "surface_pressed" if self.state == "down" and self.bg == "surface" else self.bg
        colour = list(app.palette.get(name, app.palette["surface"]))
        if self.state == "down" and self.bg != "surface":
            colour = [c * 0.8 for c in colour[:3]] + [1]
        self.bg_colour = colour
        self.edge_colour = list(app.palette["edge"])

    def _fit_height(self, *args):
        if self.auto_height:
            self.height = max(self.min_height, self.texture_size[1])
            self.size_hint_y = None

    def on_min_height(self, *args):
        self._fit_height()
