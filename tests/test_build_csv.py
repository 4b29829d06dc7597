"""The CSV overlay: facts for OSM places by osm_id or name, new places, images copied by hash."""
from __future__ import annotations

import csv
import hashlib
from io import BytesIO

import pytest
from PIL import Image

from sync.build.assemble import BuildInputs, build_feed
from tests.test_build_osm import SMALL_TOWN, write_base

COLUMNS = ["osm_id", "id", "kind", "lat", "lon", "name_de", "name_en", "description_de", "description_en",
           "opening_hours", "owner_run", "labels", "wheelchair", "website", "image", "image_alt_de"]


def jpeg(size=(40, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def write_csv(folder, rows):
    path = folder / "places.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def built(tmp_path):
    (tmp_path / "fotos").mkdir()
    (tmp_path / "fotos" / "buch.jpg").write_bytes(jpeg())
    (tmp_path / "fotos" / "riesig.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024 + 1))
    (tmp_path / "fotos" / "text.jpg").write_text("not a picture")
    rows = [
        {"osm_id": "n201", "owner_run": "true", "labels": "qualitaetsroute; lesungen",
         "description_de": "Inhabergeführt.", "description_en": "Owner-run.", "image": "fotos/buch.jpg",
         "image_alt_de": "Schaufenster"},
        {"name_de": "modehaus NORD", "labels": "qualitaetsroute", "opening_hours": "Mo-Sa 10-20 Uhr",
         "website": "http://modehaus.example.org", "image": "fotos/riesig.png"},
        {"id": "popup-unterstrasse", "kind": "popup", "lat": "51.49905", "lon": "7.4616",
         "name_de": "Pop-up Unterstraße", "name_en": "Pop-up shop", "owner_run": "yes", "wheelchair": "limited",
         "image": "fotos/text.jpg"},
        {"name_de": "Gibt es nicht", "labels": "qualitaetsroute"},
        {"id": "ohne-ort", "kind": "shop", "name_de": "Ohne Ort"},
        {"osm_id": "way/1010", "name_en": "North Fashion House"},
    ]
    return build_feed(BuildInputs(base=write_base(tmp_path), out_dir=tmp_path / "out", osm=SMALL_TOWN,
                                  places=write_csv(tmp_path, rows), sequence=1)), tmp_path


def test_rows_add_facts_to_osm_places_by_osm_id_and_by_name(built):
    result, _ = built
    places = {p["id"]: p for p in result.feed["places"]}
    book = places["osm-n201"]
    assert book["owner_run"] is True and book["labels"] == ["qualitaetsroute", "lesungen"]
    assert book["description"] == {"de": "Inhabergeführt.", "en": "Owner-run."}
    assert book["name"] == {"de": "Buchhandlung am Markt", "en": "Market Bookshop"}  # untouched
    fashion = places["osm-w1010"]
    assert fashion["labels"] == ["qualitaetsroute"]
    assert fashion["name"] == {"de": "Modehaus Nord", "en": "North Fashion House"}
    assert fashion["opening_hours"] == "Mo-Sa 10:00-20:00"  # the CSV's broken value did not replace OSM's


def test_unmatched_rows_with_position_kind_and_name_add_places(built):
    result, _ = built
    popup = {p["id"]: p for p in result.feed["places"]}["popup-unterstrasse"]
    assert popup == {"id": "popup-unterstrasse", "kind": "popup", "lat": 51.49905, "lon": 7.4616,
                     "name": {"de": "Pop-up Unterstraße", "en": "Pop-up shop"}, "owner_run": True,
                     "wheelchair": "limited"}


def test_images_are_copied_under_their_hash_only_when_the_build_is_written(built):
    result, folder = built
    data = (folder / "fotos" / "buch.jpg").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    image = {p["id"]: p for p in result.feed["places"]}["osm-n201"]["image"]
    assert image == {"url": f"images/{digest}.jpg", "sha256": digest, "alt": "Schaufenster"}
    assert not (folder / "out").exists()
    result.write(folder / "out")
    assert (folder / "out" / "images" / f"{digest}.jpg").read_bytes() == data
    assert (folder / "out" / "feed.json").exists() and (folder / "out" / "build-report.txt").exists()


def test_what_cannot_be_used_is_reported(built):
    result, _ = built
    text = result.report.render()
    assert "'Mo-Sa 10-20 Uhr'" in text
    assert "http://modehaus.example.org uses http://" in text
    assert "fotos/riesig.png is 2,097,161 bytes, over the limit" in text
    assert "fotos/text.jpg is neither a JPEG nor a PNG file" in text
    assert "places.csv line 5: missing lat, lon, kind" in text
    assert "places.csv line 6: missing lat, lon" in text


def test_osm_id_then_id_then_name_and_every_unmatched_row_is_reported(tmp_path):
    rows = [
        # An id the feed does not have: matched by its name, as documented, not added twice.
        {"id": "buchhandlung", "kind": "shop", "lat": "51.49895", "lon": "7.4611", "name_de": "Buchhandlung am Markt",
         "labels": "qualitaetsroute"},
        # An osm_id that is not in the extract, then the name.
        {"osm_id": "n999", "name_de": "modehaus nord", "owner_run": "true"},
        # Nothing matches: a new place, and the report says so.
        {"osm_id": "n998", "id": "neu", "kind": "shop", "lat": "51.4992", "lon": "7.4612", "name_de": "Neuer Laden"},
    ]
    result = build_feed(BuildInputs(base=write_base(tmp_path), out_dir=tmp_path / "out", osm=SMALL_TOWN,
                                    places=write_csv(tmp_path, rows), sequence=1))
    places = {p["id"]: p for p in result.feed["places"]}
    assert "buchhandlung" not in places and places["osm-n201"]["labels"] == ["qualitaetsroute"]
    assert places["osm-w1010"]["owner_run"] is True
    assert places["neu"]["name"] == "Neuer Laden"
    text = result.report.render()
    assert ("CSV rows matched by name because their osm_id or id matched no place: 2\n"
            "    places.csv line 2: id 'buchhandlung' → osm-n201\n"
            "    places.csv line 3: osm_id 'n999' → osm-w1010\n") in text
    assert ("CSV rows that matched no place by osm_id, id or name (added as new places): 1\n"
            "    places.csv line 4: osm_id 'n998', id 'neu', name_de 'Neuer Laden' → neu\n") in text
    assert "places CSV" in text and "3 rows, 2 matched existing places, 1 added places" in text
