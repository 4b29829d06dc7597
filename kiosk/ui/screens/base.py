"""The screen base: data is loaded when a screen is shown (activate), not when it is built."""
from __future__ import annotations

from kivy.app import App
from kivy.uix.screenmanager import Screen

from kiosk.ui.translate import tr, tr_txt
from kiosk.ui.widgets.layout import Frame
from kiosk.ui.widgets.text import KLabel


class KioskScreen(Screen):
    title_msgid = ""
    has_back = True
    has_nav = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.params: dict = {}
        self.stale = False
        self.frame = Frame(back=self.has_back, nav=self.has_nav)
        self.add_widget(self.frame)
        if self.title_msgid:
            tr_txt(self.frame.header.title, self.title_msgid)
        self.build()

    @property
    def app(self):
        return App.get_running_app()

    def build(self) -> None:
        """Create the widgets (once)."""

    def activate(self, params: dict) -> None:
        self.params = dict(params)
        self.refresh()

    def refresh(self) -> None:
        app = self.app
        self.stale = False
        content = app.content
        if content is None:
            self.show_message(tr._("There is no content on this terminal yet. Please try again later."))
            return
        self.fill(content, app.now(), app.language)

    def fill(self, content, now, lang) -> None:
        """Ask kiosk.content for what this screen shows at `now` in `lang`, and draw it."""

    def show_message(self, text: str) -> None:
        self.frame.body.clear_widgets()
        self.frame.body.add_widget(KLabel(txt=text, size_role="heading", align="center"))

    def reset(self) -> None:
        """Forget what the last visitor did here (search text, filters)."""
        self.params = {}

    def set_title(self, text: str) -> None:
        from kiosk.ui.translate import bound

        bound._items.pop(self.frame.header.title, None)
        self.frame.header.title.txt = text

