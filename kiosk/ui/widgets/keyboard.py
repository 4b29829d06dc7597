"""The on-screen keyboard: the visitor's script (Latin with German, Turkish and Polish letters,
Cyrillic for Ukrainian, Arabic), keys at least a touch target high."""
from __future__ import annotations

from kivy.app import App
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.translate import N_, tr_txt
from kiosk.ui.widgets.text import KButton

LATIN_DE = ["qwertzuiopü", "asdfghjklöä", "yxcvbnmß-"]
LATIN_EN = ["qwertyuiop", "asdfghjkl", "zxcvbnm-"]
LAYOUTS = {
    "de": LATIN_DE,
    "en": LATIN_EN,
    "nl": ["qwertyuiop", "asdfghjkl", "zxcvbnmé-"],
    "tr": ["qwertyuıopğü", "asdfghjklşi", "zxcvbnmöç"],
    "pl": ["ęqwertyuiopó", "ąasdfghjklł", "żzxcvbnmśćń"],
    "uk": ["йцукенгшщзхї", "фівапролджє", "ячсмитьбю'ґ"],
    "ar": ["ضصثقفغعهخحج", "شسيبلاتنمكط", "ئءؤرىةوزظدذ"],
}


class OnScreenKeyboard(BoxLayout):
    __events__ = ("on_key", "on_backspace", "on_clear")

    def __init__(self, **kwargs):
        super().__init__(orientation="vertical", spacing=8, size_hint_y=None, **kwargs)
        self.lang = None
        self.set_language("de")

    def set_language(self, lang: str) -> None:
        if lang == self.lang:
            return
        self.lang = lang
        self.clear_widgets()
        app = App.get_running_app()
        key_h = round(app.touch_px * 0.95)
        rows = LAYOUTS.get(lang, LATIN_EN)
        for letters in rows:
            line = BoxLayout(spacing=8, size_hint_y=None, height=key_h)
            for letter in letters:
                key = KButton(txt=letter, bg="key", size_role="button", auto_height=False,
                              on_release=lambda b, ch=letter: self.dispatch("on_key", ch))
                key.padding = (4, 4)  # one letter: the key's whole width is room for it (Arabic, larger text)
                line.add_widget(key)
            self.add_widget(line)
        bottom = BoxLayout(spacing=8, size_hint_y=None, height=key_h)
        bottom.add_widget(tr_txt(KButton(bg="key", auto_height=False, size_hint_x=0.25,
                                         on_release=lambda *_: self.dispatch("on_clear")), N_("Clear")))
        bottom.add_widget(tr_txt(KButton(bg="key", auto_height=False, size_hint_x=0.5,
                                         on_release=lambda *_: self.dispatch("on_key", " ")), N_("Space")))
        bottom.add_widget(KButton(txt="⌫", bg="key", auto_height=False, size_hint_x=0.25,
                                  on_release=lambda *_: self.dispatch("on_backspace")))
        self.add_widget(bottom)
        self.height = (len(rows) + 1) * key_h + len(rows) * 8

    def on_key(self, char):
        pass

    def on_backspace(self):
        pass

    def on_clear(self):
        pass
