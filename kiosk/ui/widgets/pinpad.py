"""A PIN pad: ten digits, delete and OK; the entry shows one ● per digit and never the digits.

It only collects digits; whether a PIN is right, and the lockout, are kiosk.admin_pin's business.
"""
from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.admin_pin import PIN_MAX_DIGITS
from kiosk.ui.translate import N_, tr_txt
from kiosk.ui.widgets.text import KButton, KLabel

DOT = "●"
# Phone order (1-2-3 at the top), the same in every language.
KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "ok"]


class PinPad(BoxLayout):
    """Fires `on_pin(pin)` when OK is pressed with at least one digit."""

    __events__ = ("on_pin",)
    locked = BooleanProperty(False)

    def __init__(self, **kwargs):
        app = App.get_running_app()
        super().__init__(orientation="vertical", spacing=16, size_hint_y=None, **kwargs)
        self._digits = ""
        self.entry = KLabel(size_role="title", align="center", wrap=False, tone="accent")
        self.message = KLabel(size_role="body", align="center")
        self.grid = GridLayout(cols=3, spacing=12, size_hint_y=None)
        key_h = round(app.touch_px * 1.1)
        self.keys: dict[str, KButton] = {}
        for key in KEYS:
            button = KButton(size_role="title", bold=True, auto_height=False, size_hint_y=None, height=key_h,
                             wrap=False, bg="key", on_release=lambda b, k=key: self.press(k))
            if key == "del":
                button.txt = "⌫"
            elif key == "ok":
                tr_txt(button, N_("OK"))
                button.bg, button.tone = "accent", "on_accent"
            else:
                button.txt = key
            self.keys[key] = button
            self.grid.add_widget(button)
        self.grid.height = 4 * key_h + 3 * 12
        for widget in (self.entry, self.message, self.grid):
            self.add_widget(widget)
        self.bind(minimum_height=self.setter("height"))
        self._show()

    def press(self, key: str) -> None:
        if self.locked:
            return
        if key == "del":
            self._digits = self._digits[:-1]
        elif key == "ok":
            if self._digits:
                pin, self._digits = self._digits, ""
                self._show()
                self.dispatch("on_pin", pin)
                return
        elif len(self._digits) < PIN_MAX_DIGITS:
            self._digits += key
        self._show()

    def enter(self, pin: str) -> None:
        """Press the keys of `pin` and OK (tests, and nothing else)."""
        for digit in pin:
            self.keys[digit].dispatch("on_release")
        self.keys["ok"].dispatch("on_release")

    def clear(self) -> None:
        self._digits = ""
        self._show()

    @property
    def shown(self) -> str:
        return self.entry.txt

    def _show(self) -> None:
        # A thin placeholder keeps the row's height when nothing is entered yet.
        self.entry.txt = DOT * len(self._digits) if self._digits else "–"

    def on_locked(self, *args) -> None:
        for button in self.keys.values():
            button.disabled = self.locked
            button.opacity = 0.35 if self.locked else 1
        if self.locked:
            self.clear()

    def on_pin(self, pin: str) -> None:
        pass
