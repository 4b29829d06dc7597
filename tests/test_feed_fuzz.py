"""problems() answers with a list of one-line strings for any mutation of a valid feed, and never raises."""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.feed import feed_schema, json_path, problems

MINIMAL = json.loads((Path(__file__).parent / "fixtures" / "feeds" / "minimal.json").read_text(encoding="utf-8"))
PROBLEM_LINE = re.compile(r"^\$[^\n]*: [^\n]+$")
STOCK_VALIDATOR = jsonschema.Draft202012Validator(feed_schema())

# Values that look right to one field and wrong to another, so mutations reach the deeper rules.
FEED_LIKE = st.sampled_from([
    "", "de", "en", "Europe/Berlin", "Mars/Base", "24/7", "Mo-Sa 10:00-20:00", "kaputt",
    "2026-11-19", "2026-11-19T11:00:00+01:00", "2026-02-30", "FREQ=DAILY", "FREQ=DAILY;UNTIL=20261230",
    "https://example.org/{to_lat}/{to_lon}", "http://x", "{", "buchhandlung-wohlthat", "alter-markt",
    "Point", "LineString", "Polygon", "GeometryCollection", "FeatureCollection", "Feature", "footway",
    "emergency", "a" * 70, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    0, -1, 1, 2, 361, 1e300, -0.0, 91.5, True, False, None, [], {}, [7.4, 51.5], [[7.4, 51.5]],
])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12) | FEED_LIKE,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6) | FEED_LIKE.filter(
        lambda v: isinstance(v, str)), children, max_size=3),
    max_leaves=6,
)


def locations(node: object, path: tuple = ()) -> list[tuple]:
    """Every path in the document, containers and leaves, deepest paths included."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += locations(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += locations(value, path + (index,))
    return found


def parent_of(doc: object, path: tuple) -> object:
    for key in path[:-1]:
        doc = doc[key]
    return doc


@st.composite
def mutated_feeds(draw) -> object:
    doc = copy.deepcopy(MINIMAL)
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        spots = locations(doc)
        path = draw(st.sampled_from(spots))
        if not path:
            doc = copy.deepcopy(draw(JSON_VALUES)) if draw(st.integers(0, 30)) == 0 else doc
            continue
        parent, key = parent_of(doc, path), path[-1]
        action = draw(st.sampled_from(["delete", "replace", "duplicate", "borrow", "add-key"]))
        if action == "delete":
            del parent[key]
        elif action == "replace":
            # Copies: sampled_from hands out the same [] and {} each time, and later steps may edit them.
            parent[key] = copy.deepcopy(draw(JSON_VALUES))
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif action == "borrow":
            # Another part of the same feed, moved where it does not belong.
            donor = parent_of(doc, draw(st.sampled_from(spots)) + ("",))
            parent[key] = copy.deepcopy(donor)
        elif action == "add-key" and isinstance(parent[key], dict):
            parent[key][draw(st.text(max_size=8))] = copy.deepcopy(draw(JSON_VALUES))
        if not isinstance(doc, (dict, list)):
            break
    return doc


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_feeds())
def test_problems_never_raises_and_answers_in_lines(doc):
    found = problems(doc)
    assert isinstance(found, list)
    assert all(isinstance(line, str) and PROBLEM_LINE.match(line) for line in found), found
    assert not any("validator failed" in line for line in found), found
    refused_early = isinstance(doc, dict) and (
        doc.get("format", "kiosk-feed") != "kiosk-feed" or doc.get("format_version", 1) != 1
        or type(doc.get("format_version", 1)) is not int
    )
    if isinstance(doc, dict) and not refused_early:
        # The quick pre-check must never hide an error that jsonschema itself finds.
        reported = {line.split(": ", 1)[0] for line in found}
        for error in STOCK_VALIDATOR.iter_errors(doc):
            where = json_path(error.absolute_path)
            assert any(path == where or path.startswith(where) for path in reported), (where, found)


@settings(max_examples=100, deadline=None)
@given(JSON_VALUES)
def test_any_json_value_at_all(value):
    found = problems(value)
    assert found and all(isinstance(line, str) and "validator failed" not in line for line in found)
