"""The parts of a detail card: a scrolling column of text, link buttons, an hours table and a QR code."""
from __future__ import annotations

from kivy.app import App
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.ui.widgets.layout import MirrorBox, fitted_row
from kiosk.ui.widgets.qr import QRCode
from kiosk.ui.widgets.text import KButton, KLabel


class DetailColumn(ScrollView):
    def __init__(self, **kwargs):
        super().__init__(do_scroll_x=False, bar_width=10, effect_cls="ScrollEffect", **kwargs)
        self.column = BoxLayout(orientation="vertical", size_hint_y=None, spacing=18, padding=(20, 0, 24, 20))
        self.column.bind(minimum_height=self.column.setter("height"))
        self.add_widget(self.column)

    def clear(self) -> None:
        self.column.clear_widgets()
        self.scroll_y = 1

    def heading(self, text: str) -> None:
        self.column.add_widget(KLabel(txt=text, size_role="heading", bold=True, tone="accent"))

    def text(self, text: str, *, tone: str = "text", size_role: str = "body") -> None:
        if text:
            self.column.add_widget(KLabel(txt=text, tone=tone, size_role=size_role))

    def link(self, text: str, on_release) -> KButton:
        button = KButton(txt=text, size_role="body", align="start", on_release=lambda *_: on_release())
        self.column.add_widget(button)
        return button

    def table(self, rows: list[tuple[str, str]], *, bold_first: bool = True) -> None:
        for index, (left, right) in enumerate(rows):
            a = KLabel(txt=left, size_hint_x=0.4, bold=bold_first and index == 0)
            b = KLabel(txt=right, size_hint_x=0.6, bold=bold_first and index == 0)
            self.column.add_widget(fitted_row(a, b, spacing=20))

    def qr(self, data: str, caption: str) -> QRCode | None:
        if not data:
            return None
        app = App.get_running_app()
        line = MirrorBox(size_hint_y=None, spacing=28)
        code = QRCode(size_hint=(None, None), module_px=max(6, round(8 * app.scale)))
        code.data = data
        label = KLabel(txt=caption, size_role="body", tone="muted")
        line.add_logical(code)
        line.add_logical(label)
        line.apply_direction()
        line.height = code.height
        self.column.add_widget(line)
        return code


class Hero(BoxLayout):
    """The calm top of a detail card: a picture and a few lines."""

    def __init__(self, **kwargs):
        super().__init__(orientation="vertical", spacing=12, **kwargs)
        self.image = Image(fit_mode="contain")
        self.lines = BoxLayout(orientation="vertical", size_hint_y=None, spacing=8)
        self.lines.bind(minimum_height=self.lines.setter("height"))
        self.add_widget(self.image)
        self.add_widget(self.lines)

    def show(self, image_path, lines: list[tuple[str, str]]) -> None:
        self.image.source = str(image_path) if image_path else ""
        self.image.opacity = 1 if image_path else 0
        self.image.size_hint_y = 1 if image_path else 0.001
        self.lines.clear_widgets()
        for text, tone in lines:
            if text:
                self.lines.add_widget(KLabel(txt=text, size_role="heading", tone=tone, bold=tone == "accent"))
