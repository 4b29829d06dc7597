"""What the fleet pages show, computed for an instant that is passed in (the pages take ?at=, tests pass theirs).

Terminals: silent ones first, longest silent at the top, with how long; then the rest by name. Feedback: answers and
average rating per ISO week and topic. Usage: screens opened per screen and hour of the day. The database sums per
hour (FeedbackTopic, ScreenOpen rows), so a year of answers from 500 terminals is not read into Python; the few
hundred hourly sums fold into local weeks and hours of the day here, the same on SQLite and PostgreSQL.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum

from desk.fleet.models import Feedback, FeedbackTopic, ScreenOpen, Terminal
from kiosk.feedback import TOPICS
from sync.report import SILENT_AFTER
from sync.status import CLOCK_SKEW_LIMIT_S

LOW_DISK_BYTES = 1_000_000_000  # below this a new feed with images may not fit
ALL = "all"


@dataclass(frozen=True)
class TerminalRow:
    kiosk_id: str
    silent: bool
    silent_for: timedelta | None  # None: never sent a heartbeat
    last_heartbeat: datetime | None
    content_sequence: int | None
    last_error: str | None
    skew_s: float | None  # the terminal's clock minus the desk's, when the last heartbeat arrived
    free_disk_bytes: int | None
    version: str | None
    known: bool  # the desk's content lists this kiosk

    @property
    def skew_problem(self) -> bool:
        return self.skew_s is not None and abs(self.skew_s) > CLOCK_SKEW_LIMIT_S

    @property
    def low_disk(self) -> bool:
        return self.free_disk_bytes is not None and self.free_disk_bytes < LOW_DISK_BYTES


def _number(value, kind):
    return value if isinstance(value, kind) and not isinstance(value, bool) else None


def terminal_rows(now: datetime, known_ids: list[str] = ()) -> list[TerminalRow]:
    """Every terminal that ever reported, and every kiosk of the content that never did."""
    rows = []
    for t in Terminal.objects.all():
        status = t.status if isinstance(t.status, dict) else {}
        beat = t.heartbeat_received_at
        skew = (t.last_heartbeat_at - beat).total_seconds() if beat and t.last_heartbeat_at else None
        error = status.get("last_error") if isinstance(status.get("last_error"), str) else None
        rows.append(TerminalRow(
            kiosk_id=t.kiosk_id, silent=beat is None or now - beat > SILENT_AFTER,
            silent_for=None if beat is None else max(now - beat, timedelta(0)), last_heartbeat=beat,
            content_sequence=t.content_sequence, last_error=error, skew_s=skew,
            free_disk_bytes=_number(status.get("free_disk_bytes"), int),
            version=status.get("version") if isinstance(status.get("version"), str) else None,
            known=t.kiosk_id in known_ids))
    reported = {r.kiosk_id for r in rows}
    rows += [TerminalRow(k, True, None, None, None, None, None, None, None, True) for k in known_ids if k not in reported]
    # Silent first, never heard from and longest silent at the top; then the rest by name.
    rows.sort(key=lambda r: (not r.silent, -(r.silent_for or timedelta.max).total_seconds() if r.silent else 0, r.kiosk_id))
    return rows


def week_label(at: datetime, zone: ZoneInfo) -> str:
    year, week, _ = at.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


def week_starts(now: datetime, zone: ZoneInfo, weeks: int) -> list[datetime]:
    """The Mondays 00:00 local time of the last `weeks` weeks, the current one last."""
    local = now.astimezone(zone)
    monday = datetime(local.year, local.month, local.day, tzinfo=zone) - timedelta(days=local.weekday())
    return [monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


@dataclass(frozen=True)
class WeekFigure:
    week: str
    answers: int
    average: float | None


def feedback_by_week(now: datetime, zone: ZoneInfo, weeks: int = 8) -> dict[str, list[WeekFigure]]:
    """topic ("all" for every answer) -> one figure per week, oldest first."""
    starts = week_starts(now, zone, weeks)
    end = starts[-1] + timedelta(days=7)  # aware arithmetic in a ZoneInfo is wall-clock: next Monday 00:00
    labels = [week_label(s, zone) for s in starts]
    sums: dict[tuple[str, str], list[int]] = {}  # (topic, week) -> [answers, sum of ratings]

    def add(topic: str, hour: datetime, n: int, total: int) -> None:
        figure = sums.setdefault((topic, week_label(hour, zone)), [0, 0])
        figure[0] += n
        figure[1] += total

    # The database sums per hour (plain GROUP BY on every backend); the hours fold into local weeks here.
    for row in (Feedback.objects.filter(hour__gte=starts[0], hour__lt=end).order_by()
                .values("hour").annotate(n=Count("id"), total=Sum("rating"))):
        add(ALL, row["hour"], row["n"], row["total"])
    for row in (FeedbackTopic.objects.filter(hour__gte=starts[0], hour__lt=end).order_by()
                .values("hour", "topic").annotate(n=Count("id"), total=Sum("rating"))):
        add(row["topic"], row["hour"], row["n"], row["total"])
    topics = [ALL, *TOPICS] + sorted({t for t, _w in sums} - {ALL, *TOPICS})
    return {topic: [WeekFigure(label, *_figure(sums.get((topic, label)))) for label in labels] for topic in topics}


def _figure(found: list[int] | None) -> tuple[int, float | None]:
    return (found[0], found[1] / found[0]) if found else (0, None)


def recent_answers(now: datetime, days: int = 7, limit: int = 50):
    return Feedback.objects.filter(hour__gt=now - timedelta(days=days), hour__lte=now).order_by("-hour", "kiosk_id")[:limit]


def usage_by_screen_and_hour(now: datetime, zone: ZoneInfo, days: int = 7) -> tuple[list[tuple[str, int]], dict[tuple[str, int], int]]:
    """(screens with their totals, most used first; (screen, local hour 0-23) -> opens) over the last `days` days."""
    cells: dict[tuple[str, int], int] = {}
    totals: dict[str, int] = {}
    for row in (ScreenOpen.objects.filter(hour__gt=now - timedelta(days=days), hour__lte=now).order_by()
                .values("screen", "hour").annotate(n=Sum("count"))):
        key = (row["screen"], row["hour"].astimezone(zone).hour)
        cells[key] = cells.get(key, 0) + row["n"]
        totals[row["screen"]] = totals.get(row["screen"], 0) + row["n"]
    return sorted(totals.items(), key=lambda item: (-item[1], item[0])), cells
