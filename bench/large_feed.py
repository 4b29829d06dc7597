"""A synthetic large feed: 2,000 places, 5,000 events with recurrences, 20,000 map features and a
5,000-node walking network, around Dortmund's centre. Deterministic for a given seed.

    .venv/bin/python bench/large_feed.py OUT_DIR     # writes feed.json, feed.json.sig and the key
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

CENTER_LAT, CENTER_LON = 51.5140, 7.4650
GRID = 71  # 71 x 71 = 5,041 walking-network nodes
STEP_DEG_LAT, STEP_DEG_LON = 0.00018, 0.00029  # about 20 m between nodes
KINDS = ["shop"] * 8 + ["food"] * 4 + ["culture", "art", "landmark", "service", "toilet", "pharmacy", "aed", "help",
                                       "transit", "popup", "market"]
RULES = ["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=SA", "FREQ=WEEKLY;BYDAY=MO,WE,FR", "FREQ=MONTHLY;BYDAY=1FR",
         "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=1,2,3,4,5,6,7,8,9,10", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", None, None]
HOURS = ["Mo-Sa 10:00-20:00; PH off", "Mo-Fr 09:00-18:00; Sa 10:00-16:00", "24/7", "Tu-Su 11:00-22:00",
         "Mo-Sa 08:00-19:00; Su 10:00-14:00; PH off", None]
WORDS = ["Buch", "Tee", "Mode", "Uhren", "Wein", "Käse", "Blumen", "Spiel", "Kunst", "Rad", "Hut", "Papier", "Brot",
         "Schmuck", "Leder", "Glas", "Kaffee", "Musik", "Foto", "Stoff"]
STREETS = ["Westenhellweg", "Ostenhellweg", "Kampstraße", "Brückstraße", "Kleppingstraße", "Hansastraße",
           "Betenstraße", "Reinoldistraße", "Hoher Wall", "Königswall"]


def node(i: int, j: int) -> list[float]:
    lat = CENTER_LAT + (i - GRID // 2) * STEP_DEG_LAT
    lon = CENTER_LON + (j - GRID // 2) * STEP_DEG_LON
    return [round(lon, 7), round(lat, 7)]


def walking_network(rng: random.Random) -> list[dict]:
    features = []
    for i in range(GRID):
        for j in range(GRID):
            for di, dj in ((0, 1), (1, 0)):
                if i + di >= GRID or j + dj >= GRID:
                    continue
                steps = rng.random() < 0.02
                props = {"layer": "steps" if steps else ("street" if i % 5 == 0 or j % 5 == 0 else "footway"),
                         "walk": True}
                if steps:
                    props["step_free"] = False
                if props["layer"] == "street":
                    props["name"] = STREETS[(i if di == 0 else j) % len(STREETS)]
                features.append({"type": "Feature", "properties": props,
                                 "geometry": {"type": "LineString", "coordinates": [node(i, j), node(i + di, j + dj)]}})
    return features


def buildings(rng: random.Random, count: int) -> list[dict]:
    features = []
    for n in range(count):
        lon, lat = node(rng.randrange(GRID - 1), rng.randrange(GRID - 1))
        lon += STEP_DEG_LON * 0.2
        lat += STEP_DEG_LAT * 0.2
        w, h = STEP_DEG_LON * 0.5, STEP_DEG_LAT * 0.5
        ring = [[lon, lat], [lon + w, lat], [lon + w, lat + h], [lon, lat + h], [lon, lat]]
        layer = "building" if n % 10 else rng.choice(["square", "park", "water"])
        features.append({"type": "Feature", "properties": {"layer": layer},
                         "geometry": {"type": "Polygon", "coordinates": [[[round(x, 7), round(y, 7)] for x, y in ring]]}})
    return features


def text(de: str, en: str) -> dict:
    return {"de": de, "en": en, "tr": en, "ar": en, "uk": en, "pl": en, "nl": en}


def places(rng: random.Random, count: int) -> list[dict]:
    found = []
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        word = WORDS[n % len(WORDS)]
        lon, lat = node(rng.randrange(GRID), rng.randrange(GRID))
        place = {"id": f"place-{n}", "kind": kind, "name": text(f"{word}laden {n}", f"{word} shop {n}"),
                 "lat": round(lat + 0.00003, 7), "lon": round(lon + 0.00004, 7), "category": word.lower(),
                 "description": text(f"Alles rund um {word} in der Innenstadt.", f"All about {word} in the centre."),
                 "address": f"{STREETS[n % len(STREETS)]} {n % 90 + 1}, 44137 Dortmund"}
        if hours := HOURS[n % len(HOURS)]:
            place["opening_hours"] = hours
        if n % 7 == 0:
            place |= {"owner_run": True, "labels": ["qualitaetsroute"]}
        found.append(place)
    return found


def events(rng: random.Random, count: int, place_count: int) -> list[dict]:
    found = []
    for n in range(count):
        month, day, hour = 1 + n % 12, 1 + n % 28, 9 + n % 12
        start = f"2026-{month:02d}-{day:02d}T{hour:02d}:00:00+01:00"
        end = f"2026-{month:02d}-{day:02d}T{hour + 2:02d}:00:00+01:00"
        event = {"id": f"event-{n}", "title": text(f"Veranstaltung {WORDS[n % len(WORDS)]} {n}", f"Event {n}"),
                 "start": start, "end": end, "place_id": f"place-{rng.randrange(place_count)}",
                 "summary": text("Eine Veranstaltung in der Innenstadt.", "An event in the city centre."),
                 "category": ["music", "market", "culture", "family", "shopping"][n % 5]}
        if rule := RULES[n % len(RULES)]:
            event["rrule"] = rule
        if n % 10 == 0:
            event["related_place_ids"] = [f"place-{(n + k) % place_count}" for k in range(3)]
        found.append(event)
    return found


def large_feed(seed: int = 7) -> dict:
    rng = random.Random(seed)
    network = walking_network(rng)
    features = network + buildings(rng, 20_000 - len(network))
    place_list = places(rng, 2000)
    return {
        "format": "kiosk-feed", "format_version": 1, "sequence": 1000, "generated_at": "2026-11-01T00:00:00+01:00",
        "city": {"name": "Dortmund", "timezone": "Europe/Berlin", "country": "DE", "subdivision": "NW",
                 "default_locale": "de", "locales": ["de", "en", "tr", "ar", "uk", "pl", "nl"]},
        "kiosks": [{"id": "reinoldikirche", "name": "Reinoldikirche", "lat": CENTER_LAT, "lon": CENTER_LON,
                    "heading": 270}],
        "map": {"type": "FeatureCollection", "features": features},
        "places": place_list,
        "events": events(rng, 5000, len(place_list)),
        "campaigns": [{"id": "winter", "title": "Winter", "place_ids": ["place-0", "place-7"],
                       "from": "2026-01-01T00:00:00+01:00", "until": "2030-01-01T00:00:00+01:00"}],
        "notices": [],
        "pages": [{"id": "help", "title": text("Hilfe", "Help"), "body": text("Notruf 112", "Emergency 112"),
                   "contacts": [{"name": "Notruf", "phone": "112"}]}],
    }


def write_large_feed(out_dir: Path, seed: int = 7) -> tuple[Path, str]:
    """Write a signed large feed into `out_dir`; returns (feed path, public key)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from sync.signing import load_private_key, sign_bytes, write_keypair, write_signature

    out_dir.mkdir(parents=True, exist_ok=True)
    key_path, public = write_keypair(out_dir / "key", overwrite=True)
    raw = json.dumps(large_feed(seed), ensure_ascii=False).encode("utf-8")
    feed_path = out_dir / "feed.json"
    feed_path.write_bytes(raw)
    write_signature(feed_path.with_name("feed.json.sig"), sign_bytes(raw, load_private_key(key_path)))
    return feed_path, public


if __name__ == "__main__":
    path, key = write_large_feed(Path(sys.argv[1] if len(sys.argv) > 1 else "out/large"))
    print(f"wrote {path} (public key {key})")
