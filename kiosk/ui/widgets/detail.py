"""The parts of a detail card: a scrolling column of text, link buttons, an hours table and a QR code."""
from __future__ import annotations

from kivy.app import App
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from kiosk.ui.widgets.layout import MirrorBox, fitted_row
from kiosk.ui.widgets.qr import MIN_MODULE_PX, QRCode
from kiosk.ui.widgets.scrolling import KScrollView
from kiosk.ui.widgets.text import KButton, KLabel


class _Pool:
    """Widgets of a card kept for its next fill: building a label costs ~1 ms here (several on a Pi) and
    leaves garbage for the collector, while a refilled card asks for the same kinds again."""

    def __init__(self):
        self._free: dict[tuple, list] = {}
        self._used: list[tuple[tuple, object]] = []

    def release_all(self) -> None:
        for key, widget in reversed(self._used):
            self._free.setdefault(key, []).append(widget)
        self._used.clear()

    def take(self, key: tuple, build):
        """A free widget made with `key` (the first one of the last fill first), else a new one."""
        free = self._free.get(key)
        widget = free.pop() if free else build()
        self._used.append((key, widget))
        return widget


class DetailColumn(KScrollView):
    def __init__(self, **kwargs):
        super().__init__(do_scroll_x=False, bar_width=10, effect_cls="ScrollEffect", **kwargs)
        self.column = BoxLayout(orientation="vertical", size_hint_y=None, spacing=18, padding=(20, 0, 24, 20))
        self.column.bind(minimum_height=self.column.setter("height"))
        self.add_widget(self.column)
        self._pool = _Pool()

    def clear(self) -> None:
        self.column.clear_widgets()
        self._pool.release_all()
        self.scroll_y = 1

    def _label(self, text: str, **style) -> KLabel:
        label = self._pool.take(("label", *sorted(style.items())), lambda: KLabel(**style))
        label.txt = text
        self.column.add_widget(label)
        return label

    def heading(self, text: str) -> None:
        self._label(text, size_role="heading", bold=True, tone="accent")

    def text(self, text: str, *, tone: str = "text", size_role: str = "body") -> None:
        if text:
            self._label(text, tone=tone, size_role=size_role)

    def link(self, text: str, on_release) -> KButton:
        def build():
            button = KButton(size_role="body", align="start")
            button.bind(on_release=lambda b: b.action())
            return button

        button = self._pool.take(("link",), build)
        button.action = on_release
        button.txt = text
        self.column.add_widget(button)
        return button

    def table(self, rows: list[tuple[str, str]], *, bold_first: bool = True) -> None:
        for index, (left, right) in enumerate(rows):
            bold = bold_first and index == 0

            def build(bold=bold):
                a = KLabel(size_hint_x=0.4, bold=bold)
                b = KLabel(size_hint_x=0.6, bold=bold)
                row = fitted_row(a, b, spacing=20)
                row.cells = (a, b)
                return row

            row = self._pool.take(("table", bold), build)
            row.cells[0].txt, row.cells[1].txt = left, right
            self.column.add_widget(row)

    def qr(self, data: str, caption: str) -> QRCode | None:
        if not data:
            return None

        def build():
            app = App.get_running_app()
            line = MirrorBox(size_hint_y=None, spacing=28)
            line.code = QRCode(size_hint=(None, None), module_px=max(MIN_MODULE_PX, round(8 * app.scale)))
            line.caption = KLabel(size_role="body", tone="muted")
            line.add_logical(line.code)
            line.add_logical(line.caption)
            line.apply_direction()
            return line

        line = self._pool.take(("qr",), build)
        line.code.data = data
        line.caption.txt = caption
        line.height = line.code.height
        self.column.add_widget(line)
        return line.code


class WholeTitle:
    """A card's title in full at the top of its text, while the header has to cut it (issue 19)."""

    def __init__(self, title: KLabel, details: DetailColumn):
        self.title, self.details = title, details
        self.label = KLabel(size_role="heading", bold=True)
        title.bind(cut=self._place)

    def show(self, text: str) -> None:
        """After the card's text was cleared: `text` is the title just set ("" for none)."""
        self.label.txt = text
        self._place()

    def _place(self, *args) -> None:
        column = self.details.column
        wanted = bool(self.title.cut and self.label.txt)
        if wanted and self.label.parent is None:
            column.add_widget(self.label, index=len(column.children))  # first, above everything
        elif not wanted and self.label.parent is not None:
            column.remove_widget(self.label)


class Hero(BoxLayout):
    """The calm top of a detail card: a picture and a few lines."""

    def __init__(self, **kwargs):
        super().__init__(orientation="vertical", spacing=12, **kwargs)
        self.image = Image(fit_mode="contain")
        self.lines = BoxLayout(orientation="vertical", size_hint_y=None, spacing=8)
        self.lines.bind(minimum_height=self.lines.setter("height"))
        self.add_widget(self.image)
        self.add_widget(self.lines)
        self._pool = _Pool()

    def show(self, image_path, lines: list[tuple[str, str]]) -> None:
        self.image.source = str(image_path) if image_path else ""
        self.image.opacity = 1 if image_path else 0
        self.image.size_hint_y = 1 if image_path else 0.001
        self.lines.clear_widgets()
        self._pool.release_all()
        for text, tone in lines:
            if text:
                label = self._pool.take((tone,), lambda: KLabel(size_role="heading", tone=tone, bold=tone == "accent"))
                label.txt = text
                self.lines.add_widget(label)
