"""The emergency numbers as fixed cards: the number as large as the clock, what it is for, and a note.
Not buttons: a terminal cannot call, so nothing here pretends to."""
from __future__ import annotations

from kivy.app import App
from kivy.graphics import Color, RoundedRectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.ui.follow import followers
from kiosk.ui.widgets.layout import MirrorBox
from kiosk.ui.widgets.text import EDGE_PX, KLabel


class EmergencyCard(BoxLayout):
    def __init__(self, **kwargs):
        super().__init__(orientation="vertical", padding=(20, 14), spacing=4, size_hint_y=None, **kwargs)
        app = App.get_running_app()
        self.natural = 0
        self.number = KLabel(size_role="clock", bold=True, align="center", tone="on_emergency")
        self.name = KLabel(size_role="heading", bold=True, align="center", tone="on_emergency")
        self.note = KLabel(size_role="body", align="center", tone="on_emergency")
        # The room a taller neighbour leaves goes between the name and the note: the numbers stay level
        # at the top of both cards and the notes level at the bottom, whichever name wraps.
        self.add_widget(self.number)
        self.add_widget(self.name)
        self.add_widget(Widget(size_hint_y=1))
        self.add_widget(self.note)
        for label in (self.number, self.name, self.note):
            label.bind(height=self._fit)
        with self.canvas.before:
            self._edge_colour = Color(*app.palette["edge"])
            self._edge = RoundedRectangle(radius=[18])
            self._colour = Color(*app.palette["emergency"])
            self._rect = RoundedRectangle(radius=[16])
        self.bind(pos=self._sync, size=self._sync)
        followers.follow(app, self, palette=self._repaint)  # weakly (kiosk/ui/follow.py)

    def show(self, name: str, number: str, note: str) -> None:
        self.number.txt, self.name.txt, self.note.txt = number, name, note
        self._fit()

    def _fit(self, *args):
        labels = [w for w in (self.number, self.name, self.note) if w.txt]
        self.natural = sum(w.height for w in labels) + self.spacing * (len(labels) - 1) + self.padding[1] * 2
        self.height = self.natural

    def _sync(self, *args):
        self._edge.pos, self._edge.size = self.pos, self.size
        self._rect.pos = (self.x + EDGE_PX, self.y + EDGE_PX)
        self._rect.size = (max(0, self.width - 2 * EDGE_PX), max(0, self.height - 2 * EDGE_PX))

    def _repaint(self, app, palette):
        self._edge_colour.rgba = palette["edge"]
        self._colour.rgba = palette["emergency"]


class EmergencyCards(MirrorBox):
    """Up to two cards side by side (112, 110); the row is as tall as its tallest card."""

    def __init__(self, **kwargs):
        super().__init__(spacing=16, size_hint_y=None, **kwargs)
        self.cards = [EmergencyCard(), EmergencyCard()]
        for card in self.cards:
            card.bind(height=self._fit)

    def show(self, numbers: list[tuple[str, str, str]]) -> None:
        self.clear_widgets()
        self._mirrored = False
        for card, (name, number, note) in zip(self.cards, numbers[:2]):
            card.show(name, number, note)
            self.add_logical(card)
        self.apply_direction()
        self._fit()

    def _fit(self, *args):
        shown = [card for card in self.cards if card.parent is self]
        self.height = max((card.natural for card in shown), default=0)
        for card in shown:
            card.height = self.height
