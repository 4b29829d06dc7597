"""The CSV overlay: a spreadsheet that adds facts to places (by OSM id, id or name) or adds places.

Columns (all optional except what a new place needs): osm_id, id, kind, category, lat, lon,
name_<lang>, description_<lang>, address, opening_hours, owner_run, labels (separated by ';'),
wheelchair, website, phone, image (a local JPEG/PNG path), image_alt_<lang>.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

from sync.build.common import (
    ID_RE, PLACE_KINDS, WHEELCHAIR_VALUES, SourceError, fold, make_text, merge_text, opening_hours_problem,
    slug, text_values, unique_id, website_problem,
)
from sync.build.images import ImageFiles
from sync.build.report import BuildReport

_OSM_ID = re.compile(r"^(?:osm-)?(?:(n|w|r)|(node|way|relation)[/ ]?)(\d+)$", re.IGNORECASE)
_TRUE = {"true", "yes", "1", "ja", "y"}
_FALSE = {"false", "no", "0", "nein", "n"}
_PLAIN_FIELDS = ("category", "address", "phone")
_AMBIGUOUS: dict = {"ambiguous": True}  # a row that names several places: neither update nor add


def read_rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path} is not UTF-8 text (byte {exc.start}); save the spreadsheet as CSV UTF-8") from None
    except csv.Error as exc:
        raise SourceError(f"{path} is not a readable CSV file: {exc}") from None
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None


def apply_overlay(path: Path, places: list[dict], *, locales: list[str], default_locale: str,
                  images: ImageFiles, report: BuildReport) -> list[dict]:
    """`places` with the CSV's facts applied, plus the places its unmatched rows add."""
    rows = read_rows(path)
    by_id = {place["id"]: place for place in places}
    by_name: dict[str, list[dict]] = {}
    for place in places:
        for name in set(text_values(place.get("name"), default_locale).values()):
            by_name.setdefault(fold(name), []).append(place)
    taken = set(by_id)
    updated = added = 0
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        where = f"{path.name} line {number}"
        target = _match(row, by_id, by_name, default_locale, where, report)
        if target is _AMBIGUOUS:
            continue
        if target is not None:
            if _matched_by_name(row, target):
                row = {**row, f"name_{default_locale}": ""}  # the name was the key, not a new spelling
                keys = ", ".join(f"{key} {row[key]!r}" for key in ("osm_id", "id") if row.get(key))
                if keys:
                    report.check("CSV rows matched by name because their osm_id or id matched no place",
                                 f"{where}: {keys} → {target['id']}")
            _apply_row(target, row, locales, default_locale, images, path.parent, report, where)
            updated += 1
            continue
        place = _new_place(row, locales, default_locale, taken, report, where)
        if place is None:
            continue
        _apply_row(place, row, locales, default_locale, images, path.parent, report, where)
        places.append(place)
        by_id[place["id"]] = place
        added += 1
        keys = ", ".join(f"{key} {row[key]!r}" for key in ("osm_id", "id", f"name_{default_locale}") if row.get(key))
        report.check("CSV rows that matched no place by osm_id, id or name (added as new places)",
                     f"{where}: {keys} → {place['id']}")
    report.source(f"places CSV {path}: {len(rows)} rows, {updated} matched existing places, {added} added places")
    return places


def _match(row, by_id, by_name, default_locale, where, report) -> dict | None:
    osm = row.get("osm_id", "")
    if osm:
        place_id = _osm_place_id(osm)
        if place_id is None:
            report.drop("CSV osm_id values that are not like n123, w456 or node/123", f"{where}: {osm!r}")
        elif place_id in by_id:
            return by_id[place_id]
    if row.get("id") and row["id"] in by_id:
        return by_id[row["id"]]
    name = row.get(f"name_{default_locale}", "")
    candidates = by_name.get(fold(name), []) if name else []
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        report.drop("CSV rows whose name matches several places (give osm_id or id)",
                    f"{where}: {name!r} matches {', '.join(p['id'] for p in candidates[:5])}")
        return _AMBIGUOUS
    return None


def _matched_by_name(row: dict[str, str], place: dict) -> bool:
    return _osm_place_id(row.get("osm_id", "")) != place["id"] and row.get("id") != place["id"]


def _osm_place_id(value: str) -> str | None:
    """The feed id of an OSM place written as n123, w456, node/123 or osm-n123; None when unreadable."""
    match = _OSM_ID.match(value.replace(" ", ""))
    if not match:
        return None
    return f"osm-{(match.group(1) or match.group(2)[0]).lower()}{match.group(3)}"


def _new_place(row, locales, default_locale, taken, report, where) -> dict | None:
    name = make_text({loc: row.get(f"name_{loc}", "") for loc in locales}, default_locale)
    missing = [key for key in ("lat", "lon", "kind") if not row.get(key)]
    if name is None or default_locale not in text_values(name, default_locale):
        missing.append(f"name_{default_locale}")
    if missing:
        report.drop("CSV rows that match no place and cannot add one",
                    f"{where}: missing {', '.join(missing)}")
        return None
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except ValueError:
        report.drop("CSV rows that match no place and cannot add one", f"{where}: lat/lon are not numbers")
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        report.drop("CSV rows that match no place and cannot add one", f"{where}: lat/lon out of range")
        return None
    if row["kind"] not in PLACE_KINDS:
        report.drop("CSV rows that match no place and cannot add one",
                    f"{where}: kind {row['kind']!r} is not one of {', '.join(sorted(PLACE_KINDS))}")
        return None
    wanted = row.get("id") or slug(text_values(name, default_locale)[default_locale], "place")
    if not ID_RE.match(wanted):
        report.drop("CSV ids that do not match the feed's id pattern (a slug of the name was used)",
                    f"{where}: {wanted!r}")
        wanted = slug(wanted, "place")
    place_id = unique_id(wanted, taken)
    if row.get("id") and place_id != row["id"]:
        report.note(f"{where}: the id {row['id']} is used twice; this row became {place_id}")
    return {"id": place_id, "kind": row["kind"], "lat": lat, "lon": lon, "name": name}


def _apply_row(place, row, locales, default_locale, images, source_dir, report, where) -> None:
    owner = f"{place['id']} ({where})"
    if row.get("kind"):
        if row["kind"] in PLACE_KINDS:
            place["kind"] = row["kind"]
        else:
            report.drop("CSV values that are not valid (left out)", f"{owner}: kind {row['kind']!r}")
    names = {loc: row.get(f"name_{loc}", "") for loc in locales}
    if any(names.values()):
        place["name"] = merge_text(place.get("name"), names, default_locale)
    descriptions = {loc: row.get(f"description_{loc}", "") for loc in locales}
    if any(descriptions.values()):
        place["description"] = merge_text(place.get("description"), descriptions, default_locale)
    for key in _PLAIN_FIELDS:
        if row.get(key):
            place[key] = row[key]
    if row.get("opening_hours"):
        problem = opening_hours_problem(row["opening_hours"])
        if problem:
            report.drop("opening_hours that do not parse (left out, the place is kept)",
                        f"{owner}: {row['opening_hours']!r}: {problem}")
        else:
            place["opening_hours"] = row["opening_hours"]
    if row.get("wheelchair"):
        if row["wheelchair"] in WHEELCHAIR_VALUES:
            place["wheelchair"] = row["wheelchair"]
        else:
            report.drop("wheelchair values other than yes, limited, no (left out)", f"{owner}: {row['wheelchair']!r}")
    if row.get("website"):
        problem = website_problem(row["website"])
        if problem:
            report.drop("websites that are not https:// (left out)", f"{owner}: {row['website']} {problem}")
        else:
            place["website"] = row["website"]
    if row.get("owner_run"):
        flag = row["owner_run"].lower()
        if flag in _TRUE | _FALSE:
            place["owner_run"] = flag in _TRUE
        else:
            report.drop("CSV values that are not valid (left out)", f"{owner}: owner_run {row['owner_run']!r} (use true or false)")
    if row.get("labels"):
        place["labels"] = [label.strip() for label in row["labels"].split(";") if label.strip()]
    if row.get("image"):
        alt = make_text({loc: row.get(f"image_alt_{loc}", "") for loc in locales}, default_locale)
        image = images.image(row["image"], source_dir, owner=owner, alt=alt)
        if image is not None:
            place["image"] = image
