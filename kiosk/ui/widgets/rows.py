"""Rows of the long lists (events, shops, places, search results): RecycleView view classes that
recycle a few widgets while the visitor scrolls, mirrored for right-to-left languages."""
from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.factory import Factory
from kivy.graphics import Color, RoundedRectangle
from kivy.properties import BooleanProperty, ListProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleboxlayout import RecycleBoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior
from kivy.uix.widget import Widget

from kiosk.ui.follow import followers
from kiosk.ui.theme import FONT_SIZES
from kiosk.ui.widgets.layout import MirrorBox
from kiosk.ui.widgets.scrolling import KRecycleView
from kiosk.ui.widgets.text import EDGE_PX, KLabel, wrapped_height

ROW_PAD = (22, 12)
ROW_SPACING = 16
SIDE_WIDTH = 250
TEXT_GAP = 4
SIDE_GAP = 6
BAR_GAP = 6  # between the scroll bar and the rows


class ListRow(RecycleDataViewBehavior, ButtonBehavior, MirrorBox):
    """Title and a line about when/where/hours, both wrapping (a row grows rather than hide a fact), and at
    the side a badge (open, closed, now) and `side` (the distance) in their own place."""

    title = StringProperty("")
    row_size = ListProperty([None, 0])
    subtitle = StringProperty("")
    side = StringProperty("")
    badge = StringProperty("")
    badge_bg = StringProperty("open")
    target = StringProperty("")
    item_id = StringProperty("")
    highlight = BooleanProperty(False)
    bg_colour = ListProperty([0, 0, 0, 0])

    def __init__(self, **kwargs):
        super().__init__(padding=ROW_PAD, spacing=ROW_SPACING, **kwargs)
        app = App.get_running_app()
        texts = BoxLayout(orientation="vertical", spacing=TEXT_GAP)
        self._title = KLabel(size_role="body", bold=True)
        self._subtitle = KLabel(size_role="small", tone="muted")
        for part in (Widget(), self._title, self._subtitle, Widget()):
            texts.add_widget(part)
        self._texts = texts
        side = BoxLayout(orientation="vertical", spacing=SIDE_GAP, size_hint_x=None, width=side_width(app.sizes))
        self._badge = KLabel(size_role="small", align="center", bold=True, padding=(8, 6))
        self._side = KLabel(size_role="body", align="end", bold=True)
        for part in (Widget(), self._badge, self._side, Widget()):
            side.add_widget(part)
        self._side_box = side
        with self._badge.canvas.before:
            self._badge_colour = Color(0, 0, 0, 0)
            self._badge_rect = RoundedRectangle(radius=[12])
        self._badge.bind(pos=self._place_badge, size=self._place_badge)
        with self.canvas.before:
            self._edge_colour = Color(*app.palette["edge"])
            self._edge = RoundedRectangle(radius=[16])
            self._bg = Color(*app.palette["surface"])
            self._rect = RoundedRectangle(radius=[14])
        self.bind(pos=self._sync, size=self._sync, state=self._paint)
        followers.follow(app, self, palette=self._paint, sizes=self._on_sizes)  # weakly (kiosk/ui/follow.py)
        self.add_logical(texts)
        self.add_logical(side)
        self.apply_direction()

    def _on_sizes(self, app, sizes):
        self._side_box.width = side_width(sizes)

    def _sync(self, *args):
        # The edge: a rim of EDGE_PX in a colour with >= 3:1 against the page (WCAG 1.4.11).
        self._edge.pos, self._edge.size = self.pos, self.size
        self._rect.pos = (self.x + EDGE_PX, self.y + EDGE_PX)
        self._rect.size = (max(0, self.width - 2 * EDGE_PX), max(0, self.height - 2 * EDGE_PX))

    def _place_badge(self, *args):
        b = self._badge
        self._badge_rect.pos, self._badge_rect.size = b.pos, b.size

    def _paint(self, *args):
        app = App.get_running_app()
        palette = app.palette
        self._bg.rgba = palette["surface_pressed" if self.state == "down" or self.highlight else "surface"]
        self._edge_colour.rgba = palette["edge"]
        self._badge_colour.rgba = palette[self.badge_bg] if self.badge else (0, 0, 0, 0)
        self._badge.tone = f"on_{self.badge_bg}" if self.badge_bg != "accent" else "on_accent"

    def refresh_view_attrs(self, rv, index, data):
        super().refresh_view_attrs(rv, index, data)
        self._title.txt = self.title
        self._subtitle.txt = self.subtitle
        self._badge.txt = self.badge
        self._side.txt = self.side
        self._badge.opacity = 1 if self.badge else 0
        # Without a badge it takes no room, so the distance sits level with the title and subtitle.
        self._badge.auto_height = bool(self.badge)
        if not self.badge:
            self._badge.height = 0
        self._paint()

    def on_release(self):
        if self.target:
            App.get_running_app().go(self.target, item=self.item_id)


class SectionRow(RecycleDataViewBehavior, KLabel):
    """A heading between groups of rows ('Running now', 'Later today'); a long one wraps."""

    title = StringProperty("")
    row_size = ListProperty([None, 0])

    def __init__(self, **kwargs):
        super().__init__(size_role="heading", bold=True, tone="accent", auto_height=False, **kwargs)

    def refresh_view_attrs(self, rv, index, data):
        super().refresh_view_attrs(rv, index, data)
        self.txt = self.title


class RowList(KRecycleView):
    """A smoothly scrolling list of ListRow / SectionRow data dicts."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        app = App.get_running_app()
        self.bar_width = 10
        self.scroll_type = ["bars", "content"]
        self.effect_cls = "ScrollEffect"  # no overscroll bounce: calmer, and no blank frames
        self.viewclass = "ListRow"
        layout = RecycleBoxLayout(orientation="vertical", size_hint_y=None, spacing=12,
                                  default_size=(None, round(app.touch_px * 1.25)), default_size_hint=(1, None))
        layout.bind(minimum_height=layout.setter("height"))
        layout.key_size = "row_size"  # rows and section headings differ in height
        layout.key_viewclass = "viewclass"
        layout.viewclass = "ListRow"
        self._relayout = Clock.create_trigger(lambda dt: self.refresh_from_data(), -1)
        self.bind(width=self._measure_rows)
        followers.follow(app, self, sizes=self._measure_rows)  # weakly (kiosk/ui/follow.py)
        self.add_widget(layout)
        self.layout_manager = layout
        self._bar_side(app, app.rtl)

    def _bar_side(self, app, rtl):
        # The rows keep clear of the bar, so no heading or rim ever sits under it (left in Arabic).
        super()._bar_side(app, rtl)
        layout = getattr(self, "layout_manager", None)
        if layout is not None:
            gap = self.bar_width + BAR_GAP
            layout.padding = (gap, 0, 0, 0) if rtl else (0, 0, gap, 0)

    def show(self, rows: list[dict]) -> None:
        self.data = rows
        self._measure_rows()
        self.scroll_y = 1

    def _measure_rows(self, *args) -> None:
        """Each row as tall as its wrapped text at this width and text size (kept in the row's data, so a
        list that shows the same rows again measures nothing)."""
        app = App.get_running_app()
        sizes, width = app.sizes, self.width - self.bar_width - BAR_GAP
        key = (round(width), sizes["body"], sizes["small"], sizes["heading"], app.touch_px)
        if width < 200:
            return  # not laid out yet: measured when the list gets its width
        for row in self.data:
            if row.get("_measured") != key:
                row["row_size"] = (None, row_height(row, width, sizes, app.touch_px, app.scale))
                row["_measured"] = key
        self._relayout()

    def relayout(self) -> None:
        self._relayout()


def row_height(row: dict, width: float, sizes: dict, touch_px: float, scale: float) -> int:
    if row.get("viewclass") == "SectionRow":
        return round(wrapped_height(row["title"], sizes["heading"], True, width) + sizes["heading"] * 0.9)
    side_w = side_width(sizes)
    text_w = width - 2 * ROW_PAD[0] - ROW_SPACING - side_w
    texts = wrapped_height(row["title"], sizes["body"], True, text_w)
    if row.get("subtitle"):
        texts += TEXT_GAP + wrapped_height(row["subtitle"], sizes["small"], False, text_w)
    side = 0.0
    if row.get("badge"):
        side += wrapped_height(row["badge"], sizes["small"], True, side_w - 16) + 12
    if row.get("side"):
        side += SIDE_GAP + wrapped_height(row["side"], sizes["body"], True, side_w)
    return round(max(touch_px, max(texts, side) + 2 * ROW_PAD[1] + 4))


def side_width(sizes: dict) -> int:
    """The badge and distance column grows with the text, so "Відчинено" in larger text fits whole."""
    return round(SIDE_WIDTH * sizes["small"] / FONT_SIZES["small"])


# RecycleView finds view classes by name through the Factory.
Factory.register("ListRow", cls=ListRow)
Factory.register("SectionRow", cls=SectionRow)


def section(title: str) -> dict:
    return {"viewclass": "SectionRow", "title": title}


def row(title: str, subtitle: str = "", *, target: str = "", item_id: str = "", badge: str = "",
        badge_bg: str = "open", highlight: bool = False, side: str = "") -> dict:
    return {"viewclass": "ListRow", "title": title, "subtitle": subtitle, "target": target, "item_id": item_id,
            "badge": badge, "badge_bg": badge_bg, "highlight": highlight, "side": side}
