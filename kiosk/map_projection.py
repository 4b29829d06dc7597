"""Map geometry for the terminal's map: lon/lat to metres, the heads-up rotation, fitting a view.

Plain Python (no Kivy), so every number the map draws with is unit-tested. Coordinates:

- map metres: x east, y north of the map's centre (equirectangular, like kiosk.wayfinding; over a
  city centre a few kilometres across it is exact to well under a metre);
- screen pixels: x right, y up (Kivy's convention), relative to the view's centre.

Heads-up: a terminal's `heading` is the direction its viewer faces, in degrees clockwise from
north. The map is turned counter-clockwise by that angle, so what lies ahead of the viewer is up.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Sequence

EARTH_RADIUS_M = 6_371_008.8

XY = tuple[float, float]


@dataclass(frozen=True)
class Projection:
    """Equirectangular projection around (lat0, lon0), in metres."""

    lat0: float
    lon0: float

    @property
    def ky(self) -> float:
        return math.pi / 180 * EARTH_RADIUS_M

    @property
    def kx(self) -> float:
        return self.ky * math.cos(math.radians(self.lat0))

    @classmethod
    def around(cls, lonlats: Iterable[Sequence[float]]) -> "Projection":
        """Centred on the middle of the bounding box of GeoJSON [lon, lat] positions."""
        lons, lats = [], []
        for position in lonlats:
            lons.append(position[0])
            lats.append(position[1])
        if not lons:
            return cls(0.0, 0.0)
        return cls((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)

    def to_xy(self, lat: float, lon: float) -> XY:
        return (lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky

    def to_latlon(self, x: float, y: float) -> tuple[float, float]:
        return self.lat0 + y / self.ky, self.lon0 + x / self.kx


@dataclass(frozen=True)
class Bounds:
    min_x: float
    min_y: float
    max_x: float
    max_y: float

    @classmethod
    def of(cls, points: Iterable[XY]) -> "Bounds":
        xs, ys = [], []
        for x, y in points:
            xs.append(x)
            ys.append(y)
        if not xs:
            return cls(-50.0, -50.0, 50.0, 50.0)
        return cls(min(xs), min(ys), max(xs), max(ys))

    @property
    def centre(self) -> XY:
        return (self.min_x + self.max_x) / 2, (self.min_y + self.max_y) / 2

    def corners(self) -> list[XY]:
        return [(self.min_x, self.min_y), (self.max_x, self.min_y), (self.max_x, self.max_y), (self.min_x, self.max_y)]

    def grown(self, metres: float) -> "Bounds":
        return Bounds(self.min_x - metres, self.min_y - metres, self.max_x + metres, self.max_y + metres)

    def clamp(self, x: float, y: float) -> XY:
        return min(max(x, self.min_x), self.max_x), min(max(y, self.min_y), self.max_y)


def heads_up_rotation(heading_deg: float) -> float:
    """The counter-clockwise turn of the map (degrees) that puts the viewer's heading up on screen."""
    return float(heading_deg) % 360.0


def rotate(x: float, y: float, degrees: float) -> XY:
    """(x, y) turned counter-clockwise by `degrees`."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    return x * c - y * s, x * s + y * c


@dataclass(frozen=True)
class View:
    """What the map shows: turned by `rotation`, `scale` pixels per metre, map point `centre` in the middle."""

    rotation: float
    scale: float
    centre: XY

    def to_screen(self, x: float, y: float) -> XY:
        """Map metres to pixels from the middle of the view."""
        rx, ry = rotate(x - self.centre[0], y - self.centre[1], self.rotation)
        return rx * self.scale, ry * self.scale

    def to_map(self, sx: float, sy: float) -> XY:
        """Pixels from the middle of the view to map metres."""
        x, y = rotate(sx / self.scale, sy / self.scale, -self.rotation)
        return x + self.centre[0], y + self.centre[1]

    def offset(self) -> XY:
        """Where map (0, 0) lands, in pixels from the middle: the translation after rotate and scale."""
        return self.to_screen(0.0, 0.0)

    def panned(self, dx_px: float, dy_px: float, limits: "Limits | None" = None) -> "View":
        """The view after the finger moved the map by (dx, dy) pixels."""
        mx, my = rotate(dx_px / self.scale, dy_px / self.scale, -self.rotation)
        view = replace(self, centre=(self.centre[0] - mx, self.centre[1] - my))
        return limits.apply(view) if limits else view

    def zoomed(self, factor: float, about_px: XY = (0.0, 0.0), limits: "Limits | None" = None) -> "View":
        """The view scaled by `factor` keeping the map point under `about_px` (from the middle) in place."""
        scale = self.scale * factor
        if limits is not None:
            scale = min(max(scale, limits.min_scale), limits.max_scale)
        anchor = self.to_map(*about_px)
        moved = replace(self, scale=scale)
        ax, ay = moved.to_screen(*anchor)
        view = moved.panned(about_px[0] - ax, about_px[1] - ay)
        return limits.apply(view) if limits else view


@dataclass(frozen=True)
class Limits:
    """How far a visitor may pan (the centre stays within `bounds`) and zoom."""

    bounds: Bounds
    min_scale: float
    max_scale: float

    def apply(self, view: View) -> View:
        scale = min(max(view.scale, self.min_scale), self.max_scale)
        return View(view.rotation, scale, self.bounds.clamp(*view.centre))


def fit(points: Iterable[XY], rotation: float, width_px: float, height_px: float, *,
        padding_px: float = 0.0, max_scale: float | None = None, min_extent_m: float = 40.0) -> View:
    """The view that shows every point, turned by `rotation`, inside a width × height viewport."""
    rotated = [rotate(x, y, rotation) for x, y in points]
    if not rotated:
        rotated = [(0.0, 0.0)]
    box = Bounds.of(rotated)
    w = max(box.max_x - box.min_x, min_extent_m)
    h = max(box.max_y - box.min_y, min_extent_m)
    inner_w = max(1.0, width_px - 2 * padding_px)
    inner_h = max(1.0, height_px - 2 * padding_px)
    scale = min(inner_w / w, inner_h / h)
    if max_scale is not None:
        scale = min(scale, max_scale)
    centre = rotate(*box.centre, -rotation)
    return View(rotation, scale, centre)


def upright_angle(dx: float, dy: float, rotation: float) -> float:
    """The text angle (degrees, counter-clockwise) along a map direction on screen, never upside down."""
    sx, sy = rotate(dx, dy, rotation)
    angle = math.degrees(math.atan2(sy, sx))
    if angle > 90.0:
        angle -= 180.0
    elif angle <= -90.0:
        angle += 180.0
    return angle


@dataclass(frozen=True)
class LabelSpot:
    """A place along a named line where its name may be written."""

    key: int  # which text (index into the caller's list of names)
    x: float
    y: float
    angle: float  # on screen, upright
    length_m: float  # the straight stretch the text must fit into


def label_spots(key: int, line: Sequence[XY], rotation: float, *, min_length_m: float = 15.0,
                straight_deg: float = 12.0) -> list[LabelSpot]:
    """Candidate spots along a line: the middle of each nearly straight run of segments."""
    spots: list[LabelSpot] = []
    start = 0
    for i in range(1, len(line)):
        last = i == len(line) - 1
        if not last and _bend(line[i - 1], line[i], line[i + 1]) <= straight_deg:
            continue
        (x0, y0), (x1, y1) = line[start], line[i]
        length = math.hypot(x1 - x0, y1 - y0)
        if length >= min_length_m:
            spots.append(LabelSpot(key, (x0 + x1) / 2, (y0 + y1) / 2,
                                   upright_angle(x1 - x0, y1 - y0, rotation), length))
        start = i
    return spots


def _bend(a: XY, b: XY, c: XY) -> float:
    a1 = math.atan2(b[1] - a[1], b[0] - a[0])
    a2 = math.atan2(c[1] - b[1], c[0] - b[0])
    return abs((math.degrees(a2 - a1) + 540.0) % 360.0 - 180.0)


def label_segment(spot: LabelSpot, width_px: float, scale: float, rotation: float) -> tuple[XY, XY]:
    """The line a street name is written along, in pixels from the map's origin."""
    x, y = rotate(spot.x * scale, spot.y * scale, rotation)
    a = math.radians(spot.angle)
    hx, hy = math.cos(a) * width_px / 2, math.sin(a) * width_px / 2
    return (x - hx, y - hy), (x + hx, y + hy)


def visible_labels(spots: Sequence[LabelSpot], widths_px: Sequence[float], height_px: float, scale: float,
                   rotation: float = 0.0, *, margin_px: float = 24.0, same_name_gap_px: float = 360.0,
                   clear: Callable[[XY, XY, float], bool] | None = None) -> list[int]:
    """Which spots get their text at this zoom: the text fits its stretch and no two labels touch.

    Longest stretches first. A label's footprint is a capsule along its text (a segment of the
    text's width, as thick as the text is high). `clear(a, b, radius)` says whether a capsule is free
    of what the map already shows there (its markers). Returns indices into `spots`.
    """
    order = sorted(range(len(spots)), key=lambda i: -spots[i].length_m)
    cell = 200.0
    grid: dict[tuple[int, int], list[tuple[XY, XY, int]]] = {}
    chosen: list[int] = []
    for i in order:
        spot = spots[i]
        width = widths_px[spot.key]
        if spot.length_m * scale < width + margin_px:
            continue
        segment = label_segment(spot, width, scale, rotation)
        x, y = (segment[0][0] + segment[1][0]) / 2, (segment[0][1] + segment[1][1]) / 2
        if clear is not None and not clear(segment[0], segment[1], height_px / 2):
            continue
        reach = width / 2 + height_px + same_name_gap_px
        clash = False
        for cx in range(int((x - reach) // cell), int((x + reach) // cell) + 1):
            for cy in range(int((y - reach) // cell), int((y + reach) // cell) + 1):
                for other_a, other_b, key in grid.get((cx, cy), ()):
                    gap = same_name_gap_px if key == spot.key else height_px * 0.3
                    if _segment_distance(segment[0], segment[1], other_a, other_b) < height_px + gap:
                        clash = True
                        break
                if clash:
                    break
            if clash:
                break
        if clash:
            continue
        grid.setdefault((int(x // cell), int(y // cell)), []).append((segment[0], segment[1], spot.key))
        chosen.append(i)
    return chosen


def _segment_distance(p1: XY, p2: XY, q1: XY, q2: XY) -> float:
    """The shortest distance between two segments in the plane."""
    if _segments_cross(p1, p2, q1, q2):
        return 0.0
    return min(_point_segment(p1, q1, q2), _point_segment(p2, q1, q2),
               _point_segment(q1, p1, p2), _point_segment(q2, p1, p2))


def _point_segment(p: XY, a: XY, b: XY) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2))
    return math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy))


def _segments_cross(p1: XY, p2: XY, q1: XY, q2: XY) -> bool:
    def side(a: XY, b: XY, c: XY) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = side(q1, q2, p1), side(q1, q2, p2)
    d3, d4 = side(p1, p2, q1), side(p1, p2, q2)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0))


def join_lines(lines: Sequence[Sequence[XY]], *, tolerance_m: float = 0.05) -> list[list[XY]]:
    """Lines of one street drawn as separate pieces, joined end to end where they meet.

    Pieces are taken last first, and a chain grows by the earliest piece that touches either of its
    ends; an index of the pieces' ends keeps this linear for streets of thousands of pieces."""
    def key(p: XY) -> tuple[int, int]:
        return round(p[0] / tolerance_m), round(p[1] / tolerance_m)

    pieces = [list(line) for line in lines if len(line) >= 2]
    by_end: dict[tuple[int, int], set[int]] = {}
    for i, piece in enumerate(pieces):
        by_end.setdefault(key(piece[0]), set()).add(i)
        by_end.setdefault(key(piece[-1]), set()).add(i)
    left = set(range(len(pieces)))
    order = list(range(len(pieces)))  # popped from the end, as pieces still waiting
    joined: list[list[XY]] = []

    def take(i: int) -> list[XY]:
        left.discard(i)
        piece = pieces[i]
        by_end[key(piece[0])].discard(i)
        by_end[key(piece[-1])].discard(i)
        return piece

    while order:
        first = order.pop()
        if first not in left:
            continue
        chain = take(first)
        while True:
            head, tail = key(chain[0]), key(chain[-1])
            touching = by_end.get(tail, set()) | by_end.get(head, set())
            if not touching:
                break
            other = take(min(touching))
            if key(other[0]) == tail:
                chain = chain + other[1:]
            elif key(other[-1]) == tail:
                chain = chain + other[-2::-1]
            elif key(other[-1]) == head:
                chain = other[:-1] + chain
            else:
                chain = other[:0:-1] + chain
        joined.append(chain)
    return joined
