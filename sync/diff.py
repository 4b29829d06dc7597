"""What a new feed changes, in words a publisher reads: `kiosk-feed diff OLD.json NEW.json`."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

# (section, noun, field holding the item's title)
SECTIONS = (
    ("places", "Place", "name"),
    ("events", "Event", "title"),
    ("campaigns", "Campaign", "title"),
    ("notices", "Notice", "text"),
    ("pages", "Page", "title"),
    ("kiosks", "Kiosk", "name"),
)
_SHORT = 60
_WHEN = re.compile(r"^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2}))?$")


@dataclass
class FeedDiff:
    lines: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # section -> added/removed/changed
    other: list[str] = field(default_factory=list)  # e.g. "city", "map"
    sequence: tuple[object, object] = (None, None)

    @property
    def changed(self) -> bool:
        return bool(self.lines)

    def summary(self) -> str:
        parts = []
        for section, noun, _ in SECTIONS:
            counts = self.counts.get(section, {})
            done = [f"{counts[what]} {what}" for what in ("added", "removed", "changed") if counts.get(what)]
            if done:
                parts.append(f"{section}: {', '.join(done)}")
        parts += [f"{name} changed" for name in self.other]
        old, new = self.sequence
        sequence = f" (sequence {old} → {new})" if old != new else f" (sequence {new})"
        if not parts:
            return f"No content changes{sequence}."
        return "Changes: " + "; ".join(parts) + sequence + "."


def diff_feeds(old: dict, new: dict) -> FeedDiff:
    """Added, removed and changed items of every section, the map and the city, old -> new."""
    result = FeedDiff(sequence=(old.get("sequence"), new.get("sequence")))
    locale = _default_locale(new) or _default_locale(old) or "de"
    locales = frozenset(_locales(old) | _locales(new) | {locale})
    for section, noun, title_key in SECTIONS:
        before, after = _by_id(old.get(section)), _by_id(new.get(section))
        counts = {"added": 0, "removed": 0, "changed": 0}
        for item_id, item in after.items():
            label = f"{_title(item.get(title_key), locale)} ({item_id})" if title_key in item else item_id
            if item_id not in before:
                result.lines.append(f"{noun} added: {label}")
                counts["added"] += 1
                continue
            changes = _changes(before[item_id], item, locales)
            if changes:
                result.lines.append(f"{noun} changed: {label} — " + "; ".join(changes))
                counts["changed"] += 1
        for item_id, item in before.items():
            if item_id not in after:
                label = f"{_title(item.get(title_key), locale)} ({item_id})" if title_key in item else item_id
                result.lines.append(f"{noun} removed: {label}")
                counts["removed"] += 1
        result.counts[section] = counts
    for key, words in (("city", "City settings"), ("share", "Share links")):
        changes = _changes(old.get(key) or {}, new.get(key) or {}, locales)
        if changes:
            result.lines.append(f"{words} changed: " + "; ".join(changes))
            result.other.append(key)
    map_line = _map_change(old.get("map"), new.get("map"))
    if map_line:
        result.lines.append(map_line)
        result.other.append("map")
    return result


def _default_locale(doc: dict) -> str | None:
    city = doc.get("city")
    return city.get("default_locale") if isinstance(city, dict) else None


def _locales(doc: dict) -> set[str]:
    city = doc.get("city")
    found = city.get("locales") if isinstance(city, dict) else None
    return {str(v) for v in found} if isinstance(found, list) else set()


def _by_id(items: object) -> dict[str, dict]:
    if not isinstance(items, list):
        return {}
    return {str(item.get("id")): item for item in items if isinstance(item, dict)}


def _title(text: object, locale: str) -> str:
    """The item's title in the feed's default locale, on one line and at most 60 characters."""
    if isinstance(text, dict):
        text = text.get(locale) or text.get("en") or next(iter(text.values()), "")
    text = " ".join(str(text).split())
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def _show(value: object) -> str:
    """Dates and times as they are, other text in quotes, shortened to one line."""
    if isinstance(value, str):
        if _WHEN.match(value):
            return _date_time(value)
        text = " ".join(value.split())
        return "“" + (text if len(text) <= _SHORT else text[: _SHORT - 1] + "…") + "”"
    if value is None:
        return "(none)"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def _date_time(value: str) -> str:
    """2026-11-19T11:00:00+01:00 -> 2026-11-19T11:00+01:00: seconds only when they say something."""
    if len(value) >= 19 and value[10] == "T" and value[16:19] == ":00":
        return value[:16] + value[19:]
    return value


def _changes(old: object, new: object, locales: frozenset[str], path: str = "") -> list[str]:
    """One phrase per changed field: `start A → B`, `title (en) “A” → “B”`, `labels + x, − y`."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        if _is_text(old, locales) or _is_text(new, locales):
            return _text_changes(old, new, path, locales)
        phrases = []
        for key in sorted(set(old) | set(new)):
            if key == "id":
                continue
            name = f"{path}.{key}" if path else key
            if key not in old:
                phrases.append(f"{name} added: {_show_text(new[key], locales)}")
            elif key not in new:
                phrases.append(f"{name} removed (was {_show_text(old[key], locales)})")
            else:
                phrases += _changes(old[key], new[key], locales, name)
        return phrases
    if isinstance(old, dict) and _is_text(old, locales) and isinstance(new, str):
        return _text_changes(old, {"": new}, path, locales)
    if isinstance(old, str) and isinstance(new, dict) and _is_text(new, locales):
        return _text_changes({"": old}, new, path, locales)
    if isinstance(old, list) and isinstance(new, list) and all(isinstance(v, (str, int, float)) for v in old + new):
        added = [v for v in new if v not in old]
        removed = [v for v in old if v not in new]
        if not added and not removed:
            return [f"{path} reordered"]
        parts = [f"+ {_show(v)}" for v in added[:5]] + [f"− {_show(v)}" for v in removed[:5]]
        more = len(added) + len(removed) - len(parts)
        return [f"{path} " + ", ".join(parts) + (f" and {more} more" if more > 0 else "")]
    if isinstance(old, list) and isinstance(new, list):
        return [f"{path} changed ({len(old)} → {len(new)} entries)"]
    return [f"{path} {_show(old)} → {_show(new)}"]


def _is_text(value: dict, locales: frozenset[str]) -> bool:
    """A feed text object: locale keys only, string values."""
    return bool(value) and all(isinstance(v, str) for v in value.values()) and set(value) <= locales


def _text_changes(old: dict, new: dict, path: str, locales: frozenset[str]) -> list[str]:
    if "" in old or "" in new:  # a plain string became per-language text, or back
        return [f"{path} {_show_text(old.get('') or old, locales)} → {_show_text(new.get('') or new, locales)}"]
    phrases = []
    for locale in sorted(set(old) | set(new)):
        if old.get(locale) != new.get(locale):
            phrases.append(f"{path} ({locale}) {_show(old.get(locale))} → {_show(new.get(locale))}")
    return phrases


def _show_text(value: object, locales: frozenset[str]) -> str:
    if isinstance(value, dict) and _is_text(value, locales):
        return ", ".join(f"{k}: {_show(v)}" for k, v in sorted(value.items()))
    return _show(value)


def _map_change(old: object, new: object) -> str | None:
    def keys(fc):
        features = fc.get("features") if isinstance(fc, dict) else None
        return [json.dumps(f, sort_keys=True) for f in features] if isinstance(features, list) else []

    before, after = keys(old), keys(new)
    if before == after:
        return None
    old_set, new_set = set(before), set(after)
    added, removed = len([k for k in after if k not in old_set]), len([k for k in before if k not in new_set])
    walk_before = sum(1 for k in before if '"walk": true' in k)
    walk_after = sum(1 for k in after if '"walk": true' in k)
    detail = f"{added} features added, {removed} removed" if added or removed else "features reordered"
    return f"Map changed: {detail} ({len(before)} → {len(after)} features, walking lines {walk_before} → {walk_after})"
