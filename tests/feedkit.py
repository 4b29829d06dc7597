"""Small, real feeds for tests: built in code so each test says exactly what it relies on."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from sync.signing import sign_bytes, load_private_key

# A tiny walkable map: Westenhellweg west-east, Kampstraße north of it, joined by a passage with
# steps and a step-free way around.
MAP = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"layer": "street", "walk": True, "name": "Westenhellweg"},
         "geometry": {"type": "LineString", "coordinates": [[7.4580, 51.5140], [7.4626, 51.5143], [7.4654, 51.5143]]}},
        {"type": "Feature", "properties": {"layer": "street", "walk": True, "name": "Kampstraße"},
         "geometry": {"type": "LineString", "coordinates": [[7.4580, 51.5155], [7.4626, 51.5155], [7.4654, 51.5155]]}},
        {"type": "Feature", "properties": {"layer": "steps", "walk": True, "step_free": False},
         "geometry": {"type": "LineString", "coordinates": [[7.4626, 51.5143], [7.4626, 51.5155]]}},
        {"type": "Feature", "properties": {"layer": "footway", "walk": True, "name": "Brückstraße"},
         "geometry": {"type": "LineString", "coordinates": [[7.4654, 51.5143], [7.4654, 51.5155]]}},
        {"type": "Feature", "properties": {"layer": "building", "name": "Rathaus"},
         "geometry": {"type": "Polygon", "coordinates": [[[7.4600, 51.5120], [7.4610, 51.5120], [7.4610, 51.5125], [7.4600, 51.5120]]]}},
    ],
}

BASE = {
    "format": "kiosk-feed",
    "format_version": 1,
    "sequence": 10,
    "generated_at": "2026-11-01T00:00:00+01:00",
    "city": {"name": {"de": "Dortmund", "en": "Dortmund"}, "timezone": "Europe/Berlin", "country": "DE",
             "subdivision": "NW", "default_locale": "de", "locales": ["de", "en", "tr", "ar"]},
    "kiosks": [{"id": "reinoldikirche", "name": "Reinoldikirche", "lat": 51.5142, "lon": 7.4652, "heading": 270}],
    "map": MAP,
    "places": [
        {"id": "buchhandlung-kamp", "name": {"de": "Buchhandlung am Kamp", "en": "Kamp Bookshop"}, "kind": "shop",
         "category": "books", "lat": 51.5154, "lon": 7.4600, "opening_hours": "Mo-Sa 10:00-19:00; PH off",
         "owner_run": True, "labels": ["qualitaetsroute"], "description": {"de": "Bücher und Tee.", "en": "Books and tea."}},
        {"id": "brueck-uhren", "name": "Uhren Brückstraße", "kind": "shop", "category": "jewellery",
         "lat": 51.5150, "lon": 7.4655, "opening_hours": "Tu-Sa 11:00-18:00", "owner_run": True},
        {"id": "kette-mode", "name": "Modekette", "kind": "shop", "category": "fashion",
         "lat": 51.5141, "lon": 7.4590, "opening_hours": "Mo-Sa 10:00-20:00"},
        {"id": "apotheke-markt", "name": {"de": "Apotheke am Markt", "en": "Market Pharmacy"}, "kind": "pharmacy",
         "lat": 51.5138, "lon": 7.4640, "opening_hours": "24/7"},
        {"id": "wc-hansaplatz", "name": {"de": "Öffentliche Toilette", "en": "Public toilet"}, "kind": "toilet",
         "lat": 51.5135, "lon": 7.4650},
    ],
    "events": [
        {"id": "weihnachtsmarkt", "title": {"de": "Weihnachtsmarkt", "en": "Christmas market"},
         "start": "2026-11-19T11:00:00+01:00", "end": "2026-11-19T21:00:00+01:00",
         "rrule": "FREQ=DAILY;UNTIL=20261230T230000Z", "exdates": ["2026-11-22T11:00:00+01:00"],
         "place_id": "apotheke-markt", "related_place_ids": ["buchhandlung-kamp"], "category": "market"},
        {"id": "spaetkonzert", "title": {"de": "Spätkonzert", "en": "Late concert"},
         "start": "2026-11-26T22:00:00+01:00", "end": "2026-11-27T01:30:00+01:00",
         "location": {"name": "Alter Markt", "lat": 51.5133, "lon": 7.4660}},
        {"id": "stadtfest", "title": "Stadtfest", "start": "2026-11-28", "end": "2026-11-29"},
    ],
    "campaigns": [
        {"id": "winter", "title": {"de": "Winter im Viertel", "en": "Winter in the quarter"},
         "place_ids": ["brueck-uhren"], "from": "2026-01-01T00:00:00+01:00", "until": "2027-01-01T00:00:00+01:00"},
    ],
    "notices": [
        {"id": "bauarbeiten", "level": "info", "text": {"de": "Bauarbeiten Kampstraße", "en": "Works on Kampstraße"}},
        {"id": "evakuierung", "level": "emergency", "text": "Bitte Innenstadt meiden",
         "from": "2026-11-26T12:00:00+01:00", "until": "2026-11-26T13:00:00+01:00", "kiosk_ids": ["reinoldikirche"]},
    ],
    "pages": [
        {"id": "help", "title": {"de": "Hilfe", "en": "Help"}, "body": {"de": "Im Notfall: 112.", "en": "In an emergency: 112."},
         "contacts": [{"name": "Notruf", "phone": "112"},
                      {"name": {"de": "Apotheke", "en": "Pharmacy"}, "place_id": "apotheke-markt", "hours": "24/7"}]},
    ],
}


def feed(**changes) -> dict:
    """The base feed with top-level fields replaced."""
    doc = copy.deepcopy(BASE)
    doc.update(copy.deepcopy(changes))
    return doc


def write_signed(folder: Path, doc: dict | bytes, key_path: Path, name: str = "feed.json") -> Path:
    """Write FEED.json and FEED.json.sig into `folder`; returns the feed's path."""
    folder.mkdir(parents=True, exist_ok=True)
    raw = doc if isinstance(doc, bytes) else json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
    path = folder / name
    path.write_bytes(raw)
    path.with_name(name + ".sig").write_text(sign_bytes(raw, load_private_key(key_path)) + "\n")
    return path
