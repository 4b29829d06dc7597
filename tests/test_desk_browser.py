"""The content desk end to end in a real headless Chromium: an editor writes a weekly market in German and English,
a publisher publishes it, a terminal syncs the signed feed over HTTP on 127.0.0.1 and lists the market."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

pytest.importorskip("django", reason="the desk extra is not installed")

from playwright.sync_api import expect  # noqa: E402

from sync.serve import FeedServer, start_in_thread  # noqa: E402
from tests.browser import headless_chromium  # noqa: E402
from tests.desk_server import log_in, running_desk  # noqa: E402

BIN = Path(sys.executable).parent
NEXT_MARKET = "2027-01-09T09:30:00+01:00"  # a Saturday after the first market on 2026-12-05


def market_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (90, 140, 60)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    with running_desk(tmp_path_factory.mktemp("desk")) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as chromium:
        yield chromium


def test_an_editor_writes_a_market_a_publisher_publishes_and_a_terminal_lists_it(desk, browser, tmp_path):
    url = desk["url"]
    editor = browser.new_page(locale="en-GB")
    log_in(editor, url, "erika", "erika-secret-1")
    editor.goto(url + "/admin/content/event/add/")
    editor.fill("#id_feed_id", "bauernmarkt-friedensplatz")
    editor.fill("#id_title_0", "Bauernmarkt auf dem Friedensplatz")
    editor.fill("#id_title_1", "Farmers market on Friedensplatz")
    expect(editor.locator("#id_title_1 ~ .desk-missing-mark")).to_be_hidden()  # English given
    expect(editor.locator("#id_title_2 ~ .desk-missing-mark")).to_be_visible()  # Turkish missing, and marked
    editor.select_option("#id_category", "market")
    editor.fill("#id_start_0", "2026-12-05")
    editor.fill("#id_start_1", "07:00:00")
    editor.fill("#id_end_0", "2026-12-05")
    editor.fill("#id_end_1", "13:00:00")
    editor.select_option("#id_repeat", "WEEKLY")
    editor.check("input[name=weekdays][value=SA]")
    editor.set_input_files("#id_image_file", files=[{"name": "markt.png", "mimeType": "image/png", "buffer": market_png()}])
    editor.fill("#id_image_alt_0", "Marktstände mit Gemüse")
    editor.fill("#id_image_alt_1", "Market stalls with vegetables")
    editor.click("input[name=_save]")
    expect(editor.locator(".messagelist")).to_contain_text("bauernmarkt-friedensplatz")
    assert "FREQ=WEEKLY;BYDAY=SA" in editor.content()
    editor.goto(url + "/admin/content/event/?q=weihnachtsmarkt-nov-do")  # an imported rule the plain editor cannot show
    editor.click("text=weihnachtsmarkt-nov-do")
    assert editor.locator("#id_repeat").input_value() == "CUSTOM"
    editor.click("input[name=_save]")  # saved unchanged, it stays as it was
    expect(editor.locator(".messagelist")).to_contain_text("weihnachtsmarkt-nov-do")
    editor.click("#desk-preview-link")  # the terminal's real screen on the market's second Saturday
    editor.fill("#desk-at", "2026-12-12T09:00")
    editor.select_option("#desk-lang", "en")
    editor.uncheck("input[name=screen][value=home]")
    editor.click("#desk-preview-show")
    expect(editor.locator("#desk-screens img")).to_have_count(1)
    assert editor.locator("#desk-screens img").evaluate("img => img.naturalWidth") == 1080
    editor.goto(url + "/admin/content/placeoverlay/?q=buchhandlung-seitenwind")
    editor.click("text=buchhandlung-seitenwind")
    editor.fill("#id_opening_hours", "Mo-Su 00:00-24:00")
    expect(editor.locator("#desk-open-now")).to_contain_text("Open now")  # the terminal's hours code, live
    editor.fill("#id_opening_hours", "Mo-Fr 25:00-26:00")
    expect(editor.locator("#desk-open-now")).to_contain_text("opening_hours")
    denied = editor.goto(url + "/admin/publish/")
    assert denied.status == 403  # an editor cannot publish
    editor.close()

    publisher = browser.new_page(locale="en-GB")
    log_in(publisher, url, "paul", "paul-secret-1")
    publisher.click("#desk-publish-link")
    expect(publisher.locator("#desk-diff")).to_contain_text("Event added: Bauernmarkt auf dem Friedensplatz")
    publisher.click("#desk-publish")
    expect(publisher.locator(".messagelist")).to_contain_text("Published sequence")
    publisher.close()

    site = FeedServer(desk["site"], quiet=True)
    start_in_thread(site)
    try:
        terminal = tmp_path / "terminal"
        feed_url = f"http://127.0.0.1:{site.server_address[1]}/feed.json"
        synced = subprocess.run([str(BIN / "kiosk"), "sync", "--once", "--feed-url", feed_url, "--public-key",
                                 desk["public"], "--allow-insecure-http", "--data-dir", str(terminal)],
                                capture_output=True, text=True, timeout=120)
        assert synced.returncode == 0, synced.stdout + synced.stderr
    finally:
        site.shutdown()
        site.server_close()
    listed = subprocess.run([str(BIN / "kiosk"), "events", "--json", "--at", NEXT_MARKET, "--lang", "en",
                             "--data-dir", str(terminal)], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    events = json.loads(listed.stdout)
    market = [e for e in events if "Farmers market on Friedensplatz" in json.dumps(e, ensure_ascii=False)]
    assert market, listed.stdout[:2000]
    published = json.loads((desk["site"] / "feed.json").read_bytes())
    image = next(e for e in published["events"] if e["id"] == "bauernmarkt-friedensplatz")["image"]
    assert image["alt"]["en"] == "Market stalls with vegetables"
    assert (desk["site"] / image["url"]).read_bytes() == market_png()


def test_five_wrong_passwords_lock_the_login(desk, browser):
    page = browser.new_page(locale="en-GB")
    for _ in range(5):
        log_in(page, desk["url"], "paul", "wrong-password")
    log_in(page, desk["url"], "paul", "paul-secret-1")
    expect(page.locator(".errornote")).to_contain_text("locked until")
    page.close()
