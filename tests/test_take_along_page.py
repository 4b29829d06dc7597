"""The take-along page in a real headless Chromium: the demo feed's site served on 127.0.0.1 by
`kiosk-feed serve`'s server, map tiles from a local stub, routes read back from kiosk QR codes (zbar)."""
from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from kiosk.content import Content
from kiosk.directions import Wayfinder
from kiosk.share import qr_version, write_qr_png
from kiosk.takealong import content_security_policy, write_site
from sync import service
from sync.serve import FeedServer, start_in_thread
from tests.browser import TileStub, headless_chromium
from tests.conftest import REPO

START = datetime(2026, 11, 26, 17, 30, tzinfo=timezone(timedelta(hours=1)))  # a Thursday
STAIRS_PLACE = "u-reinoldikirche"  # the step-free way goes round by the lift
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def tiles():
    stub = TileStub()
    yield stub
    stub.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory, tiles):
    """The demo feed's site with the take-along page, its tiles from the stub, served on 127.0.0.1."""
    feed = json.loads((REPO / "assets" / "demo" / "feed.json").read_text(encoding="utf-8"))
    feed["share"]["tile_url"] = tiles.tile_url
    folder = tmp_path_factory.mktemp("site")
    write_site(feed, folder)
    server = FeedServer(folder, quiet=True)
    start_in_thread(server)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    service.ensure_demo_content(folder, now=START)
    opened = Content.open(folder)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as chromium:
        yield chromium


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.clock.set_fixed_time(START)  # "today" on the page is the test's day, never the real one
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    errors = []  # a Content-Security-Policy violation or a 404 (even the favicon's) shows up here
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == []
    assert context.cookies() == []
    context.close()


def scanned_route(content, site, tmp_path, place_id: str, lang: str, step_free: bool = False):
    """The route the terminal computes, its URL read back from the QR code the terminal draws."""
    finder = Wayfinder(content, share_page_url=site.url + "go/")
    place = content.place(place_id, START, lang)
    kiosk_id = content.kiosks()[0]["id"]
    directions = finder.from_kiosk(kiosk_id, (place.lat, place.lon), step_free=step_free, lang=lang,
                                   destination_id=place_id)
    codes = decode(Image.open(write_qr_png(directions.share_url, tmp_path / f"{lang}.png", box_size=8)))
    assert len(codes) == 1 and qr_version(directions.share_url) <= 6
    return place, directions, codes[0].data.decode("ascii")


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready=yes]")
    page.wait_for_load_state("networkidle")


def drawn_offsets_m(page, points) -> list[float]:
    """How far each expected point lies from the line Leaflet drew (its SVG path), in metres."""
    return page.evaluate("""(points) => {
        const map = window.takeAlong.map;
        const path = document.querySelector(".leaflet-overlay-pane path");
        const drawn = path.getAttribute("d").match(/-?[0-9.]+/g).map(Number);
        const xy = [];
        for (let i = 0; i < drawn.length; i += 2) xy.push([drawn[i], drawn[i + 1]]);
        const a = map.layerPointToLatLng([0, 0]), b = map.layerPointToLatLng([100, 0]);
        const metresPerPx = map.distance(a, b) / 100;
        return points.map(([lat, lon]) => {
            const p = map.latLngToLayerPoint([lat, lon]);
            let best = Infinity;
            for (let i = 1; i < xy.length; i++) {
                const [ax, ay] = xy[i - 1], [bx, by] = xy[i];
                const dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
                const t = len ? Math.max(0, Math.min(1, ((p.x - ax) * dx + (p.y - ay) * dy) / len)) : 0;
                best = Math.min(best, Math.hypot(p.x - ax - t * dx, p.y - ay - t * dy));
            }
            return best * metresPerPx;
        });
    }""", [list(p) for p in points])


@pytest.mark.parametrize("lang", ["de", "en", "ar"])
def test_a_scanned_route_opens_with_its_line_name_and_steps(phone, site, tiles, content, tmp_path, lang):
    place, directions, url = scanned_route(content, site, tmp_path, "buchhandlung-seitenwind", lang)
    open_page(phone, url)
    assert phone.inner_text("h1") == place.name
    assert phone.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    assert phone.get_attribute("html", "lang") == lang
    assert phone.locator("ol#steps > li").all_inner_texts() == directions.steps
    # The simplified line keeps every point of the terminal's route within a few metres.
    offsets = drawn_offsets_m(phone, directions.route.points)
    assert max(offsets) < 16, offsets
    today = {"de": "Heute", "en": "Today", "ar": "اليوم"}[lang]
    assert phone.inner_text("#hours") == f"{today}: \u206610:00–19:00\u2069"  # isolated: right way round in Arabic
    assert phone.inner_text("#start").endswith(content.kiosks()[0]["name"][lang])
    assert phone.evaluate("document.cookie") == "" and phone.evaluate("localStorage.length") == 0
    # Nothing but the page's own files and the map tiles.
    own = [u for u in phone.requests if u.startswith(site.url)]
    tile_requests = [u for u in phone.requests if u.startswith(tiles.origin + "/")]
    assert tile_requests and sorted(own + tile_requests) == sorted(phone.requests), phone.requests


def test_the_sign_name_address_and_map_app_links(phone, site, content, tmp_path):
    place, _, url = scanned_route(content, site, tmp_path, "adlerturm", "en")
    open_page(phone, url)
    assert phone.inner_text("#sign") == "On the sign: Adlerturm"
    assert phone.inner_text("#address") == "Ostwall 51a, 44135 Dortmund"
    links = dict(zip(phone.locator("#apps a").all_inner_texts(),
                     [a.get_attribute("href") for a in phone.locator("#apps a").all()]))
    end = f"{place.lat},{place.lon}"
    assert links["Map app on this phone"].startswith(f"geo:{end}?q={end}(")
    assert links["Apple Maps"].endswith(f"&daddr={end}&dirflg=w")
    assert links["Google Maps"].endswith(f"&destination={end}&travelmode=walking")
    assert "&type=pedestrian" in links["Organic Maps"] and links["OsmAnd"].endswith("&profile=pedestrian")


def test_step_free_route_says_so_and_lists_its_own_steps(phone, site, content, tmp_path):
    _, directions, url = scanned_route(content, site, tmp_path, STAIRS_PLACE, "de", step_free=True)
    open_page(phone, url)
    assert phone.inner_text("#step-free") == "Stufenlos: keine Treppen auf diesem Weg"
    assert phone.locator("ol#steps > li").all_inner_texts() == directions.steps


def test_a_destination_gone_from_a_later_feed_still_draws_its_line(phone, site, content, tmp_path):
    _, directions, url = scanned_route(content, site, tmp_path, "teehaus-samowar", "de")
    open_page(phone, url.replace("TEEHAUS-SAMOWAR", "NICHT-MEHR-DA"))
    assert phone.locator("ol#steps > li").count() == 0
    assert "nicht mehr" in phone.inner_text("#message")
    assert max(drawn_offsets_m(phone, directions.route.points)) < 16


def test_a_terminal_gone_from_a_later_feed_still_draws_the_line_without_asking_for_its_file(phone, site, content,
                                                                                          tmp_path):
    _, directions, url = scanned_route(content, site, tmp_path, "teehaus-samowar", "en")
    open_page(phone, url.replace("*REINOLDIKIRCHE*", "*ABGEBAUT*"))
    assert phone.inner_text("#start") == "Terminal"
    assert max(drawn_offsets_m(phone, directions.route.points)) < 16
    assert not [u for u in phone.requests if "/routes/" in u]


def test_a_language_without_its_own_words_falls_back_to_english(phone, site, content, tmp_path):
    place, _, url = scanned_route(content, site, tmp_path, "adlerturm", "en")
    open_page(phone, url.replace("*EN*", "*PT-BR*"))
    assert phone.inner_text("h1") == place.name and phone.get_attribute("html", "lang") == "en"


def test_a_broken_link_says_so(phone, site):
    open_page_broken = site.url + "go/#1N*DE*X*Y*!!"
    phone.goto(open_page_broken)
    phone.wait_for_selector("h1:not(:empty)")
    assert phone.inner_text("h1").startswith("This link holds no route")


def test_the_page_allows_only_its_own_files_and_the_tiles():
    policy = content_security_policy({"tile_url": "https://{s}.tile.example.org/{z}/{x}/{y}.png"})
    assert "default-src 'none'" in policy and "script-src 'self';" in policy
    assert "img-src 'self' data: https://*.tile.example.org;" in policy
    index = (REPO / "assets" / "share" / "page" / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="Content-Security-Policy" content="{{CSP}}">' in index
    assert "<script>" not in index and "style=" not in index


def test_readable_at_200_percent_zoom(browser, site, content, tmp_path):
    # 200 % zoom on a 390 px phone lays the page out 195 CSS px wide: nothing may need sideways scrolling.
    context = browser.new_context(viewport={"width": 195, "height": 422}, device_scale_factor=2)
    page = context.new_page()
    page.clock.set_fixed_time(START)
    _, _, url = scanned_route(content, site, tmp_path, "buchhandlung-seitenwind", "ar")
    open_page(page, url)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def test_every_route_file_names_each_place(site):
    root = Path(site.root) / "go" / "routes"
    files = sorted(p.name for p in root.iterdir())
    assert files == sorted(f"{k}.{lang}.json" for k in ("alter-markt", "reinoldikirche")
                           for lang in ("ar", "de", "en", "nl", "pl", "tr", "uk"))
    data = json.loads((root / "reinoldikirche.de.json").read_text(encoding="utf-8"))
    assert len(data["places"]) == 70 and all(math.isfinite(p["lat"]) for p in data["places"].values())
