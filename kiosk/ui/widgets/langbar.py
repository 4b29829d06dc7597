"""The language bar: every language named in itself, the current one highlighted."""
from __future__ import annotations

from kivy.app import App
from kivy.uix.gridlayout import GridLayout

from kiosk.i18n import language_name
from kiosk.ui.widgets.text import KButton


class LanguageBar(GridLayout):
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
        rows = (len(languages) + self.cols - 1) // self.cols
        self.height = rows * app.touch_px + (rows - 1) * 12
        app.fbind("language", self._mark)
        self._mark(app, app.language)

    def _mark(self, app, lang):
        for code, button in self.buttons.items():
            button.bg = "accent" if code == lang else "surface"
            button.tone = "on_accent" if code == lang else "text"
