"""The departure monitor of an EFA journey planner (Mentz; VRR's is https://efa.vrr.de/standard/XML_DM_REQUEST)
-> live times, cancellations, and which timetable departure each belongs to.

One answer covers one stop area (a DHID such as "de:05113:9153": all its platforms). It is read from
the `outputFormat=JSON` flavour: `departureList`, each with `dateTime` (the timetable time), `realDateTime`
(the prediction, when the vehicle is monitored), `servingLine` (line `number`, `direction`, `delay` in
minutes; `delay` "-9999" marks a cancelled run, as Travel::Status::DE::VRR reads it since 2012) and
`area`/`platform` (the platform within the stop area). Times carry no offset: they are the provider's
local time, Europe/Berlin for every German EFA.

EFA knows no GTFS trip ids, so a departure is matched to the timetable by stop area, line and scheduled
minute, with the platform deciding between runs that share those (match_departures); docs/live.md.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Sequence
from zoneinfo import ZoneInfo

from kiosk.live import LiveDataError

EFA_ZONE = ZoneInfo("Europe/Berlin")
CANCELLED_DELAY = "-9999"
# A DHID (Germany's stop id, also the GTFS stop_id of German feeds): country:district:stop[:area[:platform]].
DHID = re.compile(r"([a-z]{2}:[0-9]{5}:[^:]+)(?::([^:]*))?(?::([^:]*))?\Z")


def stop_area(stop_id: str) -> str | None:
    """The stop area a GTFS stop id names ("de:05113:9153:2:3" -> "de:05113:9153"); None for other ids."""
    found = DHID.match(stop_id)
    return found.group(1) if found else None


def _platform_of(stop_id: str) -> tuple[str, str] | None:
    """("2", "3") for "de:05113:9153:2:3": the area and platform EFA names, when the id has both."""
    found = DHID.match(stop_id)
    return (found.group(2), found.group(3)) if found and found.group(2) and found.group(3) else None


@dataclass(frozen=True)
class EfaDeparture:
    line: str  # servingLine.number, e.g. "U11", "106"
    scheduled: datetime
    expected: datetime | None  # realDateTime; None when the vehicle is not monitored
    cancelled: bool
    area: str = ""  # the platform within the stop area, as EFA numbers it
    platform: str = ""
    direction: str = ""

    @property
    def live(self) -> bool:
        """Whether this says anything beyond the timetable."""
        return self.cancelled or self.expected is not None


@dataclass(frozen=True)
class AreaBoard:
    """One departure-monitor answer: the next departures of one stop area, as the provider saw them at `issued_at`."""

    area: str
    issued_at: datetime
    departures: tuple[EfaDeparture, ...] = ()


@dataclass(frozen=True)
class EfaSnapshot:
    """The latest good answer of each stop area asked for; each area has its own age."""

    boards: dict[str, AreaBoard] = field(default_factory=dict)

    def board_for(self, stop_id: str) -> AreaBoard | None:
        area = stop_area(stop_id)
        return self.boards.get(area) if area else None


def parse_departure_monitor(payload: bytes, *, area: str, source: str, received_at: datetime) -> AreaBoard:
    """The departures of one XML_DM_REQUEST answer (outputFormat=JSON); LiveDataError for anything else."""
    asked = f"the EFA departure monitor at {source} for stop area {area}"
    try:
        answer = json.loads(payload)
    except ValueError as exc:
        raise LiveDataError(f"The answer of {asked} is not JSON: {exc}.") from None
    if not isinstance(answer, dict) or "departureList" not in answer or not isinstance(answer.get("dm"), dict):
        raise LiveDataError(f"The answer of {asked} is JSON but not an EFA departure monitor answer "
                            "(it has no 'dm' and 'departureList'; ask with outputFormat=JSON).")
    point = _the_stop(answer["dm"], asked)
    named = (point.get("ref") or {}).get("gid") if isinstance(point.get("ref"), dict) else None
    if named and named != area:
        raise LiveDataError(f"The answer of {asked} is about stop area {named}, not the one asked for.")
    rows = _as_list(answer["departureList"], "departure")
    departures = [d for d in (_departure(row) for row in rows) if d is not None]
    if rows and not departures:
        raise LiveDataError(f"The answer of {asked} lists {len(rows)} departures, but none with a readable "
                            "line and dateTime.")
    return AreaBoard(area, _server_time(answer) or received_at, tuple(departures))


def _the_stop(dm: dict, asked: str) -> dict:
    """The one stop EFA answered for; a sentence when it found several or none."""
    problems = {m.get("name"): m.get("value") for m in _as_list(dm.get("message"), "message") if isinstance(m, dict)}
    points = dm.get("points")
    found = _as_list(points.get("point") if isinstance(points, dict) and "point" in points else points, "point")
    if problems.get("error") or len(found) != 1:
        names = ", ".join(str(p.get("name")) for p in found[:3] if isinstance(p, dict))
        raise LiveDataError(f"The answer of {asked} does not name one stop (EFA says "
                            f"{problems.get('error') or 'nothing'!r}{'; candidates: ' + names if names else ''}); "
                            "check that the stop area's DHID is EFA's.")
    return found[0] if isinstance(found[0], dict) else {}


def _as_list(value: Any, key: str) -> list:
    """EFA's JSON is made from XML: one element comes as an object ({"departure": {...}}), none as null."""
    if value is None:
        return []
    if isinstance(value, dict):
        inner = value.get(key, value)
        return inner if isinstance(inner, list) else [inner]
    return value if isinstance(value, list) else []


def _instant(parts: Any) -> datetime | None:
    if not isinstance(parts, dict):
        return None
    try:
        return datetime(int(parts["year"]), int(parts["month"]), int(parts["day"]), int(parts["hour"]),
                        int(parts["minute"]), tzinfo=EFA_ZONE)
    except (KeyError, TypeError, ValueError):
        return None


def _departure(row: Any) -> EfaDeparture | None:
    if not isinstance(row, dict) or not isinstance(row.get("servingLine"), dict):
        return None
    line = row["servingLine"]
    number = str(line.get("number") or line.get("symbol") or "").strip()
    scheduled = _instant(row.get("dateTime"))
    if not number or scheduled is None:
        return None
    cancelled = str(line.get("delay", "")).strip() == CANCELLED_DELAY
    return EfaDeparture(line=number, scheduled=scheduled, expected=_instant(row.get("realDateTime")),
                        cancelled=cancelled, area=str(row.get("area") or ""), platform=str(row.get("platform") or ""),
                        direction=str(line.get("direction") or ""))


def _server_time(answer: dict) -> datetime | None:
    for parameter in _as_list(answer.get("parameters"), "parameter"):
        if isinstance(parameter, dict) and parameter.get("name") == "serverTime":
            try:
                moment = datetime.fromisoformat(str(parameter.get("value")))
            except ValueError:
                return None
            return moment if moment.tzinfo else moment.replace(tzinfo=EFA_ZONE)
    return None


@dataclass(frozen=True)
class Scheduled:
    """A timetable departure of the stop area, as match_departures needs it."""

    stop_id: str
    line: str  # the route's short name
    time: datetime


def _same_line(a: str, b: str) -> bool:
    return a.replace(" ", "").casefold() == b.replace(" ", "").casefold()


def _same_minute(a: datetime, b: datetime) -> bool:
    return int(a.timestamp()) // 60 == int(b.timestamp()) // 60


def match_departures(board: AreaBoard, timetable: Sequence[Scheduled]) -> dict[int, EfaDeparture]:
    """Which EFA departure (by index into `timetable`) belongs to which timetable departure.

    A pair needs the same line and the same scheduled minute in the same stop area. Where that pairs
    several with several (both directions of a line leaving the same minute), only pairs whose platform
    agrees are kept (EFA's area and platform are the last two parts of the stop's DHID). A departure left
    with more than one partner is not matched at all: it keeps its timetable time.
    """
    pairs = [(i, j) for i, row in enumerate(timetable) for j, dep in enumerate(board.departures)
             if _same_line(row.line, dep.line) and _same_minute(row.time, dep.scheduled)]
    kept = []
    for i, j in pairs:
        competing = sum(1 for a, b in pairs if (a == i) != (b == j))  # pairs sharing exactly one side
        if not competing or _platform_of(timetable[i].stop_id) == (board.departures[j].area, board.departures[j].platform):
            kept.append((i, j))
    rows = Counter(i for i, _ in kept)
    deps = Counter(j for _, j in kept)
    return {i: board.departures[j] for i, j in kept if rows[i] == 1 and deps[j] == 1}
