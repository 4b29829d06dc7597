"""This terminal's walks, asked of the content snapshot's Wayfinder (kiosk.directions owns the rules)."""
from __future__ import annotations

import logging

from kiosk.directions import Directions, NoRoute, Wayfinder

log = logging.getLogger(__name__)


class Walks:
    def __init__(self, wayfinder: Wayfinder, kiosk_id: str):
        self.wayfinder = wayfinder
        self.kiosk_id = kiosk_id
        self.origin: tuple[float, float] | None = None
        try:
            self.origin = wayfinder.kiosk_position(kiosk_id)
        except NoRoute:
            log.warning("This terminal's id %r is not among the feed's kiosks; no walking times.", kiosk_id)

    def walk(self, lat: float | None, lon: float | None, *, step_free: bool = False) -> tuple[float, float] | None:
        """(metres, seconds) from the terminal, or None when there is no way; cheap enough for lists."""
        if self.origin is None or lat is None or lon is None:
            return None
        return self.wayfinder.walking_time(self.kiosk_id, (lat, lon), step_free=step_free)

    def directions(self, lat: float, lon: float, *, step_free: bool, lang: str, destination_id: str = "") -> Directions:
        """The route from this terminal, with steps in `lang`; NoRoute when there is none."""
        if self.origin is None:
            raise NoRoute(f"This terminal ({self.kiosk_id}) is not on the map.")
        return self.wayfinder.from_kiosk(self.kiosk_id, (lat, lon), step_free=step_free, lang=lang,
                                         destination_id=destination_id)
