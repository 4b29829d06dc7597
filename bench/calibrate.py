"""How fast is this machine for the kiosk's kind of work? Run it here and on a Raspberry Pi, then
divide: the ratio turns `make bench` figures taken here into expectations for the Pi.

    .venv/bin/python bench/calibrate.py            # a table and a score (higher is faster)
    .venv/bin/python bench/calibrate.py --json     # the same as JSON, for docs/performance.md

A fixed pure-Python workload (the same on every machine, no randomness left to chance) plus a few
of the project's own operations on the bundled demo content. Each item is the best of several runs,
so a busy moment does not count. No Kivy, no window: it runs over SSH on a terminal too.
"""
from __future__ import annotations

import json
import platform
import random
import re
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REPEATS = 7


def best_ms(fn, repeats: int = REPEATS) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


# -- the fixed pure-Python workload ---------------------------------------------------------------

def objects_and_dicts() -> None:
    rows = [{"id": i, "name": f"place-{i}", "kind": ("shop", "food", "art")[i % 3], "lat": 51.5 + i * 1e-5}
            for i in range(20000)]
    by_kind: dict[str, list] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], []).append(row["id"])
    assert len(by_kind) == 3


def sort_and_strings() -> None:
    rng = random.Random(42)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyzäöüß") for _ in range(8)) for _ in range(20000)]
    words.sort(key=str.casefold)
    joined = " ".join(words).upper()
    assert len(re.findall(r"\bA\w+", joined)) > 0


def json_round_trip() -> None:
    data = [{"id": f"event-{i}", "title": {"de": f"Veranstaltung {i}", "en": f"Event {i}"},
             "start": "2026-11-26T17:30:00+01:00", "tags": list(range(i % 7))} for i in range(5000)]
    assert json.loads(json.dumps(data)) == data


def arithmetic() -> None:
    total = 0.0
    for i in range(300000):
        total += (i % 7) * 0.5 - (i % 3) / 3.0
    assert total != 0


PURE = [("dicts and lists", objects_and_dicts), ("sort and strings", sort_and_strings),
        ("JSON round trip", json_round_trip), ("arithmetic loop", arithmetic)]


# -- the project's own operations on the demo content ----------------------------------------------

def project_items(data_dir: Path) -> list[tuple[str, object]]:
    from kiosk import share
    from kiosk.content import Content
    from kiosk.directions import Wayfinder

    at = datetime.fromisoformat("2026-11-26T17:30:00+01:00")
    content = Content.open(data_dir)
    content.search("warm", "de")
    finder = Wayfinder(content)
    kiosk = content.kiosks()[0]["id"]
    places = content.places(at, "de")
    targets = [(p.lat, p.lon) for p in places[:20]]

    def fresh_day() -> None:  # what the attract and today screens ask first after a content swap
        Content.open(data_dir).todays_events(at, "de")

    def search() -> None:
        for query in ("weihnachtsmarkt", "buch", "kaffe", "westenhellweg", "apotheke"):
            for end in range(1, len(query) + 1):
                content.search(query[:end], "de")

    def routes() -> None:
        for target in targets:
            finder.walking_time(kiosk, target)

    def qr() -> None:
        share.qr_matrix.cache_clear()  # made, not looked up
        for i in range(10):
            share.qr_matrix(f"https://kiosk.dortmund.example/route?from=51.5140,7.4650&to=51.51{i},7.46&lang=de")

    return [("today's events, fresh content", fresh_day), ("search, 5 words typed", search),
            ("walking times to 20 places", routes), ("10 QR codes", qr),
            ("places with opening state", lambda: content.places(at, "de"))]


def main() -> int:
    from sync import service

    results = {}
    for name, fn in PURE:
        results[name] = best_ms(fn)
    with tempfile.TemporaryDirectory(prefix="kiosk-calibrate-") as tmp:
        data = Path(tmp)
        service.ensure_demo_content(data, now=datetime.now(timezone.utc))
        for name, fn in project_items(data):
            results[name] = best_ms(fn)
    pure_ms = sum(results[name] for name, _ in PURE)
    project_ms = sum(v for k, v in results.items() if k not in dict(PURE))
    report = {
        "machine": platform.machine(), "python": platform.python_version(), "system": platform.platform(),
        "items_ms": results, "pure_python_ms": pure_ms, "project_ms": project_ms,
        "score": 10000 / (pure_ms + project_ms),
    }
    if "--json" in sys.argv:
        print(json.dumps(report, indent=1))
        return 0
    print(f"{platform.machine()}, Python {platform.python_version()}, {platform.platform()}")
    for name, ms in results.items():
        print(f"  {name:<32} {ms:9.2f} ms")
    print(f"  {'pure Python, total':<32} {pure_ms:9.2f} ms")
    print(f"  {'project operations, total':<32} {project_ms:9.2f} ms")
    print(f"score {report['score']:.1f} (higher is faster; divide this machine's score by the Pi's)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
