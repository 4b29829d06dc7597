"""Search: an on-screen keyboard in the visitor's script and results as they type."""
from __future__ import annotations

from kivy.clock import Clock

from kiosk.ui.labels import type_label
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.translate import N_, tr, tr_txt
from kiosk.ui.widgets.keyboard import OnScreenKeyboard
from kiosk.ui.widgets.rows import RowList, row
from kiosk.ui.widgets.text import KLabel

TARGETS = {"place": "place", "event": "event", "page": "help"}
MAX_QUERY = 40


class SearchScreen(KioskScreen):
    title_msgid = N_("Search")

    def build(self) -> None:
        self.query = ""
        self.counted = False  # one search counted per query typed, not one per key
        self.query_label = KLabel(size_role="title", tone="accent", bold=True)
        self.hint = tr_txt(KLabel(size_role="body", tone="muted"), N_("Type a name, a street or a topic."))
        self.frame.hero.add_widget(self.query_label)
        self.frame.hero.add_widget(self.hint)
        self.results = RowList()
        self.keyboard = OnScreenKeyboard()
        self.keyboard.bind(on_key=self._key, on_backspace=self._backspace, on_clear=self._clear)
        self.frame.body.add_widget(self.results)
        self.frame.body.add_widget(self.keyboard)
        self._search_soon = Clock.create_trigger(lambda dt: self.refresh(), 0)

    def _key(self, keyboard, char):
        if len(self.query) < MAX_QUERY:
            self.query += char
            self._search_soon()

    def _backspace(self, keyboard):
        self.query = self.query[:-1]
        self._search_soon()

    def _clear(self, keyboard):
        self.query = ""
        self._search_soon()

    def type_text(self, text: str) -> None:
        for char in text:
            self._key(self.keyboard, char)

    def reset(self) -> None:
        super().reset()
        self.query = ""
        self.counted = False
        self.query_label.txt = ""
        self.results.show([])

    def fill(self, content, now, lang) -> None:
        self.keyboard.set_language(lang)
        self.query_label.txt = (self.query + "▏") if self.query else "▏"
        if not self.query.strip():
            self.counted = False
            self.results.show([])
            return
        if not self.counted:
            self.counted = True
            self.app.services.search_made()  # the count only: the text never leaves this screen
        hits = content.search(self.query, lang, limit=30)
        rows = [row(hit.title, type_label(hit.type), target=TARGETS.get(hit.type, ""), item_id=hit.id) for hit in hits]
        if not rows:
            rows = [row(tr._("Nothing found. Try fewer letters."), "")]
        self.results.show(rows)
