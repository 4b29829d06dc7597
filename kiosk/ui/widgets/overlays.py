"""What lies over every screen: the emergency takeover and the "still there?" countdown.
Both swallow every touch, so nothing underneath reacts."""
from __future__ import annotations

from kivy.app import App
from kivy.graphics import Color, Rectangle
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.translate import N_, tr_txt
from kiosk.ui.widgets.text import KButton, KLabel


class _Cover(BoxLayout):
    def __init__(self, tone: str, alpha: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.tone, self.alpha = tone, alpha
        app = App.get_running_app()
        with self.canvas.before:
            self._colour = Color(*app.palette[tone][:3], alpha)
            self._rect = Rectangle()
        self.bind(pos=self._sync, size=self._sync)

    def _sync(self, *args):
        self._rect.pos, self._rect.size = self.pos, self.size

    def on_touch_down(self, touch):
        super().on_touch_down(touch)
        return True

    def on_touch_move(self, touch):
        super().on_touch_move(touch)
        return True

    def on_touch_up(self, touch):
        super().on_touch_up(touch)
        return True


class EmergencyOverlay(_Cover):
    """An active emergency notice takes over the whole screen until it ends."""

    def __init__(self, **kwargs):
        app = App.get_running_app()
        pad = round(60 * app.scale)
        super().__init__("emergency", orientation="vertical", padding=pad, spacing=pad, **kwargs)
        self.heading = tr_txt(KLabel(size_role="hero", bold=True, tone="on_emergency", align="center"),
                              N_("Emergency notice"))
        self.text = KLabel(size_role="title", tone="on_emergency", align="center")
        self.until = KLabel(size_role="body", tone="on_emergency", align="center")
        self.add_widget(BoxLayout())
        self.add_widget(self.heading)
        self.add_widget(self.text)
        self.add_widget(self.until)
        self.add_widget(BoxLayout())
        self.notice_id = None

    def show(self, notice_id: str, text: str, until: str) -> None:
        self.notice_id = notice_id
        self.text.txt = text
        self.until.txt = until


class IdleOverlay(_Cover):
    """'Still there?' with a countdown; any touch carries on."""

    def __init__(self, on_continue, **kwargs):
        app = App.get_running_app()
        super().__init__("overlay", alpha=0.82, **kwargs)
        self._on_continue = on_continue
        anchor = AnchorLayout(anchor_y="bottom", padding=round(60 * app.scale))
        box = BoxLayout(orientation="vertical", spacing=30, size_hint_y=None)
        box.bind(minimum_height=box.setter("height"))
        self.question = tr_txt(KLabel(size_role="hero", bold=True, align="center"), N_("Still there?"))
        self.countdown = KLabel(size_role="heading", align="center", tone="muted")
        self.button = tr_txt(KButton(bg="accent", tone="on_accent", bold=True), N_("Yes, carry on"))
        for widget in (self.question, self.countdown, self.button):
            box.add_widget(widget)
        anchor.add_widget(box)
        self.add_widget(anchor)

    def set_seconds(self, text: str) -> None:
        self.countdown.txt = text

    def on_touch_down(self, touch):
        self._on_continue()
        return True
