"""Small rules every source shares: feed text, ids, name matching, coordinates, URLs."""
from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from functools import lru_cache
from typing import Iterable, Mapping

from opening_hours import OpeningHours

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
COORD_DECIMALS = 7
WHEELCHAIR_VALUES = frozenset({"yes", "limited", "no"})
PLACE_KINDS = frozenset({
    "shop", "food", "culture", "art", "landmark", "market", "popup", "service", "toilet", "pharmacy",
    "aed", "help", "transit",
})


class SourceError(Exception):
    """A source file cannot be read at all; the message names the file and says why."""


def make_text(values: Mapping[str, str | None], default_locale: str) -> str | dict | None:
    """Feed text from per-locale strings: a plain string when every given locale says the same."""
    cleaned = {locale: value.strip() for locale, value in values.items() if value and value.strip()}
    if not cleaned:
        return None
    if len(set(cleaned.values())) == 1 and default_locale in cleaned:
        return cleaned[default_locale]
    return cleaned


def text_values(text: object, default_locale: str) -> dict[str, str]:
    """The locale -> string map of a feed text (a plain string belongs to the default locale)."""
    if isinstance(text, str):
        return {default_locale: text}
    if isinstance(text, Mapping):
        return {str(k): v for k, v in text.items() if isinstance(v, str)}
    return {}


def merge_text(old: object, new: Mapping[str, str], default_locale: str) -> str | dict | None:
    """`old` with the locales in `new` replaced; plain again when all locales agree."""
    values = text_values(old, default_locale)
    values.update({k: v for k, v in new.items() if v and v.strip()})
    return make_text(values, default_locale)


def fold(value: str) -> str:
    """Lower case without diacritics or punctuation runs, for matching names people typed."""
    decomposed = unicodedata.normalize("NFKD", value.casefold().replace("ß", "ss"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def slug(value: str, fallback: str = "item") -> str:
    """An id matching the feed's id pattern; long values keep a short hash so they stay distinct."""
    plain = fold(value.replace("@", " ")).replace("_", "-")
    text = re.sub(r"[^a-z0-9._-]+", "-", plain.replace(" ", "-")).strip("-._")
    text = re.sub(r"-{2,}", "-", text) or fallback
    if len(text) > 64:
        digest = hashlib.sha1(value.encode("utf-8")).hexdigest()[:8]
        text = text[:55].rstrip("-._") + "-" + digest
    return text


def unique_id(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted-2`, `wanted-3` … when already taken; records the answer in `taken`."""
    candidate, number = wanted, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = wanted[: 64 - len(suffix)] + suffix
        number += 1
    taken.add(candidate)
    return candidate


def round_coord(value: float) -> float:
    return round(float(value), COORD_DECIMALS)


@lru_cache(maxsize=8192)
def opening_hours_problem(value: str) -> str | None:
    """None when `value` parses with opening_hours.OpeningHours, else the parser's complaint."""
    try:
        OpeningHours(value)
    except BaseException as exc:  # the Rust parser may raise a pyo3 PanicException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        detail = re.search(r"^\s*=\s*(.+)$", str(exc), re.MULTILINE)
        return detail.group(1).strip() if detail else "it does not parse"
    return None


def website_problem(value: str) -> str | None:
    if value.startswith("https://") and len(value) > len("https://"):
        return None
    if value.startswith("http://"):
        return "uses http://; the feed accepts https:// links only"
    return "is not an https:// link"


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: well under a metre off haversine at city scale."""
    ky = 111_320.0
    kx = ky * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot((lon2 - lon1) * kx, (lat2 - lat1) * ky)


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """'S,W,N,E' in degrees; ValueError with a sentence otherwise."""
    try:
        south, west, north, east = (float(part) for part in value.split(","))
    except ValueError:
        raise ValueError(f"'{value}' is not a bounding box S,W,N,E such as 49.436,7.760,49.446,7.777") from None
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        raise ValueError(f"the bounding box {value} is not S,W,N,E with south < north and west < east")
    return south, west, north, east


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def counted(items: Iterable[str]) -> str:
    """'shop 3, food 2' sorted by name."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return ", ".join(f"{name} {counts[name]}" for name in sorted(counts))
