"""The observable translator for kv: `text: tr._("Today")` re-renders when the language changes.

The pattern of tito/kivy-gettext-example: kv captures bindings through `fbind("_", ...)`, and
`switch` calls them again. Strings come from the gettext catalogs in locales/ via kiosk.i18n.
"""
from __future__ import annotations

from kivy.event import Observable

from kiosk.i18n import N_, translator  # noqa: F401  (N_ is imported from here by the screens)


class Translator(Observable):
    observers: list = []

    def __init__(self, lang: str = "de"):
        super().__init__()
        self.lang = lang

    def _(self, text: str) -> str:
        return translator(self.lang).gettext(text)

    def fbind(self, name, func, args, **kwargs):
        if name == "_":
            self.observers.append((func, args, kwargs))
        else:
            return super().fbind(name, func, *args, **kwargs)

    def funbind(self, name, func, args, **kwargs):
        if name == "_":
            key = (func, args, kwargs)
            if key in self.observers:
                self.observers.remove(key)
        else:
            return super().funbind(name, func, *args, **kwargs)

    def switch(self, lang: str) -> None:
        if lang == self.lang:
            return
        self.lang = lang
        for func, args, _kwargs in list(self.observers):
            func(args, None, None)
        bound.refresh()


tr = Translator()


class _Bound:
    """Widgets built in Python whose `txt` is a UI string: re-translated on every switch."""

    def __init__(self):
        import weakref

        self._items: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()

    def bind(self, widget, msgid: str, **fields) -> None:
        self._items[widget] = (msgid, fields)
        widget.txt = _format(tr._(msgid), fields)

    def refresh(self) -> None:
        for widget, (msgid, fields) in list(self._items.items()):
            widget.txt = _format(tr._(msgid), fields)


def _format(text: str, fields: dict) -> str:
    return text.format(**fields) if fields else text


bound = _Bound()


def tr_txt(widget, msgid: str, **fields):
    """Set widget.txt to a UI string now and after every language switch; returns the widget."""
    bound.bind(widget, msgid, **fields)
    return widget
