"""status.json as a Prometheus text file, for node_exporter's textfile collector.

node_exporter reads every `*.prom` file in its folder; we write a temporary file in the same
folder (not ending in .prom) and rename it, so it never scrapes half a file.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from sync.status import parse_time, write_text_atomically


def _timestamp(key: str) -> Callable[[dict[str, Any]], float | None]:
    def value(status: dict[str, Any]) -> float | None:
        when = parse_time(status.get(key))
        return when.timestamp() if when else None

    return value


def _flag(key: str) -> Callable[[dict[str, Any]], float | None]:
    return lambda status: None if status.get(key) is None else float(bool(status[key]))


# name, type, help, how to read it from status.json (None: no sample)
METRICS: list[tuple[str, str, str, Callable[[dict[str, Any]], float | None]]] = [
    ("kiosk_content_sequence", "gauge", "Sequence number of the content the terminal shows.",
     lambda s: s.get("content_sequence")),
    ("kiosk_content_generated_timestamp_seconds", "gauge", "When the running content was generated (Unix time).",
     _timestamp("content_generated_at")),
    ("kiosk_content_stale", "gauge", "1 when the running content is past its valid_until, else 0.",
     _flag("content_stale")),
    ("kiosk_last_attempt_timestamp_seconds", "gauge", "When the last sync cycle started (Unix time, local clock).",
     _timestamp("last_attempt")),
    ("kiosk_last_success_timestamp_seconds", "gauge", "When the last sync cycle succeeded (Unix time, local clock).",
     _timestamp("last_success")),
    ("kiosk_last_sync_ok", "gauge", "1 when the last sync cycle succeeded, else 0.", _flag("last_sync_ok")),
    ("kiosk_sync_errors_total", "counter", "Failed sync cycles since this data folder was created.",
     lambda s: s.get("sync_errors_total", 0)),
    ("kiosk_consecutive_sync_failures", "gauge", "Failed sync cycles in a row.",
     lambda s: s.get("consecutive_failures", 0)),
    ("kiosk_pending_images", "gauge", "Images the content references that are not downloaded yet.",
     lambda s: len(s.get("pending_images") or [])),
    ("kiosk_clock_skew_seconds", "gauge", "Local clock minus the feed server's Date header at the last sync.",
     lambda s: s.get("clock_skew_s")),
    ("kiosk_clock_ok", "gauge", "0 when the local clock is off by more than 5 min or earlier than the content, else 1.",
     _flag("clock_ok")),
]


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def render(status: dict[str, Any]) -> str:
    """The text exposition format (version 0.0.4) of the figures in status.json."""
    kiosk_id = status.get("kiosk_id")
    labels = f'{{kiosk_id="{_label(str(kiosk_id))}"}}' if kiosk_id else ""
    lines = []
    for name, kind, help_text, read in METRICS:
        value = read(status)
        if value is None:
            continue
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        lines.append(f"{name}{labels} {_number(float(value))}")
    return "\n".join(lines) + "\n"


def write_textfile(path: Path, status: dict[str, Any]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(path, render(status))

