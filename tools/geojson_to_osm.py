"""Turn an Overpass/osmium GeoJSON export of OpenStreetMap back into OSM XML that `kiosk-feed build`
reads, keeping what lies in a box (used once to make tests/fixtures/osm/hamburg_jungfernstieg.osm).

Ways keep their ids (`@id: way/N`); their nodes get ids from their coordinates, so ways that shared a
node share it again; a tagged point (`@id: node/N`) at a way's vertex becomes that vertex.
Usage: python tools/geojson_to_osm.py IN.geojson OUT.osm S,W,N,E
"""
from __future__ import annotations

import json
import sys
from xml.sax.saxutils import quoteattr


def convert(features: list[dict], box: tuple[float, float, float, float]) -> str:
    south, west, north, east = box
    inside = lambda lon, lat: south <= lat <= north and west <= lon <= east  # noqa: E731
    node_ids: dict[tuple[float, float], int] = {}
    node_tags: dict[int, dict] = {}
    ways: list[tuple[int, list[int], dict]] = []
    for feature in features:
        props = dict(feature["properties"])
        kind, _, number = str(props.pop("@id", "")).partition("/")
        geometry = feature["geometry"]
        if kind == "node" and geometry["type"] == "Point":
            lon, lat = geometry["coordinates"][:2]
            if inside(lon, lat):
                node_ids[(lon, lat)] = int(number)
                node_tags[int(number)] = props
    next_id = [10**12]

    def node(lon: float, lat: float) -> int:
        if (lon, lat) not in node_ids:
            next_id[0] += 1
            node_ids[(lon, lat)] = next_id[0]
        return node_ids[(lon, lat)]

    for feature in features:
        props = dict(feature["properties"])
        kind, _, number = str(props.pop("@id", "")).partition("/")
        geometry = feature["geometry"]
        lines = {"LineString": [geometry["coordinates"]], "Polygon": geometry["coordinates"][:1]}.get(geometry["type"])
        if kind != "way" or not lines or not all(inside(*position[:2]) for position in lines[0]):
            continue
        ways.append((int(number), [node(*position[:2]) for position in lines[0]], props))
    used = {ref for _, refs, _ in ways for ref in refs} | set(node_tags)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="tools/geojson_to_osm.py">']
    for (lon, lat), ref in sorted(node_ids.items(), key=lambda item: item[1]):
        if ref not in used:
            continue
        tags = node_tags.get(ref, {})
        head = f'  <node id="{ref}" version="1" lat="{lat}" lon="{lon}"'
        out.append(head + ("/>" if not tags else ">"))
        if tags:
            out += [f"    <tag k={quoteattr(k)} v={quoteattr(str(v))}/>" for k, v in sorted(tags.items())]
            out.append("  </node>")
    for ref, refs, tags in sorted(ways):
        out.append(f'  <way id="{ref}" version="1">')
        out += [f'    <nd ref="{r}"/>' for r in refs]
        out += [f"    <tag k={quoteattr(k)} v={quoteattr(str(v))}/>" for k, v in sorted(tags.items())]
        out.append("  </way>")
    out.append("</osm>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    source, target, box = sys.argv[1:4]
    with open(source, encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(convert(features, tuple(float(v) for v in box.split(","))))
