"""How feed problems are collected and worded: one line each, `<json path>: <what is wrong>`."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Iterable


Location = tuple[str | int, ...]


@dataclass
class Report:
    found: dict[tuple[Location, str], None] = field(default_factory=dict)

    def add(self, path: Location, message: str) -> None:
        self.found[(tuple(path), message)] = None

    def lines(self) -> list[str]:
        ordered = sorted(self.found, key=lambda item: _path_sort_key(item[0]))
        return [f"{json_path(path)}: {message}" for path, message in ordered]


def _path_sort_key(path: Location) -> tuple:
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in path)


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def json_path(path: Iterable[str | int]) -> str:
    """`$.places[3].opening_hours` for ("places", 3, "opening_hours")."""
    parts = ["$"]
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            parts.append(f".{part}")
        else:
            parts.append("[" + json.dumps(part, ensure_ascii=False).replace('"', "'") + "]")
    return "".join(parts)


def type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the string {short(value)}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {short(value)}"
    return type(value).__name__


def short(value: object, limit: int = 60) -> str:
    """A value as it looks in JSON, cut so that one problem stays one line."""
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "a list"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str) -> str:
    return " ".join(text.split())
