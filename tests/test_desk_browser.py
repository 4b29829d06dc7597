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
    editor.select_option("#desk-kiosk", "alter-markt")  # drawn as the terminal at the Alter Markt shows it
    editor.uncheck("input[name=screen][value=home]")
    editor.click("#desk-preview-show")
    expect(editor.locator("#desk-screens img")).to_have_count(1)
    expect(editor.locator("#desk-screens figcaption")).to_contain_text("alter-markt")
    expect(editor.locator("#desk-diff")).to_contain_text("Event added: Bauernmarkt auf dem Friedensplatz")
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


def csp_violations(page) -> list[str]:
    """Console messages of Content-Security-Policy refusals on `page`, collected from now on."""
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text) if "Content Security Policy" in message.text
            else None)
    return found


def field_error(page, field: str):
    """The error list Django's admin shows in the row of `field`."""
    return page.locator(f".form-row.field-{field} .errorlist, .fieldBox.field-{field} .errorlist")


def test_bad_input_gets_a_message_at_the_field(desk, browser):
    url = desk["url"]
    editor = browser.new_page(locale="en-GB")
    refused = csp_violations(editor)
    log_in(editor, url, "erika", "erika-secret-1")
    editor.goto(url + "/admin/content/event/add/")  # a rule the terminal could not repeat
    editor.fill("#id_feed_id", "kaputte-regel")
    editor.fill("#id_title_0", "Regel mit Fehler")
    editor.fill("#id_start_0", "2026-12-05")
    editor.fill("#id_start_1", "08:00:00")
    editor.select_option("#id_repeat", "CUSTOM")
    editor.fill("#id_rrule", "FREQ=WEEKLY;BYDAY=XX")
    editor.click("input[name=_save]")
    expect(field_error(editor, "rrule")).to_contain_text("recurrence rule")
    editor.fill("#id_rrule", "")  # an image over the feed's limit, on the same form
    editor.select_option("#id_repeat", "")
    big = market_png()[:-12] + b"\0" * (2 * 1024 * 1024) + market_png()[-12:]
    editor.set_input_files("#id_image_file", files=[{"name": "riesig.png", "mimeType": "image/png", "buffer": big}])
    editor.fill("#id_image_alt_0", "Ein sehr großes Bild")
    editor.click("input[name=_save]")
    expect(field_error(editor, "image_file")).to_contain_text("over the limit")
    editor.goto(url + "/admin/content/campaign/add/")  # a campaign that ends before it starts
    editor.fill("#id_feed_id", "rueckwaerts")
    editor.fill("#id_title_0", "Rückwärts")
    editor.select_option("#id_place_ids", "buchhandlung-seitenwind")
    editor.fill("#id_valid_from_0", "2026-12-10")
    editor.fill("#id_valid_from_1", "10:00:00")
    editor.fill("#id_valid_until_0", "2026-12-01")
    editor.fill("#id_valid_until_1", "10:00:00")
    editor.click("input[name=_save]")
    expect(field_error(editor, "valid_until")).to_contain_text("ends before it starts")
    editor.goto(url + "/admin/content/placeoverlay/?q=buchhandlung-seitenwind")  # hours that do not parse
    editor.click("text=buchhandlung-seitenwind")
    editor.fill("#id_opening_hours", "Mo-Fr 10:00-19:00; Sa 25:00-18:00")
    editor.click("input[name=_save]")
    expect(field_error(editor, "opening_hours")).to_contain_text("opening_hours")
    editor.goto(url + "/admin/content/page/?q=help")  # a help contact's number and hours, checked at the field
    editor.click("#result_list a:text-is('help')")
    editor.fill("#id_contacts-1-phone", "110 oder so")
    editor.fill("#id_contacts-1-hours", "immer")
    editor.click("input[name=_save]")
    expect(editor.locator(".field-phone .errorlist")).to_contain_text("phone number")
    expect(editor.locator(".field-hours .errorlist")).to_contain_text("opening_hours")
    assert not refused, refused  # the strict Content-Security-Policy refused nothing the pages need
    editor.close()


def test_an_editor_changes_a_help_contact_in_every_language(desk, browser):
    url = desk["url"]
    editor = browser.new_page(locale="en-GB")
    log_in(editor, url, "erika", "erika-secret-1")
    editor.goto(url + "/admin/content/page/?q=help")
    editor.click("#result_list a:text-is('help')")
    expect(editor.locator("#id_contacts-1-phone")).to_have_value("110")
    editor.fill("#id_contacts-1-note_1", "free, day and night")
    editor.click("#contacts-group .add-row a")  # a new contact below the others
    editor.fill("#id_contacts-16-position", "99")
    editor.fill("#id_contacts-16-name_0", "Frauennotruf Dortmund")
    editor.fill("#id_contacts-16-name_1", "Women's emergency line Dortmund")
    editor.fill("#id_contacts-16-phone", "0231 52 10 08")
    editor.fill("#id_contacts-16-hours", "Mo-Fr 10:00-18:00")
    editor.click("input[name=_save]")
    expect(editor.locator(".messagelist")).to_contain_text("help")
    editor.close()
    publisher = browser.new_page(locale="en-GB")
    log_in(publisher, url, "paul", "paul-secret-1")
    publisher.goto(url + "/admin/publish/")
    expect(publisher.locator("#desk-diff")).to_contain_text("Help page changed: Hilfe & Sicherheit (help)")
    publisher.click("#desk-publish")
    expect(publisher.locator(".messagelist")).to_contain_text("Published sequence")
    publisher.close()
    help_page = next(p for p in json.loads((desk["site"] / "feed.json").read_bytes())["pages"] if p["id"] == "help")
    police = next(c for c in help_page["contacts"] if c.get("phone") == "110")
    assert police["note"]["en"] == "free, day and night" and police["note"]["de"] == "kostenlos, rund um die Uhr"
    assert help_page["contacts"][-1] == {"name": {"de": "Frauennotruf Dortmund", "en": "Women's emergency line Dortmund"},
                                         "phone": "0231 52 10 08", "hours": "Mo-Fr 10:00-18:00"}


def test_an_admin_puts_a_kiosk_on_the_map_and_turns_it(desk, browser):
    url = desk["url"]
    admin = browser.new_page(locale="en-GB", viewport={"width": 1280, "height": 1000})
    refused = csp_violations(admin)
    log_in(admin, url, "admin", desk["admin_password"])
    admin.goto(url + "/admin/content/kiosk/?q=alter-markt")
    admin.click("text=alter-markt")
    expect(admin.locator("#desk-kiosk-map[data-ready='1']")).to_have_count(1)
    assert admin.locator("#desk-kiosk-map path.leaflet-interactive").count() > 50  # the city's own streets
    lat, lon = float(admin.input_value("#id_lat")), float(admin.input_value("#id_lon"))
    pin = admin.locator(".desk-kiosk-pin").bounding_box()
    admin.mouse.move(pin["x"] + pin["width"] / 2, pin["y"] + pin["height"] / 2)
    admin.mouse.down()
    admin.mouse.move(pin["x"] + pin["width"] / 2 + 60, pin["y"] + pin["height"] / 2 - 40, steps=8)
    admin.mouse.up()
    moved_lat, moved_lon = float(admin.input_value("#id_lat")), float(admin.input_value("#id_lon"))
    assert moved_lat > lat and moved_lon > lon  # up and to the right: north-east
    here = admin.locator(".desk-kiosk-pin").bounding_box()
    centre = (here["x"] + here["width"] / 2, here["y"] + here["height"] / 2)
    aim = admin.locator(".desk-kiosk-aim").bounding_box()
    admin.mouse.move(aim["x"] + aim["width"] / 2, aim["y"] + aim["height"] / 2)
    admin.mouse.down()
    admin.mouse.move(centre[0], centre[1] + 80, steps=8)  # straight below the pin: the screen faces south
    admin.mouse.up()
    assert abs(float(admin.input_value("#id_heading")) - 180) <= 2
    admin.fill("#id_heading", "270")  # typed: the blue dot follows to the west
    aim = admin.locator(".desk-kiosk-aim").bounding_box()
    assert aim["x"] + aim["width"] / 2 < centre[0] - 30
    admin.click("input[name=_save]")
    expect(admin.locator(".messagelist")).to_contain_text("alter-markt")
    admin.goto(url + "/admin/content/kiosk/?q=alter-markt")
    expect(admin.locator("#result_list")).to_contain_text("270")
    assert not refused, refused
    admin.close()


def test_five_wrong_passwords_lock_the_login(desk, browser):
    page = browser.new_page(locale="en-GB")
    for _ in range(5):
        log_in(page, desk["url"], "paul", "wrong-password")
    log_in(page, desk["url"], "paul", "paul-secret-1")
    expect(page.locator(".errornote")).to_contain_text("locked until")
    page.close()
