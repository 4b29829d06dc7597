"""Checks on the walking network a build produces: one connected network, every place attached.

The rules are the terminal's (feed v1): lines join only at vertices equal at 7 decimals, places
attach to the nearest point of a segment. This module re-implements the little it needs so that
sync/ stays free of kiosk/ imports.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from sync.build.common import counted
from sync.build.report import BuildReport

ATTACH_LIMIT_M = 150.0
# Farther than this from a walking way, a route ends well short of the place: worth a look.
ATTACH_FAR_M = 50.0
_CELL_M = 100.0


def _key(position) -> tuple[float, float]:
    return round(position[0], 7), round(position[1], 7)


def _walk_parts(feature: dict) -> list[list]:
    geometry = feature.get("geometry") or {}
    if geometry.get("type") == "LineString":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiLineString":
        return list(geometry["coordinates"])
    return []


@dataclass
class _Segments:
    lat0: float
    kx: float
    ky: float
    segments: list[tuple[float, float, float, float, float]] = field(default_factory=list)  # x1,y1,x2,y2,level
    grid: dict[tuple[int, int], list[int]] = field(default_factory=dict)

    def add(self, a, b, level: float) -> None:
        x1, y1, x2, y2 = a[0] * self.kx, a[1] * self.ky, b[0] * self.kx, b[1] * self.ky
        index = len(self.segments)
        self.segments.append((x1, y1, x2, y2, level))
        for cx in range(int(min(x1, x2) // _CELL_M), int(max(x1, x2) // _CELL_M) + 1):
            for cy in range(int(min(y1, y2) // _CELL_M), int(max(y1, y2) // _CELL_M) + 1):
                self.grid.setdefault((cx, cy), []).append(index)

    def distance(self, lat: float, lon: float, limit: float, level: float | None = None) -> float | None:
        """Metres from (lat, lon) to the nearest segment (of `level` when given), or None when none
        lies within `limit`."""
        px, py = lon * self.kx, lat * self.ky
        reach = int(limit // _CELL_M) + 1
        cx, cy = int(px // _CELL_M), int(py // _CELL_M)
        best = None
        for gx in range(cx - reach, cx + reach + 1):
            for gy in range(cy - reach, cy + reach + 1):
                for index in self.grid.get((gx, gy), ()):
                    x1, y1, x2, y2, at = self.segments[index]
                    if level is not None and at != level:
                        continue
                    d = _point_segment(px, py, x1, y1, x2, y2)
                    if best is None or d < best:
                        best = d
        return best if best is not None and best <= limit else None


def _point_segment(px, py, x1, y1, x2, y2) -> float:
    dx, dy = x2 - x1, y2 - y1
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy) / length))
    return math.hypot(px - x1 - t * dx, py - y1 - t * dy)


def _components(features: list[dict]) -> dict[int, int]:
    """feature index -> component id, for every walk feature (union-find over shared vertices)."""
    parent: dict = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for index, feature in enumerate(features):
        if (feature.get("properties") or {}).get("walk") is not True:
            continue
        parent[find(("f", index))] = find(("f", index))
        for part in _walk_parts(feature):
            for position in part:
                parent[find(("v", _key(position)))] = find(("f", index))
    roots: dict = {}
    return {index: roots.setdefault(find(("f", index)), len(roots))
            for index, feature in enumerate(features) if (feature.get("properties") or {}).get("walk") is True}


def check_network(feed: dict, report: BuildReport, *, limit_m: float = ATTACH_LIMIT_M) -> None:
    """Keep the largest connected network (other walk lines stay on the map, not walkable) and
    drop places that cannot attach to it within `limit_m`; say so in the report."""
    features = (feed.get("map") or {}).get("features") or []
    components = _components(features)
    if not components:
        report.note("the map has no walking network, so the terminals can show no routes")
        return
    sizes: dict[int, int] = {}
    for component in components.values():
        sizes[component] = sizes.get(component, 0) + 1
    main = max(sizes, key=lambda c: (sizes[c], -c))
    cut = [index for index, component in components.items() if component != main]
    for index in cut:
        properties = features[index]["properties"]
        properties.pop("walk", None)  # still drawn, but not walked: it joins nothing
        properties.pop("step_free", None)
    pieces: dict[int, list[int]] = {}
    for index in cut:
        pieces.setdefault(components[index], []).append(index)
    for lines in sorted(pieces.values(), key=lambda lines: (-len(lines), lines[0])):
        ids = list(dict.fromkeys(str(features[i]["properties"].get("osm_id", f"map feature {i}")) for i in lines))
        report.drop("pieces of walking network not joined to the main one (kept on the map, not walkable)",
                    f"{len(lines)} lines of {len(ids)} ways: {', '.join(ids[:20])}" + (" …" if len(ids) > 20 else ""))
    walk = [features[index] for index, component in components.items() if component == main]
    lats = [position[1] for feature in walk for part in _walk_parts(feature) for position in part]
    lat0 = (min(lats) + max(lats)) / 2
    ky = 111_320.0
    segments = _Segments(lat0, ky * math.cos(math.radians(lat0)), ky)
    step_free_count = 0
    for feature in walk:
        properties = feature["properties"]
        step_free_count += 0 if properties.get("step_free") is not False else 1
        if properties.get("link") == "elevator":
            continue  # nothing attaches to a lift's inside
        for part in _walk_parts(feature):
            for a, b in zip(part, part[1:]):
                segments.add(a, b, _level(properties))
    report.count(f"walking network: {len(walk)} lines ({counted(f['properties'].get('layer', '?') for f in walk)}), "
                 f"{step_free_count} not step-free")
    kept = []
    for place in feed.get("places", []):
        where = _attached(segments, place, limit_m)
        if where is None:
            report.drop(f"places farther than {limit_m:.0f} m from the walking network (no route could reach them)",
                        f"{place['id']} ({_name(place, feed)})")
            continue
        if where:
            report.check(f"places with no walking way on their own level within {limit_m:.0f} m "
                        "(attached on another level; check their level tag)", f"{place['id']} ({_name(place, feed)}): {where}")
        else:
            distance = segments.distance(*_door(place), limit_m, _level(place))
            if distance > ATTACH_FAR_M:
                report.check(f"places attached more than {ATTACH_FAR_M:.0f} m from a walking way (routes end "
                            "that far short; check the position or map the way)",
                            f"{place['id']} ({_name(place, feed)}): {distance:.0f} m")
        kept.append(place)
    feed["places"] = kept
    for kiosk in feed.get("kiosks", []):
        where = _attached(segments, kiosk, limit_m)
        if where is None:
            report.note(f"kiosk {kiosk['id']} is farther than {limit_m:.0f} m from the walking network; "
                        "check its lat/lon")
        elif where:
            report.note(f"kiosk {kiosk['id']} has no walking way on its own level within {limit_m:.0f} m "
                        f"({where}); check its lat/lon and level")
        elif (distance := segments.distance(kiosk["lat"], kiosk["lon"], limit_m, _level(kiosk))) > ATTACH_FAR_M:
            report.note(f"kiosk {kiosk['id']} is {distance:.0f} m from the nearest walking way on its level; "
                        "every route starts there")


def _door(item: dict) -> tuple[float, float]:
    """Where a route to the item ends: its entrance when one is mapped, else its position."""
    entrance = item.get("entrance")
    if isinstance(entrance, dict) and all(isinstance(entrance.get(key), (int, float)) and not isinstance(
            entrance.get(key), bool) for key in ("lat", "lon")):
        return entrance["lat"], entrance["lon"]
    return item["lat"], item["lon"]


def _level(item: dict) -> float:
    level = item.get("level", 0)
    return float(level) if isinstance(level, (int, float)) and not isinstance(level, bool) else 0.0


def _attached(segments: _Segments, item: dict, limit_m: float) -> str | None:
    """'' when the item attaches on its own level (as the terminal does), a description of the
    other level's way it reaches instead, or None when nothing lies within `limit_m`."""
    level = _level(item)
    lat, lon = _door(item)
    if segments.distance(lat, lon, limit_m, level) is not None:
        return ""
    distance = segments.distance(lat, lon, limit_m)
    if distance is None:
        return None
    return f"level {level:g} wanted, nearest way {distance:.0f} m away on another level"


def _name(item: dict, feed: dict) -> str:
    name = item.get("name")
    if isinstance(name, dict):
        locale = (feed.get("city") or {}).get("default_locale", "")
        return name.get(locale) or next(iter(name.values()), "")
    return str(name or "")
