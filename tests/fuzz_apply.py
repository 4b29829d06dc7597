"""Mutate real feeds; apply every one the validator accepts and ask it what a terminal asks.

Usage: python tests/fuzz_apply.py [--examples N] [--seed S]
Run it under an address-space limit (tests/test_feed_fuzz_apply.py sets RLIMIT_AS; `make fuzz` runs
thousands of cases): each case gets a CPU-time bound, so a hang is a failure, not a stuck test.
Prints one JSON line with the counts; exits 1 with Hypothesis' smallest failing feed otherwise.
"""
from __future__ import annotations

import argparse
import copy
import json
import resource
import signal
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kiosk.content import Content  # noqa: E402
from kiosk.directions import NoRoute, Wayfinder  # noqa: E402
from sync import service  # noqa: E402
from sync.feed import problems  # noqa: E402
from sync.signing import load_private_key, public_key_b64, sign_bytes  # noqa: E402
from tests import feedkit  # noqa: E402
from tests.test_feed_fuzz import locations  # noqa: E402

CASE_CPU_S = 25  # under the 30 s systemd watchdog, for validating, applying and every question together
AT = datetime(2026, 11, 26, 17, 30, tzinfo=timezone(timedelta(hours=1)))
KEY = load_private_key(Path(__file__).resolve().parents[1] / "assets" / "demo" / "keys" / "demo-signing.key")
SEEDS = [feedkit.BASE, json.loads((Path(__file__).parent / "fixtures" / "feeds" / "minimal.json").read_text("utf-8")),
         json.loads((Path(__file__).resolve().parents[1] / "assets" / "demo" / "feed.json").read_text("utf-8"))]
ASKED = 12  # events and places asked about per feed: the demo's 70 places would make each case slow

# What an attacker or a careless publisher writes where a value belongs: each looks plausible somewhere.
RULES = ["FREQ=SECONDLY;COUNT=100000", "FREQ=MINUTELY", "FREQ=HOURLY;COUNT=50", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
         "FREQ=DAILY;COUNT=5000", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=DAILY;INTERVAL=7;BYDAY=MO",
         "FREQ=DAILY;UNTIL=99991231T235959Z", "FREQ=DAILY;BYHOUR=25", "FREQ=DAILY;INTERVAL=0", "FREQ=WEEKLY;BYDAY=SA",
         "FREQ=MONTHLY;BYDAY=-1FR;COUNT=12", "FREQ=DAILY;INTERVAL=٣", "FREQ=YEARLY;BYWEEKNO=53;BYDAY=SU",
         "FREQ=MONTHLY;BYMONTHDAY=31;BYSETPOS=-1", "FREQ=DAILY;UNTIL=19700101T000000Z", "FREQ=YEARLY;COUNT=1"]
WHENS = ["0001-01-01T00:00:00+01:00", "2000-01-01T10:00:00+01:00", "1970-01-01T00:00:00Z", "2199-12-31T23:59:59Z",
         "9999-12-31T23:59:59-23:59", "٢٠٢٦-11-26T10:00:00+01:00", "2026-11-26t10:00:00z", "2026-11-26T10:00:00+01:00\n",
         "2026-11-26T10:00:00.123456789+14:00", "2026-11-26", "2026-02-29", "2028-02-29", "2026-11-26T02:30:00-23:59",
         "2026-03-29T02:30:00+01:00", "2026-10-25T02:30:00+02:00"]
TEXTS = ["\ud800", "a\udfffb", "x" * 135, "W" * 10_000, "<b>fett</b>", "\u202eevil\u202c", "مرحبا بالعالم", "", " ",
         "\x00", "Weihnachtsmarkt " * 9, {"de": "ß", "ar": "سوق"}, {"de": "\ud83d"}]
ZONES = ["Factory", "posixrules", "localtime", "Etc/GMT+12", "Pacific/Kiritimati", "UTC", "Europe/Berlin",
         "America/St_Johns"]
NUMBERS = [51.5143, 7.4626, 0, -0.0, 90, -90, 180, -180, 1e-300, 51.5143000001, 7.46, 51.9, 7.9, 2**63, 1e308]


def positions(node: object, path: tuple = ()) -> list[tuple]:
    """Paths of [lon, lat] pairs and of lat/lon keys, where swapping is the classic mistake."""
    found = []
    if isinstance(node, dict):
        if "lat" in node and "lon" in node:
            found.append(path)
        for key, value in node.items():
            found += positions(value, path + (key,))
    elif isinstance(node, list):
        if len(node) == 2 and all(isinstance(v, float) for v in node):
            found.append(path)
        for index, value in enumerate(node):
            found += positions(value, path + (index,))
    return found


def at(doc: object, path: tuple) -> object:
    for key in path:
        doc = doc[key]
    return doc


@st.composite
def mutated_feeds(draw) -> dict:
    doc = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        action = draw(st.sampled_from(["swap", "rule", "when", "text", "zone", "number", "delete", "duplicate"]))
        events = [event for event in doc.get("events", ()) if isinstance(event, dict)]
        if action == "swap" and positions(doc):
            path = draw(st.sampled_from(positions(doc)))
            target = at(doc, path)
            if isinstance(target, dict):
                target["lat"], target["lon"] = target["lon"], target["lat"]
            else:
                target.reverse()
        elif action == "rule" and events:
            draw(st.sampled_from(events))["rrule"] = draw(st.sampled_from(RULES))
        elif action == "when" and events:
            draw(st.sampled_from(events))[draw(st.sampled_from(["start", "end"]))] = draw(st.sampled_from(WHENS))
        elif action == "zone" and isinstance(doc.get("city"), dict):
            doc["city"]["timezone"] = draw(st.sampled_from(ZONES))
        elif action in ("text", "number", "delete", "duplicate"):
            path = draw(st.sampled_from(locations(doc)[1:]))
            parent, key = at(doc, path[:-1]), path[-1]
            if action == "text" and isinstance(parent[key], (str, dict)):
                parent[key] = copy.deepcopy(draw(st.sampled_from(TEXTS)))
            elif action == "number" and isinstance(parent[key], (int, float)):
                parent[key] = draw(st.sampled_from(NUMBERS))
            elif action == "delete":
                del parent[key]
            elif action == "duplicate" and isinstance(parent, list):
                parent.insert(key, copy.deepcopy(parent[key]))
    return doc


class CaseTooSlow(Exception):
    pass


def _too_slow(signum, frame) -> None:
    raise CaseTooSlow(f"one feed took more than {CASE_CPU_S} s of CPU time to validate, apply and answer")


COUNTS = {"cases": 0, "accepted": 0, "refused": 0, "questions": 0, "max_case_cpu_s": 0.0}


def answer_everything(doc: dict) -> None:
    """Validate; when accepted, apply through the terminal's own path and ask what the screens ask."""
    COUNTS["cases"] += 1
    started = time.process_time()
    signal.setitimer(signal.ITIMER_PROF, CASE_CPU_S)
    try:
        if problems(doc):
            COUNTS["refused"] += 1
            return
        COUNTS["accepted"] += 1
        raw = json.dumps(doc, ensure_ascii=True).encode("ascii")  # lone surrogates travel as \ud800 escapes
        with tempfile.TemporaryDirectory() as folder:
            data_dir = Path(folder)
            service.apply_feed(raw, sign_bytes(raw, KEY).encode(), source="fuzz", public_keys=[public_key_b64(KEY)],
                               data_dir=data_dir, now=AT, load_image=service.file_image_loader(data_dir / "feed.json"))
            ask(Content.open(data_dir), doc)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        COUNTS["max_case_cpu_s"] = max(COUNTS["max_case_cpu_s"], round(time.process_time() - started, 2))


def ask(content: Content, doc: dict) -> None:
    for lang in ("de", "ar"):
        content.todays_events(AT, lang)
        content.places(AT, lang)
        content.search("weihnachtsmrkt", lang)
        content.search("ü" * 100_000, lang)
        COUNTS["questions"] += 4
    for event in doc["events"][:ASKED]:
        content.event(event["id"], AT, "en")
        COUNTS["questions"] += 1
    finder = Wayfinder(content)
    for kiosk in doc["kiosks"]:
        for place in doc["places"][:ASKED]:
            content.place(place["id"], AT, "en")
            try:
                finder.from_kiosk(kiosk["id"], finder.place_position(place["id"]), lang="en")
            except NoRoute:
                pass
            COUNTS["questions"] += 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    signal.signal(signal.SIGPROF, _too_slow)

    @seed(args.seed)
    @settings(max_examples=args.examples, deadline=None, database=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    @given(mutated_feeds())
    def every_accepted_feed_is_answered(doc):
        answer_everything(doc)

    every_accepted_feed_is_answered()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps(dict(COUNTS, peak_rss_mib=round(usage.ru_maxrss / 1024, 1)), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
