"""The keypad's focus: the things on the current screen a visitor can reach, in reading order, and
the ring that shows which one is focused (for partially sighted visitors).

Screens need not list their items: the widget tree is walked, and buttons, list rows, emergency
cards, route steps and the lines of a card are found by their kind. Siblings are read top to bottom,
then in the reading direction (right to left in Arabic); a list keeps its own order.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from kivy.app import App
from kivy.graphics import Color, Line
from kivy.uix.recycleview import RecycleView
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.i18n import N_, translator
from kiosk.speech import phrases
from kiosk import formatting
from kiosk.place_words import KINDS
from kiosk.ui.widgets.emergency import EmergencyCard
from kiosk.ui.widgets.mapview import MapView
from kiosk.ui.widgets.route_parts import StepList
from kiosk.ui.widgets.text import KButton, KLabel

RING_PX = 8  # thick enough to find from a metre away (WCAG 2.4.13 asks for 2 px)
RING_COLOURS = ((0, 0, 0, 1), (1, 0.84, 0, 1))  # black outside, yellow inside: >= 3:1 against any page
# Buttons that show only a symbol are said by what they do (the map's zoom, the keyboard's delete key).
SYMBOL_NAMES = {"+": N_("Zoom in"), "−": N_("Zoom out"), "⌫": N_("Delete the last letter")}


@dataclass
class Focusable:
    """One thing the focus can rest on: `key` stays the same across a refresh of the screen."""

    key: tuple
    sentence: Callable[[str], str]  # what is said, in a language
    activate: Callable[[], None] | None = None
    widget: Widget | None = None  # the ring goes around it (a list row: found when scrolled to)
    show: Callable[[], Widget | None] | None = None  # brings it into view and returns the widget
    find: Callable[[], Widget | None] | None = None  # the widget showing it now (a list recycles its rows)


def _shown(widget: Widget) -> bool:
    return widget.opacity > 0 and not widget.disabled and widget.width > 2 and widget.height > 2


def reading_sorted(widgets: list[Widget], rtl: bool) -> list[Widget]:
    """Siblings in reading order: rows from the top, and within a row from the left (from the right
    in a right-to-left language). Two widgets share a row when their vertical middles overlap."""
    rows: list[list[Widget]] = []
    for widget in sorted(widgets, key=lambda w: -w.top):
        middle = widget.center_y
        if rows and any(other.y <= middle <= other.top for other in rows[-1]):
            rows[-1].append(widget)
        else:
            rows.append([widget])
    ordered = []
    for row in rows:
        ordered += sorted(row, key=lambda w: -w.right if rtl else w.x)
    return ordered


def _ancestor(widget: Widget, kind) -> Widget | None:
    parent = widget.parent
    while parent is not None and not isinstance(parent, kind):
        if parent.parent is parent:  # the window is its own parent
            return None
        parent = parent.parent
    return parent


def bring_into_view(widget: Widget) -> Widget:
    scroller = _ancestor(widget, ScrollView)
    if scroller is not None and not isinstance(scroller, RecycleView):
        scroller.scroll_to(widget, padding=20, animate=False)
    return widget


def _button(widget: KButton) -> Focusable:
    state = getattr(widget, "switched_on", None)  # a screen marks its switches (route, home)
    item_role = "button" if state is None else "switch"
    item_state = "" if state is None else "on" if state else "off"

    def sentence(lang: str) -> str:
        text = widget.txt.strip()
        if text in SYMBOL_NAMES:
            text = translator(lang).gettext(SYMBOL_NAMES[text])
        return phrases.item_sentence(phrases.Item(text, item_role, item_state), lang)

    return Focusable(("button", id(widget)), sentence,
                     activate=lambda: widget.trigger_action(duration=0), widget=widget,
                     show=lambda: bring_into_view(widget))


def _list_rows(rv: RecycleView) -> list[Focusable]:
    """Each row of a RecycleView list: its title, line, badge and distance; 'button' when it leads on."""
    rows = [r for r in rv.data if r.get("viewclass", "ListRow") == "ListRow"]
    found = []
    for index, data in enumerate(rv.data):
        if data.get("viewclass") == "SectionRow":
            item = phrases.Item(data.get("title", ""), "heading")
            activate = None
        else:
            text = " · ".join(p for p in (data.get("title"), data.get("subtitle"), data.get("badge"),
                                          data.get("side")) if p)
            item = phrases.Item(text, "button" if data.get("target") else "", "",
                                rows.index(data) + 1, len(rows))
            target, item_id = data.get("target"), data.get("item_id", "")
            activate = (lambda t=target, i=item_id: App.get_running_app().go(t, item=i)) if target else None
        found.append(Focusable(("row", id(rv), index), lambda lang, item=item: phrases.item_sentence(item, lang),
                               activate=activate, show=lambda i=index: show_row(rv, i),
                               find=lambda i=index: rv.view_adapter.get_visible_view(i)))
    return found


def show_row(rv: RecycleView, index: int) -> Widget | None:
    """Scroll a RecycleView so row `index` shows, and return the widget that shows it."""
    layout = rv.layout_manager
    opts = layout.view_opts if layout is not None else []
    if index < len(opts) and layout.height > rv.height:
        (x, y), (w, h) = opts[index]["pos"], opts[index]["size"]
        top_of_view = min(layout.height, y + h + (rv.height - h) / 2)
        rv.scroll_y = max(0.0, min(1.0, (top_of_view - rv.height) / (layout.height - rv.height)))
        rv.refresh_from_viewport()  # the row's widget exists from the next frame: the ring finds it then
    return rv.view_adapter.get_visible_view(index)


def _steps(steps: StepList) -> list[Focusable]:
    count = len(steps.rows)
    return [Focusable(("step", id(steps), i),
                      lambda lang, i=i, label=label: phrases.step_sentence(i + 1, count, label.txt, lang),
                      widget=label.parent, show=lambda label=label: bring_into_view(label.parent))
            for i, label in enumerate(steps.rows)]


def _card(card: EmergencyCard) -> Focusable:
    return Focusable(("card", id(card)),
                     lambda lang: phrases.emergency_sentence(card.name.txt, card.number.txt, card.note.txt, lang),
                     widget=card, show=lambda: card)


def _text(widget: Widget, labels: list[KLabel]) -> Focusable | None:
    words = [label.txt for label in labels if any(ch.isalnum() for ch in label.txt)]
    if not words:
        return None
    text = " · ".join(words)
    return Focusable(("text", id(widget)), lambda lang: phrases.item_sentence(phrases.Item(text), lang),
                     widget=widget, show=lambda: bring_into_view(widget))


def _map_markers(map_view: MapView) -> list[Focusable]:
    """Each marker in the map's frame, nearest first: its name, kind and distance; choosing it opens the
    place, or zooms in on a group."""
    app = App.get_running_app()
    found = []
    for x, y, ids, metres in map_view.markers_in_view():
        places = [app.content.place(i, None, map_view.lang) for i in ids] if app and app.content else []
        names = [p.name for p in places if p is not None]
        if not names:
            continue
        kind = places[0].kind if len(names) == 1 else ""

        def sentence(lang: str, names=names, kind=kind, metres=metres) -> str:
            kind_words = translator(lang).gettext(KINDS[kind]) if kind in KINDS else ""
            return phrases.marker_sentence(names, kind_words, formatting.distance_text(metres, lang), lang)

        if len(ids) == 1:
            activate = lambda place_id=ids[0]: map_view.dispatch("on_marker", place_id)
        else:
            activate = lambda ids=ids: map_view.zoom_to(ids)
        found.append(Focusable(("marker", id(map_view), tuple(ids)), sentence, activate=activate,
                               show=lambda x=x, y=y: map_view.focus_spot(x, y)))
    return found


def collect(root: Widget, rtl: bool, *, texts_under: Widget | None = None) -> list[Focusable]:
    """The focusable things under `root` in reading order. Lines of text count only under
    `texts_under` (a screen's lower zone): the top zone is said when the screen opens."""
    found: list[Focusable] = []

    def visit(widget: Widget, reading: bool) -> None:
        if not _shown(widget):
            return
        reading = reading or widget is texts_under
        if isinstance(widget, KButton):
            found.append(_button(widget))
        elif isinstance(widget, RecycleView):
            found.extend(_list_rows(widget))
        elif isinstance(widget, StepList):
            found.extend(_steps(widget))
        elif isinstance(widget, EmergencyCard):
            found.append(_card(widget))
        elif isinstance(widget, MapView) and widget.markers_focusable:
            found.extend(_map_markers(widget))
        elif isinstance(widget, KLabel):
            if reading and (item := _text(widget, [widget])):
                found.append(item)
        elif reading and hasattr(widget, "cells"):  # a line of a table: "Montag  10:00–20:00"
            if item := _text(widget, list(widget.cells)):
                found.append(item)
        else:
            for child in reading_sorted(list(reversed(widget.children)), rtl):  # ties keep the order added
                visit(child, reading)

    visit(root, texts_under is None)
    return found


class FocusRing(Widget):
    """A thick black-and-yellow ring around the focused thing; drawn above every screen."""

    def __init__(self, **kwargs):
        super().__init__(size_hint=(None, None), size=(0, 0), **kwargs)
        self.target: Widget | None = None
        self.find: Callable[[], Widget | None] | None = None
        with self.canvas:
            self._outer_colour = Color(*RING_COLOURS[0])
            self._outer = Line(width=RING_PX, joint="miter")
            self._inner_colour = Color(*RING_COLOURS[1])
            self._inner = Line(width=RING_PX / 2, joint="miter")

    def around(self, target: Widget | None, find: Callable[[], Widget | None] | None = None) -> None:
        self.target, self.find = target, find
        self.update()

    def update(self, *args) -> None:
        if self.find is not None:
            self.target = self.find()
        target = self.target
        if target is None or target.get_root_window() is None:
            self._outer.rectangle = self._inner.rectangle = (0, 0, 0, 0)
            self.opacity = 0
            return
        self.opacity = 1
        x1, y1 = target.to_window(target.x, target.y)
        x2, y2 = target.to_window(target.right, target.top)
        pad = RING_PX
        self._outer.rectangle = (x1 - pad, y1 - pad, x2 - x1 + 2 * pad, y2 - y1 + 2 * pad)
        self._inner.rectangle = (x1 - pad, y1 - pad, x2 - x1 + 2 * pad, y2 - y1 + 2 * pad)
