"""Scroll views that do not pile up bindings.

Kivy 2.3's ScrollView binds `bar_color` again on every scroll update and unbinds it once, half a
second after scrolling stops: every update in between leaves a binding behind. The soak found them
growing by one per scroll frame, for ever (docs/performance.md). Unbinding first keeps exactly one.
"""
from __future__ import annotations

from kivy.uix.recycleview import RecycleView
from kivy.uix.scrollview import ScrollView


class OneBarBinding:
    def update_from_scroll(self, *largs):
        self.funbind("bar_color", self._change_bar_color)
        super().update_from_scroll(*largs)


class KScrollView(OneBarBinding, ScrollView):
    pass


class KRecycleView(OneBarBinding, RecycleView):
    pass
