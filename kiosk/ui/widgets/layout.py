"""Boxes that mirror for right-to-left languages, and the two-zone frame every screen lives in.

Portrait: the top third holds the header, clock, banners and calm content; everything a visitor
touches lies in the lower two thirds (reachable from a wheelchair). Landscape: the same zones side
by side.
"""
from __future__ import annotations

from kivy.app import App
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Rectangle
from kivy.properties import BooleanProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk import bidi
from kiosk.ui.follow import followers
from kiosk.ui.translate import N_, tr_txt
from kiosk.ui.widgets.text import KButton, KLabel, has_rtl_letters

# A screen's title never takes more of the top zone than this; a longer one is set smaller, then cut
# (the screen shows it whole in its body, e.g. an event's 135-character title, issue 19).
TITLE_MAX_LINES = 3


class MirrorBox(BoxLayout):
    """A horizontal box whose children appear in reverse order when the language is right to left."""

    rtl = BooleanProperty(False)

    def __init__(self, **kwargs):
        kwargs.setdefault("orientation", "horizontal")
        super().__init__(**kwargs)
        self._mirrored = False
        app = App.get_running_app()
        if app is not None:
            followers.follow(app, self, rtl=self._on_app_rtl)  # weakly (kiosk/ui/follow.py)
            self.rtl = app.rtl

    def _on_app_rtl(self, app, value):
        self.rtl = value

    def on_rtl(self, *args):
        self.apply_direction()

    def apply_direction(self):
        # Only rows mirror: a column reads top to bottom in every language.
        mirrored = self.rtl and self.orientation == "horizontal"
        if self._mirrored == mirrored:
            return
        self._mirrored = mirrored
        widgets = list(self.children)  # last-added first
        self.clear_widgets()
        for widget in widgets:
            self.add_widget(widget)

    def add_logical(self, widget):
        """Add in reading order, whatever the current direction."""
        if self._mirrored:
            self.add_widget(widget, index=len(self.children))
        else:
            self.add_widget(widget)


class MirrorGrid(GridLayout):
    """A grid whose rows read from the right in a right-to-left language (the first tile top right)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        app = App.get_running_app()
        if app is not None:
            followers.follow(app, self, rtl=self._on_app_rtl)  # weakly (kiosk/ui/follow.py)
            self._on_app_rtl(app, app.rtl)

    def _on_app_rtl(self, app, rtl):
        self.orientation = "rl-tb" if rtl else "lr-tb"


def fitted_row(*cells, spacing: int = 14) -> MirrorBox:
    """A row of cells in reading order whose height follows its tallest cell (wrapped text grows)."""
    row = MirrorBox(size_hint_y=None, spacing=spacing)
    for cell in cells:
        row.add_logical(cell)
    row.apply_direction()

    def fit(*_):
        row.height = max(cell.height for cell in cells)

    for cell in cells:
        cell.bind(height=fit)
    fit()
    return row


class Background(BoxLayout):
    def __init__(self, tone: str = "background", **kwargs):
        super().__init__(**kwargs)
        self.tone = tone
        app = App.get_running_app()
        with self.canvas.before:
            self._colour = Color(*app.palette[tone])
            self._rect = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._sync, size=self._sync)
        followers.follow(app, self, palette=self._repaint)  # weakly (kiosk/ui/follow.py)

    def _sync(self, *args):
        self._rect.pos, self._rect.size = self.pos, self.size

    def _repaint(self, app, palette):
        self._colour.rgba = palette[self.tone]


class TitleLabel(KLabel):
    """A screen title of at most TITLE_MAX_LINES lines: in the title size, else the heading size, else
    cut at a word with "…". `txt` stays the whole title; `cut` says whether the reader sees less."""

    cut = BooleanProperty(False)

    def shown_text(self) -> str:
        app = App.get_running_app()
        full = self.txt
        if app is None or self.width <= 10 or not full:
            return full
        for role in ("title", "heading"):
            if self._lines(full, app.sizes[role]) <= TITLE_MAX_LINES:
                self.size_role, self.cut = role, False
                return full
        self.size_role, self.cut = "heading", True
        size = app.sizes["heading"]
        # Cut at a space where there is one, else anywhere (one very long word).
        ends = [i for i, char in enumerate(full) if char == " " and i > 0] or list(range(1, len(full)))
        low, high = 0, len(ends) - 1
        while low < high:  # the longest start with its "…" that still fits
            middle = (low + high + 1) // 2
            if self._lines(self._shortened(full, ends[middle]), size) <= TITLE_MAX_LINES:
                low = middle
            else:
                high = middle - 1
        return self._shortened(full, ends[low]) if ends else full

    @staticmethod
    def _shortened(text: str, end: int) -> str:
        return text[:end].rstrip(" ,;:-–—") + "…"

    def _lines(self, logical: str, font_size: float) -> int:
        """How many lines `logical` takes at `font_size` in this label's width."""
        def height(text: str) -> float:
            label = CoreLabel(text=text, font_name=self.font_name, font_size=font_size, bold=self.bold,
                              text_size=(max(1, self.width), None))
            label.refresh()
            return label.texture.height

        text = logical
        if has_rtl_letters(logical):
            measure = CoreLabel(font_name=self.font_name, font_size=font_size, bold=self.bold).get_extents
            text = bidi.wrap_display(logical, max(1, self.width) * 0.96, lambda t: measure(t)[0])
        return round(height(text) / height("Ag"))


class Header(MirrorBox):
    """The screen's title and the time and date in the visitor's language."""

    def __init__(self, **kwargs):
        app = App.get_running_app()
        # In landscape the header's column is narrow: the clock goes above the title, not beside it.
        stacked = app.landscape
        super().__init__(size_hint_y=None, spacing=20, orientation="vertical" if stacked else "horizontal", **kwargs)
        self.title = TitleLabel(size_role="title", bold=True, wrap=True)
        clock = BoxLayout(orientation="vertical", size_hint=(1 if stacked else None, None),
                          width=app.sizes["title"] * 5.2)
        self.time = KLabel(size_role="title", align="end", wrap=False, bold=True)
        self.date = KLabel(size_role="small", align="end", tone="muted", wrap=True)
        from kiosk.ui.widgets.accessibility import AccessibilityButton

        # Beside the time, in the room the clock leaves even with larger text (about 17 mm on a 27-inch
        # panel): a long press turns speech on (docs/accessibility.md).
        self.accessibility = AccessibilityButton(side=round(app.sizes["title"]))
        clock.add_widget(fitted_row(self.accessibility, self.time, spacing=8))
        clock.add_widget(self.date)
        for part in (clock, self.title) if stacked else (self.title, clock):
            self.add_logical(part)
        app.fbind("clock_time", lambda a, v: setattr(self.time, "txt", v))
        app.fbind("clock_date", lambda a, v: setattr(self.date, "txt", v))
        self.time.txt, self.date.txt = app.clock_time, app.clock_date
        self.bind(minimum_height=self.setter("height"))
        clock.bind(minimum_height=clock.setter("height"))
        self.apply_direction()


class NoticeBanner(KLabel):
    """Info and warning notices; hidden when there are none."""

    def __init__(self, **kwargs):
        super().__init__(wrap=True, padding=(20, 14), **kwargs)
        app = App.get_running_app()
        with self.canvas.before:
            self._colour = Color(0, 0, 0, 0)
            self._rect = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._sync, size=self._sync)
        app.fbind("banner", self._show)
        app.fbind("palette", self._show)
        self._show()

    def _sync(self, *args):
        self._rect.pos, self._rect.size = self.pos, self.size

    def _show(self, *args):
        app = App.get_running_app()
        level, text = app.banner if app.banner else ("info", "")
        self.txt = text
        self.tone = f"on_{level}"
        self._colour.rgba = app.palette[level] if text else (0, 0, 0, 0)
        self.opacity = 1 if text else 0
        self.auto_height = bool(text)
        if not text:
            self.height = 0
            self.size_hint_y = None
        else:
            self._fit_height()


class NavBar(MirrorBox):
    """Back, home and the always-visible help button, at the bottom within reach."""

    def __init__(self, *, back: bool = True, **kwargs):
        app = App.get_running_app()
        super().__init__(size_hint_y=None, height=app.touch_px, spacing=16, **kwargs)
        self.back = self.home = None
        if back:
            self.back = KButton(auto_height=False, on_release=lambda *_: app.back())
            self.home = tr_txt(KButton(auto_height=False, on_release=lambda *_: app.go_home()), N_("Home"))
            self.add_logical(self.back)
            self.add_logical(self.home)
        else:
            self.add_logical(Widget())
        # It wraps to two lines rather than cut "Pomoc i bezpiec…" (uk, pl).
        self.help = tr_txt(KButton(bg="help", tone="on_help", bold=True, auto_height=False, size_hint_x=2,
                                   on_release=lambda *_: app.go("help")),
                           N_("Help & safety"))
        self.add_logical(self.help)
        self.apply_direction()
        for button in (self.back, self.home, self.help):
            if button is not None:
                button.bind(texture_size=self._fit)
        app.fbind("touch_px", self._fit)
        app.fbind("translated", self._arrows)
        self._arrows()

    def _fit(self, *args):
        # As tall as the touch size, or as two lines of larger text need: never a label over its button.
        app = App.get_running_app()
        buttons = [b for b in (self.back, self.home, self.help) if b is not None]
        self.height = max(app.touch_px, max(b.texture_size[1] for b in buttons) + 8)

    def _arrows(self, *args):
        if self.back is not None:
            # The arrow points where the visitor came from: right in a right-to-left language.
            app = App.get_running_app()
            self.back.txt = ("→ " if app.rtl else "← ") + tr_txt_value(N_("Back"))


def tr_txt_value(msgid: str) -> str:
    from kiosk.ui.translate import tr

    return tr._(msgid)


class Zone(BoxLayout):
    """A column whose boxes claim what their fixed parts need (a picture's caption lines), so the
    zone's minimum height is true and its lines never run over the banner above (issue 19)."""

    def add_widget(self, widget, *args, **kwargs):
        if isinstance(widget, BoxLayout) and widget.size_hint_y is not None:
            widget.fbind("minimum_height", _claim_minimum_height)
            _claim_minimum_height(widget, widget.minimum_height)
        super().add_widget(widget, *args, **kwargs)

    def remove_widget(self, widget, *args, **kwargs):
        widget.funbind("minimum_height", _claim_minimum_height)
        super().remove_widget(widget, *args, **kwargs)


def _claim_minimum_height(widget, value) -> None:
    widget.size_hint_min_y = value


class Frame(MirrorBox, Background):
    """A screen's zones: `top` (header, banner, `hero`) and `reach` (`body`, nav bar). In landscape they sit
    side by side, the top zone first in reading order: on the right in a right-to-left language."""

    def __init__(self, *, back: bool = True, nav: bool = True, **kwargs):
        app = App.get_running_app()
        landscape = app.landscape
        pad = round(28 * app.scale)
        self.top_zone = BoxLayout(orientation="vertical", padding=pad, spacing=pad // 2)
        self.reach_zone = BoxLayout(orientation="vertical", padding=(pad, 0, pad, pad), spacing=pad // 2)
        super().__init__(orientation="horizontal" if landscape else "vertical", **kwargs)
        top = self.top_zone
        if landscape:
            # The panel's height is all the column has: with larger text its parts can need more, and the
            # column scrolls (from its top, the header first) instead of pushing the header off the panel.
            from kiosk.ui.widgets.scrolling import KScrollView

            top = KScrollView(do_scroll_x=False, bar_width=8, effect_cls="ScrollEffect", size_hint_x=1 / 3)
            top.add_widget(self.top_zone)
            self.top_zone.size_hint_y = None
            top.bind(height=self._fill_column)
            self.top_zone.bind(minimum_height=self._fill_column)
            self.reach_zone.size_hint_x = 2 / 3
        else:
            self.top_zone.size_hint_y, self.reach_zone.size_hint_y = 1 / 3, 2 / 3
        self.header = Header()
        # Where this terminal stands, on every screen: a caller to 112 must be able to say it.
        self.where = KLabel(size_role="body", tone="muted")
        app.fbind("terminal_line", lambda a, v: setattr(self.where, "txt", v))
        self.where.txt = app.terminal_line
        self.banner = NoticeBanner()
        self.hero = Zone(orientation="vertical", spacing=pad // 2)
        self.body = BoxLayout(orientation="vertical", spacing=pad // 2)
        # A zone never gets less than its fixed parts need (larger text): it takes room from the other zone
        # instead of letting its lines run over each other.
        self.hero.bind(minimum_height=self.hero.setter("size_hint_min_y"))
        self.body.bind(minimum_height=self.body.setter("size_hint_min_y"))
        self.top_zone.bind(minimum_height=self.top_zone.setter("size_hint_min_y"))
        self.reach_zone.bind(minimum_height=self.reach_zone.setter("size_hint_min_y"))
        self.top_zone.add_widget(self.header)
        self.top_zone.add_widget(self.where)
        self.top_zone.add_widget(self.banner)
        self.top_zone.add_widget(self.hero)
        self.reach_zone.add_widget(self.body)
        self.nav = NavBar(back=back) if nav else None
        if self.nav is not None:
            self.reach_zone.add_widget(self.nav)
        self.add_logical(top)
        self.add_logical(self.reach_zone)
        self.apply_direction()
        self._landscape = landscape
        self._snug = False
        self.top_zone.fbind("minimum_height", self._fit_top)

    def snug_top(self, snug: bool) -> None:
        """In portrait, the top zone only as tall as its words (a card without a picture, a route's
        distance): the body takes the rest instead of a blank band. Its buttons stay at the foot, within
        reach. Off again, the top zone is the calm third."""
        if self._landscape or snug == self._snug:
            return
        self._snug = snug
        self.top_zone.size_hint_y = None if snug else 1 / 3
        self._fit_top()

    def _fit_top(self, *args) -> None:
        if self._snug:
            self.top_zone.height = self.top_zone.minimum_height

    def _fill_column(self, *args):
        self.top_zone.height = max(self.top_zone.minimum_height, self.top_zone.parent.height)

    def apply_direction(self):
        super().apply_direction()
        if self.orientation == "horizontal":  # landscape: the top zone's padding is the gap between the zones
            pad = self.reach_zone.padding[3]
            self.reach_zone.padding = (pad, pad, 0, pad) if self._mirrored else (0, pad, pad, pad)
