"""Screenshots of the content desk's pages for docs/desk.md (docs/screenshots/desk-*.png), German and English.

    .venv/bin/python tools/desk_screenshots.py

A desk with the demo content runs in a temporary folder on 127.0.0.1; Debian's headless chromium
opens the pages an editor and a publisher use.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    from tests.browser import headless_chromium
    from tests.desk_server import desk_command, log_in, running_desk

    with tempfile.TemporaryDirectory() as tmp, running_desk(Path(tmp)) as desk, headless_chromium() as browser:
        url = desk["url"]
        os.chdir(ROOT)  # the sources page after a re-import, as the timer runs it; paths shown as in the repository
        desk_command({**os.environ, "DESK_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "desk.settings"}, "import_sources",
                     "--calendar", "assets/demo/source/events.ics", "--places", "assets/demo/source/places.csv")
        first = browser.new_page()
        log_in(first, url, "paul", "paul-secret-1")
        first.goto(url + "/admin/publish/")
        first.click("#desk-publish")  # the demo goes live first, so the publish page shows one change
        first.close()
        for lang, locale in (("de", "de-DE"), ("en", "en-GB")):
            editor = browser.new_page(locale=locale, timezone_id="Europe/Berlin", viewport={"width": 1280, "height": 900})
            log_in(editor, url, "erika", "erika-secret-1")
            editor.goto(url + "/admin/content/event/add/")
            editor.fill("#id_feed_id", "bauernmarkt-friedensplatz")
            editor.fill("#id_title_0", "Bauernmarkt auf dem Friedensplatz")
            editor.fill("#id_title_1", "Farmers' market on Friedensplatz")
            editor.select_option("#id_repeat", "WEEKLY")
            editor.check("input[name=weekdays][value=SA]")
            editor.screenshot(path=str(OUT / f"desk-event-{lang}.png"), full_page=True)
            if lang == "de":
                editor.fill("#id_start_0", "05.12.2026")
                editor.fill("#id_start_1", "07:00")
                editor.fill("#id_end_0", "05.12.2026")
                editor.fill("#id_end_1", "13:00")
                editor.click("input[name=_save]")
            editor.goto(url + "/admin/content/placeoverlay/?q=buchhandlung-seitenwind")
            editor.click("text=buchhandlung-seitenwind")
            editor.fill("#id_opening_hours", "Mo-Fr 10:00-19:00; Sa 10:00-18:00; Su,PH off")
            editor.locator("#desk-open-now").filter(has_text=" ").wait_for()
            editor.screenshot(path=str(OUT / f"desk-hours-{lang}.png"), full_page=True)
            editor.close()
            publisher = browser.new_page(locale=locale, timezone_id="Europe/Berlin", viewport={"width": 1280, "height": 900})
            log_in(publisher, url, "paul", "paul-secret-1")
            publisher.goto(url + "/admin/publish/")
            publisher.screenshot(path=str(OUT / f"desk-publish-{lang}.png"))
            publisher.goto(url + f"/admin/preview/?at=2026-12-12T09:00&lang={lang}&kiosk=alter-markt"
                           "&screen=home&screen=today")
            publisher.screenshot(path=str(OUT / f"desk-preview-{lang}.png"), full_page=True)
            publisher.close()
            admin = browser.new_page(locale=locale, timezone_id="Europe/Berlin", viewport={"width": 1280, "height": 900})
            log_in(admin, url, "admin", desk["admin_password"])
            admin.goto(url + "/admin/content/kiosk/?q=alter-markt")
            admin.click("#result_list a:text-is('alter-markt')")
            admin.locator("#desk-kiosk-map[data-ready='1']").wait_for()
            admin.screenshot(path=str(OUT / f"desk-kiosk-map-{lang}.png"))
            admin.goto(url + "/admin/content/page/?q=help")
            admin.click("#result_list a:text-is('help')")
            admin.locator("#contacts-group").scroll_into_view_if_needed()
            admin.evaluate("document.getElementById('contacts-group').scrollIntoView()")
            admin.screenshot(path=str(OUT / f"desk-help-contacts-{lang}.png"))
            admin.goto(url + "/admin/content/sourcecontent/")
            admin.click("#result_list tbody th a")
            admin.wait_for_url("**/change/")
            admin.screenshot(path=str(OUT / f"desk-sources-{lang}.png"))
            admin.close()
        # as after a re-import in which a shop closed: an event still points at the place, so nothing is published
        desk_command({**os.environ, "DESK_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "desk.settings"}, "shell", "-c",
                     "from desk.content.models import Event; Event.objects.filter(feed_id='repair-cafe')"
                     ".update(place_id='zwischennutzung-brueckstrasse')")
        for lang, locale in (("de", "de-DE"), ("en", "en-GB")):
            publisher = browser.new_page(locale=locale, viewport={"width": 1280, "height": 700})
            log_in(publisher, url, "paul", "paul-secret-1")
            publisher.goto(url + "/admin/publish/")
            publisher.screenshot(path=str(OUT / f"desk-refused-{lang}.png"))
            publisher.close()
    print(f"wrote {OUT}/desk-*.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
