"""What a QR code carries: the route or the place for the visitor's phone, and the QR itself.

With the feed's `share.page_url` (or the terminal's `share_page_url` setting) the route goes to the
take-along page (kiosk/takealong.py writes it) in the URL fragment; else URLs come from the `share`
templates, else OpenStreetMap's public walking directions. Every URL is made plain ASCII
(non-ASCII characters percent-encoded as UTF-8) because a QR code has no reliable way to say
"UTF-8" and scanners guess Shift-JIS or Latin-1 for such bytes.
"""
from __future__ import annotations

import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence
from urllib.parse import quote, urlsplit, urlunsplit

import qrcode
import qrcode.constants
from PIL import Image

from kiosk.wayfinding import encode_polyline

OSM_DIRECTIONS = ("https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot"
                  "&route={from_lat},{from_lon};{to_lat},{to_lon}")
# Above this a route URL needs a QR version past ~20 (97 modules), too fine for a phone at arm's length.
MAX_QR_URL_CHARS = 600
QUIET_ZONE_MODULES = 4
# Douglas-Peucker tolerances tried in turn, in metres, until the route URL is short enough.
SIMPLIFY_TOLERANCES_M = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0)

LatLon = tuple[float, float]

# The take-along fragment uses only QR alphanumeric characters, 5.5 bits each instead of 8 (docs/wayfinding.md).
FRAGMENT_VERSION = "1"
FRAGMENT_SEPARATOR = "*"
# A line value is base-21 digits, least significant first; a final digit comes from the second half.
LINE_DIGITS = "0123456789ABCDEFGHIJK"
LINE_FINAL_DIGITS = "LMNOPQRSTUVWXYZ$+-./:"
LINE_UNITS_PER_DEGREE = 100_000
# QR version 6 at error correction M: 49 modules with the quiet zone, 8 px each on the terminal.
TAKE_ALONG_MAX_QR_VERSION = 6
TAKE_ALONG_TOLERANCES_M = (2.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0, 32.0, 48.0, 64.0, 128.0)


def route_share_url(share: Mapping | None, *, from_lat: float, from_lon: float, to_lat: float,
                    to_lon: float, lang: str, points: Sequence[Sequence[float]] | None = None) -> str:
    """The route for the visitor's phone, its polyline simplified until the URL fits a QR code."""
    template = share.get("route_url") if isinstance(share, Mapping) else None
    coordinates = {"from_lat": _coordinate(from_lat), "from_lon": _coordinate(from_lon),
                   "to_lat": _coordinate(to_lat), "to_lon": _coordinate(to_lon)}
    if not isinstance(template, str) or not template:
        return _fill(OSM_DIRECTIONS, coordinates)
    values = dict(coordinates, lang=quote(lang, safe=""))
    line = [(float(p[0]), float(p[1])) for p in points or ()]
    if len(line) < 2:
        line = [(from_lat, from_lon), (to_lat, to_lon)]
    if "{polyline}" not in template:
        return _fill(template, values)
    for tolerance in (0.0, *SIMPLIFY_TOLERANCES_M):
        simplified = simplify(line, tolerance) if tolerance else line
        url = _fill(template, dict(values, polyline=quote(encode_polyline(simplified), safe="")))
        if len(url) <= MAX_QR_URL_CHARS:
            return url
    # Even a straight line is too long: the template itself is; the endpoints still show the way.
    return _fill(template, dict(values, polyline=quote(encode_polyline([line[0], line[-1]]), safe="")))


def take_along_url(page_url: str, *, kiosk_id: str, destination_id: str, lang: str, step_free: bool,
                   points: Sequence[Sequence[float]]) -> str:
    """The take-along page with the route in its fragment, simplified until it fits QR version 6."""
    if len(points) < 2:
        raise ValueError(f"A take-along route needs at least two points; got {len(points)}.")
    line = [(float(p[0]), float(p[1])) for p in points]
    head = FRAGMENT_SEPARATOR.join((FRAGMENT_VERSION + ("S" if step_free else "N"), lang, kiosk_id,
                                    destination_id)).upper()
    url = ""
    for tolerance in TAKE_ALONG_TOLERANCES_M:
        url = to_ascii_url(f"{page_url}#{head}{FRAGMENT_SEPARATOR}{encode_line(simplify(line, tolerance))}")
        if qr_version(url) <= TAKE_ALONG_MAX_QR_VERSION:
            return url
    # A straight line from the terminal to the door still shows the way; the page has the steps.
    return to_ascii_url(f"{page_url}#{head}{FRAGMENT_SEPARATOR}{encode_line([line[0], line[-1]])}")


def read_take_along_fragment(fragment: str) -> dict:
    """The route in a take-along fragment (what the page's go.js reads), for tests and tools."""
    parts = fragment.lstrip("#").split(FRAGMENT_SEPARATOR)
    if len(parts) != 5 or not parts[0].startswith(FRAGMENT_VERSION):
        raise ValueError(f"'{fragment}' is not a take-along fragment of format {FRAGMENT_VERSION}.")
    flags, lang, kiosk_id, destination_id, line = parts
    return {"step_free": flags.endswith("S"), "lang": lang.lower(), "kiosk_id": kiosk_id.lower(),
            "destination_id": destination_id.lower(), "points": decode_line(line)}


def encode_line(points: Sequence[LatLon]) -> str:
    """Points as zigzag deltas of 1e-5 degrees in QR alphanumeric digits (a polyline for QR codes)."""
    out, previous = [], (0, 0)
    for lat, lon in points:
        current = (round(lat * LINE_UNITS_PER_DEGREE), round(lon * LINE_UNITS_PER_DEGREE))
        for value, before in zip(current, previous):
            delta = value - before
            number = delta * 2 if delta >= 0 else -delta * 2 - 1
            while number >= len(LINE_DIGITS):
                number, digit = divmod(number, len(LINE_DIGITS))
                out.append(LINE_DIGITS[digit])
            out.append(LINE_FINAL_DIGITS[number])
        previous = current
    return "".join(out)


def decode_line(text: str) -> list[LatLon]:
    numbers, number, scale = [], 0, 1
    for char in text:
        if char in LINE_DIGITS:
            number += LINE_DIGITS.index(char) * scale
            scale *= len(LINE_DIGITS)
            continue
        if char not in LINE_FINAL_DIGITS:
            raise ValueError(f"'{char}' cannot be part of a take-along line ('{text}').")
        number += LINE_FINAL_DIGITS.index(char) * scale
        numbers.append(number // 2 if number % 2 == 0 else -(number + 1) // 2)
        number, scale = 0, 1
    if number or scale != 1 or len(numbers) % 2:
        raise ValueError(f"The take-along line '{text}' ends in the middle of a point.")
    points, lat, lon = [], 0, 0
    for dlat, dlon in zip(numbers[::2], numbers[1::2]):
        lat, lon = lat + dlat, lon + dlon
        points.append((lat / LINE_UNITS_PER_DEGREE, lon / LINE_UNITS_PER_DEGREE))
    return points


def place_share_url(share: Mapping | None, *, id: str, lat: float, lon: float, lang: str) -> str | None:
    """The place for the visitor's phone from the feed's `place_url`, None when the feed has none."""
    template = share.get("place_url") if isinstance(share, Mapping) else None
    if not isinstance(template, str) or not template:
        return None
    return _fill(template, {"id": quote(id, safe=""), "lat": _coordinate(lat), "lon": _coordinate(lon),
                            "lang": quote(lang, safe="")})


def event_share_url(event: Mapping) -> str | None:
    """An event shares its own `url` (https only, as feed v1 requires)."""
    url = event.get("url")
    if isinstance(url, str) and url.startswith("https://"):
        return to_ascii_url(url)
    return None


def to_ascii_url(url: str) -> str:
    """The URL with an IDNA host name and non-ASCII characters percent-encoded as UTF-8."""
    if url.isascii():
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    if not netloc.isascii() and parts.hostname:
        host = parts.hostname.encode("idna").decode("ascii")
        userinfo, _, hostport = netloc.rpartition("@")
        port = hostport[len(parts.hostname):] if hostport.lower().startswith(parts.hostname) else ""
        netloc = (userinfo + "@" if userinfo else "") + host + port
    keep = "!#$&'()*+,/:;=?@[]~%"
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe=keep), quote(parts.query, safe=keep),
                       quote(parts.fragment, safe=keep)))


def simplify(points: Sequence[LatLon], tolerance_m: float) -> list[LatLon]:
    """Douglas-Peucker: drop points closer than tolerance_m to the line through their neighbours."""
    if len(points) < 3:
        return list(points)
    lat0 = sum(p[0] for p in points) / len(points)
    ky = math.pi / 180 * 6_371_008.8
    kx = ky * math.cos(math.radians(lat0))
    xy = [(lon * kx, lat * ky) for lat, lon in points]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = xy[first], xy[last]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = xy[i]
            if norm:
                d = abs(dx * (py - ay) - dy * (px - ax)) / norm
            else:
                d = math.hypot(px - ax, py - ay)
            if d > worst:
                worst, index = d, i
        if index >= 0 and worst > tolerance_m:
            keep[index] = True
            stack.extend(((first, index), (index, last)))
    return [p for p, k in zip(points, keep) if k]


@lru_cache(maxsize=64)
def qr_matrix(text: str, min_version: int = 1) -> tuple[tuple[bool, ...], ...]:
    """The QR code's modules (True is dark), quiet zone of 4 included; error correction M.

    `min_version` pads a shorter text to that version, so a screen's code keeps one size."""
    if not text:
        raise ValueError("A QR code needs some text to carry; got an empty string.")
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE_MODULES)
    code.add_data(text)
    code.make(fit=True)
    if code.version < min_version:
        # A fresh code: the fitted one keeps its codewords cached for the smaller version.
        code = qrcode.QRCode(version=min_version, error_correction=qrcode.constants.ERROR_CORRECT_M,
                             border=QUIET_ZONE_MODULES)
        code.add_data(text)
        code.make(fit=False)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def qr_version(text: str) -> int:
    """The QR version (1-40) that carries `text` at error correction M."""
    return (len(qr_matrix(text)) - 2 * QUIET_ZONE_MODULES - 17) // 4


def qr_image(text: str, *, box_size: int = 10) -> Image.Image:
    """The QR code as a black-on-white image, box_size pixels per module."""
    if box_size < 1:
        raise ValueError(f"A QR module needs at least one pixel, got box_size={box_size}.")
    matrix = qr_matrix(text)
    size = len(matrix)
    image = Image.new("L", (size, size))
    image.putdata([0 if dark else 255 for row in matrix for dark in row])
    return image.resize((size * box_size, size * box_size), Image.Resampling.NEAREST)


def write_qr_png(text: str, path: str | os.PathLike, *, box_size: int = 10) -> Path:
    """Write the QR code of `text` as a PNG (for `kiosk qr TEXT OUT.png`)."""
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    qr_image(text, box_size=box_size).save(partial, format="PNG")
    os.replace(partial, target)  # never leave a half-written image where a printer might pick it up
    return target


def _coordinate(value: float) -> str:
    # 5 decimals (about 1 m) keep OpenStreetMap's directions link at 105 characters: QR version 6.
    return f"{float(value):.5f}"


def _fill(template: str, values: Mapping[str, str]) -> str:
    # Plain replacement, not str.format: a template may hold other braces, which stay as they are.
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return to_ascii_url(template)
