"""Screenshots of the desk's emergency notice pages for docs/desk.md (docs/screenshots/desk-emergency-*.png).

    .venv/bin/python tools/emergency_screenshots.py

A desk with the demo content runs in a temporary folder on 127.0.0.1; Debian's headless chromium opens
the form (a template chosen) and the list with the published notice, in German and English.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    from tests.browser import headless_chromium
    from tests.desk_server import log_in, running_desk

    with tempfile.TemporaryDirectory() as tmp, running_desk(Path(tmp)) as desk, headless_chromium() as browser:
        url = desk["url"]
        for lang, locale in (("de", "de-DE"), ("en", "en-GB")):
            page = browser.new_page(locale=locale, timezone_id="Europe/Berlin", viewport={"width": 1280, "height": 900})
            log_in(page, url, "paul", "paul-secret-1")
            page.goto(url + "/admin/alerts/emergencynotice/add/")
            page.select_option("#id_template", "street-closed")
            page.screenshot(path=str(OUT / f"desk-emergency-{lang}.png"), full_page=True)
            page.click("#desk-alert-publish")
            page.locator(".messagelist").wait_for()
            page.screenshot(path=str(OUT / f"desk-emergency-list-{lang}.png"))
            page.click("button.desk-end")  # the next language starts from an empty list
            page.close()
    print(f"wrote {OUT}/desk-emergency-*.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
