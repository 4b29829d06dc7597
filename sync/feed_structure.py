"""The structural half of feed validation: the shipped JSON schema, applied with jsonschema, with
sentences a publisher reads instead of jsonschema's own messages."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from sync.feed_report import Location, Report, one_line, short, type_name

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "feed-v1.schema.json"


# --------------------------------------------------------------------------- schema


def _ecma_regex(pattern: str) -> re.Pattern:
    """JSON Schema regexes are ECMA-262, where a final `$` does not match before a trailing newline."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return _compiled_regex(pattern)


@lru_cache(maxsize=64)
def _compiled_regex(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _ecma_pattern(validator, pattern, instance, schema):
    if isinstance(instance, str) and not _ecma_regex(pattern).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_FeedValidator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return _FeedValidator(schema)


def feed_schema() -> dict:
    """The JSON Schema of format v1 (for tools and documentation)."""
    return _validator().schema


# Lists that can hold thousands of items; jsonschema only sees the items the quick check doubts.
_LONG_LISTS: tuple[tuple[str, ...], ...] = (
    ("kiosks",), ("places",), ("events",), ("campaigns",), ("notices",), ("pages",), ("map", "features"),
)


def schema_problems(doc: dict, report: Report) -> None:
    """jsonschema's verdict, fed only the parts that the quick boolean check does not pass."""
    slim, index_maps = _doubtful_parts(doc)
    for error in _validator().iter_errors(slim):
        path = list(error.absolute_path)
        for list_path, original_index in index_maps.items():
            depth = len(list_path)
            if tuple(path[:depth]) == list_path and len(path) > depth and isinstance(path[depth], int):
                path[depth] = original_index[path[depth]]
        _report_schema_error(error, tuple(path), report)


def _doubtful_parts(doc: dict) -> tuple[dict, dict[tuple[str, ...], list[int]]]:
    slim = dict(doc)
    index_maps: dict[tuple[str, ...], list[int]] = {}
    for list_path in _LONG_LISTS:
        parent = slim
        for key in list_path[:-1]:
            if not isinstance(parent.get(key), dict):
                break
            parent[key] = dict(parent[key])
            parent = parent[key]
        else:
            items = parent.get(list_path[-1])
            if isinstance(items, list):
                quick = _quick_checks().item(list_path)
                doubtful = [index for index, item in enumerate(items) if not quick(item)]
                parent[list_path[-1]] = [items[index] for index in doubtful]
                index_maps[list_path] = doubtful
    return slim, index_maps


class _QuickChecks:
    """A yes/no compiler for the JSON Schema keywords the feed schema uses, many times faster than
    jsonschema; it only decides which items jsonschema must look at, never the messages."""

    ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description", "format", "x-explain"})
    # Most property names are a handful of locale tags; the ones that passed are remembered, up to this many.
    KNOWN_NAMES_LIMIT = 1024

    def __init__(self, schema: dict) -> None:
        self.schema = schema
        self.defs: dict[str, Any] = {}
        self.compiling: set[str] = set()
        self.items: dict[tuple[str, ...], Any] = {}

    def item(self, list_path: tuple[str, ...]) -> Any:
        """The check for one item of the list at `list_path`, compiled once."""
        if list_path not in self.items:
            node = self.schema
            for key in list_path:
                node = self.resolve(node)["properties"][key]
            self.items[list_path] = self.compile(self.resolve(node)["items"])
        return self.items[list_path]

    def resolve(self, node: dict) -> dict:
        while "$ref" in node:
            node = self.schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
        return node

    def compile(self, node: dict) -> Any:
        checks = []
        for keyword, value in node.items():
            if keyword in self.ANNOTATIONS:
                continue
            make = getattr(self, "k_" + keyword.lstrip("$"), None)
            if make is None:
                raise ValueError(f"the quick check does not know the schema keyword {keyword!r}")
            checks.append(make(value, node))
        return _all_of(tuple(checks))

    def k_ref(self, ref: str, node: dict) -> Any:
        name = ref.removeprefix("#/$defs/")
        if name not in self.defs and name not in self.compiling:
            self.compiling.add(name)
            try:
                self.defs[name] = self.compile(self.schema["$defs"][name])
            finally:
                self.compiling.discard(name)
        if name in self.defs:
            return self.defs[name]

        def check(instance: object) -> bool:  # a definition that contains itself: looked up once it exists
            return self.defs[name](instance)

        return check

    def k_type(self, wanted: str | list[str], node: dict) -> Any:
        names = tuple(wanted) if isinstance(wanted, list) else (wanted,)
        python_types = {"string": str, "object": dict, "array": list}
        if all(name in python_types for name in names):
            exact = tuple(python_types[name] for name in names)
            return lambda instance: isinstance(instance, exact)
        if names == ("number",):
            return _is_number
        if len(names) == 1:
            name = names[0]
            return lambda instance: _is_json_type(instance, name)
        return lambda instance: any(_is_json_type(instance, name) for name in names)

    def k_required(self, names: list[str], node: dict) -> Any:
        def check(instance: object) -> bool:
            if isinstance(instance, dict):
                for name in names:
                    if name not in instance:
                        return False
            return True

        return check

    def k_properties(self, properties: dict, node: dict) -> Any:
        compiled = {name: self.compile(sub) for name, sub in properties.items()}

        def check(instance: object) -> bool:
            if isinstance(instance, dict):
                for key, value in instance.items():
                    inner = compiled.get(key)
                    if inner is not None and not inner(value):
                        return False
            return True

        return check

    def k_additionalProperties(self, sub: dict, node: dict) -> Any:
        known, inner = frozenset(node.get("properties", ())), self.compile(sub)

        def check(instance: object) -> bool:
            if isinstance(instance, dict):
                for key, value in instance.items():
                    if key not in known and not inner(value):
                        return False
            return True

        return check

    def k_propertyNames(self, sub: dict, node: dict) -> Any:
        inner, passed, limit = self.compile(sub), set(), self.KNOWN_NAMES_LIMIT

        def check(instance: object) -> bool:
            if isinstance(instance, dict):
                for key in instance:
                    if key not in passed:
                        if not inner(key):
                            return False
                        if len(passed) < limit:
                            passed.add(key)
            return True

        return check

    def k_items(self, sub: dict, node: dict) -> Any:
        inner = self.compile(sub)

        def check(instance: object) -> bool:
            if isinstance(instance, list):
                for item in instance:
                    if not inner(item):
                        return False
            return True

        return check

    def k_const(self, expected: object, node: dict) -> Any:
        return lambda instance: type(instance) is type(expected) and instance == expected

    def k_enum(self, choices: list, node: dict) -> Any:
        if not all(isinstance(choice, str) for choice in choices):
            raise ValueError("the quick check only knows enums of strings")
        allowed = frozenset(choices)
        return lambda instance: isinstance(instance, str) and instance in allowed

    def k_pattern(self, pattern: str, node: dict) -> Any:
        search = _ecma_regex(pattern).search
        return lambda instance: not isinstance(instance, str) or search(instance) is not None

    def k_minimum(self, bound: float, node: dict) -> Any:
        return lambda instance: not _is_number(instance) or not instance < bound

    def k_maximum(self, bound: float, node: dict) -> Any:
        return lambda instance: not _is_number(instance) or not instance > bound

    def k_exclusiveMaximum(self, bound: float, node: dict) -> Any:
        return lambda instance: not _is_number(instance) or not instance >= bound

    def k_minLength(self, bound: int, node: dict) -> Any:
        return lambda instance: not isinstance(instance, str) or len(instance) >= bound

    def k_minItems(self, bound: int, node: dict) -> Any:
        return lambda instance: not isinstance(instance, list) or len(instance) >= bound

    def k_minProperties(self, bound: int, node: dict) -> Any:
        return lambda instance: not isinstance(instance, dict) or len(instance) >= bound


def _all_of(checks: tuple) -> Any:
    if len(checks) == 1:
        return checks[0]

    def check(instance: object) -> bool:
        for one in checks:
            if not one(instance):
                return False
        return True

    return check


def _is_number(value: object) -> bool:
    return _is_json_type(value, "number")


def _is_json_type(value: object, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return name == "number" or isinstance(value, int) or value.is_integer()


@lru_cache(maxsize=1)
def _quick_checks() -> _QuickChecks:
    return _QuickChecks(_validator().schema)


def _report_schema_error(error: jsonschema.ValidationError, path: Location, report: Report) -> None:
    keyword, expected, value = error.validator, error.validator_value, error.instance
    if keyword == "required":
        for name in expected:
            if isinstance(value, dict) and name not in value:
                report.add(path + (name,), "is required but missing")
        return
    if keyword == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        names = " or ".join(_TYPE_NAMES.get(t, t) for t in wanted)
        report.add(path, f"must be {names}, not {type_name(value)}")
    elif keyword == "const":
        report.add(path, f"must be {json.dumps(expected)}, not {short(value)}")
    elif keyword == "enum":
        choices = ", ".join(str(choice) for choice in expected)
        report.add(path, f"is {short(value)}; it must be one of: {choices}")
    elif keyword == "pattern":
        explain = error.schema.get("x-explain") if isinstance(error.schema, dict) else None
        report.add(path, f"{short(value)} {explain}" if explain else f"{short(value)} is malformed")
    elif keyword in _BOUNDS:
        report.add(path, f"must be {_BOUNDS[keyword]} {expected}, not {short(value)}")
    elif keyword in ("minLength", "minItems", "minProperties"):
        report.add(path, "must not be empty" if expected == 1 else f"needs at least {expected} items")
    else:
        report.add(path, one_line(error.message))


_TYPE_NAMES = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}
_BOUNDS = {
    "minimum": "at least",
    "maximum": "at most",
    "exclusiveMinimum": "greater than",
    "exclusiveMaximum": "less than",
}
