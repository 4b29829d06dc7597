"""Feed format v1: every problem at once, each with its JSON path (sync/feed.py)."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from sync.feed import FeedInvalid, FeedUnreadable, feed_schema, problems, read_feed

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
MINIMAL = json.loads((FEEDS / "minimal.json").read_text(encoding="utf-8"))


@pytest.fixture
def feed() -> dict:
    return copy.deepcopy(MINIMAL)


def paths(found: list[str]) -> list[str]:
    return [line.split(": ", 1)[0] for line in found]


def test_minimal_feed_is_valid():
    assert problems(MINIMAL) == []
    assert read_feed((FEEDS / "minimal.json").read_bytes())["sequence"] == 7


def test_schema_file_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(feed_schema())
    assert feed_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_five_mistakes_are_all_reported_with_their_paths():
    doc = json.loads((FEEDS / "five-mistakes.json").read_text(encoding="utf-8"))
    found = problems(doc)
    assert paths(found) == [
        "$.city.timezone",
        "$.events[1].id",
        "$.events[1].place_id",
        "$.places[0].website",
        "$.places[1].opening_hours",
    ]
    with pytest.raises(FeedInvalid) as raised:
        read_feed((FEEDS / "five-mistakes.json").read_bytes(), source="five-mistakes.json")
    assert raised.value.problems == found
    assert "five-mistakes.json is not a valid kiosk feed (5 problems)" in str(raised.value)
    assert all(problem in str(raised.value) for problem in found)


def set_at(doc: dict, path: tuple, value: object) -> None:
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


MISTAKES = [
    # (where, new value, reported path, words in the message)
    (("places", 1, "id"), "buchhandlung-wohlthat", "$.places[1].id", "duplicate id"),
    (("places", 0, "id"), "-starts-with-dash", "$.places[0].id", "is not a valid id"),
    (("places", 0, "id"), "ends-with-newline\n", "$.places[0].id", "is not a valid id"),
    (("places", 0, "id"), "x" * 65, "$.places[0].id", "is not a valid id"),
    (("events", 0, "related_place_ids"), ["nowhere"], "$.events[0].related_place_ids[0]", "no entry with that id"),
    (("notices", 0, "kiosk_ids"), ["hbf"], "$.notices[0].kiosk_ids[0]", "$.kiosks has no entry"),
    (("campaigns", 0, "place_ids"), ["ghost"], "$.campaigns[0].place_ids[0]", "no entry"),
    (("campaigns", 0, "place_ids"), [], "$.campaigns[0].place_ids", "must not be empty"),
    (("campaigns", 0, "weight"), 0, "$.campaigns[0].weight", "at least 1"),
    (("campaigns", 0, "weight"), 1.5, "$.campaigns[0].weight", "must be an integer"),
    (("campaigns", 0, "until"), "2026-11-19T00:00:00+01:00", "$.campaigns[0].until", "before from"),
    (("pages", 0, "contacts", 1, "place_id"), "nowhere", "$.pages[0].contacts[1].place_id", "no entry"),
    (("pages", 0, "contacts", 1, "hours"), "sometimes", "$.pages[0].contacts[1].hours", "opening_hours"),
    (("city", "timezone"), "Mars/Olympus", "$.city.timezone", "IANA time zone"),
    (("city", "timezone"), "../../etc/passwd", "$.city.timezone", "IANA time zone"),
    (("city", "locales"), ["en", "tr"], "$.city.locales", "default_locale"),
    (("city", "default_locale"), "de_DE", "$.city.default_locale", "BCP 47"),
    (("city", "country"), "de", "$.city.country", "ISO 3166-1"),
    (("city", "country"), "XX", "$.city.country", "public holiday"),
    (("city", "subdivision"), "ZZ", "$.city.subdivision", "not a subdivision of DE"),
    (("kiosks", 0, "name"), {"en": "Old Market"}, "$.kiosks[0].name", "default locale \"de\""),
    (("kiosks", 0, "lat"), 91, "$.kiosks[0].lat", "at most 90"),
    (("kiosks", 0, "heading"), 360, "$.kiosks[0].heading", "less than 360"),
    (("places", 0, "image", "alt"), {"en": "Shop window"}, "$.places[0].image.alt", "default locale"),
    (("places", 0, "image", "sha256"), "E3B0" * 16, "$.places[0].image.sha256", "64 lowercase hexadecimal"),
    (("places", 0, "image", "url"), "http://example.org/a.jpg", "$.places[0].image.url", "https://"),
    (("places", 0, "kind"), "bar", "$.places[0].kind", "one of: shop, food"),
    (("places", 0, "wheelchair"), "partly", "$.places[0].wheelchair", "one of: yes, limited, no"),
    (("places", 0, "name"), 42, "$.places[0].name", "must be a string or an object, not the integer 42"),
    (("places", 0, "name"), {"de": ""}, "$.places[0].name.de", "must not be empty"),
    (("places", 0, "description"), {"de": "x", "en_GB": "y"}, "$.places[0].description", "BCP 47"),
    (("events", 1, "url"), "ftp://example.org", "$.events[1].url", "https://"),
    (("events", 0, "start"), "2026-11-19 11:00", "$.events[0].start", "neither a date"),
    (("events", 0, "start"), "2026-11-19T11:00:00", "$.events[0].start", "neither a date"),
    (("events", 0, "start"), "2026-02-30T11:00:00+01:00", "$.events[0].start", "not a real date-time"),
    (("events", 1, "start"), "2026-13-01", "$.events[1].start", "not a real date"),
    (("events", 0, "end"), "2026-11-19T10:00:00+01:00", "$.events[0].end", "before start"),
    (("events", 0, "end"), "2026-11-19", "$.events[0].end", "both dates or both date-times"),
    (("events", 1, "end"), "2026-11-20", "$.events[1].end", "before start"),
    (("events", 0, "rrule"), "FREQ=SOMETIMES", "$.events[0].rrule", "not a valid RFC 5545"),
    (("events", 0, "rrule"), "FREQ=DAILY;UNTIL=20261230", "$.events[0].rrule", "UTC date-time"),
    (("events", 0, "rrule"), "FREQ=DAILY;UNTIL=20261230T200000Z;COUNT=3", "$.events[0].rrule", "both UNTIL and COUNT"),
    (("events", 0, "rrule"), "RRULE:FREQ=DAILY", "$.events[0].rrule", "without \"RRULE:\""),
    (("events", 0, "exdates"), ["2026-11-22"], "$.events[0].exdates[0]", "must be a date-time, like start"),
    (("events", 0, "exdates"), ["yesterday"], "$.events[0].exdates[0]", "neither a date"),
    (("events", 0, "timezone"), "Mars/Olympus", "$.events[0].timezone", "not a known IANA time zone"),
    (("events", 0, "timezone"), "", "$.events[0].timezone", ""),
    (("events", 1, "location"), {"name": "Hof", "lat": 51.5, "lon": 7.4}, "$.events[1].location", "not both"),
    (("notices", 0, "level"), "panic", "$.notices[0].level", "info, warning, emergency"),
    (("notices", 0, "until"), "2026-11-19T00:00:00+01:00", "$.notices[0].until", "before from"),
    (("generated_at",), "2026-11-20", "$.generated_at", "RFC 3339 date-time"),
    (("valid_until",), "2026-11-19T09:00:00+01:00", "$.valid_until", "before generated_at"),
    (("sequence",), 0, "$.sequence", "at least 1"),
    (("sequence",), "8", "$.sequence", "must be an integer, not the string \"8\""),
    (("share", "route_url"), "http://example.org/{to_lat},{to_lon}", "$.share.route_url", "https://"),
    (("share", "route_url"), "https://example.org/{to_lat}", "$.share.route_url", "must contain {to_lon}"),
    (("share", "route_url"), "https://example.org/{to_lat},{to_lon}/{zoom}", "$.share.route_url", "{zoom}"),
    (("share", "place_url"), "https://example.org/{id", "$.share.place_url", "unmatched"),
    (("share", "page_url"), "https://example.org/go/#route", "$.share.page_url", "fragment"),
    (("share", "page_url"), "https://example.org/go/{lang}", "$.share.page_url", "unknown placeholder {lang}"),
    (("share", "tile_url"), "https://tiles.example.org/{z}/{x}.png", "$.share.tile_url", "must contain {y}"),
    (("share", "tile_url"), "https://tiles.example.org/{z}/{x}/{y}.png", "$.share.tile_attribution",
     "licences ask"),
    (("map", "type"), "Feature", "$.map.type", "\"FeatureCollection\""),
    (("map", "features", 0, "properties", "layer"), "road", "$.map.features[0].properties.layer", "footway"),
    (("map", "features", 0, "properties", "walk"), "yes", "$.map.features[0].properties.walk", "true or false"),
    (("map", "features", 2, "properties", "walk"), True, "$.map.features[2].properties.walk", "walking network"),
    (("map", "features", 0, "geometry", "type"), "Line", "$.map.features[0].geometry.type", "LineString"),
    (("map", "features", 0, "geometry", "coordinates", 1), [7.4, 151.5],
     "$.map.features[0].geometry.coordinates[1]", "latitude 151.5"),
    (("map", "features", 0, "geometry", "coordinates"), [[7.4, 51.5]],
     "$.map.features[0].geometry.coordinates", "at least 2 positions"),
    (("map", "features", 2, "geometry", "coordinates", 0, 4), [7.0, 51.0],
     "$.map.features[2].geometry.coordinates[0]", "end at its first position"),
    (("map", "features", 0, "geometry", "coordinates", 0), ["7.4", "51.5"],
     "$.map.features[0].geometry.coordinates[0]", "[lon, lat] position"),
]


@pytest.mark.parametrize(("where", "value", "path", "words"), MISTAKES, ids=[m[2] + " " + m[3] for m in MISTAKES])
def test_each_mistake_is_named_at_its_path(feed, where, value, path, words):
    set_at(feed, where, value)
    found = problems(feed)
    matching = [line for line in found if line.startswith(path + ": ")]
    assert matching, found
    assert any(words in line for line in matching), matching


@pytest.mark.parametrize("field", ["format", "format_version", "sequence", "generated_at", "city", "kiosks", "map",
                                   "places", "events", "campaigns", "notices", "pages"])
def test_required_top_level_fields(feed, field):
    del feed[field]
    assert f"$.{field}: is required but missing" in problems(feed)


def test_optional_fields_may_be_absent(feed):
    for key in ("valid_until", "share"):
        del feed[key]
    del feed["city"]["subdivision"]
    del feed["events"][0]["rrule"], feed["events"][0]["end"], feed["events"][0]["exdates"]
    assert problems(feed) == []


def test_unknown_fields_are_allowed_for_forward_compatibility(feed):
    feed["weather"] = {"today": "rain"}
    feed["places"][0]["loyalty_card"] = True
    feed["map"]["features"][0]["properties"]["surface"] = "cobblestone"
    assert problems(feed) == []


def test_unknown_format_version_is_refused_without_further_checks(feed):
    feed["format_version"] = 2
    feed["places"][0]["id"] = "NOT VALID"
    assert problems(feed) == [
        "$.format_version: unknown format version 2; this software understands format_version 1 only"
    ]


@pytest.mark.parametrize("version", [True, 1.5, "1", None])
def test_format_version_must_be_the_integer_1(feed, version):
    feed["format_version"] = version
    assert paths(problems(feed)) == ["$.format_version"]


def test_another_format_is_not_a_kiosk_feed(feed):
    feed["format"] = "rss"
    assert problems(feed) == ['$.format: is "rss", not "kiosk-feed", so this is not a kiosk feed']


@pytest.mark.parametrize("doc", [None, [], "feed", 3, True])
def test_a_feed_must_be_an_object(doc):
    assert paths(problems(doc)) == ["$"]


def test_messages_are_sentences_not_dumps_of_whole_objects(feed):
    feed["places"][0]["image"] = ["not", "an", "object"]
    feed["events"][0]["location"] = "Hansaplatz"
    found = problems(feed)
    assert "$.places[0].image: must be an object, not a list" in found
    assert '$.events[0].location: must be an object, not the string "Hansaplatz"' in found
    assert all(len(line) < 300 and "\n" not in line for line in found)


def test_missing_required_field_is_reported_at_the_field(feed):
    del feed["places"][1]["lat"]
    del feed["events"][0]["title"]
    assert problems(feed) == ["$.events[0].title: is required but missing", "$.places[1].lat: is required but missing"]


def test_keys_that_are_not_identifiers_are_quoted_in_paths(feed):
    feed["places"][0]["name"] = {"de": "Buch", "pt-BR": ""}
    assert "$.places[0].name['pt-BR']: must not be empty" in problems(feed)


def test_all_day_events_and_utc_until(feed):
    feed["events"][1]["rrule"] = "FREQ=WEEKLY;BYDAY=SA;UNTIL=20261219"
    feed["events"][1]["exdates"] = ["2026-11-28"]
    feed["events"][0]["rrule"] = "FREQ=WEEKLY;BYDAY=MO,TU;COUNT=10"
    assert problems(feed) == []
    feed["events"][1]["rrule"] = "FREQ=WEEKLY;UNTIL=20261219T000000Z"
    assert paths(problems(feed)) == ["$.events[1].rrule"]


def test_date_times_accept_z_fractions_and_other_offsets(feed):
    feed["generated_at"] = "2026-11-20T08:00:00.123456Z"
    feed["events"][0]["start"] = "2026-11-19T05:00:00-05:00"
    feed["events"][0]["end"] = "2026-11-19T21:00:00+01:00"
    assert problems(feed) == []


def test_image_urls_may_be_relative_or_https(feed):
    for url in ("images/a.jpg", "/media/a.png", "https://cdn.example.org/a.jpg"):
        feed["places"][0]["image"]["url"] = url
        assert problems(feed) == [], url
    for url in ("//cdn.example.org/a.jpg", "file:///etc/passwd", "javascript:alert(1)", "a b.jpg"):
        feed["places"][0]["image"]["url"] = url
        assert paths(problems(feed)) == ["$.places[0].image.url"], url


def test_every_geometry_type_is_checked(feed):
    features = feed["map"]["features"]
    shapes = {
        "Point": [7.46, 51.51],
        "MultiPoint": [[7.46, 51.51], [7.47, 51.52]],
        "MultiLineString": [[[7.46, 51.51], [7.47, 51.52]]],
        "MultiPolygon": [[[[7.4, 51.5], [7.5, 51.5], [7.5, 51.6], [7.4, 51.5]]]],
    }
    for kind, coordinates in shapes.items():
        features.append({"type": "Feature", "geometry": {"type": kind, "coordinates": coordinates},
                         "properties": {"layer": "landmark"}})
    features.append({"type": "Feature", "properties": {"layer": "landmark"},
                     "geometry": {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [7.5, 51.5]}]}})
    assert problems(feed) == []
    features[3]["geometry"]["coordinates"] = [200, 51.51]
    features[-1]["geometry"]["geometries"][0]["coordinates"] = [7, -95]
    del features[4]["geometry"]["coordinates"]
    assert paths(problems(feed)) == [
        "$.map.features[3].geometry.coordinates",
        "$.map.features[4].geometry.coordinates",
        "$.map.features[7].geometry.geometries[0].coordinates",
    ]


def test_a_swapped_line_is_one_problem_not_one_per_position(feed):
    feed["map"]["features"][0]["geometry"]["coordinates"] = [[51.5, 97.4], [51.6, 97.5], [51.7, 97.6]]
    assert problems(feed) == [
        "$.map.features[0].geometry.coordinates[0]: latitude 97.4 is outside [-90, 90]; "
        "GeoJSON positions are [lon, lat] (and 2 more problems in this geometry)"
    ]


def test_problems_in_long_lists_keep_their_original_index(feed):
    place = feed["places"][1]
    feed["places"] = feed["places"][:1] + [dict(place, id=f"wc-{i}") for i in range(50)]
    feed["pages"][0]["contacts"][1]["place_id"] = "wc-0"
    feed["places"][37]["kind"] = "pub"
    feed["places"][45]["lon"] = 700
    assert paths(problems(feed)) == ["$.places[37].kind", "$.places[45].lon"]


# --------------------------------------------------------------------------- read_feed


def test_read_feed_reports_line_and_column_of_a_json_error():
    with pytest.raises(FeedUnreadable, match=r"^feed\.json is not valid JSON: .* at line 3, column 5$"):
        read_feed(b'{\n  "a": 1,\n    oops\n}')


def test_read_feed_reports_bytes_that_are_not_utf8():
    with pytest.raises(FeedUnreadable, match=r"^x\.json is not UTF-8: byte 0xe4 at line 2, column 13"):
        read_feed(b'{\n  "name": "M\xe4rkte"}', source="x.json")


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "is empty"),
        (b'{"lat": NaN}', "NaN is not a JSON number"),
        (b'{"lat": 1e999}', "too large"),
        (b'{"id": "a", "id": "b"}', 'the key "id" appears twice'),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_read_feed_refuses_what_is_not_strict_json(raw, words):
    with pytest.raises(FeedUnreadable, match=words):
        read_feed(raw)


def test_read_feed_accepts_a_utf8_byte_order_mark():
    assert read_feed(b"\xef\xbb\xbf" + (FEEDS / "minimal.json").read_bytes())["format"] == "kiosk-feed"


def test_a_large_valid_feed_has_no_problems():
    doc = copy.deepcopy(MINIMAL)
    shop, events, features = doc["places"][0], MINIMAL["events"], MINIMAL["map"]["features"]
    doc["places"] = [dict(shop, id=f"shop-{i}", opening_hours=f"Mo-Sa 10:00-{12 + i % 9}:00") for i in range(2000)]
    doc["pages"][0]["contacts"].pop()
    doc["campaigns"][0]["place_ids"] = ["shop-1"]
    doc["events"] = []
    for i in range(5000):
        event = dict(events[i % 2], id=f"event-{i}")
        event.pop("place_id", None)
        event["related_place_ids"] = [f"shop-{i % 2000}"]
        doc["events"].append(event)
    doc["map"]["features"] = [copy.deepcopy(features[i % 3]) for i in range(20_000)]
    # Speed is measured in bench/; here the quick checker must not wave through or refuse anything.
    assert problems(doc) == []
    doc["places"][1999]["lat"] = 91
    found = problems(doc)
    assert len(found) == 1 and found[0].startswith("$.places[1999].lat: ")


def test_an_integer_too_large_for_a_float_is_a_problem_at_its_path_not_a_crash(feed):
    feed["map"]["features"][0]["geometry"]["coordinates"][0] = [10**400, 51.5]
    feed["places"][0]["lat"] = -(10**400)
    found = problems(feed)
    assert paths(found) == ["$.map.features[0].geometry.coordinates[0]", "$.places[0].lat"]
    assert "must be a [lon, lat] position" in found[0] and "must be at least -90" in found[1]
