"""Builds the bundled demo feed, assets/demo/feed.json, from the editable sources in assets/demo/source/.

    .venv/bin/python tools/build_demo.py            # write assets/demo/feed.json
    .venv/bin/python tools/build_demo.py --check    # build, then self-check the content (exit 1 on problems)

Inputs (see assets/demo/README.md):
  source/base.json   city, share, kiosks, map, campaigns, notices, pages (+ format, sequence, generated_at)
  source/places.csv  one row per place
  source/events.ics  one VEVENT per event (UID = event id), translations in X-KIOSK-* properties
  images/            referenced by relative URL; the sha256 of every image object is computed here

The assembly is sync/build (the code behind `kiosk-feed build`), with the sequence and generated_at
fixed by base.json, so the output is deterministic: the same inputs always give byte-identical JSON
(sorted keys, indent 1, UTF-8 without escapes, trailing newline). The feed is then signed with the
published demo key (assets/demo/keys/), so terminals in demo mode accept it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "assets" / "demo"
SOURCE = DEMO / "source"
OUT = DEMO / "feed.json"

LOCALES = ("de", "en", "tr", "ar", "uk", "pl", "nl")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


# ------------------------------------------------------------------------------------------- build
def build() -> dict:
    """The demo feed, assembled by the same code as `kiosk-feed build` (sync/build/)."""
    sys.path.insert(0, str(ROOT))
    from sync.build.assemble import BuildInputs, build_feed

    base = json.loads((SOURCE / "base.json").read_text(encoding="utf-8"))
    # Fixed sequence and time (kept in base.json) so the same sources give the same bytes.
    inputs = BuildInputs(base=SOURCE / "base.json", out_dir=DEMO, places=SOURCE / "places.csv",
                         ics=[SOURCE / "events.ics"], sequence=base["sequence"], generated_at=base["generated_at"])
    result = build_feed(inputs)
    if result.report.left_out:
        print(result.report.render(), file=sys.stderr)
    return result.feed


def dump(feed: dict) -> str:
    return json.dumps(feed, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------------------------------- check
def _meters(lat0):
    return 111_320.0, 111_320.0 * math.cos(math.radians(lat0))


def _dist_to_segment(p, a, b, lat0):
    ky, kx = _meters(lat0)
    px, py = p[0] * kx, p[1] * ky
    ax, ay, bx, by = a[0] * kx, a[1] * ky, b[0] * kx, b[1] * ky
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _walk_lines(feed):
    for f in feed["map"]["features"]:
        p, g = f.get("properties", {}), f["geometry"]
        if p.get("walk") is True:
            parts = [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]
            for coords in parts:
                yield p, coords


def _components(edges):
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    return {find(x) for x in list(parent)}


def _texts_without_de(node, path="$"):
    """Paths of text objects (locale -> string maps) that lack the default locale "de"."""
    if isinstance(node, dict):
        if node and set(node) <= set(LOCALES) and all(isinstance(v, str) for v in node.values()):
            if "de" not in node:
                yield path
            return
        for k, v in node.items():
            yield from _texts_without_de(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _texts_without_de(v, f"{path}[{i}]")


def occurrences_by_day(event, first: dt.date, last: dt.date, tz):
    """Local calendar days on which the event has an occurrence (wall-clock expansion in the city's zone)."""
    from dateutil.rrule import rrulestr

    def parse(value):
        if len(value) == 10:
            return dt.datetime.fromisoformat(value), True
        return dt.datetime.fromisoformat(value).astimezone(tz).replace(tzinfo=None), False

    start, all_day = parse(event["start"])
    end = parse(event["end"])[0] if "end" in event else start
    duration = (end - start) + (dt.timedelta(days=1) if all_day else dt.timedelta(0))
    if "rrule" in event:
        rule = rrulestr(event["rrule"], dtstart=start)
        starts = rule.between(dt.datetime.combine(first, dt.time()) - duration - dt.timedelta(days=1),
                              dt.datetime.combine(last, dt.time(23, 59)), inc=True)
        if start not in starts and first - dt.timedelta(days=400) <= start.date() <= last:
            starts.append(start)  # DTSTART is always the first occurrence
    else:
        starts = [start]
    ex = {parse(x)[0] for x in event.get("exdates", [])}
    days = set()
    for s in starts:
        if s in ex:
            continue
        e = s + duration
        d = s.date()
        while True:
            days.add(d)
            d += dt.timedelta(days=1)
            if dt.datetime.combine(d, dt.time()) >= e:
                break
    return {d for d in days if first <= d <= last}


def check(feed: dict) -> list[str]:
    import opening_hours
    from zoneinfo import ZoneInfo

    problems: list[str] = []
    ids = {}
    for section in ("kiosks", "places", "events", "campaigns", "notices", "pages"):
        seen = set()
        for i, item in enumerate(feed.get(section, [])):
            iid = item.get("id", "")
            if not ID_RE.match(iid):
                problems.append(f"{section}[{i}]: bad id {iid!r}")
            if iid in seen:
                problems.append(f"{section}: duplicate id {iid!r}")
            seen.add(iid)
        ids[section] = seen
    places = ids["places"]
    for e in feed["events"]:
        for ref in [e.get("place_id")] + e.get("related_place_ids", []):
            if ref is not None and ref not in places:
                problems.append(f"event {e['id']}: unknown place {ref!r}")
    for c in feed["campaigns"]:
        for ref in c["place_ids"]:
            if ref not in places:
                problems.append(f"campaign {c['id']}: unknown place {ref!r}")
    for n in feed["notices"]:
        for ref in n.get("kiosk_ids", []):
            if ref not in ids["kiosks"]:
                problems.append(f"notice {n['id']}: unknown kiosk {ref!r}")
    for page in feed["pages"]:
        for c in page.get("contacts", []):
            if c.get("place_id") and c["place_id"] not in places:
                problems.append(f"page {page['id']}: unknown place {c['place_id']!r}")

    hours = [(f"place {p['id']}", p["opening_hours"]) for p in feed["places"] if "opening_hours" in p]
    hours += [(f"page {pg['id']} contact", c["hours"]) for pg in feed["pages"] for c in pg.get("contacts", []) if "hours" in c]
    for where, value in hours:
        try:
            opening_hours.OpeningHours(value)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{where}: opening_hours {value!r} does not parse: {exc}")

    from dateutil.rrule import rrulestr
    for e in feed["events"]:
        if "rrule" in e:
            try:
                start = dt.datetime.fromisoformat(e["start"])
                rule = rrulestr(e["rrule"], dtstart=start)
                if start.replace(tzinfo=None) != next(iter(rrulestr(e["rrule"], dtstart=start.replace(tzinfo=None)))):
                    problems.append(f"event {e['id']}: DTSTART {e['start']} is not an occurrence of its rule")
                del rule
            except Exception as exc:  # noqa: BLE001
                problems.append(f"event {e['id']}: rrule {e['rrule']!r}: {exc}")
        if "end" in e and e["end"] < e["start"][: len(e["end"])]:
            problems.append(f"event {e['id']}: end before start")

    for path in _texts_without_de(feed):
        problems.append(f"{path}: text object without 'de'")

    def urls(node, path="$"):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("website", "url", "route_url", "place_url") and isinstance(v, str) and not v.startswith(("https://", "images/")):
                    problems.append(f"{path}.{k}: not https: {v}")
                urls(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                urls(v, f"{path}[{i}]")
    urls(feed)
    for img in sorted((DEMO / "images").iterdir()):
        if img.stat().st_size >= 300 * 1024:
            problems.append(f"{img.name}: {img.stat().st_size} bytes (>= 300 KB)")

    # walking network: joined only at equal vertices (7 decimals)
    key = lambda c: (round(c[0], 7), round(c[1], 7))  # noqa: E731
    edges, free_edges, segments = [], [], []
    for props, coords in _walk_lines(feed):
        for a, b in zip(coords, coords[1:]):
            edges.append((key(a), key(b)))
            if props.get("step_free") is not False:
                free_edges.append((key(a), key(b)))
            segments.append((a, b))
    comps = _components(edges)
    if len(comps) != 1:
        problems.append(f"walking network has {len(comps)} components")
    free_comps = _components(free_edges + [(v, v) for e in edges for v in e])
    if len(free_comps) != 1:
        problems.append(f"step-free network has {len(free_comps)} components (a step segment lacks a way around)")
    lat0 = 51.513
    targets = [(f"place {p['id']}", p["lon"], p["lat"]) for p in feed["places"]]
    targets += [(f"kiosk {k['id']}", k["lon"], k["lat"]) for k in feed["kiosks"]]
    targets += [(f"event {e['id']} location", e["location"]["lon"], e["location"]["lat"]) for e in feed["events"] if "location" in e]
    for name, lon, lat in targets:
        d = min(_dist_to_segment((lon, lat), a, b, lat0) for a, b in segments)
        if d > 80:
            problems.append(f"{name}: {d:.0f} m from the walking network")

    # every day 2026-2030 has at least two events; "today" of the demo has several
    tz = ZoneInfo(feed["city"]["timezone"])
    first, last = dt.date(2026, 1, 1), dt.date(2030, 12, 31)
    count: dict[dt.date, int] = {}
    for e in feed["events"]:
        for d in occurrences_by_day(e, first, last, tz):
            count[d] = count.get(d, 0) + 1
    day = first
    while day <= last:
        if count.get(day, 0) < 2:
            problems.append(f"{day}: only {count.get(day, 0)} event(s)")
        day += dt.timedelta(days=1)
    today = dt.date(2026, 11, 26)
    if count.get(today, 0) < 4:
        problems.append(f"{today}: only {count.get(today, 0)} events")
    return problems


def summary(feed: dict) -> str:
    from collections import Counter

    kinds = Counter(p["kind"] for p in feed["places"])
    walks = list(_walk_lines(feed))
    steps = [p for p, _ in walks if p.get("step_free") is False]
    return (f"{len(feed['places'])} places ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}); "
            f"{len(feed['events'])} events; {len(feed['campaigns'])} campaigns; {len(feed['notices'])} notices; "
            f"{len(feed['pages'])} pages; {len(feed['map']['features'])} map features, {len(walks)} walk segments, "
            f"{len(steps)} not step-free")


def sign_with_demo_key(feed_path: Path) -> None:
    """Sign with the published demo key, so terminals in demo mode accept the rebuilt feed."""
    sys.path.insert(0, str(ROOT))
    from sync.signing import load_private_key, sign_bytes, write_signature

    key = load_private_key(DEMO / "keys" / "demo-signing.key")
    write_signature(feed_path.with_name(feed_path.name + ".sig"), sign_bytes(feed_path.read_bytes(), key))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="self-check the content after building")
    ap.add_argument("--output", type=Path, default=OUT)
    args = ap.parse_args(argv)
    feed = build()
    args.output.write_text(dump(feed), encoding="utf-8")
    sign_with_demo_key(args.output)
    print(f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}: {summary(feed)}")
    if args.check:
        problems = check(feed)
        for p in problems:
            print("PROBLEM:", p, file=sys.stderr)
        print("check: ok" if not problems else f"check: {len(problems)} problem(s)")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
