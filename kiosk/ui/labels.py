"""Names for the feed's kind and category codes in the visitor's language (the feed carries codes)."""
from __future__ import annotations

from kiosk.place_words import CATEGORIES, KINDS
from kiosk.ui.translate import N_, tr

TYPES = {"place": N_("Place"), "event": N_("Event"), "page": N_("Information")}


def kind_label(kind: str) -> str:
    return tr._(KINDS[kind]) if kind in KINDS else kind.replace("_", " ").capitalize()


def category_label(category: str | None) -> str:
    if not category:
        return ""
    return tr._(CATEGORIES[category]) if category in CATEGORIES else category.replace("_", " ").capitalize()


def type_label(doc_type: str) -> str:
    return tr._(TYPES.get(doc_type, doc_type))
