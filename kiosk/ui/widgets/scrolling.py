"""Scroll views that do not pile up bindings, with their bar on the side a reader's eye ends.

Kivy 2.3's ScrollView binds `bar_color` again on every scroll update and unbinds it once, half a
second after scrolling stops: every update in between leaves a binding behind. The soak found them
growing by one per scroll frame, for ever (docs/performance.md). Unbinding first keeps exactly one.
"""
from __future__ import annotations

from kivy.app import App
from kivy.uix.recycleview import RecycleView
from kivy.uix.scrollview import ScrollView

from kiosk.ui.follow import followers


class OneBarBinding:
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        app = App.get_running_app()
        if app is not None:
            # Right to left, the bar goes to the left, away from the start of right-aligned headings.
            followers.follow(app, self, rtl=self._bar_side)  # weakly (kiosk/ui/follow.py)
            self._bar_side(app, app.rtl)

    def _bar_side(self, app, rtl):
        self.bar_pos_y = "left" if rtl else "right"

    def update_from_scroll(self, *largs):
        self.funbind("bar_color", self._change_bar_color)
        super().update_from_scroll(*largs)


class KScrollView(OneBarBinding, ScrollView):
    pass


class KRecycleView(OneBarBinding, RecycleView):
    pass
