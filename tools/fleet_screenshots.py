"""Screenshots of the desk's fleet pages for docs/desk.md (docs/screenshots/desk-fleet-*.png), German and English.

    .venv/bin/python tools/fleet_screenshots.py

A desk with the demo content runs in a temporary folder on 127.0.0.1 with twelve terminals: their reports
go through the desk's own receiving code (desk/fleet/receive.py) with the arrival times of the last eight
weeks passed in, so the pages show silent terminals, an error, a wrong clock, a full disk, weeks of
feedback and a day's usage. Debian's headless chromium takes the pictures.
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
TOKEN = "fleet-token-for-the-screenshots"
TERMINALS = {  # id: (minutes since the last heartbeat, status facts)
    "reinoldikirche": (1, {"free_disk_bytes": 11_800_000_000}),
    "alter-markt": (0, {"free_disk_bytes": 12_100_000_000}),
    "westenhellweg-ost": (2, {"free_disk_bytes": 11_900_000_000}),
    "westenhellweg-west": (134, {"free_disk_bytes": 11_700_000_000,
                                 "last_error": "The feed server at https://feed.kiosk.dortmund.example/feed.json could not be reached: ConnectTimeout."}),
    "hauptbahnhof-nord": (0, {"free_disk_bytes": 640_000_000}),
    "stadtgarten": (1, {"free_disk_bytes": 12_000_000_000, "skew_s": 420}),
    "friedensplatz": (3, {"free_disk_bytes": 11_600_000_000}),
    "hansaplatz": (1, {"free_disk_bytes": 11_900_000_000}),
    "kampstrasse": (2, {"free_disk_bytes": 12_200_000_000}),
    "brueckstrasse": (4 * 1440 + 190, {"free_disk_bytes": 11_400_000_000}),
    "ostenhellweg": (0, {"free_disk_bytes": 11_800_000_000,
                         "last_error": "The feed's signature does not match any key in public_keys; the content was not changed."}),
    "museum-ostwall": (1, {"free_disk_bytes": 11_900_000_000}),
}
SCREEN_WEIGHTS = {"home": 30, "today": 22, "map": 18, "shops": 12, "discover": 8, "search": 6, "route": 5, "help": 3,
                  "feedback": 2}


def fill(now: datetime, seed: int = 26) -> None:
    """Heartbeats, eight weeks of feedback and a week of usage, stored as the desk stores posts."""
    from desk.content.models import Kiosk
    from desk.fleet.receive import store
    from kiosk.feedback import TOPICS, FeedbackAnswer

    rng = random.Random(seed)
    for kiosk_id in TERMINALS:
        Kiosk.objects.get_or_create(feed_id=kiosk_id, defaults={"name": {"de": kiosk_id}, "lat": 51.514, "lon": 7.465})
    for kiosk_id, (minutes, facts) in TERMINALS.items():
        received = now - timedelta(minutes=minutes, seconds=rng.randrange(50))
        sent = received + timedelta(seconds=facts.get("skew_s", rng.choice((0, 1, -1, 2))))
        status = {"content_sequence": 202612020815 if minutes < 60 else 202611281900, "version": "0.1.0",
                  "free_disk_bytes": facts["free_disk_bytes"], "last_error": facts.get("last_error")}
        store(kiosk_id, "heartbeat", [{"key": str(uuid.uuid4()), "kind": "heartbeat",
                                       "created_at": sent.isoformat(), "payload": status}], received)
    for day in range(56):
        for _ in range(rng.randrange(25, 60)):
            at = now - timedelta(days=day, hours=rng.randrange(0, 12))
            topics = tuple(t for t in TOPICS if rng.random() < 0.25)
            # The story in the pictures: since the Christmas market opened, cleanliness is rated lower.
            worse = "cleanliness" in topics and day < 20
            rating = rng.choices((1, 2, 3, 4, 5), weights=(4, 6, 5, 3, 1) if worse else (1, 2, 4, 8, 6))[0]
            kiosk_id = rng.choice(list(TERMINALS))
            payload = FeedbackAnswer(rating, topics, rng.choice(("de", "de", "en", "tr", "ar", "uk"))).to_outbox(kiosk_id=kiosk_id, at=at)
            store(kiosk_id, "feedback", [{"key": str(uuid.uuid4()), "kind": "feedback", "created_at": at.isoformat(),
                                          "payload": payload}], at)
    start = (now - timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    for hours in range(7 * 24):
        hour = start + timedelta(hours=hours)
        local = hour.astimezone(timezone(timedelta(hours=1))).hour
        busy = 0 if local < 7 or local > 22 else (1 + (10 <= local <= 19) * 2)
        for kiosk_id in TERMINALS:
            screens = {s: rng.randrange(0, w * busy + 1) for s, w in SCREEN_WEIGHTS.items()}
            screens = {s: n for s, n in screens.items() if n}
            if screens:
                store(kiosk_id, "usage", [{"key": str(uuid.uuid4()), "kind": "usage", "created_at": hour.isoformat(),
                                           "payload": {"hour": hour.isoformat(), "screens": screens}}], hour)


def main() -> int:
    from tests.browser import headless_chromium
    from tests.desk_server import log_in, running_desk

    os.environ["DESK_FLEET_TOKEN"] = TOKEN
    with tempfile.TemporaryDirectory() as tmp, running_desk(Path(tmp)) as desk:
        os.environ.update(DESK_DATA_DIR=tmp, DJANGO_SETTINGS_MODULE="desk.settings")
        import django

        django.setup()
        fill(datetime.now(timezone.utc))  # a tool, not a test: the pages show today's fleet
        with headless_chromium() as browser:  # after the database work: Playwright's loop makes Django refuse it
            shoot(browser, desk["url"], log_in)
    print(f"wrote {OUT}/desk-fleet-*.png")
    return 0


def shoot(browser, url: str, log_in) -> None:
    for lang, locale in (("de", "de-DE"), ("en", "en-GB")):
        page = browser.new_page(locale=locale, timezone_id="Europe/Berlin", viewport={"width": 1280, "height": 900})
        log_in(page, url, "paul", "paul-secret-1")
        for name, path in (("terminals", "/admin/fleet/"), ("feedback", "/admin/fleet/feedback/"),
                           ("usage", "/admin/fleet/usage/")):
            page.goto(url + path)
            # The feedback page goes on with its list of answers; the picture stops after the charts.
            page.screenshot(path=str(OUT / f"desk-fleet-{name}-{lang}.png"), full_page=name != "feedback",
                            clip={"x": 0, "y": 0, "width": 1280, "height": 1250} if name == "feedback" else None)
        page.close()


if __name__ == "__main__":
    sys.exit(main())
