"""Phone-size screenshots of the take-along page for docs/screenshots/ (390 x 844, de and ar).

    .venv/bin/python tools/take_along_screenshots.py

The demo feed's site is written to a temporary folder with map tiles from a local stub (no network:
the map shows a plain grid under the line), served on 127.0.0.1 and opened in Debian's headless
chromium at the URL the terminal's QR code carries for the README's route, at the README's moment.
"""
from __future__ import annotations

import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MOMENT = datetime.fromisoformat("2026-11-26T17:30+01:00")
PLACE = "buchhandlung-seitenwind"


def main() -> int:
    from playwright.sync_api import sync_playwright

    from kiosk.content import Content
    from kiosk.directions import Wayfinder
    from kiosk.takealong import write_site
    from sync import service
    from sync.serve import FeedServer, start_in_thread
    from tests.browser import TileStub, launch

    tiles = TileStub()
    with tempfile.TemporaryDirectory() as tmp:
        feed = json.loads((ROOT / "assets" / "demo" / "feed.json").read_text(encoding="utf-8"))
        feed["share"]["tile_url"] = tiles.tile_url
        write_site(feed, Path(tmp) / "site")
        server = FeedServer(Path(tmp) / "site", quiet=True)
        start_in_thread(server)
        service.ensure_demo_content(Path(tmp) / "data", now=MOMENT)
        content = Content.open(Path(tmp) / "data")
        finder = Wayfinder(content, share_page_url=server.url + "go/")
        place = content.place(PLACE, MOMENT, "de")
        with sync_playwright() as playwright:
            browser = launch(playwright)
            for lang in ("de", "ar"):
                url = finder.from_kiosk(content.kiosks()[0]["id"], (place.lat, place.lon), lang=lang,
                                        destination_id=PLACE).share_url
                page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
                page.clock.set_fixed_time(MOMENT)
                page.goto(url)
                page.wait_for_selector("body[data-ready=yes]")
                page.wait_for_load_state("networkidle")
                out = ROOT / "docs" / "screenshots" / f"take-along-{lang}.png"
                page.screenshot(path=str(out), full_page=True)
                print(f"wrote {out.relative_to(ROOT)}")
            browser.close()
        content.close()
        server.shutdown()
        server.server_close()
    tiles.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
