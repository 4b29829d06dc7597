"""Rows of the long lists (events, shops, places, search results): RecycleView view classes that
recycle a few widgets while the visitor scrolls, mirrored for right-to-left languages."""
from __future__ import annotations

from kivy.app import App
from kivy.factory import Factory
from kivy.graphics import Color, RoundedRectangle
from kivy.properties import BooleanProperty, ListProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleboxlayout import RecycleBoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from kiosk.ui.follow import followers
from kiosk.ui.widgets.layout import MirrorBox
from kiosk.ui.widgets.scrolling import KRecycleView
from kiosk.ui.widgets.text import KLabel


class ListRow(RecycleDataViewBehavior, ButtonBehavior, MirrorBox):
    """Title, a line about when/where/hours, and a badge (open, closed, now)."""

    title = StringProperty("")
    row_size = ListProperty([None, 0])
    subtitle = StringProperty("")
    badge = StringProperty("")
    badge_bg = StringProperty("open")
    target = StringProperty("")
    item_id = StringProperty("")
    highlight = BooleanProperty(False)
    bg_colour = ListProperty([0, 0, 0, 0])

    def __init__(self, **kwargs):
        super().__init__(padding=(22, 10), spacing=16, **kwargs)
        app = App.get_running_app()
        texts = BoxLayout(orientation="vertical")
        self._title = KLabel(size_role="body", bold=True, wrap=False, auto_height=False)
        self._subtitle = KLabel(size_role="small", tone="muted", wrap=False, auto_height=False)
        texts.add_widget(self._title)
        texts.add_widget(self._subtitle)
        self._badge = KLabel(size_role="small", align="center", wrap=False, auto_height=False, bold=True,
                             size_hint_x=None, width=round(250 * app.scale))
        with self._badge.canvas.before:
            self._badge_colour = Color(0, 0, 0, 0)
            self._badge_rect = RoundedRectangle(radius=[12])
        self._badge.bind(pos=self._place_badge, size=self._place_badge)
        with self.canvas.before:
            self._bg = Color(*app.palette["surface"])
            self._rect = RoundedRectangle(radius=[14])
        self.bind(pos=self._sync, size=self._sync, state=self._paint)
        followers.follow(app, self, palette=self._paint)  # weakly (kiosk/ui/follow.py)
        self.add_logical(texts)
        self.add_logical(self._badge)
        self.apply_direction()

    def _sync(self, *args):
        self._rect.pos, self._rect.size = self.pos, self.size

    def _place_badge(self, *args):
        b = self._badge
        h = min(b.height, b.font_size * 1.8)
        self._badge_rect.pos = (b.x, b.center_y - h / 2)
        self._badge_rect.size = (b.width, h)

    def _paint(self, *args):
        app = App.get_running_app()
        palette = app.palette
        self._bg.rgba = palette["surface_pressed" if self.state == "down" else "surface"]
        if self.highlight:
            self._bg.rgba = palette["surface_pressed"]
        self._badge_colour.rgba = palette[self.badge_bg] if self.badge else (0, 0, 0, 0)
        self._badge.tone = f"on_{self.badge_bg}" if self.badge_bg != "accent" else "on_accent"

    def refresh_view_attrs(self, rv, index, data):
        super().refresh_view_attrs(rv, index, data)
        self._title.txt = self.title
        self._subtitle.txt = self.subtitle
        self._badge.txt = self.badge
        self._badge.opacity = 1 if self.badge else 0
        self._paint()

    def on_release(self):
        if self.target:
            App.get_running_app().go(self.target, item=self.item_id)


class SectionRow(RecycleDataViewBehavior, KLabel):
    """A heading between groups of rows ('Running now', 'Later today')."""

    title = StringProperty("")
    row_size = ListProperty([None, 0])

    def __init__(self, **kwargs):
        super().__init__(size_role="heading", bold=True, tone="accent", wrap=False, auto_height=False, **kwargs)

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
        self.add_widget(layout)
        self.layout_manager = layout

    def show(self, rows: list[dict]) -> None:
        app = App.get_running_app()
        row_h = round(app.touch_px * 1.3)
        section_h = round(app.sizes["heading"] * 1.9)
        for row in rows:
            row.setdefault("row_size", (None, section_h if row.get("viewclass") == "SectionRow" else row_h))
        self.data = rows
        self.scroll_y = 1


# RecycleView finds view classes by name through the Factory.
Factory.register("ListRow", cls=ListRow)
Factory.register("SectionRow", cls=SectionRow)


def section(title: str) -> dict:
    return {"viewclass": "SectionRow", "title": title}


def row(title: str, subtitle: str = "", *, target: str = "", item_id: str = "", badge: str = "",
        badge_bg: str = "open", highlight: bool = False) -> dict:
    return {"viewclass": "ListRow", "title": title, "subtitle": subtitle, "target": target, "item_id": item_id,
            "badge": badge, "badge_bg": badge_bg, "highlight": highlight}
