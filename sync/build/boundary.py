"""A city's boundary for `kiosk-feed build --boundary`: an Osmosis .poly file or a GeoJSON polygon.

Shapely does the geometry (a prepared polygon answers point-in-polygon in microseconds, holes and
several outer rings included). The .poly format is a few lines of text with no maintained Python
reader (https://wiki.openstreetmap.org/wiki/Osmosis/Polygon_Filter_File_Format), so it is read here.
"""
from __future__ import annotations

import json
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

from sync.build.common import SourceError


class Boundary:
    def __init__(self, area, source: Path) -> None:
        self.area = area
        self.source = source
        shapely.prepare(area)

    def contains(self, lon: float, lat: float) -> bool:
        """True inside or on the edge."""
        return bool(shapely.intersects_xy(self.area, lon, lat))

    def describe(self) -> str:
        west, south, east, north = self.area.bounds
        parts = len(getattr(self.area, "geoms", [self.area]))
        return (f"the boundary {self.source} ({parts} polygon{'s' if parts != 1 else ''} within "
                f"S,W,N,E {south:.4f},{west:.4f},{north:.4f},{east:.4f})")


def load_boundary(path: Path) -> Boundary:
    """The boundary in a .poly file or a GeoJSON Polygon/MultiPolygon (bare, a Feature or a
    FeatureCollection of them); SourceError with a sentence when it is neither."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"The boundary file {path} cannot be read: {exc}") from None
    area = _from_poly(text, path) if path.suffix.lower() == ".poly" else _from_geojson(text, path)
    if area.is_empty or not area.is_valid:
        reason = shapely.is_valid_reason(area) if not area.is_empty else "it is empty"
        raise SourceError(f"The boundary in {path} is not a usable polygon: {reason}.")
    return Boundary(area, path)


def _from_geojson(text: str, path: Path):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"The boundary file {path} is neither .poly nor valid GeoJSON: {exc}") from None
    geometries = []
    items = data.get("features", []) if isinstance(data, dict) and data.get("type") == "FeatureCollection" else [data]
    for item in items:
        geometry = item.get("geometry") if isinstance(item, dict) and item.get("type") == "Feature" else item
        if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
            raise SourceError(f"The boundary file {path} holds a {kind}; --boundary needs a Polygon or MultiPolygon.")
        try:
            geometries.append(shape(geometry))
        except (ValueError, TypeError, IndexError, shapely.errors.GEOSException) as exc:
            raise SourceError(f"The boundary file {path} has a polygon that cannot be read: {exc}") from None
    if not geometries:
        raise SourceError(f"The boundary file {path} has no polygon.")
    return shapely.union_all(geometries)


def _from_poly(text: str, path: Path):
    """Osmosis .poly: a name line, then sections (a name line, '!name' for a hole, 'lon lat' lines,
    END), then END. Holes are cut out of the outer rings they lie in."""
    lines = [line.strip() for line in text.splitlines()]
    outers: list[list[tuple[float, float]]] = []
    holes: list[list[tuple[float, float]]] = []
    index = 1  # the first line is the file's name
    while index < len(lines):
        header = lines[index]
        index += 1
        if not header:
            continue
        if header == "END":
            break
        ring: list[tuple[float, float]] = []
        while index < len(lines) and lines[index] != "END":
            parts = lines[index].split()
            try:
                lon, lat = float(parts[0]), float(parts[1])
            except (IndexError, ValueError):
                raise SourceError(f"{path} line {index + 1}: '{lines[index]}' is not 'longitude latitude' "
                                  "as a .poly file needs.") from None
            ring.append((lon, lat))
            index += 1
        if index >= len(lines):
            raise SourceError(f"{path}: the section '{header}' has no END line.")
        index += 1
        if len(ring) < 3:
            raise SourceError(f"{path}: the section '{header}' has {len(ring)} points; a ring needs at least 3.")
        (holes if header.startswith("!") else outers).append(ring)
    if not outers:
        raise SourceError(f"{path} has no polygon section.")
    area = shapely.union_all([Polygon(ring) for ring in outers])
    for hole in holes:
        area = area.difference(Polygon(hole))
    return area if isinstance(area, (Polygon, MultiPolygon)) else shapely.union_all([area])
