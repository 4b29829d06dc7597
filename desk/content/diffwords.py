"""sync.diff's changes in the desk user's language: the line heads and the summary; values and field names stay."""
from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sync.diff import SECTIONS, FeedDiff

HEADS = {
    ("Place", "added"): gettext_lazy("Place added"), ("Place", "changed"): gettext_lazy("Place changed"),
    ("Place", "removed"): gettext_lazy("Place removed"),
    ("Event", "added"): gettext_lazy("Event added"), ("Event", "changed"): gettext_lazy("Event changed"),
    ("Event", "removed"): gettext_lazy("Event removed"),
    ("Campaign", "added"): gettext_lazy("Campaign added"), ("Campaign", "changed"): gettext_lazy("Campaign changed"),
    ("Campaign", "removed"): gettext_lazy("Campaign removed"),
    ("Notice", "added"): gettext_lazy("Notice added"), ("Notice", "changed"): gettext_lazy("Notice changed"),
    ("Notice", "removed"): gettext_lazy("Notice removed"),
    ("Page", "added"): gettext_lazy("Help page added"), ("Page", "changed"): gettext_lazy("Help page changed"),
    ("Page", "removed"): gettext_lazy("Help page removed"),
    ("Kiosk", "added"): gettext_lazy("Kiosk added"), ("Kiosk", "changed"): gettext_lazy("Kiosk changed"),
    ("Kiosk", "removed"): gettext_lazy("Kiosk removed"),
    ("City settings", "changed"): gettext_lazy("City settings changed"),
    ("Share links", "changed"): gettext_lazy("Share links changed"),
}
SECTION_NAMES = {"places": gettext_lazy("places"), "events": gettext_lazy("events"),
                 "campaigns": gettext_lazy("campaigns"), "notices": gettext_lazy("notices"),
                 "pages": gettext_lazy("help pages"), "kiosks": gettext_lazy("kiosks"),
                 "city": gettext_lazy("city settings"), "share": gettext_lazy("share links"),
                 "map": gettext_lazy("map")}
_HEAD = re.compile(r"^(Place|Event|Campaign|Notice|Page|Kiosk|City settings|Share links) (added|changed|removed): ")
_MAP = re.compile(r"^Map changed: (?:(\d+) features added, (\d+) removed|features reordered) "
                  r"\((\d+) → (\d+) features, walking lines (\d+) → (\d+)\)$")


def line(text: str) -> str:
    """One line of sync.diff, its head in the user's language ("Event added: …" -> "Veranstaltung neu: …")."""
    head = _HEAD.match(text)
    if head:
        return f"{HEADS[head.group(1), head.group(2)]}: {text[head.end():]}"
    found = _MAP.match(text)
    if found:
        added, removed, before, after, walk_before, walk_after = found.groups()
        what = (_("%(added)s features added, %(removed)s removed") % {"added": added, "removed": removed}
                if added is not None else _("features reordered"))
        return _("Map changed: %(what)s (%(before)s → %(after)s features, walking lines %(walk_before)s → "
                 "%(walk_after)s)") % {"what": what, "before": before, "after": after, "walk_before": walk_before,
                                        "walk_after": walk_after}
    return text


def summary(diff: FeedDiff) -> str:
    """The counts of sync.diff's summary, in the user's language."""
    parts = []
    for section, _noun, _title in SECTIONS:
        counts = diff.counts.get(section, {})
        done = [words % {"n": counts[what]} for what, words in (
            ("added", _("%(n)s added")), ("removed", _("%(n)s removed")), ("changed", _("%(n)s changed")))
            if counts.get(what)]
        if done:
            parts.append(f"{SECTION_NAMES[section]}: {', '.join(done)}")
    parts += [_("%(what)s changed") % {"what": SECTION_NAMES.get(name, name)} for name in diff.other]
    old, new = diff.sequence
    sequence = (_("sequence %(old)s → %(new)s") % {"old": old, "new": new} if old not in (None, new)
                else _("sequence %(new)s") % {"new": new})  # the first publication has no old sequence
    if not parts:
        return _("No content changes (%(sequence)s).") % {"sequence": sequence}
    return _("Changes: %(parts)s (%(sequence)s).") % {"parts": "; ".join(parts), "sequence": sequence}
