"""Share URLs and the QR codes that carry them, read back with a real QR decoder (zbar)."""
from __future__ import annotations

from urllib.parse import unquote

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from kiosk.share import (
    MAX_QR_URL_CHARS,
    event_share_url,
    place_share_url,
    decode_line,
    encode_line,
    qr_matrix,
    qr_version,
    read_take_along_fragment,
    route_share_url,
    simplify,
    take_along_url,
    to_ascii_url,
    write_qr_png,
)
from kiosk.wayfinding import decode_polyline, encode_polyline

SHARE = {
    "route_url": "https://wege.dortmund.de/r?from={from_lat},{from_lon}&to={to_lat},{to_lon}"
                 "&lang={lang}&p={polyline}",
    "place_url": "https://wege.dortmund.de/ort/{id}?at={lat},{lon}&lang={lang}",
}
KIOSK = dict(from_lat=51.5140123, from_lon=7.4652, to_lat=51.51703, to_lon=7.46051)
ROUTE = [(51.5140123, 7.4652), (51.51452, 7.46483), (51.51511, 7.46402), (51.51703, 7.46051)]


def scanned(path) -> str:
    results = decode(Image.open(path))
    assert len(results) == 1
    return results[0].data.decode("utf-8")


def test_route_url_fills_every_placeholder():
    url = route_share_url(SHARE, **KIOSK, lang="tr", points=ROUTE)
    polyline = "".join(url.split("&p=")[1])
    assert url.startswith("https://wege.dortmund.de/r?from=51.51401,7.46520&to=51.51703,7.46051&lang=tr&p=")
    assert decode_polyline(unquote(polyline)) == [(round(a, 5), round(b, 5)) for a, b in ROUTE]
    assert "|" not in polyline and "`" not in polyline and "\\" not in polyline


def test_without_share_the_openstreetmap_walking_directions():
    expected = ("https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot"
                "&route=51.51401,7.46520;51.51703,7.46051")
    assert route_share_url(None, **KIOSK, lang="de", points=ROUTE) == expected
    assert route_share_url({"place_url": SHARE["place_url"]}, **KIOSK, lang="de", points=ROUTE) == expected


def test_the_public_directions_link_fits_qr_version_6_anywhere_in_the_city():
    # 5 decimals: with 6 the same link needed version 7, past the route screen's fixed size.
    url = route_share_url(None, from_lat=51.519999, from_lon=7.499999, to_lat=51.500001, to_lon=7.400001,
                          lang="de")
    assert url.endswith("&route=51.52000,7.50000;51.50000,7.40000") and qr_version(url) <= 6


def test_a_long_route_is_simplified_until_the_url_fits_a_qr_code():
    # A wiggly 4 km walk: thousands of points, far too many for a QR code.
    wiggly = [(51.50 + i * 1e-5, 7.45 + (i % 7) * 2e-5) for i in range(3000)]
    url = route_share_url(SHARE, **KIOSK, lang="de", points=wiggly)
    assert len(url) <= MAX_QR_URL_CHARS
    points = decode_polyline(unquote(url.split("&p=")[1]))
    assert points[0] == (51.5, 7.45) and points[-1] == (round(wiggly[-1][0], 5), round(wiggly[-1][1], 5))


def test_douglas_peucker_keeps_corners_and_drops_points_on_a_straight_line():
    straight_then_corner = [(51.5, 7.45), (51.5, 7.451), (51.5, 7.452), (51.501, 7.452)]
    assert simplify(straight_then_corner, 1.0) == [(51.5, 7.45), (51.5, 7.452), (51.501, 7.452)]
    assert simplify(straight_then_corner, 1000.0) == [(51.5, 7.45), (51.501, 7.452)]


def test_place_url_and_event_url():
    assert place_share_url(SHARE, id="buchhandlung-krueger", lat=51.5151, lon=7.4633, lang="en") == \
        "https://wege.dortmund.de/ort/buchhandlung-krueger?at=51.51510,7.46330&lang=en"
    assert place_share_url(None, id="x", lat=0, lon=0, lang="en") is None
    assert place_share_url({"route_url": SHARE["route_url"]}, id="x", lat=0, lon=0, lang="en") is None
    assert event_share_url({"url": "https://www.dortmund.de/weihnachtsmarkt"}) == \
        "https://www.dortmund.de/weihnachtsmarkt"
    assert event_share_url({"url": "http://insecure.example"}) is None
    assert event_share_url({}) is None


def test_non_ascii_urls_become_plain_ascii():
    assert to_ascii_url("https://stadtführung.de/straße?q=Kampstraße#ü") == \
        "https://xn--stadtfhrung-yhb.de/stra%C3%9Fe?q=Kampstra%C3%9Fe#%C3%BC"
    share = {"place_url": "https://www.dortmund.de/orte/{id}/größe?lang={lang}"}
    assert place_share_url(share, id="rathaus", lat=1, lon=2, lang="de") == \
        "https://www.dortmund.de/orte/rathaus/gr%C3%B6%C3%9Fe?lang=de"


@pytest.mark.parametrize("url", [
    route_share_url(SHARE, **KIOSK, lang="de", points=ROUTE),
    route_share_url(SHARE, **KIOSK, lang="de", points=[(51.50 + i * 1e-5, 7.45 + (i % 7) * 2e-5)
                                                      for i in range(3000)]),
    place_share_url(SHARE, id="reinoldikirche", lat=51.51393, lon=7.46626, lang="ar"),
    route_share_url(None, **KIOSK, lang="de", points=ROUTE),
    place_share_url({"place_url": "https://www.dortmund.de/orte/{id}/größe?name=Kampstraße"},
                    id="rathaus", lat=1, lon=2, lang="de"),
], ids=["route", "long-route", "place", "osm-fallback", "non-ascii"])
def test_the_png_scans_back_to_exactly_the_url(url, tmp_path):
    path = write_qr_png(url, tmp_path / "share.png")
    assert scanned(path) == url


def test_non_latin_text_scans_back_as_utf8(tmp_path):
    # Cyrillic and Arabic UTF-8 bytes are unambiguous for scanners; Latin umlauts are not (see docs).
    text = "https://www.dortmund.de/?q=Кампштрасе&ar=مرحبا"
    assert scanned(write_qr_png(text, tmp_path / "text.png", box_size=4)) == text


def test_qr_matrix_has_the_quiet_zone_and_is_cached():
    matrix = qr_matrix("https://www.dortmund.de/")
    assert qr_matrix("https://www.dortmund.de/") is matrix
    size = len(matrix)
    assert all(len(row) == size for row in matrix)
    assert (size - 8 - 21) % 4 == 0  # versions grow by 4 modules from 21, plus 2 × 4 quiet modules
    border = [matrix[r][c] for r in range(size) for c in range(size)
              if min(r, c) < 4 or max(r, c) >= size - 4]
    assert not any(border)
    assert matrix[4][4] and matrix[4][size - 5]  # finder pattern corners right after the quiet zone


def test_write_qr_png_scales_modules_and_leaves_no_partial_file(tmp_path):
    path = write_qr_png("https://www.dortmund.de/", tmp_path / "out.png", box_size=3)
    assert Image.open(path).size == (len(qr_matrix("https://www.dortmund.de/")) * 3,) * 2
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]
    with pytest.raises(ValueError, match="empty"):
        qr_matrix("")


def test_polyline_precision_five_is_what_the_template_expects():
    assert encode_polyline([(51.514, 7.4652)]) == encode_polyline([(51.5140049, 7.4652049)])


PAGE = "https://www.dortmund.de/kiosk/go/"


def test_take_along_fragment_round_trips_and_stays_qr_alphanumeric():
    url = take_along_url(PAGE, kiosk_id="alter-markt", destination_id="buchhandlung-seitenwind", lang="ar",
                         step_free=True, points=ROUTE)
    page, _, fragment = url.partition("#")
    assert page == PAGE
    assert set(fragment) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    route = read_take_along_fragment(fragment)
    assert route == {"step_free": True, "lang": "ar", "kiosk_id": "alter-markt",
                     "destination_id": "buchhandlung-seitenwind",
                     "points": [(round(a, 5), round(b, 5)) for a, b in ROUTE]}


def test_line_encoding_handles_negative_and_large_steps():
    points = [(-33.86882, 151.20929), (51.51401, 7.4652), (51.51401, 7.4652), (0.0, -0.00001)]
    assert decode_line(encode_line(points)) == points
    with pytest.raises(ValueError, match="middle of a point"):
        decode_line(encode_line(points)[:-1])


def test_a_long_route_is_simplified_until_the_take_along_code_is_version_6():
    wiggly = [(51.50 + i * 1e-5, 7.45 + (i % 7) * 2e-5) for i in range(3000)]
    url = take_along_url(PAGE, kiosk_id="reinoldikirche", destination_id="a" * 30, lang="uk", step_free=False,
                         points=wiggly)
    assert qr_version(url) <= 6
    points = read_take_along_fragment(url.split("#")[1])["points"]
    assert points[0] == (51.5, 7.45) and points[-1] == (round(wiggly[-1][0], 5), round(wiggly[-1][1], 5))


def test_the_take_along_code_scans_back_to_exactly_the_url(tmp_path):
    url = take_along_url(PAGE, kiosk_id="reinoldikirche", destination_id="teehaus-samowar", lang="de",
                         step_free=False, points=ROUTE)
    assert scanned(write_qr_png(url, tmp_path / "go.png", box_size=4)) == url


def test_a_short_text_padded_to_version_6_still_scans(tmp_path):
    from PIL import ImageOps

    url = "https://www.dortmund.de/"
    matrix = qr_matrix(url, 6)
    assert len(matrix) == 49 and len(qr_matrix(url)) < 49
    image = Image.new("L", (49, 49))
    image.putdata([0 if dark else 255 for row in matrix for dark in row])
    image = ImageOps.scale(image, 8, resample=Image.Resampling.NEAREST)
    assert [c.data.decode("ascii") for c in decode(image)] == [url]
