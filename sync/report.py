"""`kiosk-feed report DB`: what the collector's database says about the fleet.

Terminals silent for longer than SILENT_AFTER come first and are marked, because those are the
ones someone has to visit; then feedback averages per topic and ISO week, then the most used
screens and languages. The instant is passed in (--now) so the report can be tested and replayed.
"""
from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

SILENT_AFTER = timedelta(minutes=15)
ALL_TOPICS = "(all answers)"


class ReportError(Exception):
    """The collector database cannot be read; the message names the file."""


@dataclass
class TerminalRow:
    kiosk_id: str
    last_seen: datetime
    content_sequence: int | None
    silent: bool
    last_error: str | None


@dataclass
class FleetReport:
    now: datetime
    terminals: list[TerminalRow] = field(default_factory=list)
    # (ISO week, topic) -> (answers, average rating)
    feedback: dict[tuple[str, str], tuple[int, float]] = field(default_factory=dict)
    screens: list[tuple[str, int]] = field(default_factory=list)
    languages: list[tuple[str, int]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "terminals": [
                {"kiosk_id": t.kiosk_id, "last_seen": t.last_seen.isoformat(), "content_sequence": t.content_sequence,
                 "silent": t.silent, "last_error": t.last_error}
                for t in self.terminals
            ],
            "feedback": [{"week": w, "topic": t, "answers": n, "average": round(a, 2)}
                         for (w, t), (n, a) in sorted(self.feedback.items())],
            "screens": dict(self.screens),
            "languages": dict(self.languages),
            "totals": self.totals,
        }


def _week(at: datetime, tz: ZoneInfo) -> str:
    year, week, _ = at.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def fleet_report(db_path: Path, *, now: datetime, tz: str = "Europe/Berlin", top: int = 10) -> FleetReport:
    db_path = Path(db_path)
    if not db_path.exists():
        raise ReportError(f"There is no collector database at {db_path}; start one with: kiosk-feed collect {db_path} --token T")
    zone = ZoneInfo(tz)
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            terminals = conn.execute("SELECT kiosk_id, last_seen, content_sequence, status FROM terminals").fetchall()
            items = conn.execute("SELECT kind, created_at, payload FROM items ORDER BY created_at").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise ReportError(f"The collector database {db_path} cannot be read: {exc}.") from exc

    report = FleetReport(now=now)
    for kiosk_id, last_seen, sequence, status in terminals:
        seen = datetime.fromisoformat(last_seen)
        error = (json.loads(status) or {}).get("last_error") if status else None
        report.terminals.append(TerminalRow(kiosk_id, seen, sequence, now - seen > SILENT_AFTER, error))
    # Silent ones first, the longest silent at the top; then the rest by name.
    report.terminals.sort(key=lambda t: (not t.silent, t.last_seen if t.silent else datetime.max.replace(tzinfo=timezone.utc), t.kiosk_id))

    ratings: dict[tuple[str, str], list[int]] = defaultdict(list)
    screens: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for kind, created_at, payload_text in items:
        payload = json.loads(payload_text)
        if kind == "feedback":
            week = _week(datetime.fromisoformat(payload.get("hour") or created_at), zone)
            ratings[(week, ALL_TOPICS)].append(payload["rating"])
            for topic in payload.get("topics") or []:
                ratings[(week, str(topic))].append(payload["rating"])
        elif kind == "usage":
            screens.update({str(k): int(v) for k, v in (payload.get("screens") or {}).items()})
            languages.update({str(k): int(v) for k, v in (payload.get("languages") or {}).items()})
            for counter in ("searches", "routes", "qr_codes", "idle_resets"):
                totals[counter] += int(payload.get(counter) or 0)
    report.feedback = {key: (len(values), sum(values) / len(values)) for key, values in ratings.items()}
    report.screens = screens.most_common(top)
    report.languages = languages.most_common(top)
    report.totals = dict(totals)
    return report


def _ago(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 0:
        return "in the future (check the collector's clock)"
    if minutes < 120:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // 1440} days ago"


def format_report(report: FleetReport) -> str:
    lines = [f"Fleet report at {report.now.isoformat(timespec='minutes')}", ""]
    silent = sum(t.silent for t in report.terminals)
    lines.append(f"Terminals: {len(report.terminals)}, silent for over {int(SILENT_AFTER.total_seconds() // 60)} minutes: {silent}")
    for t in report.terminals:
        mark = "SILENT " if t.silent else "       "
        sequence = "-" if t.content_sequence is None else str(t.content_sequence)
        line = (f"  {mark}{t.kiosk_id:24} last seen {t.last_seen.isoformat(timespec='minutes')} "
                f"({_ago(report.now - t.last_seen)}), content sequence {sequence}")
        if t.last_error:
            line += f", last error: {t.last_error}"
        lines.append(line)
    lines += ["", "Feedback (answers, average rating 1-5) per week and topic:"]
    if not report.feedback:
        lines.append("  no answers yet")
    for (week, topic), (count, average) in sorted(report.feedback.items(), key=lambda kv: (kv[0][0], kv[0][1] != ALL_TOPICS, kv[0][1])):
        lines.append(f"  {week}  {topic:22} {count:5}  {average:.2f}")
    lines += ["", "Most used screens:"]
    lines += [f"  {name:22} {count}" for name, count in report.screens] or ["  no usage counts yet"]
    lines += ["", "Languages chosen:"]
    lines += [f"  {name:22} {count}" for name, count in report.languages] or ["  no usage counts yet"]
    if report.totals:
        lines += ["", "Totals: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(report.totals.items()))]
    return "\n".join(lines)
