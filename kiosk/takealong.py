"""The take-along page: what a visitor's phone opens from a route's QR code (docs/wayfinding.md).

`write_site(feed, site_dir)` writes site_dir/go/: the static page (assets/share/page), the vendored
Leaflet (assets/share/vendor), site.json (tiles, the page's words in every UI language) and one
routes/<kiosk>.<lang>.json per terminal and language: the destinations' names, addresses and
hours, and the steps the terminal says, made by the terminal's own code so both say the same.

    python -m kiosk.takealong FEED.json SITE_DIR      # what `kiosk-feed build` runs
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from kiosk import formatting, hours
from kiosk.config import UI_LOCALES
from kiosk.i18n import is_right_to_left, localized, translator
from kiosk.route_steps import describe_route
from kiosk.wayfinding import EmptyNetworkError, WalkingNetwork

SOURCES = Path(__file__).resolve().parent.parent / "assets" / "share"
# Opening hours for a year from the feed's generated_at: a published feed is never that old.
HOURS_DAYS = 366


def write_site(feed: dict, site_dir: str | os.PathLike) -> Path:
    """Write the take-along page for `feed` into site_dir/go/ (replacing an older one) and return it."""
    target = Path(site_dir) / "go"
    partial = target.with_name("go.partial")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(SOURCES / "page", partial)
    shutil.copytree(SOURCES / "vendor", partial / "vendor")
    share = feed.get("share") or {}
    index = partial / "index.html"
    index.write_text(index.read_text(encoding="utf-8").replace("{{CSP}}", content_security_policy(share)),
                     encoding="utf-8")
    _write_json(partial / "site.json", site_settings(feed))
    routes = partial / "routes"
    routes.mkdir()
    for kiosk_id, lang, data in kiosk_routes(feed):
        _write_json(routes / f"{kiosk_id}.{lang}.json", data)
    old = target.with_name("go.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    partial.rename(target)  # the page and its data change together
    shutil.rmtree(old, ignore_errors=True)
    return target


def content_security_policy(share: dict) -> str:
    """Only the page's own files and the tile server: no other request, no inline script."""
    tiles = ""
    if isinstance(share.get("tile_url"), str):
        parts = urlsplit(share["tile_url"])
        tiles = " " + f"{parts.scheme}://{parts.netloc}".replace("{s}", "*")
    return ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            f"img-src 'self' data:{tiles}; base-uri 'none'; form-action 'none'")


def site_settings(feed: dict) -> dict:
    """What every route needs: tiles, the city's languages and time zone, the page's own words."""
    city, share = feed["city"], feed.get("share") or {}
    default = city["default_locale"]
    return {
        "default_locale": default,
        "kiosks": sorted(k["id"] for k in feed["kiosks"]),  # so the page never asks for a file that is not there
        "timezone": city["timezone"],
        "tile_url": share.get("tile_url") or "",
        "attribution": {lang: localized(share.get("tile_attribution"), lang, default) for lang in UI_LOCALES},
        "words": {lang: page_words(lang) for lang in UI_LOCALES},
    }


def page_words(lang: str) -> dict:
    """The page's own words in `lang`, from the terminal's gettext catalogs."""
    _ = translator(lang).gettext
    return {
        "dir": "rtl" if is_right_to_left(lang) else "ltr",
        "title": _("Your way from the terminal"),
        "start": _("Start: terminal {name}"),
        "terminal": _("Terminal"),
        "sign": _("On the sign: {name}"),
        "today": _("Today"),
        "steps": _("Step by step"),
        "step_free": _("Step-free: no steps on this way"),
        "apps": _("Open in your maps app"),
        "geo": _("Map app on this phone"),
        "map": _("Map of the way"),
        "gone": _("This place is no longer listed."),
        "no_steps": _("The steps are not available any more; the map still shows the way."),
        "broken": _("This link holds no route. Please scan the code on the terminal again."),
    }


def kiosk_routes(feed: dict):
    """(kiosk id, lang, data) for every terminal and UI language: destinations and their steps."""
    city = feed["city"]
    default, tz = city["default_locale"], ZoneInfo(city["timezone"])
    network = WalkingNetwork.from_feature_collection(feed["map"])
    first_day = datetime.fromisoformat(feed["generated_at"]).astimezone(tz).date()
    week = {p["id"]: place_hours(p.get("opening_hours"), first_day, city) for p in feed["places"]}
    for kiosk in feed["kiosks"]:
        routes = {}
        for step_free in (False, True):
            try:
                tree = network.tree_from(network.attach(kiosk["lat"], kiosk["lon"], step_free=step_free),
                                         step_free=step_free)
            except EmptyNetworkError:
                continue
            for place in feed["places"]:
                route = tree.route_to(network.attach(place["lat"], place["lon"], step_free=step_free))
                if route is not None:
                    routes.setdefault(place["id"], {})[step_free] = route
        for lang in UI_LOCALES:
            places = {}
            for place in feed["places"]:
                entry = {"name": localized(place["name"], lang, default),
                         "sign": localized(place["name"], default, default),
                         "lat": place["lat"], "lon": place["lon"], "address": place.get("address") or ""}
                if week[place["id"]] is not None:
                    entry["hours"] = hours_texts(week[place["id"]], lang, tz)
                for step_free, route in routes.get(place["id"], {}).items():
                    entry["step_free_steps" if step_free else "steps"] = describe_route(route, lang,
                                                                                       default_locale=default)
                places[place["id"]] = entry
            yield kiosk["id"], lang, {"kiosk": localized(kiosk["name"], lang, default),
                                      "hours_from": first_day.isoformat(), "places": places}


def place_hours(value: str | None, first_day: date, city: dict) -> dict | None:
    """A year of one place's hours as the usual week (Monday first) and the days that differ."""
    if not value:
        return None
    days = {}
    try:
        for offset in range(HOURS_DAYS):
            day = first_day + timedelta(days=offset)
            days[day] = tuple((a, b) for a, b, state in hours.intervals_on(
                value, day, timezone=city["timezone"], country=city["country"],
                subdivision=city.get("subdivision")) if state == "open")
    except hours.OpeningHoursError:
        return None
    usual = [Counter(_clock(v) for d, v in days.items() if d.weekday() == w).most_common(1)[0][0]
             for w in range(7)]
    exceptions = {d: v for d, v in days.items() if _clock(v) != usual[d.weekday()]}
    examples = [next(v for d, v in days.items() if d.weekday() == w and _clock(v) == usual[w]) for w in range(7)]
    return {"week": examples, "exceptions": exceptions}


def hours_texts(week: dict, lang: str, tz) -> dict:
    return {"week": [formatting.intervals_text(v, lang, tz) for v in week["week"]],
            "days": {d.isoformat(): formatting.intervals_text(v, lang, tz) for d, v in week["exceptions"].items()}}


def _clock(intervals) -> tuple:
    # Compared by wall-clock time, so the same hours on another date count as the same.
    return tuple((a.strftime("%H:%M"), b.strftime("%H:%M")) for a, b in intervals)


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m kiosk.takealong FEED.json SITE_DIR", file=sys.stderr)
        return 2
    feed_path, site_dir = Path(args[0]), Path(args[1])
    try:
        feed = json.loads(feed_path.read_text(encoding="utf-8"))
        target = write_site(feed, site_dir)
    except (OSError, ValueError, KeyError) as exc:
        print(f"Cannot write the take-along page for {feed_path} into {site_dir}: {exc}", file=sys.stderr)
        return 1
    print(f"wrote the take-along page {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
