"""What Search shows before the visitor types: topics to touch (each types its word into the search) and
today's highlights, from the content on this terminal, instead of an empty screen above the keyboard."""
from __future__ import annotations

from kivy.app import App
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.stacklayout import StackLayout

from kiosk.ui.follow import followers
from kiosk.ui.translate import N_, tr_txt
from kiosk.ui.widgets.rows import RowList
from kiosk.ui.widgets.text import KButton, KLabel

CHIP_PAD = 64  # the chip's width beyond its word: padding and the rim


class TopicChips(StackLayout):
    """Chips that wrap to as many lines as they need and read from the right in a right-to-left language."""

    def __init__(self, **kwargs):
        super().__init__(spacing=12, size_hint_y=None, **kwargs)
        self.bind(minimum_height=self.setter("height"))
        app = App.get_running_app()
        followers.follow(app, self, rtl=self._direction)  # weakly (kiosk/ui/follow.py)
        self._direction(app, app.rtl)

    def _direction(self, app, rtl):
        self.orientation = "rl-tb" if rtl else "lr-tb"

    def show(self, topics: list[str], on_choose) -> None:
        self.clear_widgets()
        app = App.get_running_app()
        for word in topics:
            chip = KButton(txt=word, size_role="body", wrap=False, auto_height=False, size_hint=(None, None),
                           height=app.touch_px, on_release=lambda b, w=word: on_choose(w))
            chip.width = chip._measure(word) + CHIP_PAD  # whole: a topic is one or two short words
            self.add_widget(chip)


class SearchSuggestions(BoxLayout):
    def __init__(self, **kwargs):
        super().__init__(orientation="vertical", spacing=14, **kwargs)
        self.topics_title = tr_txt(KLabel(size_role="heading", bold=True, tone="accent"), N_("Touch a topic"))
        self.topics = TopicChips()
        self.highlights_title = tr_txt(KLabel(size_role="heading", bold=True, tone="accent"),
                                       N_("Today's highlights"))
        self.highlights = RowList()
        for widget in (self.topics_title, self.topics, self.highlights_title, self.highlights):
            self.add_widget(widget)
        self.highlights.bind(height=self._title_highlights)

    def show(self, topics: list[str], on_choose, highlights: list[dict]) -> None:
        self.topics.show(topics, on_choose)
        self.highlights.show(highlights)
        self._title_highlights()

    def _title_highlights(self, *args) -> None:
        # No heading over nothing: larger text can leave the highlights no room under the topics.
        app = App.get_running_app()
        room = self.highlights.height >= app.touch_px * 0.9
        self.highlights_title.opacity = 1 if self.highlights.data and room else 0
