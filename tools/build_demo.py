"""Builds the bundled demo feed, assets/demo/feed.json, from the editable sources in assets/demo/source/.

    .venv/bin/python tools/build_demo.py            # write assets/demo/feed.json
    .venv/bin/python tools/build_demo.py --check    # build, then self-check the content (exit 1 on problems)

Inputs (see assets/demo/README.md):
  source/base.json   city, share, kiosks, map, campaigns, notices, pages (+ format, sequence, generated_at)
  source/places.csv  one row per place
  source/events.ics  one VEVENT per event (UID = event id), translations in X-KIOSK-* properties
  images/            referenced by relative URL; the sha256 of every image object is computed here

Beside the feed it writes the take-along page, assets/demo/go/ (kiosk/takealong.py; not committed).

The assembly is sync/build (the code behind `kiosk-feed build`), with the sequence and generated_at
fixed by base.json, so the output is deterministic: the same inputs always give byte-identical JSON
(sorted keys, indent 1, UTF-8 without escapes, trailing newline). The feed is then signed with the
published demo key (assets/demo/keys/), so terminals in demo mode accept it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEMO = ROOT / "assets" / "demo"
SOURCE = DEMO / "source"
OUT = DEMO / "feed.json"

# Every day of these years must have events and a campaign, and the README's screenshot day
# several events: the demo is what a newcomer sees on whatever day they clone (docs/testing.md).
FIRST_DAY, LAST_DAY, SHOWCASE_DAY = dt.date(2026, 1, 1), dt.date(2036, 12, 31), dt.date(2026, 11, 26)


# ------------------------------------------------------------------------------------------- build
def build() -> dict:
    """The demo feed, assembled by the same code as `kiosk-feed build` (sync/build/)."""
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
def check(feed: dict) -> list[str]:
    """What a newcomer must never see: an invalid feed, an empty day, a place no route reaches.

    Uses the project's own validator, recurrence and wayfinding, so the demo is checked by exactly
    the code that will show it.
    """
    from zoneinfo import ZoneInfo

    from kiosk.occurrences import occurrences_on_day
    from kiosk.wayfinding import WalkingNetwork
    from sync.feed import problems as feed_problems

    problems = list(feed_problems(feed))
    for image in sorted((DEMO / "images").iterdir()):
        if image.stat().st_size >= 300 * 1024:
            problems.append(f"{image.name}: {image.stat().st_size} bytes (keep demo images under 300 KB)")

    network = WalkingNetwork.from_feature_collection(feed["map"])
    problems += [f"map: {problem}" for problem in network.problems]
    points = [(f"place {p['id']}", p["lat"], p["lon"]) for p in feed["places"]]
    points += [(f"event {e['id']} location", e["location"]["lat"], e["location"]["lon"])
               for e in feed["events"] if "location" in e]
    for kiosk in feed["kiosks"]:
        for step_free in (False, True):
            tree = network.tree_from(network.attach(kiosk["lat"], kiosk["lon"], step_free=step_free),
                                     step_free=step_free)
            for name, lat, lon in points:
                anchor = network.attach(lat, lon, step_free=step_free)
                if anchor.distance_m > 80:
                    problems.append(f"{name}: {anchor.distance_m:.0f} m from the walking network")
                if tree.distance_to(anchor) is None:
                    way = "step-free " if step_free else ""
                    problems.append(f"{name}: no {way}route from kiosk {kiosk['id']}")

    tz = ZoneInfo(feed["city"]["timezone"])
    campaigns = [(dt.datetime.fromisoformat(c["from"]), dt.datetime.fromisoformat(c["until"])) for c in feed["campaigns"]]
    day = FIRST_DAY
    while day <= LAST_DAY:
        count = sum(1 for event in feed["events"] if occurrences_on_day(event, tz, day))
        if count < (4 if day == SHOWCASE_DAY else 2):
            problems.append(f"{day}: only {count} event(s)")
        noon = dt.datetime.combine(day, dt.time(12), tz)
        if not any(campaign_from <= noon <= campaign_until for campaign_from, campaign_until in campaigns):
            problems.append(f"{day}: no campaign runs")
        day += dt.timedelta(days=1)
    return sorted(set(problems), key=problems.index)


def summary(feed: dict) -> str:
    from collections import Counter

    kinds = Counter(p["kind"] for p in feed["places"])
    walks = [f["properties"] for f in feed["map"]["features"] if (f.get("properties") or {}).get("walk") is True]
    steps = [p for p in walks if p.get("step_free") is False]
    return (f"{len(feed['places'])} places ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}); "
            f"{len(feed['events'])} events; {len(feed['campaigns'])} campaigns; {len(feed['notices'])} notices; "
            f"{len(feed['pages'])} pages; {len(feed['map']['features'])} map features, {len(walks)} walk segments, "
            f"{len(steps)} not step-free")


def sign_with_demo_key(feed_path: Path) -> None:
    """Sign with the published demo key, so terminals in demo mode accept the rebuilt feed."""
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
    from kiosk.takealong import write_site

    # Not committed (.gitignore): `kiosk-feed serve assets/demo --host 0.0.0.0` shows it on a phone.
    print(f"wrote the take-along page {write_site(feed, args.output.parent)}")
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
