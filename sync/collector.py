"""A small collector for small fleets: terminals post feedback, usage counts and heartbeats here.

`POST /feedback`, `/usage`, `/heartbeat` with `Authorization: Bearer <fleet token>` and a body
`{"kiosk_id", "items": [{"key", "kind", "created_at", "payload"}]}` (see sync/uploader.py). Items
go into one SQLite file that this module owns (its own schema, like the outbox: not the content
store). A key seen before is acknowledged again and not stored twice, so an upload repeated after a
lost answer counts once. Heartbeats update the terminal's row and are not kept as history.

Mount it into another http.server handler with two lines in do_POST:

    body = collector.read_body(self)
    if body is not None and the_collector.handle_collect(self, self.path, body): return

or run it alone with `kiosk-feed collect DB --token T` (make_server below).
"""
from __future__ import annotations

import json
import logging
import sqlite3
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Callable

from sync import fleet_posts
from sync.fleet_posts import MAX_BODY_BYTES, BadRequest, check_post, kind_for_path, token_matches  # noqa: F401
from sync.http_limits import REQUEST_TIMEOUT_S, BoundedThreadingHTTPServer

log = logging.getLogger("sync.collector")

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS items_kind_created ON items (kind, created_at);
CREATE TABLE IF NOT EXISTS terminals (
    kiosk_id TEXT PRIMARY KEY,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    last_heartbeat_at TEXT,
    content_sequence INTEGER,
    status TEXT
);
"""


def ensure_collector_db(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


def connect(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, timeout=10, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    # FULL: once the terminal hears "accepted" it forgets the item, so it must already be on disk.
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def _utc(at: datetime) -> str:
    return at.astimezone(timezone.utc).isoformat(timespec="seconds")


class Collector:
    """Accepts batches into `db_path`; `clock` says when they arrived (the terminals' clocks may be wrong)."""

    def __init__(self, db_path: Path, token: str, *, clock: Callable[[], datetime] | None = None):
        if not token:
            raise ValueError("The collector needs the fleet token that the terminals send (fleet_token in kiosk.toml).")
        self.db_path = Path(db_path)
        self.token = token
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        conn = connect(self.db_path)
        try:
            ensure_collector_db(conn)
        finally:
            conn.close()

    def authorized(self, authorization: str | None) -> bool:
        return token_matches(self.token, authorization)

    def receive(self, kind: str, body: bytes, authorization: str | None) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON answer) for one posted batch (the rules: sync/fleet_posts.py)."""
        if not self.authorized(authorization):
            return 401, {"error": fleet_posts.WRONG_TOKEN}
        try:
            batch = check_post(kind, body)
        except BadRequest as exc:
            return 400, {"error": str(exc)}
        self._store(batch.kiosk_id, kind, batch.good)
        return 200, batch.answer()

    def _store(self, kiosk_id: str, kind: str, items: list[dict]) -> None:
        received = _utc(self.clock())
        conn = connect(self.db_path)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO terminals (kiosk_id, first_seen, last_seen) VALUES (?, ?, ?) "
                "ON CONFLICT (kiosk_id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)",
                (kiosk_id, received, received),
            )
            for item in items:
                if kind == "heartbeat":
                    self._store_heartbeat(conn, kiosk_id, item)
                else:
                    conn.execute(
                        "INSERT OR IGNORE INTO items (key, kiosk_id, kind, created_at, received_at, payload) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (item["key"], kiosk_id, kind, _utc(datetime.fromisoformat(item["created_at"])), received,
                         json.dumps(item["payload"], ensure_ascii=False, sort_keys=True)),
                    )
            conn.execute("COMMIT")
        finally:
            conn.close()

    @staticmethod
    def _store_heartbeat(conn: sqlite3.Connection, kiosk_id: str, item: dict) -> None:
        status = item["payload"]
        sequence = status.get("content_sequence")
        # A late retry of an older beat must not overwrite a newer status.
        conn.execute(
            "UPDATE terminals SET last_heartbeat_at = ?, content_sequence = ?, status = ? "
            "WHERE kiosk_id = ? AND (last_heartbeat_at IS NULL OR last_heartbeat_at <= ?)",
            (_utc(datetime.fromisoformat(item["created_at"])), sequence if isinstance(sequence, int) else None,
             json.dumps(status, ensure_ascii=False, sort_keys=True), kiosk_id,
             _utc(datetime.fromisoformat(item["created_at"]))),
        )

    def handle_collect(self, handler: BaseHTTPRequestHandler, path: str, body: bytes) -> bool:
        """Answer a POST to /feedback, /usage or /heartbeat; False (nothing sent) for any other path."""
        kind = kind_for_path(path)
        if kind is None:
            return False
        try:
            code, answer = self.receive(kind, body, handler.headers.get("Authorization"))
        except sqlite3.Error as exc:
            log.error("The collector database %s could not be written: %s", self.db_path, exc)
            code, answer = 503, {"error": fleet_posts.NOT_STORED}
        except Exception:  # a post this code did not foresee still gets an answer, and the server lives on
            log.exception("The collector failed on a post to %s.", path)
            code, answer = 500, {"error": fleet_posts.FAILED}
        send_json(handler, code, answer)
        return True


def send_json(handler: BaseHTTPRequestHandler, code: int, answer: dict[str, Any]) -> None:
    data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
    handler.send_response(code)
    handler.send_header("Content-Type", "application/json; charset=utf-8")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def read_body(handler: BaseHTTPRequestHandler) -> bytes | None:
    """The request body, or None after answering 411/413 when it has no length or is too large."""
    try:
        length = int(handler.headers.get("Content-Length", ""))
    except ValueError:
        handler.close_connection = True
        send_json(handler, 411, {"error": fleet_posts.NO_LENGTH})
        return None
    if length < 0 or length > MAX_BODY_BYTES:
        # The unread body would be taken for the next request on a kept-alive connection.
        handler.close_connection = True
        send_json(handler, 413, {"error": fleet_posts.too_large(MAX_BODY_BYTES)})
        return None
    return handler.rfile.read(length)


class CollectorHandler(BaseHTTPRequestHandler):
    """The standalone server's handler; `server.collector` is the Collector."""

    server_version = "kiosk-collector/1"
    timeout = REQUEST_TIMEOUT_S  # a body that was promised and never comes frees its thread

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = read_body(self)
        if body is None:
            return
        if not self.server.collector.handle_collect(self, self.path, body):  # type: ignore[attr-defined]
            send_json(self, 404, {"error": fleet_posts.nothing_here(self.path)})

    def do_GET(self) -> None:  # noqa: N802
        send_json(self, 404 if self.path != "/" else 200, {"collects": sorted(fleet_posts.PATHS)})

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        log.info("%s %s", self.address_string(), format % args)


def make_server(collector: Collector, host: str = "127.0.0.1", port: int = 8787) -> BoundedThreadingHTTPServer:
    server = BoundedThreadingHTTPServer((host, port), CollectorHandler)
    server.collector = collector  # type: ignore[attr-defined]
    return server
