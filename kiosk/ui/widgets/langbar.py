"""The language bar: every language named in itself, the current one highlighted."""
from __future__ import annotations

from kivy.app import App
from kivy.core.window import Window

from kiosk.i18n import language_name
from kiosk.ui.follow import followers
from kiosk.ui.widgets.layout import MirrorGrid
from kiosk.ui.widgets.text import KButton, text_width


class LanguageBar(MirrorGrid):
    def __init__(self, languages: list[str], **kwargs):
        app = App.get_running_app()
        super().__init__(cols=4, spacing=12, size_hint_y=None, **kwargs)
        self.buttons = {}
        for lang in languages:
            button = KButton(txt=language_name(lang), size_role="body", auto_height=False,
                             height=app.touch_px, size_hint_y=None, wrap=False,
                             on_release=lambda b, code=lang: app.set_language(code))
            self.buttons[lang] = button
            self.add_widget(button)
        followers.follow(app, self, sizes=self._fit, touch_px=self._fit)  # weakly (kiosk/ui/follow.py)
        self._fit()
        app.fbind("language", self._mark)
        self._mark(app, app.language)

    def _fit(self, *args):
        """Four names a row while the longest fits whole, else three (larger text): never 'Українсь…'."""
        app = App.get_running_app()
        buttons = list(self.buttons.values())
        widest = max(text_width(b.txt, app.sizes["body"], False) for b in buttons) + 2 * 18  # the padding
        room = Window.width * (2 / 3 if app.landscape else 1) - 2 * round(28 * app.scale)
        self.cols = 4 if widest <= (room - 3 * 12) / 4 else 3
        for button in buttons:
            button.height = app.touch_px
        rows = (len(buttons) + self.cols - 1) // self.cols
        self.height = rows * app.touch_px + (rows - 1) * 12

    def _mark(self, app, lang):
        for code, button in self.buttons.items():
            button.bg = "accent" if code == lang else "surface"
            button.tone = "on_accent" if code == lang else "text"
