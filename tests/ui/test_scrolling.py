"""Scroll views keep one binding of their bar colour however long a visitor scrolls (kiosk/ui/widgets/scrolling.py)."""
from __future__ import annotations

from kivy.core.window import Window
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.ui.widgets.scrolling import KScrollView
from tests.ui.harness import frames


def _bar_bindings_after_scrolling(cls) -> int:
    view = cls(size_hint=(None, None), size=(400, 400), do_scroll_x=False)
    view.add_widget(Widget(size_hint_y=None, height=4000))
    Window.add_widget(view)
    try:
        frames(2)
        for step in range(40):
            view.scroll_y = 1 - step / 40
            frames(1)
        return sum(1 for callback in view.get_property_observers("bar_color")
                   if getattr(callback, "__name__", "") == "_change_bar_color")
    finally:
        Window.remove_widget(view)


def test_scrolling_leaves_one_bar_colour_binding_not_one_per_frame(app):
    assert _bar_bindings_after_scrolling(KScrollView) <= 1
    # Kivy 2.3's own ScrollView piles them up; when this fails, Kivy fixed it and scrolling.py can go.
    assert _bar_bindings_after_scrolling(ScrollView) > 10
