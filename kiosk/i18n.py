"""The visitor's language: feed text fallback, the UI's own words (gettext), writing direction.

Dates, times, numbers and distances go through Babel in the module that shows them, always with
an explicit locale and time zone.
"""
from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from babel import Locale, UnknownLocaleError


def N_(msgid: str) -> str:
    """Marks a msgid for extraction (Babel's default keyword) where it is translated later."""
    return msgid


LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "kiosk"
UI_LANGUAGES = ("de", "en", "tr", "ar", "uk", "pl", "nl")
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur"})

Text = str | Mapping[str, str] | None


def localized(text: Text, lang: str, default_locale: str = "de") -> str:
    """Feed text in the visitor's language, else the default locale's (the words on the street signs
    around the terminal), never a third language the visitor did not choose."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    for candidate in (lang, lang.split("-")[0], default_locale, default_locale.split("-")[0]):
        value = text.get(candidate)
        if value:
            return value
    # The feed must carry the default locale (kiosk-feed validate); an unchecked one may not.
    return next((v for v in text.values() if v), "")


def sign_name(text: Text, lang: str, default_locale: str = "de") -> str:
    """The name as written on the sign (default locale) when the visitor reads a translation that does
    not already contain it: 'Церква Святого Райнольда' -> 'Reinoldikirche'; otherwise ''."""
    shown = localized(text, lang, default_locale)
    on_sign = localized(text, default_locale, default_locale)
    if not on_sign or on_sign.casefold() in shown.casefold():
        return ""
    return on_sign


def with_sign_name(text: Text, lang: str, default_locale: str = "de") -> str:
    """'Церква Святого Райнольда (Reinoldikirche)': a translated name with the one on the sign."""
    shown = localized(text, lang, default_locale)
    sign = sign_name(text, lang, default_locale)
    return f"{shown} ({sign})" if sign else shown


@lru_cache(maxsize=None)
def translator(lang: str) -> gettext.NullTranslations:
    """The UI's own words in `lang`; falls back to the English source strings."""
    return gettext.translation(DOMAIN, localedir=str(LOCALES_DIR), languages=[lang], fallback=True)


def language_name(lang: str) -> str:
    """A language named in itself (Babel/CLDR): "Deutsch", "Français", "Українська"; the code when
    Babel does not know it."""
    try:
        name = Locale.parse(lang.replace("-", "_")).get_display_name(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return lang
    return name[:1].upper() + name[1:] if name else lang


def answer_language(lang: str | None, city_locales: list[str], default_locale: str) -> str:
    """The language to answer in: the one asked for when the city or the interface has it, else
    ValueError with a sentence; the city's default language when none is asked for."""
    if lang is None:
        return default_locale
    if lang not in city_locales and lang not in UI_LANGUAGES:
        raise ValueError(f"'{lang}' is neither a language of this city's content ({', '.join(city_locales)}) "
                         f"nor of the interface ({', '.join(UI_LANGUAGES)}).")
    return lang


def is_right_to_left(lang: str) -> bool:
    return lang.split("-")[0] in RIGHT_TO_LEFT
