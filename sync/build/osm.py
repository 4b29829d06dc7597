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
from sync.build.boundary import Boundary
from sync.build.report import BuildReport

# Walkable without further tags; the big roads only when they have sidewalks (see _walk_layer).
_FOOT_LAYERS = {
    "footway": "footway", "path": "footway", "track": "footway", "bridleway": None, "cycleway": None,
    "steps": "steps", "pedestrian": "street", "living_street": "street", "residential": "street",
    "service": "street", "unclassified": "street", "road": "street", "corridor": "footway", "elevator": "footway",
}
# Ways people walk in a tunnel without any further tag (https://wiki.openstreetmap.org/wiki/Key:tunnel).
_PEDESTRIAN_HIGHWAYS = {"footway", "path", "steps", "pedestrian", "corridor", "elevator", "platform"}
_SIDEWALK_YES = {"both", "left", "right", "yes"}
_TUNNELS = {"yes", "culvert", "flooded"}  # not building_passage: that is a covered way at ground level
_CONVEYING = {"yes", "forward", "backward", "reversible"}
# A building's door visitors use, best first (https://wiki.openstreetmap.org/wiki/Key:entrance).
_ENTRANCE_PREFERENCE = {"main": 0, "yes": 1, "entrance": 1, "staircase": 2, "home": 2, "secondary": 3}
# How far a lift mapped as a lone node may be from the ways it joins.
LIFT_REACH_M = 25.0
# Lift hubs of neighbouring levels sit this far apart (about 11 cm), so 7-decimal joining keeps them apart.
_LIFT_HUB_STEP_DEG = 1e-6
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
    osm_id: str  # "w123", or "n45" for the link lines of a lift node
    tags: dict[str, str]
    layer: str
    nodes: list[tuple[int, float, float] | None]  # (ref, lon, lat); None outside the extract or the bbox
    level: float = 0.0
    link: str | None = None  # elevator, escalator, moving_walkway; "" for a made-up link that is none of these
    levels: tuple[float, float] | None = None  # a lift line's levels, in the order it is drawn

    def __post_init__(self) -> None:
        if self.link is None:
            self.level = way_level(self.tags)
            self.link = _link(self.tags)
            levels = parse_levels(self.tags.get("level"))
            if self.link == "elevator" and len(levels) >= 2:
                self.levels = (levels[0], levels[-1])
            if self.tags.get("conveying") == "backward":
                self.nodes.reverse()  # a one-way feed line runs the way it moves


def parse_levels(value: str | None) -> list[float]:
    """The numbers of an OSM `level` value: "0", "-1;0", "0-2" (a range's two ends); [] when unreadable."""
    numbers: list[float] = []
    for part in (value or "").split(";"):
        match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)(?:\s*-\s*(-?\d+(?:\.\d+)?))?\s*", part)
        if match is None:
            return []
        numbers += [float(group) for group in match.groups() if group is not None]
    return numbers


def way_level(tags: dict[str, str]) -> float:
    """The level a way is walked on: OSM `level` (the highest of a connector's), else `layer` of a
    tunnel or bridge (-1 / 1 when unset), else 0, the ground."""
    levels = parse_levels(tags.get("level"))
    if levels:
        return max(levels)
    layer = parse_levels(tags.get("layer"))
    if tags.get("tunnel") in _TUNNELS or tags.get("location") == "underground":
        return layer[0] if layer and layer[0] < 0 else -1.0
    if tags.get("bridge", "no") != "no":
        return layer[0] if layer and layer[0] > 0 else 1.0
    return 0.0


def _link(tags: dict[str, str]) -> str | None:
    if tags.get("highway") == "elevator":
        return "elevator"
    if tags.get("conveying") in _CONVEYING:
        return "escalator" if tags.get("highway") == "steps" else "moving_walkway"
    return None


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
             default_locale: str, report: BuildReport, boundary: Boundary | None = None) -> OsmResult:
    reader = _Reader(bbox, boundary, locales, default_locale, report)
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
    area += f", limited to {boundary.describe()}" if boundary else ""
    report.source(f"OpenStreetMap {path}{area}: {reader.node_count} nodes, {reader.way_count} ways")
    return result


class _Reader:
    def __init__(self, bbox, boundary: Boundary | None, locales, default_locale, report: BuildReport) -> None:
        self.bbox = bbox
        self.boundary = boundary
        self.locales = locales
        self.default_locale = default_locale
        self.report = report
        self.features: list[dict] = []
        self.walk_ways: list[_WalkWay] = []
        self.raised_kerbs: set[int] = set()
        self.lifts: list[tuple[int, float, float, dict[str, str], str]] = []  # (ref, lon, lat, tags, osm id)
        self.entrances: dict[int, tuple[int, float, float]] = {}  # ref -> (preference, lon, lat)
        self.candidates: list[tuple[dict, str, dict]] = []  # (place, osm category key, tags)
        self.node_count = self.way_count = self.made_refs = 0

    def inside(self, lon: float, lat: float) -> bool:
        if self.bbox is not None:
            south, west, north, east = self.bbox
            if not (south <= lat <= north and west <= lon <= east):
                return False
        return self.boundary is None or self.boundary.contains(lon, lat)

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
        preference = _ENTRANCE_PREFERENCE.get(tags.get("entrance", "no"))
        if preference is not None:
            self.entrances[node.id] = (preference, node.location.lon, node.location.lat)
        if tags.get("highway") == "elevator" and self.inside(node.location.lon, node.location.lat):
            self.lifts.append((node.id, node.location.lon, node.location.lat, tags, f"n{node.id}"))
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
        layer = self.walk_layer(tags, way.is_closed(), f"w{way.id}")
        if layer and tags.get("highway") == "elevator" and way.is_closed() and any(nodes):
            # A lift drawn as its shaft's outline: a lone lift node at its centre.
            lon, lat = _centroid([(lon, lat) for _, lon, lat in filter(None, nodes)])
            self.lifts.append((-way.id, lon, lat, tags, f"w{way.id}"))
        elif layer:
            self.walk_ways.append(_WalkWay(f"w{way.id}", tags, layer, nodes))
        line_layer = _line_layer(tags)
        if line_layer:
            for run in _runs(nodes):
                self.features.append(_feature(line_layer, "LineString", [[lon, lat] for _, lon, lat in run],
                                              self.name(tags), f"w{way.id}"))
        if classify(tags) and any(nodes):
            points = [(lon, lat) for _, lon, lat in filter(None, nodes)]
            lon, lat = _centroid(points) if way.is_closed() else _mean(points)
            doors = sorted(self.entrances[node[0]] for node in filter(None, nodes) if node[0] in self.entrances)
            self.place(tags, f"osm-w{way.id}", lon, lat, entrance=doors[0][1:] if doors else None)

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

    def walk_layer(self, tags: dict[str, str], closed: bool, osm_id: str) -> str | None:
        highway = tags.get("highway")
        if highway is None:
            return None
        foot, access = tags.get("foot"), tags.get("access")
        if foot in ("no", "use_sidepath", "private"):
            return None
        if access in ("private", "no") and foot not in _FOOT_YES:
            return None
        if tags.get("tunnel") in _TUNNELS and highway not in _PEDESTRIAN_HIGHWAYS and not _has_foot_way(tags):
            name = f" ({tags['name']})" if tags.get("name") else ""
            self.report.drop("road tunnels without a foot, sidewalk or footway tag (not walked)", f"{osm_id}{name}")
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
        self.join_lifts()
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

    def join_lifts(self) -> None:
        """Turn every lift into lines the terminal can walk: a hub per level it serves (the lift's
        point, a few centimetres apart per level so levels stay apart) and a lift line between
        neighbouring levels. Ways of a level that meet at a lift node end at that level's hub; a lone
        lift node (or a shaft's outline) is linked to the nearest way of each level within LIFT_REACH_M."""
        by_ref: dict[int, list[_WalkWay]] = {}
        for way in self.walk_ways:
            for node in way.nodes:
                if node is not None:
                    by_ref.setdefault(node[0], []).append(way)
        for ref, lon, lat, tags, osm_id in self.lifts:
            ways = list({id(way): way for way in by_ref.get(ref, [])}.values())
            if ways:
                levels = sorted({way.level for way in ways})
                if len(levels) < 2:
                    continue  # on ways of one level it already joins what it touches
                hubs = self.lift_hubs(levels, lon, lat, tags, osm_id, offset=0)
                for way in ways:
                    way.nodes = [hubs[way.level] if node is not None and node[0] == ref else node
                                 for node in way.nodes]
                continue
            named = parse_levels(tags.get("level"))  # one level only is the floor the shaft is drawn on
            nearest = self.nearest_per_level(lon, lat, named if len(named) >= 2 else [])
            if len(nearest) < 2:
                found = ", ".join(_level_text(level) for level in sorted(nearest)) or "none"
                self.report.drop(f"lifts that join nothing (they need walking ways of two levels within "
                                 f"{LIFT_REACH_M:.0f} m)", f"{osm_id} at {lat:.6f},{lon:.6f}: levels found: {found}")
                continue
            hubs = self.lift_hubs(sorted(nearest), lon, lat, tags, osm_id, offset=1)
            for level, (way, index, x, y) in nearest.items():
                door = self.insert_node(way, index, x, y, lat)
                self.walk_ways.append(_WalkWay(osm_id, {"highway": "footway"}, "footway", [door, hubs[level]], level, ""))

    def lift_hubs(self, levels: list[float], lon: float, lat: float, tags: dict[str, str], osm_id: str,
                  offset: int) -> dict[float, tuple[int, float, float]]:
        hubs = {level: (self.new_ref(), lon, lat + (index + offset) * _LIFT_HUB_STEP_DEG)
                for index, level in enumerate(levels)}
        for lower, upper in zip(levels, levels[1:]):
            self.walk_ways.append(_WalkWay(osm_id, tags, "footway", [hubs[lower], hubs[upper]], lower, "elevator",
                                           (lower, upper)))
        return hubs

    def nearest_per_level(self, lon: float, lat: float, wanted: list[float]) -> dict[float, tuple]:
        """level -> (way, segment index, x, y in degrees) of the nearest point within LIFT_REACH_M."""
        kx, ky = _metres_per_degree(lat)
        best: dict[float, tuple[float, tuple]] = {}
        for way in self.walk_ways:
            if way.link is not None or (wanted and way.level not in wanted):
                continue
            for index, (a, b) in enumerate(zip(way.nodes, way.nodes[1:])):
                if a is None or b is None:
                    continue
                ax, ay, bx, by = (a[1] - lon) * kx, (a[2] - lat) * ky, (b[1] - lon) * kx, (b[2] - lat) * ky
                dx, dy = bx - ax, by - ay
                length2 = dx * dx + dy * dy
                t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
                distance = math.hypot(ax + t * dx, ay + t * dy)
                if distance <= LIFT_REACH_M and (way.level not in best or distance < best[way.level][0]):
                    best[way.level] = (distance, (way, index, a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])))
        return {level: found for level, (_, found) in best.items()}

    def insert_node(self, way: _WalkWay, index: int, lon: float, lat: float, near_lat: float) -> tuple[int, float, float]:
        """The way's node at (lon, lat) on its segment `index`: an end within 0.5 m, else a new node."""
        kx, ky = _metres_per_degree(near_lat)
        for node in (way.nodes[index], way.nodes[index + 1]):
            if math.hypot((node[1] - lon) * kx, (node[2] - lat) * ky) < 0.5:
                return node
        node = (self.new_ref(), lon, lat)
        way.nodes.insert(index + 1, node)
        return node

    def new_ref(self) -> int:
        self.made_refs += 1
        return -(10**15 + self.made_refs)  # far from any real (or lift-outline) id

    def walk_properties(self, way: _WalkWay) -> dict:
        tags = way.tags
        properties: dict = {"layer": way.layer, "walk": True, "osm_id": way.osm_id}
        name = self.name(tags) if way.link != "elevator" else None
        if name is not None:
            properties["name"] = name
        if way.level:
            properties["level"] = int(way.level) if way.level.is_integer() else way.level
        if way.link:
            properties["link"] = way.link
        if way.levels:
            properties["levels"] = [int(v) if v.is_integer() else v for v in way.levels]
        if tags.get("conveying") in ("forward", "backward"):
            properties["oneway"] = True
        step_free = True
        incline = tags.get("incline")
        if tags.get("conveying") == "backward" and incline in ("up", "down"):
            incline = "down" if incline == "up" else "up"  # the line was turned round to run the way it moves
        if way.layer == "steps":
            # Steps with a wheelchair ramp beside them (https://wiki.openstreetmap.org/wiki/Key:ramp).
            step_free = tags.get("ramp:wheelchair") == "yes" and way.link is None
            if incline in ("up", "down"):
                properties["incline"] = incline
        elif incline not in (None, "up", "down", "yes", "no"):
            steepness = _incline_percent(incline)
            if steepness is None:
                self.report.drop("incline values that cannot be read (the way counts as step-free)",
                                 f"{way.osm_id}: incline={incline!r}")
            elif steepness > _STEEP_PERCENT:
                step_free = False
        if tags.get("wheelchair") == "no":
            step_free = False
        kerb = tags.get("kerb")
        if kerb == "raised":
            step_free = False
        if not step_free:
            properties["step_free"] = False
        elif way.layer == "steps":
            properties["step_free"] = True  # said outright: a terminal takes steps without it as not step-free
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

    def place(self, tags: dict[str, str], place_id: str, lon: float, lat: float,
              entrance: tuple[float, float] | None = None) -> None:
        found = classify(tags)
        if found is None:
            if tags.get("shop") == "vacant":
                self.report.tally("vacant shops (shop=vacant), not places")
            return
        kind, category = found
        if not self.inside(lon, lat):
            self.report.tally("places outside the --boundary" if self.boundary else "places outside the --bbox")
            return
        name = self.name(tags)
        if name is None:
            self.report.tally(f"{kind} places without a name")
            return
        place: dict = {"id": place_id, "kind": kind, "category": category, "name": name,
                       "lat": round_coord(lat), "lon": round_coord(lon)}
        if entrance is not None:
            place["entrance"] = {"lat": round_coord(entrance[1]), "lon": round_coord(entrance[0])}
        levels = parse_levels(tags.get("level"))
        if levels and levels[0] != 0:
            place["level"] = int(levels[0]) if levels[0].is_integer() else levels[0]
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


def _has_foot_way(tags: dict[str, str]) -> bool:
    """A road with a pavement or open to walkers (https://wiki.openstreetmap.org/wiki/Key:sidewalk)."""
    return (tags.get("foot") in _FOOT_YES
            or any(tags.get(key) in _SIDEWALK_YES for key in ("sidewalk", "footway"))
            or any(tags.get(f"sidewalk:{side}") in ("yes",) for side in ("both", "left", "right")))


def _metres_per_degree(lat: float) -> tuple[float, float]:
    return 111_320.0 * math.cos(math.radians(lat)), 111_320.0


def _level_text(level: float) -> str:
    return str(int(level)) if level.is_integer() else str(level)


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
