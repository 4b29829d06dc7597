"""The plain recurrence editor's choices <-> an RFC 5545 RRULE (plain Python, no Django)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_PLAIN_PARTS = {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "COUNT"}


@dataclass
class Plain:
    """What the editor chose: how often, on which weekdays, until when or how many times."""

    frequency: str = ""  # "" = once
    interval: int = 1
    weekdays: list[str] = field(default_factory=list)
    until: date | None = None
    count: int | None = None


def to_rrule(plain: Plain, *, all_day: bool, zone: ZoneInfo, start_time: time) -> str:
    """The RRULE for `plain`; UNTIL ends after the last day's occurrence, in UTC when start has a time (RFC 5545)."""
    if not plain.frequency:
        return ""
    parts = [f"FREQ={plain.frequency}"]
    if plain.interval and plain.interval > 1:
        parts.append(f"INTERVAL={plain.interval}")
    if plain.weekdays:
        parts.append("BYDAY=" + ",".join(day for day in WEEKDAYS if day in plain.weekdays))
    if plain.until is not None:
        if all_day:
            parts.append(f"UNTIL={plain.until:%Y%m%d}")
        else:
            last = datetime.combine(plain.until, start_time, zone).astimezone(timezone.utc)
            parts.append(f"UNTIL={last:%Y%m%dT%H%M%SZ}")
    elif plain.count:
        parts.append(f"COUNT={plain.count}")
    return ";".join(parts)


def from_rrule(rule: str, zone: ZoneInfo) -> Plain | None:
    """The plain choices for `rule`, or None when the rule says more than the plain editor can show."""
    if not rule:
        return Plain()
    parts = dict(part.partition("=")[::2] for part in rule.upper().split(";") if part)
    if set(parts) - _PLAIN_PARTS or parts.get("FREQ") not in FREQUENCIES:
        return None
    days = [day for day in parts.get("BYDAY", "").split(",") if day]
    if any(day not in WEEKDAYS for day in days):
        return None  # e.g. 2SA, "the second Saturday": only the rule field shows it
    plain = Plain(parts["FREQ"], int(parts.get("INTERVAL", "1") or 1), days,
                  count=int(parts["COUNT"]) if parts.get("COUNT") else None)
    until = parts.get("UNTIL")
    if until:
        if "T" in until:
            moment = datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
            plain.until = moment.astimezone(zone).date()
        else:
            plain.until = datetime.strptime(until, "%Y%m%d").date()
    return plain


def exception_dates(exdates: list[str]) -> list[date]:
    return [date.fromisoformat(value[:10]) for value in exdates]


def exdate_values(days: list[date], *, all_day: bool, zone: ZoneInfo, start_time: time) -> list[str]:
    """Left-out days as the feed's exdates: the occurrence's start on that day, the same kind as `start`."""
    if all_day:
        return [day.isoformat() for day in days]
    return [datetime.combine(day, start_time, zone).isoformat(timespec="seconds") for day in days]

