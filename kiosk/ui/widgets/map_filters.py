"""Chips under the visitor's hand that show one kind of place on the map ("Toilet"), each with its marker."""
from __future__ import annotations

from kivy.app import App

from kiosk.ui.labels import kind_label
from kiosk.ui.translate import tr
from kiosk.ui.widgets.layout import MirrorBox
from kiosk.ui.widgets.map_markers import MarkerIcon
from kiosk.ui.widgets.scrolling import KScrollView
from kiosk.ui.widgets.text import KButton

# What a passer-by looks for in a hurry comes first.
FILTER_ORDER = ("toilet", "pharmacy", "aed", "food", "shop", "transit", "help", "service", "landmark", "culture",
                "art", "market", "popup")
ALL = ""


class KindChip(KButton):
    """A filter chip: the kind's marker, then its name."""

    def __init__(self, kind: str, **kwargs):
        super().__init__(size_role="body", wrap=False, auto_height=False, size_hint_x=None, **kwargs)
        app = App.get_running_app()
        self.kind = kind
        self.icon = None
        lead = 22
        if kind:
            side = round(app.sizes["body"] * 1.25)
            self.icon = MarkerIcon(kind, size_hint=(None, None), size=(side, side))
            self.add_widget(self.icon)
            lead = side + 32
            self.bind(pos=self._place_icon, size=self._place_icon)
        self.padding = (22, 10, lead, 10) if app.rtl else (lead, 10, 22, 10)
        self.width = self._measure(self.txt) + lead + 22 + 28  # Kivy shortens a line that fits to the pixel

    def _place_icon(self, *args) -> None:
        side = self.icon.width
        rtl = self.padding[2] > self.padding[0]
        x = self.right - 16 - side if rtl else self.x + 16
        self.icon.pos = (x, self.center_y - side / 2)


class MapFilters(KScrollView):
    """One row of chips, scrolled sideways: "All", then the kinds on this map; `on_choose(kind)` is called
    with the chosen kind ("" for all)."""

    def __init__(self, on_choose, **kwargs):
        app = App.get_running_app()
        super().__init__(do_scroll_y=False, size_hint_y=None, height=app.touch_px, bar_width=0,
                         effect_cls="ScrollEffect", **kwargs)
        self.on_choose = on_choose
        self.row = MirrorBox(size_hint_x=None, spacing=12)
        self.row.bind(minimum_width=self.row.setter("width"))
        self.add_widget(self.row)
        self.chips: dict[str, KindChip] = {}
        self._key = None

    def show(self, kinds: set[str], chosen: str) -> None:
        app = App.get_running_app()
        # Built once per set of kinds, language and theme; a choice only repaints the chips.
        key = (frozenset(kinds), app.language, app.rtl, app.high_contrast, app.sizes["body"])
        if key != self._key:
            self._key = key
            self.row.clear_widgets()
            self.row._mirrored = False
            self.chips = {}
            for kind in (ALL, *[k for k in FILTER_ORDER if k in kinds], *sorted(kinds - set(FILTER_ORDER))):
                chip = KindChip(kind, txt=kind_label(kind) if kind else tr._("All"),
                                on_release=lambda _chip, k=kind: self.on_choose(k))
                self.chips[kind] = chip
                self.row.add_logical(chip)
            self.row.apply_direction()
            self.scroll_x = 1 if app.rtl else 0
        for kind, chip in self.chips.items():
            on = kind == chosen
            chip.bg, chip.tone = ("accent", "on_accent") if on else ("surface", "text")
