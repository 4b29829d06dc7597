"""Search: an on-screen keyboard in the visitor's script and results as they type; before the first key,
topics to touch and today's highlights."""
from __future__ import annotations

from kivy.clock import Clock

from kiosk.ui.labels import category_label, kind_label, type_label
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.today import event_list_row
from kiosk.ui.translate import N_, tr, tr_txt
from kiosk.ui.widgets.keyboard import OnScreenKeyboard
from kiosk.ui.widgets.rows import RowList, row
from kiosk.ui.widgets.suggestions import SearchSuggestions
from kiosk.ui.widgets.text import KLabel

TARGETS = {"place": "place", "event": "event", "page": "help"}
MAX_QUERY = 40
# What a passer-by most often needs first, then what there is to see: a topic shows only when the content
# has such places (search finds a place by its kind's name in every language, kiosk/place_words.py).
TOPIC_KINDS = ("toilet", "pharmacy", "aed", "transit", "food", "landmark", "culture", "market")
TOPIC_CATEGORIES = ("cafe", "books", "restaurant", "bakery", "fashion", "chocolate", "coffee", "tea")
MAX_TOPICS = 6  # two lines of chips in most languages: room for the highlights below
MAX_HIGHLIGHTS = 3


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
        self.suggestions = SearchSuggestions()
        self.keyboard = OnScreenKeyboard()
        self.keyboard.bind(on_key=self._key, on_backspace=self._backspace, on_clear=self._clear)
        self.frame.body.add_widget(self.suggestions)
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

    def _show_part(self, part) -> None:
        """The suggestions or the results above the keyboard, never both."""
        body = self.frame.body
        for other in (self.suggestions, self.results):
            if other is not part and other.parent is body:
                body.remove_widget(other)
        if part.parent is not body:
            body.add_widget(part, index=len(body.children))  # above the keyboard

    def choose_topic(self, word: str) -> None:
        self.query = word[:MAX_QUERY]
        self.refresh()

    def _topics(self, content) -> list[str]:
        kinds = content.kinds()
        words = [kind_label(k) for k in TOPIC_KINDS if k in kinds]
        present = set(content.categories(kinds))
        words += [category_label(c) for c in TOPIC_CATEGORIES if c in present]
        return list(dict.fromkeys(words))[:MAX_TOPICS]

    def _highlights(self, content, now, lang) -> list[dict]:
        if not content.clock_is_plausible(now):
            return []
        events = content.todays_events(now, lang)
        return [event_list_row(e, now, lang, content.timezone) for e in (events.running + events.later)[:MAX_HIGHLIGHTS]]

    def fill(self, content, now, lang) -> None:
        self.keyboard.set_language(lang)
        self.query_label.txt = (self.query + "▏") if self.query else "▏"
        if not self.query.strip():
            self.counted = False
            self.results.show([])
            self.suggestions.show(self._topics(content), self.choose_topic, self._highlights(content, now, lang))
            self._show_part(self.suggestions)
            return
        self._show_part(self.results)
        if not self.counted:
            self.counted = True
            self.app.services.search_made()  # the count only: the text never leaves this screen
        hits = content.search(self.query, lang, limit=30)
        rows = [row(hit.title, type_label(hit.type), target=TARGETS.get(hit.type, ""), item_id=hit.id) for hit in hits]
        if not rows:
            rows = [row(tr._("Nothing found. Try fewer letters."), "")]
        self.results.show(rows)
