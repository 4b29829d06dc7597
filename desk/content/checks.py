"""One piece of content checked by the terminal's own code: sync/feed.py's rules, kiosk/occurrences.py, kiosk/hours.py."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from kiosk import hours
from kiosk.occurrences import occurrences_between
from sync.feed import FORMAT, FORMAT_VERSION, problems

from desk.content.feedmap import sources

_PATH = re.compile(r"^\$\.(\w+)\[0\](?:\.(\w+))?[^:]*:\s*(.*)$")


def item_problems(section: str, item: dict, *, kiosks: list[dict] | None = None) -> dict[str, list[str]]:
    """{feed field (or "" for the whole item): [problems]} for `item` in a feed of the desk's city and places."""
    source = sources()
    feed = {"format": FORMAT, "format_version": FORMAT_VERSION, "sequence": 1,
            "generated_at": "2026-01-01T00:00:00+01:00", "city": source.city,
            "map": {"type": "FeatureCollection", "features": []}, "places": source.places,
            "kiosks": kiosks or [], "events": [], "campaigns": [], "notices": [], "pages": []}
    feed[section] = [item]
    found: dict[str, list[str]] = {}
    for line in problems(feed):
        match = _PATH.match(line)
        if match and match.group(1) == section:
            found.setdefault(match.group(2) or "", []).append(match.group(3))
    return found


def repeat_problem(event: dict, zone, now: datetime) -> str | None:
    """None when the terminal can list the event's occurrences for the coming year, else why not."""
    try:
        occurrences_between(event, zone, now, now + timedelta(days=400))
    except Exception as exc:  # the terminal's own code refuses it: say so in the editor's words
        return _("The terminal could not repeat this event: %(reason)s") % {"reason": exc}
    return None


def hours_problem(value: str) -> str | None:
    return hours.check(value)


def open_now(value: str, at: datetime) -> hours.HoursState:
    """The state of `value` at `at` in the desk's city, with its holidays: what a terminal would show."""
    city = sources().city
    return hours.state_at(value, at, timezone=city.get("timezone", "Europe/Berlin"),
                          country=city.get("country", "DE"), subdivision=city.get("subdivision"))
