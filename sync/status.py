"""data_dir/status.json: what a terminal's sync last did, for people, the admin panel and monitoring.

Fields (all optional; absent means "not known yet"):
kiosk_id, content_sequence, content_generated_at, content_valid_until, content_applied_at,
content_demo, content_stale, last_attempt, last_success, last_sync_ok, last_message, last_error,
last_error_at, next_attempt, consecutive_failures, sync_errors_total, pending_images,
clock_skew_s, clock_checked_at, clock_ok, clock_problem, sync_running (true from the start of a cycle
to its outcome). Times are ISO 8601 with offset.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sync.files import write_bytes_atomically

STATUS_FILE = "status.json"
CLOCK_SKEW_LIMIT_S = 300


def read_status(data_dir: Path) -> dict[str, Any]:
    path = Path(data_dir) / STATUS_FILE
    try:
        status = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return status if isinstance(status, dict) else {}


def write_text_atomically(path: Path, text: str) -> None:
    """A reader sees the old or the new file, whole (sync/files.py)."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_json_atomically(path: Path, document: Any) -> None:
    write_text_atomically(path, json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def update_status(data_dir: Path, **changes: Any) -> dict[str, Any]:
    """Merge `changes` into status.json and return the new status."""
    return write_status(data_dir, {**read_status(data_dir), **changes})


def write_status(data_dir: Path, status: dict[str, Any]) -> dict[str, Any]:
    """Replace status.json with `status` (one atomic write) and return it."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    write_json_atomically(data_dir / STATUS_FILE, status)
    return status


# --------------------------------------------------------------------------- for people


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.astimezone()


def human_duration(seconds: float) -> str:
    """'45 s', '2 min', '1 h 5 min', '3 days': how long, for a person."""
    seconds = max(0, round(seconds))
    if seconds < 90:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{round(hours / 24)} days"


def ago(value: Any, now: datetime) -> str:
    when = parse_time(value)
    if when is None:
        return "at an unknown time"
    seconds = (now - when).total_seconds()
    if seconds < -60:
        return f"at {when:%Y-%m-%d %H:%M} (later than the local clock says it is now)"
    return "just now" if seconds < 5 else f"{human_duration(seconds)} ago"


def content_is_stale(valid_until: Any, now: datetime) -> bool:
    until = parse_time(valid_until)
    return until is not None and now >= until


def clock_problem(*, now: datetime, skew_s: float | None, generated_at: Any) -> str | None:
    """A sentence when the local clock is off by more than 5 min or plainly wrong; else None."""
    made = parse_time(generated_at)
    if made is not None and now < made:
        return (f"The local clock reads {now:%Y-%m-%d %H:%M}, earlier than the running content was made "
                f"({made:%Y-%m-%d %H:%M}); the clock is wrong, so dates, opening hours and 'today' may be "
                "shown wrongly until time synchronisation (NTP) sets it.")
    if skew_s is not None and abs(skew_s) > CLOCK_SKEW_LIMIT_S:
        direction = "ahead of" if skew_s > 0 else "behind"
        return (f"The local clock is {human_duration(abs(skew_s))} {direction} the feed server's clock; "
                "check time synchronisation (NTP).")
    return None


def describe(status: dict[str, Any], now: datetime) -> list[str]:
    """status.json as sentences for a person at a terminal or on the phone with one."""
    if not status:
        return ["No sync has run here yet."]
    lines = []
    sequence = status.get("content_sequence")
    if sequence is None:
        lines.append("Content: none yet; the terminal shows nothing until a feed is applied.")
    else:
        made = parse_time(status.get("content_generated_at"))
        made_text = f" from {made:%Y-%m-%d %H:%M}" if made else ""
        demo = " (the bundled demo content)" if status.get("content_demo") else ""
        lines.append(f"Content: sequence {sequence}{made_text}{demo}, applied {ago(status.get('content_applied_at'), now)}.")
        if content_is_stale(status.get("content_valid_until"), now):
            until = parse_time(status.get("content_valid_until"))
            lines.append(f"Stale: the content was valid until {until:%Y-%m-%d %H:%M}; it is still shown, "
                         "but a newer feed should be published.")
    attempt = status.get("last_attempt") or status.get("last_success")  # the demo's first apply has no attempt
    if status.get("sync_running") is True:
        lines.append(f"Sync: in progress, started {ago(attempt, now)}.")
        # The outcome fields still describe the cycle before this one.
        attempt = status.get("last_success") if status.get("last_sync_ok") else status.get("last_error_at")
    if attempt is None:
        lines.append("Last sync: none yet.")
    elif status.get("last_sync_ok") is False or (status.get("last_sync_ok") is None and status.get("last_error")):
        lines.append(f"Last sync: failed {ago(attempt, now)}: {status.get('last_error')}")
        if status.get("last_success"):
            lines.append(f"Last successful sync: {ago(status['last_success'], now)}.")
        else:
            lines.append("Last successful sync: never.")
    else:
        message = status.get("last_message")
        lines.append(f"Last sync: succeeded {ago(attempt, now)}" + (f": {message}" if message else "."))
    pending = status.get("pending_images") or []
    if pending:
        lines.append(f"Images pending ({len(pending)}); their places show without a picture until they arrive:")
        lines += [f"  {item}" for item in pending]
    next_attempt = parse_time(status.get("next_attempt"))
    if next_attempt is not None and (next_attempt - now).total_seconds() >= 1:
        lines.append(f"Next sync: in {human_duration((next_attempt - now).total_seconds())}.")
    problem = clock_problem(now=now, skew_s=status.get("clock_skew_s"), generated_at=status.get("content_generated_at"))
    if problem:
        lines.append(f"Clock: {problem}")
    elif status.get("clock_skew_s") is not None:
        lines.append(f"Clock: within {human_duration(abs(status['clock_skew_s']))} of the feed server's clock.")
    return lines
