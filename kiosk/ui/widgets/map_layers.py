"""The map's drawing data, built once per content snapshot: triangles per layer, label spots, markers.

Everything is in map metres (kiosk.map_projection), so panning and zooming only change a transform.
Polygons are triangulated with Kivy's Tesselator; lines are stroked into triangles here. Both are
batched into a few large meshes per layer (a draw call per layer, not per feature).
"""
from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field
from typing import Any, Mapping

from kivy.graphics.tesselator import TYPE_POLYGONS, WINDING_ODD, Tesselator

from kiosk.map_projection import Bounds, LabelSpot, Projection, heads_up_rotation, join_lines, label_spots

MAX_VERTICES = 65_000  # a Mesh indexes its vertices with unsigned shorts

# Drawing order, bottom first: (layer, geometry kind) -> style name.
AREA_STYLES = ("park", "water", "square", "building")
LINE_STYLES = ("rail", "path", "street", "footway", "steps")
# Widths in metres: the map zooms like paper, so a street is as wide as it is.
LINE_WIDTH_M = {"rail": 2.5, "path": 3.0, "street": 10.0, "footway": 6.0, "steps": 4.0}
LABELLED_LAYERS = ("street", "footway", "square", "park")

# How many times the drawing data was built (the map's tests assert panning never builds it).
BUILDS = {"scene": 0}


@dataclass
class Batch:
    vertices: array  # x, y, u, v per vertex (Kivy's default mesh format)
    indices: list[int]


@dataclass
class Marker:
    place_id: str
    kind: str
    x: float
    y: float


@dataclass
class MapScene:
    """What the map of one content snapshot draws, for one terminal (its position and heading)."""

    projection: Projection
    bounds: Bounds
    rotation: float  # heads-up: counter-clockwise degrees
    here: tuple[float, float] | None  # the terminal, map metres
    areas: dict[str, list[Batch]] = field(default_factory=dict)
    lines: dict[str, list[Batch]] = field(default_factory=dict)
    points: list[tuple[float, float]] = field(default_factory=list)  # landmark points
    names: list[Any] = field(default_factory=list)  # raw feed text of every labelled name
    spots: list[LabelSpot] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return self.projection.to_xy(lat, lon)


def build_scene(features: list[Mapping], places: list, kiosk: Mapping | None) -> MapScene:
    """Project, triangulate and stroke the feed's map once; `places` are PlaceViews (id, kind, lat, lon)."""
    BUILDS["scene"] += 1
    projection = Projection.around(_positions(features))
    rotation = heads_up_rotation(float(kiosk.get("heading", 0) or 0)) if kiosk else 0.0
    here = projection.to_xy(kiosk["lat"], kiosk["lon"]) if kiosk else None
    builders = {name: _BatchBuilder() for name in AREA_STYLES + LINE_STYLES}
    named: dict[Any, list[list[tuple[float, float]]]] = {}
    name_keys: dict[Any, Any] = {}
    points: list[tuple[float, float]] = []
    all_xy: list[tuple[float, float]] = []
    for feature in features:
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        layer, kind, coords = props.get("layer"), geometry.get("type"), geometry.get("coordinates")
        try:
            if kind in ("Polygon", "MultiPolygon"):
                polygons = [coords] if kind == "Polygon" else coords
                for rings in polygons:
                    xy_rings = [[projection.to_xy(lat, lon) for lon, lat, *_ in ring] for ring in rings]
                    all_xy.extend(xy_rings[0])
                    if layer in AREA_STYLES:
                        builders[layer].polygon(xy_rings)
            elif kind in ("LineString", "MultiLineString"):
                parts = [coords] if kind == "LineString" else coords
                style = _line_style(layer, props)
                for part in parts:
                    line = [projection.to_xy(lat, lon) for lon, lat, *_ in part]
                    all_xy.extend(line)
                    if style:
                        builders[style].stroke(line, LINE_WIDTH_M[style] / 2)
                    name = props.get("name")
                    if name and layer in LABELLED_LAYERS:
                        key = _text_key(name)
                        name_keys.setdefault(key, name)
                        named.setdefault(key, []).append(line)
            elif kind == "Point" and layer == "landmark":
                points.append(projection.to_xy(coords[1], coords[0]))
        except (TypeError, ValueError, IndexError):
            continue  # the feed was validated; a broken geometry is skipped, never a crash
    scene = MapScene(projection, Bounds.of(all_xy or ([here] if here else [])), rotation, here, points=points)
    scene.areas = {name: builders[name].batches() for name in AREA_STYLES}
    scene.lines = {name: builders[name].batches() for name in LINE_STYLES}
    for key, lines in named.items():
        index = len(scene.names)
        scene.names.append(name_keys[key])
        for line in join_lines(lines):
            scene.spots.extend(label_spots(index, line, rotation))
    for place in places:
        x, y = projection.to_xy(place.lat, place.lon)
        scene.markers.append(Marker(place.id, place.kind, x, y))
    return scene


def _positions(features: list[Mapping]):
    for feature in features:
        geometry = feature.get("geometry") or {}
        coords = geometry.get("coordinates")
        kind = geometry.get("type")
        try:
            if kind == "Point":
                yield coords
            elif kind == "LineString":
                yield from coords
            elif kind in ("Polygon", "MultiLineString"):
                for ring in coords:
                    yield from ring
            elif kind == "MultiPolygon":
                for polygon in coords:
                    for ring in polygon:
                        yield from ring
        except TypeError:
            continue


def _line_style(layer: str | None, props: Mapping) -> str | None:
    if layer == "steps" or (props.get("walk") and props.get("step_free") is False):
        return "steps"
    if layer in ("street", "footway", "rail"):
        return layer
    if props.get("walk"):
        return "path"  # paths across squares, through parks and passages
    return None


def _text_key(text: Any) -> Any:
    return tuple(sorted(text.items())) if isinstance(text, Mapping) else text


class _BatchBuilder:
    """Triangles gathered into meshes of at most MAX_VERTICES vertices."""

    def __init__(self):
        self._done: list[Batch] = []
        self._vertices = array("f")
        self._indices: list[int] = []

    def _room(self, count: int) -> int:
        """The index of the next vertex, starting a new mesh when this one is full."""
        used = len(self._vertices) // 4
        if used + count > MAX_VERTICES and used:
            self._done.append(Batch(self._vertices, self._indices))
            self._vertices, self._indices = array("f"), []
            used = 0
        return used

    def polygon(self, rings: list[list[tuple[float, float]]]) -> None:
        tess = Tesselator()
        for ring in rings:
            if len(ring) >= 3:
                tess.add_contour([c for point in ring for c in point])
        if not tess.tesselate(WINDING_ODD, TYPE_POLYGONS):
            return
        for vertices, _ in tess.meshes:
            count = len(vertices) // 4
            base = self._room(count)
            self._vertices.extend(vertices)
            for i in range(1, count - 1):  # each mesh is a convex polygon: a fan of triangles
                self._indices.extend((base, base + i, base + i + 1))

    def stroke(self, line: list[tuple[float, float]], half: float) -> None:
        """A line `2 * half` metres wide: a quad per segment and a small disc at every vertex."""
        for (x0, y0), (x1, y1) in zip(line, line[1:]):
            length = math.hypot(x1 - x0, y1 - y0)
            if length == 0:
                continue
            nx, ny = -(y1 - y0) / length * half, (x1 - x0) / length * half
            base = self._room(4)
            self._vertices.extend((x0 + nx, y0 + ny, 0, 0, x0 - nx, y0 - ny, 0, 0,
                                   x1 - nx, y1 - ny, 0, 0, x1 + nx, y1 + ny, 0, 0))
            self._indices.extend((base, base + 1, base + 2, base, base + 2, base + 3))
        for x, y in line:
            self._disc(x, y, half)

    def _disc(self, x: float, y: float, radius: float, sides: int = 8) -> None:
        base = self._room(sides + 1)
        self._vertices.extend((x, y, 0, 0))
        for i in range(sides):
            a = 2 * math.pi * i / sides
            self._vertices.extend((x + radius * math.cos(a), y + radius * math.sin(a), 0, 0))
        for i in range(sides):
            self._indices.extend((base, base + 1 + i, base + 1 + (i + 1) % sides))

    def batches(self) -> list[Batch]:
        if self._indices:
            self._done.append(Batch(self._vertices, self._indices))
            self._vertices, self._indices = array("f"), []
        return self._done
