"""One calendar series (the VEVENTs sharing a UID) in the feed's terms, as RFC 5545 defines it.

The newest revision of a component wins; a RANGE=THISANDFUTURE change splits the series into
pieces that each repeat with a rule of their own; RDATEs become events of their own, so older
terminals that know only `rrule` and `exdates` show every occurrence. Works on converted feed
events (start/end/rrule/exdates as the feed writes them) with python-dateutil.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_CHECKED = 60  # occurrences compared when a split piece gets a rule of its own


class SeriesError(Exception):
    """This part of a series cannot be written in the feed's terms; the message says why."""


def revision(component) -> tuple:
    """Sort key of a component's revision: SEQUENCE, then LAST-MODIFIED, then DTSTAMP (RFC 5545 3.8.7)."""
    try:
        sequence = int(component.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        sequence = 0
    return (sequence, _stamp(component, "LAST-MODIFIED"), _stamp(component, "DTSTAMP"))


def _stamp(component, name: str) -> datetime:
    try:
        value = component.decoded(name)
    except Exception:  # absent or unreadable: the oldest possible
        return _EARLIEST
    if not isinstance(value, datetime):
        return _EARLIEST
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def newest(components: list) -> tuple[object, list]:
    """The newest revision and the others; on a full tie the first in the file wins."""
    best = max(components, key=revision)  # max keeps the first of equal keys
    return best, [c for c in components if c is not best]


# ---- feed values <-> points in time

def moment(value: str) -> datetime:
    """A feed start, end or exdate as a comparable point: aware for date-times, naive midnight for dates."""
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), time())
    return datetime.fromisoformat(value)


def feed_value(point: datetime, all_day: bool, city_tz: ZoneInfo) -> str:
    return point.date().isoformat() if all_day else point.astimezone(city_tz).isoformat()


def _on_wall_clock(point: datetime, zone: ZoneInfo | None) -> datetime:
    return point if zone is None else point.astimezone(zone)


def series_rule(event: dict, zone: ZoneInfo | None) -> rrule | None:
    """The event's rule as dateutil runs it: on the wall clock of zone (None for dates)."""
    text = event.get("rrule")
    if not text:
        return None
    return rrulestr(text, dtstart=_on_wall_clock(moment(event["start"]), zone), cache=True)


def occurs_at(rule: rrule | None, start: datetime, point: datetime) -> bool:
    """Whether the series (its start and its rule) has an occurrence starting at point."""
    if point == start:
        return True
    if rule is None:
        return False
    return any(found == point for found in rule.between(point - timedelta(seconds=1),
                                                        point + timedelta(seconds=1), inc=True))


# ---- RANGE=THISANDFUTURE

@dataclass
class Piece:
    """A part of a split series: the occurrences whose original start is at or after `since`."""
    event: dict | None  # None: a piece that was left out
    since: datetime | None  # None: from the series' start
    shift: timedelta  # how far these occurrences moved from the original rule (wall clock)


def split(master: dict, zone: ZoneInfo | None, cuts: list[tuple[datetime, dict]],
          city_tz: ZoneInfo) -> tuple[list[Piece], list[str]]:
    """The series cut at each (original start, changed event) of a THISANDFUTURE change, and the
    problems of pieces that could not be written (those pieces are left out).

    The master keeps the occurrences before the first cut (COUNT = how many); each cut's event
    repeats the rule from its own start, moved as RFC 5545 says, up to the next cut.
    """
    all_day = "T" not in master["start"]
    start = _on_wall_clock(moment(master["start"]), zone)
    rule = series_rule(master, zone)
    if rule is None or not cuts:
        return [Piece(master, None, timedelta(0))], []
    cuts = sorted(((_on_wall_clock(at, zone), event) for at, event in cuts), key=lambda cut: cut[0])
    body = _without_limits(master["rrule"])
    bounds = [cut[0] for cut in cuts] + [None]
    pieces = []
    before = _between(rule, start - timedelta(seconds=1), bounds[0])
    if before:
        head = dict(master, rrule=_with_count(body, len(before)))
        head["exdates"] = [x for x in master.get("exdates", []) if _on_wall_clock(moment(x), zone) < bounds[0]]
        pieces.append(Piece(_tidy(head), None, timedelta(0)))
    elif start < bounds[0]:  # the start is off the rule: it stays a single occurrence
        head = {k: v for k, v in master.items() if k not in ("rrule", "exdates", "timezone")}
        pieces.append(Piece(head, None, timedelta(0)))
    problems = []
    for (since, changed), until in zip(cuts, bounds[1:]):
        try:
            pieces.append(_piece(master, body, rule, zone, since, until, changed, all_day, city_tz))
        except SeriesError as exc:
            problems.append(str(exc))
            pieces.append(Piece(None, since, timedelta(0)))  # its occurrences are left out, not given to others
    return pieces, problems


def _piece(master, body, rule, zone, since, until, changed, all_day, city_tz) -> Piece:
    new_start = _on_wall_clock(moment(changed["start"]), zone)
    shift = new_start.replace(tzinfo=None) - since.replace(tzinfo=None)
    originals = _between(rule, since - timedelta(seconds=1), until) if until or _finite(rule) else None
    count = None if originals is None else len(originals)
    if count == 0:
        return Piece({k: v for k, v in changed.items() if k not in ("rrule", "exdates", "timezone")}, since, shift)
    text = _rotated(body, since, new_start)
    text = text if count is None else _with_count(text, count)
    candidate = rrulestr(text, dtstart=new_start, cache=True)
    expected = [_moved(o, shift, zone) for o in (originals or _first(rule, since, _CHECKED))[:_CHECKED]]
    got = _first(candidate, new_start, len(expected))
    if got != expected:
        raise SeriesError(f"its RANGE=THISANDFUTURE change at {since.isoformat()} moves the series in a way "
                          "one recurrence rule cannot state")
    event = {k: v for k, v in changed.items() if k not in ("rrule", "exdates", "timezone")}
    event["rrule"] = text
    if "timezone" in master:
        event["timezone"] = master["timezone"]
    event["exdates"] = sorted(
        feed_value(_moved(point, shift, zone), all_day, city_tz)
        for point in (_on_wall_clock(moment(x), zone) for x in master.get("exdates", []))
        if since <= point and (until is None or point < until))
    return Piece(_tidy(event), since, shift)


def piece_for(pieces: list[Piece], original: datetime, zone: ZoneInfo | None) -> Piece:
    """The piece an original occurrence start belongs to."""
    point = _on_wall_clock(original, zone)
    found = pieces[0]
    for piece in pieces:
        if piece.since is None or piece.since <= point:
            found = piece
    return found


def moved(point: datetime, piece: Piece, zone: ZoneInfo | None) -> datetime:
    return _moved(_on_wall_clock(point, zone), piece.shift, zone)


def _moved(point: datetime, shift: timedelta, zone: ZoneInfo | None) -> datetime:
    # RFC 5545 moves later occurrences by the same wall-clock difference
    if zone is None:
        return point + shift
    return (point.replace(tzinfo=None) + shift).replace(tzinfo=zone).astimezone(timezone.utc).astimezone(zone)


def _between(rule: rrule, after: datetime, before: datetime | None) -> list[datetime]:
    found = []
    for point in rule.xafter(after):
        if before is not None and point >= before:
            break
        found.append(point)
    return found


def _first(rule: rrule, since: datetime, count: int) -> list[datetime]:
    found = []
    for point in rule:
        if point >= since:
            found.append(point)
            if len(found) == count:
                break
    return found


def _finite(rule: rrule) -> bool:
    return rule._count is not None or rule._until is not None


_LIMIT = re.compile(r"(?i)^(UNTIL|COUNT)=")


def _without_limits(text: str) -> str:
    return ";".join(part for part in text.split(";") if not _LIMIT.match(part))


def _with_count(text: str, count: int) -> str:
    return f"{text};COUNT={count}"


def _rotated(text: str, old: datetime, new: datetime) -> str:
    """BYDAY moved by as many weekdays as the change moved the occurrence; the check catches the rest."""
    days = (new.date() - old.date()).days % 7
    if not days:
        return text

    def turn(part: str) -> str:
        name, _, value = part.partition("=")
        if name.upper() != "BYDAY":
            return part
        turned = [_DAYS[(_DAYS.index(day) + days) % 7] if day in _DAYS else day for day in value.upper().split(",")]
        return f"{name}={','.join(turned)}"

    return ";".join(turn(part) for part in text.split(";"))


def _tidy(event: dict) -> dict:
    if not event.get("exdates"):
        event.pop("exdates", None)
    return event
