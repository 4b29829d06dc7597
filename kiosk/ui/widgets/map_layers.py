"""The map's drawing data, built once per content snapshot: triangles per layer, label spots, markers.

Everything is in map metres (kiosk.map_projection), so panning and zooming only change a transform.
Polygons are triangulated with Kivy's Tesselator; lines are stroked into triangles here. Both are
batched into a few large meshes per layer and square tile (a draw call per layer and tile, not per
feature), so a map of 20,000 features draws only the tiles near the view.
"""
from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field
from typing import Any, Generator, Iterable, Mapping

from kivy.graphics import Color, Fbo, InstructionGroup, Mesh, Rectangle
from kivy.graphics.tesselator import TYPE_POLYGONS, WINDING_ODD, Tesselator

from kiosk.map_projection import Bounds, LabelSpot, Projection, heads_up_rotation, join_lines, label_spots
from kiosk.ui.widgets.map_style import map_colours

MAX_VERTICES = 65_000  # a Mesh indexes its vertices with unsigned shorts

# Drawing order, bottom first: (layer, geometry kind) -> style name.
AREA_STYLES = ("park", "water", "square", "building")
LINE_STYLES = ("rail", "path", "street", "footway", "steps")
# Widths in metres: the map zooms like paper, so a street is as wide as it is.
LIFT_M = 9.0  # a lift's square on the map, in metres: a lift line itself is only centimetres long
LINE_WIDTH_M = {"rail": 2.5, "path": 3.0, "street": 10.0, "footway": 6.0, "steps": 4.0}
LABELLED_LAYERS = ("street", "footway", "square", "park")

# How many times the drawing data was built (the map's tests assert panning never builds it).
BUILDS = {"scene": 0}


@dataclass
class Batch:
    vertices: array  # x, y, u, v per vertex (Kivy's default mesh format)
    indices: array  # unsigned shorts, as the Mesh keeps them: a list of ints would take 18 times the memory


@dataclass
class Marker:
    place_id: str
    kind: str
    x: float
    y: float


@dataclass
class Tile:
    """The layers of one square of the map: what is drawn only when the view comes near it."""

    bounds: Bounds  # of everything drawn in it, which may reach beyond the square
    batches: dict[str, list[Batch]]  # style -> triangles
    points: list[tuple[float, float]]  # landmark points
    lifts: list[tuple[float, float]] = field(default_factory=list)  # public lifts (feed lines with link: elevator)


@dataclass
class MapScene:
    """What the map of one content snapshot draws, for one terminal (its position and heading)."""

    projection: Projection
    bounds: Bounds
    rotation: float  # heads-up: counter-clockwise degrees
    here: tuple[float, float] | None  # the terminal, map metres
    tiles: list[Tile] = field(default_factory=list)
    names: list[Any] = field(default_factory=list)  # raw feed text of every labelled name
    spots: list[LabelSpot] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    _meshes: dict = field(default_factory=dict, repr=False)
    _colours: dict = field(default_factory=dict, repr=False)
    _uploaded: bool = field(default=False, repr=False)
    _high_contrast: bool = field(default=False, repr=False)

    def tiles_in(self, area: Bounds) -> tuple[int, ...]:
        """The tiles that reach into `area` (map metres)."""
        return tuple(i for i, tile in enumerate(self.tiles)
                     if tile.bounds.min_x <= area.max_x and tile.bounds.max_x >= area.min_x
                     and tile.bounds.min_y <= area.max_y and tile.bounds.max_y >= area.min_y)

    def instructions(self, tiles: Iterable[int] | None = None) -> list:
        """The canvas instructions of these tiles' layers (all tiles by default), bottom layer first.

        Each tile's meshes are made on first use and shared by every map of this scene."""
        chosen = range(len(self.tiles)) if tiles is None else tuple(tiles)
        made: list = []
        for style in (*AREA_STYLES, *LINE_STYLES, "landmark", "lift"):
            meshes = [m for i in chosen for m in self._tile_meshes(i, style)]
            if meshes:
                made.append(self._colour(style))
                made += meshes
        return made

    def upload(self) -> None:
        """Draw every tile once into a tiny offscreen buffer: the meshes go to the GPU now (the
        warm-up calls this), not in the first frame a visitor sees the map (~20 ms here). Once per scene:
        the warm-up runs again after every visitor, and the meshes stay on the GPU."""
        if self._uploaded:
            return
        self._uploaded = True
        fbo = Fbo(size=(16, 16))
        group = InstructionGroup()
        for instruction in self.instructions():
            group.add(instruction)
        fbo.add(group)
        fbo.draw()
        fbo.remove(group)

    def _colour(self, style: str) -> Color:
        if style not in self._colours:
            self._colours[style] = Color(*map_colours(self._high_contrast)[style])
        return self._colours[style]

    def recolour(self, high_contrast: bool) -> None:
        """The layers in the visitor's theme: the shared colour instructions change, the meshes stay."""
        if bool(high_contrast) == self._high_contrast:
            return
        self._high_contrast = bool(high_contrast)
        colours = map_colours(high_contrast)
        for style, colour in self._colours.items():
            colour.rgba = colours[style]

    def _tile_meshes(self, index: int, style: str) -> list:
        key = (index, style)
        if key not in self._meshes:
            tile = self.tiles[index]
            if style == "landmark":
                self._meshes[key] = [Rectangle(pos=(x - 6, y - 6), size=(12, 12)) for x, y in tile.points]
            elif style == "lift":
                self._meshes[key] = [Rectangle(pos=(x - LIFT_M / 2, y - LIFT_M / 2), size=(LIFT_M, LIFT_M))
                                     for x, y in tile.lifts]
            else:
                self._meshes[key] = [Mesh(vertices=b.vertices, indices=b.indices, mode="triangles")
                                     for b in tile.batches.get(style, ())]
        return self._meshes[key]

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return self.projection.to_xy(lat, lon)


def build_scene(features: list[Mapping], places: list, kiosk: Mapping | None) -> MapScene:
    """Project, triangulate and stroke the feed's map once; `places` are PlaceViews (id, kind, lat, lon)."""
    steps = scene_steps(features, places, kiosk)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


STEP_FEATURES = 100  # features per step: a few milliseconds here, so a step fits in a frame on a Pi


def scene_steps(features: list[Mapping], places: list, kiosk: Mapping | None) -> Generator[None, None, MapScene]:
    """build_scene in steps: yields after every STEP_FEATURES features and returns the scene, so the
    app can build it a slice per frame while nobody is at the terminal (kiosk/ui/warmup.py)."""
    BUILDS["scene"] += 1
    projection = Projection.around(_positions(features))
    yield
    rotation = heads_up_rotation(float(kiosk.get("heading", 0) or 0)) if kiosk else 0.0
    here = projection.to_xy(kiosk["lat"], kiosk["lon"]) if kiosk else None
    tiles = _TileBuilder()
    named: dict[Any, list[list[tuple[float, float]]]] = {}
    name_keys: dict[Any, Any] = {}
    all_xy: list[tuple[float, float]] = []
    for count, feature in enumerate(features, 1):
        if count % STEP_FEATURES == 0:
            yield
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
                        tiles.builder(layer, xy_rings[0], 0.0).polygon(xy_rings)
            elif kind in ("LineString", "MultiLineString"):
                parts = [coords] if kind == "LineString" else coords
                style = _line_style(layer, props)
                for part in parts:
                    line = [projection.to_xy(lat, lon) for lon, lat, *_ in part]
                    all_xy.extend(line)
                    if props.get("link") == "elevator" and line:
                        tiles.lift(line[0])
                    elif style and line:
                        tiles.builder(style, line, LINE_WIDTH_M[style] / 2).stroke(line, LINE_WIDTH_M[style] / 2)
                    name = props.get("name")
                    if name and layer in LABELLED_LAYERS:
                        key = _text_key(name)
                        name_keys.setdefault(key, name)
                        named.setdefault(key, []).append(line)
            elif kind == "Point" and layer == "landmark":
                tiles.point(projection.to_xy(coords[1], coords[0]))
        except (TypeError, ValueError, IndexError):
            continue  # the feed was validated; a broken geometry is skipped, never a crash
    scene = MapScene(projection, Bounds.of(all_xy or ([here] if here else [])), rotation, here, tiles=tiles.tiles())
    for key, lines in named.items():
        yield
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


TILE_M = 200.0  # the view around a terminal covers a few tiles; the rest of a large map is not drawn


class _TileBuilder:
    """Features sorted into square tiles by their first point, each tile with a batch builder per style."""

    def __init__(self):
        self._builders: dict[tuple[int, int], dict[str, _BatchBuilder]] = {}
        self._extent: dict[tuple[int, int], list[float]] = {}
        self._points: dict[tuple[int, int], list[tuple[float, float]]] = {}
        self._lifts: dict[tuple[int, int], list[tuple[float, float]]] = {}

    def _tile(self, points: list[tuple[float, float]], reach: float) -> tuple[int, int]:
        x0, y0 = points[0]
        key = (math.floor(x0 / TILE_M), math.floor(y0 / TILE_M))
        xs, ys = [x for x, _ in points], [y for _, y in points]
        box = self._extent.setdefault(key, [math.inf, math.inf, -math.inf, -math.inf])
        box[0], box[1] = min(box[0], min(xs) - reach), min(box[1], min(ys) - reach)
        box[2], box[3] = max(box[2], max(xs) + reach), max(box[3], max(ys) + reach)
        return key

    def builder(self, style: str, points: list[tuple[float, float]], reach: float) -> "_BatchBuilder":
        tile = self._builders.setdefault(self._tile(points, reach), {})
        return tile.setdefault(style, _BatchBuilder())

    def point(self, xy: tuple[float, float]) -> None:
        self._points.setdefault(self._tile([xy], 6.0), []).append(xy)

    def lift(self, xy: tuple[float, float]) -> None:
        self._lifts.setdefault(self._tile([xy], LIFT_M / 2), []).append(xy)

    def tiles(self) -> list[Tile]:
        return [Tile(Bounds(*self._extent[key]),
                     {style: b.batches() for style, b in self._builders.get(key, {}).items()},
                     self._points.get(key, []), self._lifts.get(key, []))
                for key in sorted(self._extent)]


class _BatchBuilder:
    """Triangles gathered into meshes of at most MAX_VERTICES vertices."""

    def __init__(self):
        self._done: list[Batch] = []
        self._vertices = array("f")
        self._indices = array("H")
        self._discs: set[tuple[float, float, float]] = set()  # where a joint is already round

    def _room(self, count: int) -> int:
        """The index of the next vertex, starting a new mesh when this one is full."""
        used = len(self._vertices) // 4
        if used + count > MAX_VERTICES and used:
            self._done.append(Batch(self._vertices, self._indices))
            self._vertices, self._indices = array("f"), array("H")
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
        # Where several lines of one style meet, one disc rounds them all (same colour, same pixels).
        key = (x, y, radius)
        if key in self._discs:
            return
        self._discs.add(key)
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
            self._vertices, self._indices = array("f"), array("H")
        return self._done
