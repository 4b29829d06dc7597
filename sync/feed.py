"""Feed format v1: reading feed.json and finding every problem in it, each with its JSON path.

The entry points for everyone else. The structure lives in schema/feed-v1.schema.json, applied by
sync/feed_structure.py; sync/feed_rules.py adds the rules a schema cannot express (unique ids,
references, time zones, dates, recurrence rules, opening_hours, URL templates, GeoJSON positions);
sync/feed_report.py words each problem. docs/feed-format.md describes the format for publishers.
"""
from __future__ import annotations

import gc
import json
import math
import re
from contextlib import contextmanager
from typing import Any, Iterator

from sync.feed_report import Report, json_path, one_line, short, type_name
from sync.feed_limits import limit_problems
from sync.feed_rules import Semantics
from sync.feed_structure import SCHEMA_PATH, feed_schema, schema_problems

__all__ = ["FORMAT", "FORMAT_VERSION", "SCHEMA_PATH", "FeedInvalid", "FeedUnreadable", "cyclic_gc_paused",
           "feed_schema", "json_path", "parse_json", "problems", "read_feed"]

FORMAT = "kiosk-feed"
FORMAT_VERSION = 1


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class FeedUnreadable(Exception):
    """The bytes are not UTF-8 or not JSON; the message says where and what."""


class FeedInvalid(Exception):
    """The feed is JSON but breaks format v1; `.problems` lists every problem, one line each."""

    def __init__(self, problems: list[str], source: str = "feed.json") -> None:
        self.problems = list(problems)
        self.source = source
        super().__init__(self.problems)

    def __str__(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        return f"{self.source} is not a valid kiosk feed ({count} {noun}):\n" + "\n".join(self.problems)


def read_feed(raw: bytes, source: str = "feed.json") -> dict:
    """The feed document in `raw`, or FeedUnreadable / FeedInvalid saying what is wrong."""
    doc = parse_json(raw, source)
    # Strict UTF-8 holds no surrogates: only a \uD800-\uDFFF escape can put one into the document.
    found = problems(doc, surrogates_possible=_SURROGATE_ESCAPE.search(raw) is not None)
    if found:
        raise FeedInvalid(found, source)
    return doc


def parse_json(raw: bytes, source: str = "feed.json") -> Any:
    """Strict UTF-8 JSON: no NaN or Infinity, no key twice in one object."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_column(raw, exc.start)
        raise FeedUnreadable(
            f"{source} is not UTF-8: byte 0x{raw[exc.start]:02x} at line {line}, column {column} "
            f"cannot be decoded; save the file as UTF-8"
        ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise FeedUnreadable(f"{source} is empty; expected a JSON object")
    try:
        with cyclic_gc_paused():
            return json.loads(
                text, parse_constant=_refuse_constant, parse_float=_finite_float, object_pairs_hook=_unique_keys
            )
    except json.JSONDecodeError as exc:
        raise FeedUnreadable(
            f"{source} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except ValueError as exc:  # our refusals, and integers too long for Python to convert
        raise FeedUnreadable(f"{source} is not valid JSON: {one_line(str(exc))}") from None
    except RecursionError:
        raise FeedUnreadable(f"{source} is nested too deeply to read") from None


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside; nests, and restores what it found.

    A parsed feed has no reference cycles, yet its million objects set off collection after collection
    (reference counting frees them all the same). Drop the document inside the block: the first
    collection after it would walk whatever is left.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _NotJson(ValueError):
    pass


def _refuse_constant(name: str) -> float:
    raise _NotJson(f"{name} is not a JSON number")


def _finite_float(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number):
        raise _NotJson(f"the number {literal[:40]} is too large")
    return number


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        # Parsers disagree on which duplicate wins, so a signed feed must not have any.
        seen: set[str] = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise _NotJson(f"the key {json.dumps(twice)} appears twice in one object")
    return result


def _line_column(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


# --------------------------------------------------------------------------- problems


def problems(doc: object, *, surrogates_possible: bool = True) -> list[str]:
    """Every problem in `doc`, one line each, as `<json path>: <what is wrong>`; never raises.

    `surrogates_possible=False` (the bytes had no \uD800-\uDFFF escape) skips the search for lone surrogates.
    """
    if not isinstance(doc, dict):
        return [f"$: a feed must be a JSON object, not {type_name(doc)}"]
    refusal = _refused_format(doc)
    if refusal:
        return [refusal]
    report = Report()
    try:
        schema_problems(doc, report)
        Semantics(doc, report).check()
        limit_problems(doc, report, surrogates_possible=surrogates_possible)
    except RecursionError:
        report.add((), "the document is nested too deeply to check")
    except Exception as exc:  # refuse the feed rather than crash the terminal that checks it
        report.add((), f"the validator failed on this feed ({type(exc).__name__}: {one_line(str(exc))[:120]}); "
                       "please report this as a bug")
    return report.lines()


def _refused_format(doc: dict) -> str | None:
    if "format" in doc and doc["format"] != FORMAT:
        return f"$.format: is {short(doc['format'])}, not \"{FORMAT}\", so this is not a kiosk feed"
    if "format_version" in doc:
        version = doc["format_version"]
        if type(version) is not int or version != FORMAT_VERSION:
            return (
                f"$.format_version: unknown format version {short(version)}; "
                f"this software understands format_version {FORMAT_VERSION} only"
            )
    return None


