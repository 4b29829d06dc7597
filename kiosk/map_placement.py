"""Where the map's markers and place names go on the screen at one zoom: plain Python, in pixels.

Markers that would overlap at this zoom become one marker with a count (zooming in splits it);
place names are put beside their marker where they touch no other name, no marker, no street name
and not "you are here". Street names (kiosk.map_projection.visible_labels) keep clear of the markers
through `Occupied.clear_of_capsule`. Coordinates: pixels, x right, y up, from the map's origin.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple, Sequence

from kiosk.map_projection import XY, _segment_distance


class Box(NamedTuple):  # a tuple: thousands are made per layout, and a frozen dataclass is slow to make
    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def around(cls, x: float, y: float, half_w: float, half_h: float | None = None) -> "Box":
        half_h = half_w if half_h is None else half_h
        return cls(x - half_w, y - half_h, x + half_w, y + half_h)

    def overlaps(self, other: "Box", gap: float = 0.0) -> bool:
        return (self.x0 < other.x1 + gap and other.x0 < self.x1 + gap
                and self.y0 < other.y1 + gap and other.y0 < self.y1 + gap)

    def distance_to_segment(self, a: XY, b: XY) -> float:
        """0 when the segment enters the box, else the shortest distance between them."""
        if any(self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1 for x, y in (a, b)):
            return 0.0
        corners = [(self.x0, self.y0), (self.x1, self.y0), (self.x1, self.y1), (self.x0, self.y1)]
        return min(_segment_distance(a, b, corners[i], corners[(i + 1) % 4]) for i in range(4))


@dataclass
class Group:
    """One marker on the screen: a place, or several close places drawn as one with their count."""

    x: float  # where it is drawn: its first (most important) member's position
    y: float
    members: list[int] = field(default_factory=list)  # indices into the points, most important first


def group_markers(points: Sequence[XY], order: Sequence[int], distance_px: float,
                  grid: dict | None = None) -> list[Group]:
    """Markers nearer than `distance_px` to a shown marker join one of them (their own cell's first),
    most important first (`order`), so no two shown markers are closer than `distance_px`: on a grid of
    that size, linear in the markers. `grid` (cell -> groups) is filled for Occupied.add_markers."""
    cell = max(distance_px, 1.0)
    limit = distance_px * distance_px
    grid = {} if grid is None else grid
    groups: list[Group] = []
    floor, get = math.floor, grid.get
    for i in order:
        x, y = points[i]
        cx, cy = floor(x / cell), floor(y / cell)
        near = None
        for key in ((cx, cy), (cx - 1, cy), (cx + 1, cy), (cx, cy - 1), (cx, cy + 1),
                    (cx - 1, cy - 1), (cx + 1, cy - 1), (cx - 1, cy + 1), (cx + 1, cy + 1)):
            for group in get(key, ()):
                if (group.x - x) ** 2 + (group.y - y) ** 2 < limit:
                    near = group
                    break
            if near is not None:
                break
        if near is not None:
            near.members.append(i)
            continue
        group = Group(x, y, [i])
        groups.append(group)
        grid.setdefault((cx, cy), []).append(group)
    return groups


def spread(x: float, y: float, count: int, size_px: float) -> list[XY]:
    """Positions for `count` markers of one spot, in a ring around it, none touching: at the closest zoom
    places in one building can no longer be told apart by zooming in."""
    if count == 1:
        return [(x, y)]
    radius = max(size_px, size_px * 1.1 / (2 * math.sin(math.pi / count)))
    return [(x + radius * math.cos(math.pi / 2 + 2 * math.pi * k / count),
             y + radius * math.sin(math.pi / 2 + 2 * math.pi * k / count)) for k in range(count)]


class Occupied:
    """What is already drawn where a name must not go: boxes (markers, names) and capsules (street names
    along their line), on a coarse grid so each test looks at its neighbours only."""

    def __init__(self, cell: float = 160.0):
        self.cell = cell
        self._boxes: dict[tuple[int, int], list[tuple[Box, bool]]] = {}  # box, soft (a marker a name may cover)
        self._capsules: dict[tuple[int, int], list[tuple[XY, XY, float]]] = {}
        self._markers: list[tuple[dict, float, float]] = []  # (cell -> groups, cell size, half a marker)

    def _cells(self, x0: float, y0: float, x1: float, y1: float) -> list[tuple[int, int]]:
        c = self.cell
        gx0, gx1, gy0, gy1 = math.floor(x0 / c), math.floor(x1 / c), math.floor(y0 / c), math.floor(y1 / c)
        if gx0 == gx1 and gy0 == gy1:
            return [(gx0, gy0)]  # most boxes (a marker) sit in one cell
        return [(gx, gy) for gx in range(gx0, gx1 + 1) for gy in range(gy0, gy1 + 1)]

    def add_box(self, box: Box, soft: bool = False) -> None:
        for key in self._cells(box.x0, box.y0, box.x1, box.y1):
            self._boxes.setdefault(key, []).append((box, soft))

    def add_markers(self, grid: dict, cell: float, half: float) -> None:
        """The markers of group_markers' grid, each a soft box `half` wide either side: taken without
        copying 2,000 boxes into this grid."""
        self._markers.append((grid, cell, half))

    def _marker_boxes(self, x0: float, y0: float, x1: float, y1: float):
        """The marker boxes that may reach into the area."""
        for grid, cell, half in self._markers:
            for gx in range(math.floor((x0 - half) / cell), math.floor((x1 + half) / cell) + 1):
                for gy in range(math.floor((y0 - half) / cell), math.floor((y1 + half) / cell) + 1):
                    for group in grid.get((gx, gy), ()):
                        yield Box(group.x - half, group.y - half, group.x + half, group.y + half)

    def add_capsule(self, a: XY, b: XY, radius: float) -> None:
        for key in self._cells(min(a[0], b[0]) - radius, min(a[1], b[1]) - radius,
                               max(a[0], b[0]) + radius, max(a[1], b[1]) + radius):
            self._capsules.setdefault(key, []).append((a, b, radius))

    def clear(self, box: Box, gap: float = 4.0, hard_only: bool = False) -> bool:
        """Nothing taken within `gap` of the box (`hard_only`: markers aside)."""
        if not hard_only and any(box.overlaps(marker, gap) for marker in
                                 self._marker_boxes(box.x0 - gap, box.y0 - gap, box.x1 + gap, box.y1 + gap)):
            return False
        for key in self._cells(box.x0 - gap, box.y0 - gap, box.x1 + gap, box.y1 + gap):
            if any(box.overlaps(other, gap) for other, soft in self._boxes.get(key, ()) if not (soft and hard_only)):
                return False
            for a, b, r in self._capsules.get(key, ()):
                reach = r + gap
                if (min(a[0], b[0]) - reach < box.x1 and box.x0 < max(a[0], b[0]) + reach
                        and min(a[1], b[1]) - reach < box.y1 and box.y0 < max(a[1], b[1]) + reach
                        and box.distance_to_segment(a, b) < reach):
                    return False
        return True

    def clear_of_capsule(self, a: XY, b: XY, radius: float) -> bool:
        """A street name along a–b, `radius` thick either side, touches no box taken (a marker, "you are here")."""
        x0, x1 = min(a[0], b[0]) - radius, max(a[0], b[0]) + radius
        y0, y1 = min(a[1], b[1]) - radius, max(a[1], b[1]) + radius
        boxes = [box for key in self._cells(x0, y0, x1, y1) for box, _soft in self._boxes.get(key, ())]
        for box in (*boxes, *self._marker_boxes(x0, y0, x1, y1)):
            if (box.x0 < x1 and x0 < box.x1 and box.y0 < y1 and y0 < box.y1  # near enough to measure
                    and box.distance_to_segment(a, b) < radius):
                return False
        return True


def place_name(x: float, y: float, marker_radius: float, width: float, height: float, occupied: Occupied,
               *, rtl: bool = False, gap: float = 6.0, within: Box | None = None, insist: bool = False) -> Box | None:
    """A box for a place's name beside its marker: after it in reading order, else before, above,
    below or at a corner; None when each of them would touch something already drawn, or leave `within` (the map's
    edges: a name cut by them cannot be read). `insist`: a name that must be there (a destination's)
    takes the first box inside the edges that touches no other name, over a marker if need be. The box
    found is taken."""
    reach = marker_radius + gap
    after = Box(x + reach, y - height / 2, x + reach + width, y + height / 2)
    before = Box(x - reach - width, y - height / 2, x - reach, y + height / 2)
    above = Box(x - width / 2, y + reach, x + width / 2, y + reach + height)
    below = Box(x - width / 2, y - reach - height, x + width / 2, y - reach)
    # Then the corners: beside the marker but above or below its middle.
    lift = marker_radius * 0.7 + gap
    corners = tuple(Box(b.x0, b.y0 + dy, b.x1, b.y1 + dy) for b in ((before, after) if rtl else (after, before))
                    for dy in (height / 2 + lift, -height / 2 - lift))
    candidates = ((before, after) if rtl else (after, before)) + (above, below) + corners
    for box in candidates:
        inside = within is None or (within.x0 <= box.x0 and box.x1 <= within.x1
                                    and within.y0 <= box.y0 and box.y1 <= within.y1)
        if inside and occupied.clear(box):
            occupied.add_box(box)
            return box
    if insist:
        for box in candidates:
            if (within is None or (within.x0 <= box.x0 and box.x1 <= within.x1
                                   and within.y0 <= box.y0 and box.y1 <= within.y1)) and occupied.clear(box, hard_only=True):
                occupied.add_box(box)
                return box
    return None
