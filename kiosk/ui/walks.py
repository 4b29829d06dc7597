"""Walking distance and time from this terminal, with the network built once per content snapshot."""
from __future__ import annotations

import logging

from kiosk.wayfinding import EmptyNetworkError, Route, WalkingNetwork

log = logging.getLogger(__name__)


class Walks:
    def __init__(self, content, kiosk_id: str, speed_kmh: float):
        self.speed_kmh = speed_kmh
        self.origin: tuple[float, float] | None = None
        self._tree = None
        self._network = None
        kiosk = content.kiosk(kiosk_id)
        if kiosk is None:
            log.warning("This terminal's id %r is not among the feed's kiosks; no walking times.", kiosk_id)
            return
        self.origin = (kiosk["lat"], kiosk["lon"])
        try:
            self._network = WalkingNetwork.from_feature_collection(
                {"type": "FeatureCollection", "features": content.map_features()}
            )
            self._tree = self._network.tree_from(self._network.attach(*self.origin))
        except EmptyNetworkError as exc:
            log.warning("No walking times: %s", exc)
            self._tree = None

    def route_to(self, lat: float | None, lon: float | None) -> Route | None:
        if self._tree is None or lat is None or lon is None:
            return None
        try:
            return self._tree.route_to(self._network.attach(lat, lon))
        except EmptyNetworkError:
            return None

    def walk(self, lat: float | None, lon: float | None) -> tuple[float, float, Route] | None:
        """(metres, seconds, route) from the terminal, or None when there is no way."""
        route = self.route_to(lat, lon)
        if route is None:
            return None
        return route.distance_m, route.duration_s(self.speed_kmh), route
