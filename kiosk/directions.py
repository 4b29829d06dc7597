"""Directions for a visitor: from this terminal (or any point) to a place, an event or a point.

Built once per content snapshot. A terminal never moves, so the shortest-path trees from each
kiosk (normal and step-free) are computed on first use and every later route from it is a lookup.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.route_steps import describe_route
from kiosk.i18n import localized
from kiosk.share import route_share_url, take_along_url
from kiosk.wayfinding import (Anchor, EmptyNetworkError, Route, RouteTree, StepFreeGap, WalkingNetwork,
                              encode_polyline)

if TYPE_CHECKING:
    from kiosk.content import Content

LatLon = tuple[float, float]


class NoRoute(Exception):
    """There is no walking route; the message says between what and why. `gap` says what blocks a
    step-free route and how near one gets without steps, when that is the reason."""

    def __init__(self, message: str, gap: StepFreeGap | None = None):
        super().__init__(message)
        self.gap = gap


@dataclass(frozen=True)
class Directions:
    origin: LatLon
    destination: LatLon
    distance_m: float
    duration_s: float
    steps: list[str]
    polyline: str
    share_url: str
    step_free: bool
    route: Route

    def as_json(self) -> dict:
        return {
            "from": list(self.origin),
            "to": list(self.destination),
            "distance_m": round(self.distance_m, 1),
            "duration_s": round(self.duration_s),
            "step_free": self.step_free,
            "steps": self.steps,
            "polyline": self.polyline,
            "share_url": self.share_url,
        }


class Wayfinder:
    def __init__(self, content: "Content", *, walking_speed_kmh: float = 4.5, step_free_speed_kmh: float = 3.0,
                 share_page_url: str | None = None):
        self.content = content
        share = content.share if isinstance(content.share, dict) else {}
        # A terminal's own setting wins, so a LAN try-out can point phones at a laptop (docs/wayfinding.md).
        self.page_url = share_page_url or share.get("page_url") or None
        self.walking_speed_kmh = walking_speed_kmh
        self.step_free_speed_kmh = step_free_speed_kmh
        self.network = WalkingNetwork.from_feature_collection(
            {"type": "FeatureCollection", "features": content.map_features()}
        )
        self._levels = content.levels()
        self._entrances = content.entrances()
        # Who stands where, for messages that name the places instead of giving coordinates.
        self._names = {(item["lat"], item["lon"]): item.get("name")
                       for item in [*content.kiosks(), *content.place_items()]}
        self._names.update({door: self._names.get(position) for position, door in self._entrances.items()})
        self._trees: dict[tuple[str, bool], RouteTree] = {}
        # A snapshot's walks never change, and lists of 2,000 places ask for them on every fill.
        self._walking_times: dict[tuple, tuple[float, float] | None] = {}

    def kiosk_position(self, kiosk_id: str) -> LatLon:
        kiosk = self.content.kiosk(kiosk_id)
        if kiosk is None:
            known = ", ".join(k["id"] for k in self.content.kiosks()) or "none"
            raise NoRoute(f"There is no kiosk '{kiosk_id}' in the content (known: {known}).")
        return kiosk["lat"], kiosk["lon"]

    def place_position(self, place_id: str) -> LatLon:
        place = self.content.place(place_id, None, self.content.default_locale)
        if place is None:
            raise NoRoute(f"There is no place '{place_id}' in the content.")
        return place.lat, place.lon

    def _tree(self, kiosk_id: str, step_free: bool) -> RouteTree:
        key = (kiosk_id, step_free)
        if key not in self._trees:
            origin = self._attach(self.kiosk_position(kiosk_id), step_free)
            self._trees[key] = self.network.tree_from(origin, step_free=step_free)
        return self._trees[key]

    def from_kiosk(self, kiosk_id: str, to: LatLon, *, step_free: bool = False, lang: str = "de",
                   destination_id: str = "") -> Directions:
        """The route from a terminal: a lookup in its precomputed tree; destination_id names it on the phone."""
        try:
            tree = self._tree(kiosk_id, step_free)
            route = tree.route_to(self._attach(to, step_free))
            if route is None and step_free:
                origin = self._attach(self.kiosk_position(kiosk_id), False)
                self._no_step_free_route(origin, self._attach(to, False), tree)
        except EmptyNetworkError as exc:
            raise NoRoute(str(exc)) from None
        page = None
        if self.page_url is not None and route is not None:
            page = take_along_url(self.page_url, kiosk_id=kiosk_id, destination_id=destination_id, lang=lang,
                                  step_free=step_free, points=route.points)
        return self._directions(self.kiosk_position(kiosk_id), to, route, step_free, lang, share_url=page)

    def between(self, origin: LatLon, to: LatLon, *, step_free: bool = False, lang: str = "de") -> Directions:
        try:
            route = self.network.route(
                self._attach(origin, step_free),
                self._attach(to, step_free),
                step_free=step_free,
            )
            if route is None and step_free:
                self._no_step_free_route(self._attach(origin, False), self._attach(to, False), None)
        except EmptyNetworkError as exc:
            raise NoRoute(str(exc)) from None
        return self._directions(origin, to, route, step_free, lang)

    def walking_time(self, kiosk_id: str, to: LatLon, *, step_free: bool = False) -> tuple[float, float] | None:
        """(metres, seconds) from the terminal, or None when there is no way; cheap enough for lists."""
        key = (kiosk_id, to, step_free)
        if key not in self._walking_times:
            self._walking_times[key] = self._walking_time(kiosk_id, to, step_free)
        return self._walking_times[key]

    def _walking_time(self, kiosk_id: str, to: LatLon, step_free: bool) -> tuple[float, float] | None:
        try:
            distance = self._tree(kiosk_id, step_free).distance_to(self._attach(to, step_free))
        except (EmptyNetworkError, NoRoute):
            return None
        if distance is None:
            return None
        return distance, distance / (self._speed(step_free) / 3.6)

    def _no_step_free_route(self, origin: Anchor, destination: Anchor, tree: RouteTree | None) -> None:
        """Raise NoRoute naming both ends, the barrier and the nearest point reachable without steps."""
        gap = self.network.step_free_gap(origin, destination, tree)
        if gap is None:
            return  # no walk at all: the plain message says so
        default = self.content.default_locale
        here, there = self._name(origin.query), self._name(destination.query)
        barrier = {"escalator": "the escalator", "steps": "the steps"}.get(
            gap.barrier.link or gap.barrier.layer or "", "a way that is not step-free")
        after = f" after {localized(gap.street_before, 'en', default)}" if gap.street_before else ""
        near = f"on {localized(gap.nearest_street, 'en', default)} " if gap.nearest_street else ""
        raise NoRoute(
            f"There is no step-free walking route from {here} to {there}: {barrier} at {_at(gap.barrier_at)}"
            f"{after} cannot be avoided. The nearest point without steps is {near}at {_at(gap.nearest)}, "
            f"{gap.nearest_gap_m:.0f} m from {there}.", gap)

    def _name(self, position: LatLon) -> str:
        name = self._names.get(position)
        return localized(name, "en", self.content.default_locale) if name else _at(position)

    def _attach(self, position: LatLon, step_free: bool) -> Anchor:
        """The network point for a position, on the level of the place or kiosk standing there, at
        its entrance when one is mapped."""
        door = self._entrances.get(position, position)
        return self.network.attach(*door, step_free=step_free, level=self._levels.get(position, 0.0))

    def _speed(self, step_free: bool) -> float:
        return self.step_free_speed_kmh if step_free else self.walking_speed_kmh

    def _directions(self, origin: LatLon, to: LatLon, route: Route | None, step_free: bool, lang: str,
                    share_url: str | None = None) -> Directions:
        if route is None:
            kind = "step-free walking route" if step_free else "walking route"
            raise NoRoute(f"There is no {kind} from {self._name(origin)} to {self._name(to)}.")
        return Directions(
            origin=origin,
            destination=to,
            distance_m=route.distance_m,
            duration_s=route.duration_s(self._speed(step_free)),
            steps=describe_route(route, lang, default_locale=self.content.default_locale),
            polyline=encode_polyline(route.points),
            share_url=share_url or route_share_url(
                self.content.share,
                from_lat=origin[0],
                from_lon=origin[1],
                to_lat=to[0],
                to_lon=to[1],
                lang=lang,
                points=route.points,
            ),
            step_free=step_free,
            route=route,
        )


def _at(position: LatLon) -> str:
    return f"{position[0]:.5f},{position[1]:.5f}"
