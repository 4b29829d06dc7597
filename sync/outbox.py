"""data_dir/outbox.db: feedback answers and usage counts waiting for upload.

This is the outbox's own SQLite file and schema, separate from the content store (sync/store.py
owns content.db): content is replaced wholesale by a swap, while the outbox is appended to by the
UI and emptied by the uploader, item by item. Every item carries an idempotency key (uuid4) so
the collector can answer a repeated upload without counting it twice.

Time is passed in: `created_at` is what the item says, `next_attempt_at` (Unix seconds) decides
when the uploader may send it again.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

OUTBOX_DB = "outbox.db"
KINDS = ("feedback", "usage", "heartbeat")
SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS items_due ON items (kind, next_attempt_at);
"""


class OutboxError(Exception):
    """The outbox could not be read or written; the message says where and why."""


@dataclass(frozen=True)
class OutboxItem:
    key: str
    kind: str
    created_at: str
    payload: dict[str, Any]
    attempts: int
    next_attempt_at: float

    def as_upload(self) -> dict[str, Any]:
        """The item as the collector receives it."""
        return {"key": self.key, "kind": self.kind, "created_at": self.created_at, "payload": self.payload}


def outbox_path(data_dir: Path) -> Path:
    return Path(data_dir) / OUTBOX_DB


def _iso(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("Outbox times must carry a time zone; pass an aware datetime such as datetime.now(timezone.utc).")
    return at.astimezone(timezone.utc).isoformat(timespec="seconds")


class Outbox:
    """One connection, shared by the UI thread (adds) and the uploader thread (sends, removes)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
            # WAL + FULL: an item whose add() returned survives a power cut or a SIGKILL.
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise OutboxError(f"The outbox {self.path} could not be opened: {exc}.") from exc

    @classmethod
    def open(cls, data_dir: Path) -> "Outbox":
        return cls(outbox_path(data_dir))

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> "Outbox":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def _write(self, statements: Iterable[tuple[str, tuple]]) -> int:
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                changed = 0
                for sql, params in statements:
                    changed += self._conn.execute(sql, params).rowcount
                self._conn.execute("COMMIT")
                return changed
            except sqlite3.Error as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise OutboxError(f"The outbox {self.path} could not be written: {exc}.") from exc

    def add(self, kind: str, payload: dict[str, Any], *, now: datetime, key: str | None = None) -> str:
        """Keep `payload` until the collector acknowledges it; returns its idempotency key.

        A heartbeat replaces any heartbeat still waiting: only the newest status is worth sending.
        """
        if kind not in KINDS:
            raise ValueError(f"'{kind}' is not an outbox kind; use one of: {', '.join(KINDS)}.")
        key = key or str(uuid.uuid4())
        row = (key, kind, _iso(now), json.dumps(payload, ensure_ascii=False, sort_keys=True), now.timestamp())
        statements = []
        if kind == "heartbeat":
            statements.append(("DELETE FROM items WHERE kind = 'heartbeat'", ()))
        statements.append((
            "INSERT OR IGNORE INTO items (key, kind, created_at, payload, next_attempt_at) VALUES (?, ?, ?, ?, ?)", row
        ))
        self._write(statements)
        return key

    def due(self, kind: str, *, now: datetime, limit: int = 100) -> list[OutboxItem]:
        """Items of `kind` whose next attempt is not in the future, oldest first."""
        with self._lock:
            try:
                rows = self._conn.execute(
                    "SELECT key, kind, created_at, payload, attempts, next_attempt_at FROM items "
                    "WHERE kind = ? AND next_attempt_at <= ? ORDER BY created_at, rowid LIMIT ?",
                    (kind, now.timestamp(), limit),
                ).fetchall()
            except sqlite3.Error as exc:
                raise OutboxError(f"The outbox {self.path} could not be read: {exc}.") from exc
        return [OutboxItem(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5]) for r in rows]

    def remove(self, keys: Iterable[str]) -> int:
        """Forget acknowledged items; returns how many were removed."""
        return self._write([("DELETE FROM items WHERE key = ?", (key,)) for key in keys])

    def postpone(self, retry_at: dict[str, float], error: str) -> int:
        """Count a failed attempt for each key and keep it until its retry time (Unix seconds)."""
        return self._write([
            ("UPDATE items SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE key = ?",
             (at, error, key))
            for key, at in retry_at.items()
        ])

    def count(self, kind: str | None = None) -> int:
        with self._lock:
            if kind is None:
                return self._conn.execute("SELECT count(*) FROM items").fetchone()[0]
            return self._conn.execute("SELECT count(*) FROM items WHERE kind = ?", (kind,)).fetchone()[0]

    def summary(self) -> dict[str, Any]:
        """Waiting items per kind, the oldest one and the last error: for status.json and the admin panel."""
        with self._lock:
            per_kind = dict(self._conn.execute("SELECT kind, count(*) FROM items GROUP BY kind").fetchall())
            oldest = self._conn.execute("SELECT min(created_at) FROM items").fetchone()[0]
            error = self._conn.execute(
                "SELECT last_error FROM items WHERE last_error IS NOT NULL ORDER BY next_attempt_at DESC LIMIT 1"
            ).fetchone()
        return {"waiting": per_kind, "oldest": oldest, "last_error": error[0] if error else None}
