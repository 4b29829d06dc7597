"""Widgets that follow the App's direction, sizes, palette and touch size, held weakly.

A label that binds itself to the App with `fbind` is kept alive by the App for as long as the app
runs: every card refilled, legend rebuilt or step list shown left its widgets and textures behind
(~5 MB per card opened). Kivy's weak `bind` frees them, but checks every earlier binding for a
duplicate, dead ones included, so each new label cost more than the last. Here the App has one
binding per property, and the widgets sit in weak tables that forget them when they are freed
(docs/performance.md).
"""
from __future__ import annotations

import weakref


class AppFollowers:
    def __init__(self):
        self._app = None
        self._tables: dict[str, weakref.WeakKeyDictionary] = {}

    def follow(self, app, widget, **handlers) -> None:
        """Call handlers[prop](app, value) on `widget` whenever the App's `prop` changes."""
        if self._app is None or self._app() is not app:
            self._app, self._tables = weakref.ref(app), {}
        for prop, method in handlers.items():
            table = self._tables.get(prop)
            if table is None:
                table = self._tables[prop] = weakref.WeakKeyDictionary()
                app.fbind(prop, self._changed, prop)
            table[widget] = method.__func__

    def unfollow(self, widget, prop: str) -> None:
        table = self._tables.get(prop)
        if table is not None:
            table.pop(widget, None)

    def _changed(self, prop, app, value) -> None:
        for widget, func in list(self._tables[prop].items()):
            func(widget, app, value)


followers = AppFollowers()
