"""OpenStreetMap extracts (.osm, .osm.gz, .osm.pbf) into the feed's map, walking network and places.

Read with pyosmium's FileProcessor (node locations, and area assembly so multipolygon relations
become polygons). Every node that two or more walkable ways use becomes a vertex the lines share
exactly, so the terminal's network (joined only at equal vertices at 7 decimals) joins there.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import osmium

from sync.build.common import (
    SourceError, WHEELCHAIR_VALUES, fold, make_text, metres_between, opening_hours_problem, round_coord,
    website_problem,
)
from sync.build.report import BuildReport

# Walkable without further tags; the big roads only when they have sidewalks (see _walk_layer).
_FOOT_LAYERS = {
    "footway": "footway", "path": "footway", "track": "footway", "bridleway": None, "cycleway": None,
    "steps": "steps", "pedestrian": "street", "living_street": "street", "residential": "street",
    "service": "street", "unclassified": "street", "road": "street",
}
_ROADS_WITH_SIDEWALKS = {"tertiary", "tertiary_link", "secondary", "secondary_link", "primary", "primary_link"}
_FOOT_YES = {"yes", "designated", "permissive", "destination"}
_NO_SIDEWALK = {"no", "none", "separate"}
_STEEP_PERCENT = 6.0

_FOOD = {"restaurant", "cafe", "fast_food", "bar", "pub", "ice_cream", "biergarten", "food_court"}
_CULTURE = {"theatre", "cinema", "arts_centre", "library", "concert_hall"}
_HELP = {"police", "social_facility", "fire_station", "hospital", "ranger_station"}
_SERVICE = {"post_office", "bank", "atm", "townhall", "bureau_de_change"}
_TRANSIT_PREFERENCE = {"station": 0, "halt": 0, "platform": 1, "bus_stop": 1, "tram_stop": 1, "stop_position": 2}
_TRANSIT_MERGE_M = 150.0


@dataclass
class OsmResult:
    features: list[dict] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)


@dataclass
class _WalkWay:
    osm_id: int
    tags: dict[str, str]
    layer: str
    nodes: list[tuple[int, float, float] | None]  # (ref, lon, lat); None outside the extract or the bbox


def classify(tags: dict[str, str]) -> tuple[str, str] | None:
    """(feed kind, category) for an OSM object's tags, or None when it is not a place for visitors."""
    amenity, shop, tourism = tags.get("amenity"), tags.get("shop"), tags.get("tourism")
    if tags.get("emergency") == "defibrillator":
        return "aed", "defibrillator"
    if amenity == "pharmacy" or tags.get("healthcare") == "pharmacy":
        return "pharmacy", "pharmacy"
    if amenity == "toilets":
        return "toilet", "toilets"
    if amenity in _FOOD:
        return "food", amenity
    if amenity == "marketplace":
        return "market", amenity
    if amenity in _CULTURE:
        return "culture", amenity
    if tourism in ("museum", "gallery"):
        return "culture", tourism
    if tourism == "artwork":
        return "art", tags.get("artwork_type", "artwork")
    if amenity in _HELP:
        return "help", amenity
    if amenity in _SERVICE:
        return "service", amenity
    if tourism == "information" and tags.get("information") == "office":
        return "service", "information"
    if shop and shop not in ("no", "vacant"):
        return "shop", shop
    if amenity == "place_of_worship":
        return "landmark", amenity
    if tourism == "attraction":
        return "landmark", tourism
    historic = tags.get("historic")
    if historic and historic != "no":
        return "landmark", historic
    transit = tags.get("public_transport")
    if transit in ("station", "stop_position", "platform"):
        return "transit", transit
    if tags.get("railway") in ("station", "halt", "tram_stop"):
        return "transit", tags["railway"]
    if tags.get("highway") == "bus_stop":
        return "transit", "bus_stop"
    return None


def read_osm(path: Path, *, bbox: tuple[float, float, float, float] | None, locales: list[str],
             default_locale: str, report: BuildReport) -> OsmResult:
    reader = _Reader(bbox, locales, default_locale, report)
    try:
        for obj in osmium.FileProcessor(str(path)).with_areas():
            if obj.is_node():
                reader.node(obj)
            elif obj.is_way():
                reader.way(obj)
            elif obj.is_area():
                reader.area(obj)
    except RuntimeError as exc:  # libosmium reports unreadable files this way
        raise SourceError(f"{path} is not a readable OpenStreetMap file (.osm, .osm.gz, .osm.pbf): {exc}") from None
    result = OsmResult(features=reader.features + reader.walk_features(), places=reader.finish_places())
    area = f", limited to the box S,W,N,E {','.join(str(v) for v in bbox)}" if bbox else ""
    report.source(f"OpenStreetMap {path}{area}: {reader.node_count} nodes, {reader.way_count} ways")
    return result


class _Reader:
    def __init__(self, bbox, locales, default_locale, report: BuildReport) -> None:
        self.bbox = bbox
        self.locales = locales
        self.default_locale = default_locale
        self.report = report
        self.features: list[dict] = []
        self.walk_ways: list[_WalkWay] = []
        self.raised_kerbs: set[int] = set()
        self.candidates: list[tuple[dict, str, dict]] = []  # (place, osm category key, tags)
        self.node_count = self.way_count = 0

    def inside(self, lon: float, lat: float) -> bool:
        if self.bbox is None:
            return True
        south, west, north, east = self.bbox
        return south <= lat <= north and west <= lon <= east

    def name(self, tags: dict[str, str]) -> str | dict | None:
        values = {self.default_locale: tags.get("name", "")}
        for locale in self.locales:
            if locale != self.default_locale and tags.get(f"name:{locale}"):
                values[locale] = tags[f"name:{locale}"]
        if not values[self.default_locale] and tags.get(f"name:{self.default_locale}"):
            values[self.default_locale] = tags[f"name:{self.default_locale}"]
        text = make_text(values, self.default_locale)
        if isinstance(text, dict) and self.default_locale not in text:
            return None  # only foreign names: the feed needs the default locale
        return text

    # ---- nodes, ways, areas

    def node(self, node) -> None:
        self.node_count += 1
        if not node.tags:
            return
        tags = {tag.k: tag.v for tag in node.tags}
        kerb = tags.get("kerb")
        if kerb == "raised" or (tags.get("barrier") == "kerb" and kerb not in (None, "lowered", "flush", "no")):
            self.raised_kerbs.add(node.id)
        self.place(tags, f"osm-n{node.id}", node.location.lon, node.location.lat)

    def way(self, way) -> None:
        self.way_count += 1
        tags = {tag.k: tag.v for tag in way.tags}
        nodes: list[tuple[int, float, float] | None] = []
        for ref in way.nodes:
            location = ref.location
            if location.valid() and self.inside(location.lon, location.lat):
                nodes.append((ref.ref, location.lon, location.lat))
            else:
                nodes.append(None)
        layer = self.walk_layer(tags, way.is_closed())
        if layer:
            self.walk_ways.append(_WalkWay(way.id, tags, layer, nodes))
        line_layer = _line_layer(tags)
        if line_layer:
            for run in _runs(nodes):
                self.features.append(_feature(line_layer, "LineString", [[lon, lat] for _, lon, lat in run],
                                              self.name(tags), f"w{way.id}"))
        if classify(tags) and any(nodes):
            points = [(lon, lat) for _, lon, lat in filter(None, nodes)]
            lon, lat = _centroid(points) if way.is_closed() else _mean(points)
            self.place(tags, f"osm-w{way.id}", lon, lat)

    def area(self, area) -> None:
        tags = {tag.k: tag.v for tag in area.tags}
        layer = _area_layer(tags)
        osm_id = f"{'w' if area.from_way() else 'r'}{area.orig_id()}"
        polygons = []
        for outer in area.outer_rings():
            rings = [[[node.lon, node.lat] for node in outer]]
            rings += [[[node.lon, node.lat] for node in inner] for inner in area.inner_rings(outer)]
            polygons.append(rings)
        if not polygons:
            return
        if not area.from_way() and classify(tags):
            lon, lat = _centroid([tuple(p) for p in max(polygons, key=lambda rings: len(rings[0]))[0]])
            self.place(tags, f"osm-r{area.orig_id()}", lon, lat)
        if layer is None:
            return
        if self.bbox is not None and not any(self.inside(lon, lat) for rings in polygons for lon, lat in rings[0]):
            return
        if len(polygons) == 1:
            self.features.append(_feature(layer, "Polygon", polygons[0], self.name(tags), osm_id))
        else:
            self.features.append(_feature(layer, "MultiPolygon", polygons, self.name(tags), osm_id))

    # ---- walking

    def walk_layer(self, tags: dict[str, str], closed: bool) -> str | None:
        highway = tags.get("highway")
        if highway is None:
            return None
        foot, access = tags.get("foot"), tags.get("access")
        if foot in ("no", "use_sidepath", "private"):
            return None
        if access in ("private", "no") and foot not in _FOOT_YES:
            return None
        if highway == "footway" and tags.get("footway") == "crossing":
            return "footway"
        if highway == "pedestrian" and closed and tags.get("area") == "yes":
            return "square"  # the outline of a pedestrian area is walked
        if highway in _FOOT_LAYERS:
            layer = _FOOT_LAYERS[highway]
            if layer is None:  # cycleway, bridleway: only when feet are allowed
                return "footway" if foot in _FOOT_YES else None
            return layer
        if highway in _ROADS_WITH_SIDEWALKS:
            sidewalk = tags.get("sidewalk", tags.get("sidewalk:both"))
            if sidewalk in _NO_SIDEWALK and foot not in _FOOT_YES:
                self.report.tally("roads without a sidewalk (sidewalk=no/none/separate), not walked")
                return None
            return "street"
        if highway in ("trunk", "trunk_link") and foot in _FOOT_YES:
            return "street"
        return None

    def walk_features(self) -> list[dict]:
        """One LineString per way segment between junctions; junction nodes are shared exactly."""
        uses: dict[int, int] = {}
        for way in self.walk_ways:
            refs = [node[0] for node in way.nodes if node is not None]
            for ref in set(refs):
                uses[ref] = uses.get(ref, 0) + 1
            seen: set[int] = set()
            for ref in refs[:-1] if refs and refs[0] == refs[-1] else refs:
                if ref in seen:
                    uses[ref] = uses.get(ref, 0) + 1  # a way that crosses itself joins there too
                seen.add(ref)
        features = []
        for way in self.walk_ways:
            properties = self.walk_properties(way)
            crossing = way.tags.get("footway") == "crossing" or way.tags.get("highway") == "crossing"
            for run in _runs(way.nodes):
                segment = [run[0]]
                for node in run[1:]:
                    segment.append(node)
                    if uses.get(node[0], 0) >= 2 and node is not run[-1]:
                        features.append(self.segment(segment, properties, crossing))
                        segment = [node]
                if len(segment) >= 2:
                    features.append(self.segment(segment, properties, crossing))
        return [feature for feature in features if feature is not None]

    def walk_properties(self, way: _WalkWay) -> dict:
        tags = way.tags
        properties: dict = {"layer": way.layer, "walk": True, "osm_id": f"w{way.osm_id}"}
        name = self.name(tags)
        if name is not None:
            properties["name"] = name
        step_free = True
        incline = tags.get("incline")
        if way.layer == "steps":
            step_free = False
            if incline in ("up", "down"):
                properties["incline"] = incline
        elif incline not in (None, "up", "down", "yes", "no"):
            steepness = _incline_percent(incline)
            if steepness is None:
                self.report.drop("incline values that cannot be read (the way counts as step-free)",
                                 f"w{way.osm_id}: incline={incline!r}")
            elif steepness > _STEEP_PERCENT:
                step_free = False
        if tags.get("wheelchair") == "no":
            step_free = False
        kerb = tags.get("kerb")
        if kerb == "raised":
            step_free = False
        if not step_free:
            properties["step_free"] = False
        return properties

    def segment(self, nodes: list[tuple[int, float, float]], properties: dict, crossing: bool) -> dict | None:
        coordinates = []
        for _, lon, lat in nodes:
            point = [round_coord(lon), round_coord(lat)]
            if not coordinates or coordinates[-1] != point:
                coordinates.append(point)
        if len(coordinates) < 2:
            return None
        props = dict(properties)
        inner = {ref for ref, _, _ in nodes[1:-1]}
        ends = {nodes[0][0], nodes[-1][0]}
        if inner & self.raised_kerbs or (crossing and ends & self.raised_kerbs):
            props["step_free"] = False  # a raised kerb on the way, or where a crossing meets the pavement
        return {"type": "Feature", "properties": props, "geometry": {"type": "LineString", "coordinates": coordinates}}

    # ---- places

    def place(self, tags: dict[str, str], place_id: str, lon: float, lat: float) -> None:
        found = classify(tags)
        if found is None:
            if tags.get("shop") == "vacant":
                self.report.tally("vacant shops (shop=vacant), not places")
            return
        kind, category = found
        if not self.inside(lon, lat):
            self.report.tally("places outside the --bbox")
            return
        name = self.name(tags)
        if name is None:
            self.report.tally(f"{kind} places without a name")
            return
        place: dict = {"id": place_id, "kind": kind, "category": category, "name": name,
                       "lat": round_coord(lat), "lon": round_coord(lon)}
        owner = f"{place_id} ({_plain(name, self.default_locale)})"
        value = tags.get("opening_hours")
        if value:
            problem = opening_hours_problem(value)
            if problem:
                self.report.drop("opening_hours that do not parse (left out, the place is kept)",
                                 f"{owner}: {value!r}: {problem}")
            else:
                place["opening_hours"] = value
        wheelchair = tags.get("wheelchair")
        if wheelchair:
            if wheelchair in WHEELCHAIR_VALUES:
                place["wheelchair"] = wheelchair
            else:
                self.report.drop("wheelchair values other than yes, limited, no (left out)",
                                 f"{owner}: {wheelchair!r}")
        website = tags.get("website") or tags.get("contact:website")
        if website:
            problem = website_problem(website)
            if problem:
                self.report.drop("websites that are not https:// (left out)", f"{owner}: {website} {problem}")
            else:
                place["website"] = website
        phone = tags.get("phone") or tags.get("contact:phone")
        if phone:
            place["phone"] = phone
        address = _address(tags)
        if address:
            place["address"] = address
        self.candidates.append((place, category, tags))

    def finish_places(self) -> list[dict]:
        """The places, with a transit stop mapped as platform and stop position kept once."""
        kept: list[dict] = []
        stops: list[tuple[dict, int]] = []
        seen_ids: set[str] = set()
        for place, category, _ in self.candidates:
            if place["id"] in seen_ids:
                continue
            seen_ids.add(place["id"])
            if place["kind"] == "transit":
                stops.append((place, _TRANSIT_PREFERENCE.get(category, 3)))
            else:
                kept.append(place)
        chosen: list[dict] = []
        for place, _ in sorted(stops, key=lambda item: item[1]):
            name = fold(_plain(place["name"], self.default_locale))
            twin = next((other for other in chosen if fold(_plain(other["name"], self.default_locale)) == name
                         and metres_between(place["lat"], place["lon"], other["lat"], other["lon"]) <= _TRANSIT_MERGE_M),
                        None)
            if twin is None:
                chosen.append(place)
            else:
                self.report.tally("transit stops mapped twice (platform and stop position), kept once")
        order = {id(place): index for index, (place, _, _) in enumerate(self.candidates)}
        return sorted(kept + chosen, key=lambda place: order[id(place)])


def _plain(text, default_locale: str) -> str:
    return text if isinstance(text, str) else text.get(default_locale, next(iter(text.values())))


def _address(tags: dict[str, str]) -> str | None:
    street = " ".join(filter(None, (tags.get("addr:street"), tags.get("addr:housenumber"))))
    town = " ".join(filter(None, (tags.get("addr:postcode"), tags.get("addr:city"))))
    return ", ".join(filter(None, (street, town))) or None


def _incline_percent(value: str) -> float | None:
    match = re.fullmatch(r"\s*([+-]?\d+(?:[.,]\d+)?)\s*(%|°)?\s*", value)
    if not match:
        return None
    number = abs(float(match.group(1).replace(",", ".")))
    if match.group(2) == "°":
        return math.tan(math.radians(number)) * 100
    return number


def _line_layer(tags: dict[str, str]) -> str | None:
    if tags.get("railway") in ("rail", "light_rail", "tram", "subway", "narrow_gauge") and tags.get("tunnel") != "yes":
        return "rail"
    if tags.get("waterway") in ("river", "stream", "canal", "ditch") and tags.get("tunnel") not in ("yes", "culvert"):
        return "water"
    return None


def _area_layer(tags: dict[str, str]) -> str | None:
    if tags.get("building", "no") != "no":
        return "building"
    if tags.get("place") == "square" or (tags.get("highway") == "pedestrian" and tags.get("area") == "yes"):
        return "square"
    if tags.get("leisure") in ("park", "garden"):
        return "park"
    if tags.get("natural") == "water" or tags.get("waterway") == "riverbank" or tags.get("landuse") == "basin":
        return "water"
    return None


def _runs(nodes: list) -> list[list]:
    """Stretches of consecutive usable nodes (the rest lie outside the extract or the bbox)."""
    runs, current = [], []
    for node in nodes:
        if node is None:
            if len(current) >= 2:
                runs.append(current)
            current = []
        else:
            current.append(node)
    if len(current) >= 2:
        runs.append(current)
    return runs


def _feature(layer: str, kind: str, coordinates: list, name, osm_id: str) -> dict:
    properties: dict = {"layer": layer, "osm_id": osm_id}
    if name is not None:
        properties["name"] = name
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": kind, "coordinates": _rounded(coordinates)}}


def _rounded(value):
    if value and isinstance(value[0], (int, float)):
        return [round_coord(value[0]), round_coord(value[1])]
    return [_rounded(item) for item in value]


def _mean(points: list[tuple[float, float]]) -> tuple[float, float]:
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def _centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    """The area centroid of a closed ring (shoelace), or the mean of its points when it has no area."""
    if len(ring) < 4:
        return _mean(ring)
    area = cx = cy = 0.0
    x0, y0 = ring[0]
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        cross = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)
        area += cross
        cx += (x1 + x2 - 2 * x0) * cross
        cy += (y1 + y2 - 2 * y0) * cross
    if abs(area) < 1e-18:
        return _mean(ring)
    return x0 + cx / (3 * area), y0 + cy / (3 * area)
