"""What the Help screen puts first in an emergency: the emergency numbers, then the nearest pharmacy
on duty, defibrillator and toilet by walking distance from this terminal. Plain Python, no Kivy."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from kiosk.content import ContactView, Content, PageView, PlaceView

# The kinds of place a person in trouble looks for, in the order the screen lists them.
NEAREST_KINDS = ("pharmacy", "aed", "toilet")
# 112 and 110 (and every national short emergency number) have at most three digits.
EMERGENCY_DIGITS = 3

Walk = Callable[[float, float], "tuple[float, float] | None"]


@dataclass(frozen=True)
class NearestHelp:
    kind: str
    place: PlaceView
    metres: float | None
    seconds: float | None


def is_emergency_number(phone: str | None) -> bool:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return 0 < len(digits) <= EMERGENCY_DIGITS


def emergency_contacts(page: PageView) -> list[ContactView]:
    """The page's emergency numbers (112, 110), in the page's order."""
    return [c for c in page.contacts if is_emergency_number(c.phone)]


def other_contacts(page: PageView, content: Content, at: datetime, lang: str) -> list[ContactView]:
    """The rest of the page, without the emergency numbers and the places `nearest` already lists by kind."""
    rest = []
    for contact in page.contacts:
        if is_emergency_number(contact.phone):
            continue
        place = content.place(contact.place_id, at, lang) if contact.place_id else None
        if place is not None and place.kind in NEAREST_KINDS and not contact.phone:
            continue
        rest.append(contact)
    return rest


def nearest(content: Content, at: datetime, lang: str, walk: Walk | None) -> list[NearestHelp]:
    """For each kind, the place to go now: open before unknown before closed, then the shortest walk."""
    found = []
    for kind in NEAREST_KINDS:
        best: tuple | None = None
        for place in content.places(at, lang, kinds=(kind,)):
            way = walk(place.lat, place.lon) if walk else None
            metres = way[0] if way else None
            rank = ({True: 0, None: 1, False: 2}[place.open], metres if metres is not None else math.inf, place.name)
            if best is None or rank < best[0]:
                best = (rank, NearestHelp(kind, place, metres, way[1] if way else None))
        if best is not None:
            found.append(best[1])
    return found
