"""The local content store: the one owner of the SQLite schema.

A feed is written into a staging file beside the live database and swapped in with a rename, so
the live file is never modified in place: readers that hold the old file keep reading it, and a
killed process leaves either the old or the new file, never a mix.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator

import sqlite_utils

CONTENT_DB = "content.db"
STAGING_SUFFIX = ".staging"
IMAGES_DIR = "images"
SCHEMA_VERSION = 1

# Every list of the feed gets a table: the item's own JSON in `data`, plus the columns we query on.
TABLES: dict[str, dict[str, Any]] = {
    "kiosks": {"columns": {"id": str, "data": str}, "pk": "id"},
    "places": {
        "columns": {"id": str, "kind": str, "category": str, "owner_run": int, "data": str},
        "pk": "id",
        "indexes": [["kind"]],
    },
    "events": {"columns": {"id": str, "place_id": str, "data": str}, "pk": "id", "indexes": [["place_id"]]},
    "campaigns": {"columns": {"id": str, "data": str}, "pk": "id"},
    "notices": {"columns": {"id": str, "level": str, "data": str}, "pk": "id"},
    "pages": {"columns": {"id": str, "data": str}, "pk": "id"},
    "map_features": {"columns": {"id": int, "layer": str, "walk": int, "data": str}, "pk": "id"},
    "meta": {"columns": {"key": str, "value": str}, "pk": "key"},
    # The optional `transit` section: stops near the kiosks and their timetable departures.
    "transit_stops": {"columns": {"id": str, "data": str}, "pk": "id"},
    "transit_routes": {"columns": {"id": str, "data": str}, "pk": "id"},
    "departures": {
        "columns": {"stop_id": str, "at": int, "route_id": str, "trip_id": str, "service_date": str, "data": str},
        "pk": ("stop_id", "at", "trip_id"),
    },
    # Every image the feed references, so a sync cycle can retry the missing ones without reading every item.
    "images": {"columns": {"sha256": str, "data": str}, "pk": "sha256"},
    # One row per document and language: the searchable text the terminal offers (FTS5 below).
    "search_documents": {
        "columns": {"type": str, "id": str, "lang": str, "title": str, "body": str},
        "pk": ("type", "id", "lang"),
    },
}
FTS_COLUMNS = {"search_documents": ["title", "body"]}
FTS_TOKENIZER = "unicode61 remove_diacritics 2"


class StoreError(Exception):
    """The local store could not be written or read; the message says where and why."""


@dataclass(frozen=True)
class StoreInfo:
    sequence: int
    generated_at: str
    valid_until: str | None
    demo: bool
    applied_at: str | None
    source: str | None
    feed_sha256: str | None


def content_path(data_dir: Path) -> Path:
    return Path(data_dir) / CONTENT_DB


def image_path(data_dir: Path, sha256: str) -> Path:
    """Images live under their hash, never under a name from the feed."""
    return Path(data_dir) / IMAGES_DIR / sha256


def create_shape(db: sqlite_utils.Database) -> None:
    """Create every table of TABLES (sqlite-utils turns the column types into SQL)."""
    for name, spec in TABLES.items():
        db[name].create(spec["columns"], pk=spec["pk"])


def index_shape(db: sqlite_utils.Database) -> None:
    """The indexes and the full-text index, made once the rows are in: cheaper than keeping them up to date per row."""
    for name, spec in TABLES.items():
        for columns in spec.get("indexes", []):
            db[name].create_index(columns)
    for name, columns in FTS_COLUMNS.items():
        db[name].enable_fts(columns, tokenize=FTS_TOKENIZER)  # indexes the rows already there


def _text_values(text: Any) -> dict[str, str]:
    if isinstance(text, str):
        return {"*": text}
    if isinstance(text, dict):
        return {k: v for k, v in text.items() if isinstance(v, str)}
    return {}


def _search_rows(doc_type: str, item: dict, title_key: str, body_keys: Iterable[str]) -> list[tuple]:
    """(type, id, lang, title, body) for each language the item has text in."""
    titles = _text_values(item.get(title_key))
    bodies = [_text_values(item.get(key)) for key in body_keys]
    langs = sorted(set(titles).union(*bodies))
    extra = item.get("category")
    rows = []
    for lang in langs:
        title = titles.get(lang) or titles.get("*", "")
        body = " ".join(b.get(lang) or b.get("*", "") for b in bodies).strip()
        if extra:
            body = f"{body} {extra}".strip()
        rows.append((doc_type, item["id"], lang, title, body))
    return rows


# One encoder for every item (json.dumps with options builds one per call); a parsed feed has no cycles to look for.
_dump = json.JSONEncoder(ensure_ascii=False, sort_keys=True, check_circular=False).encode


def _properties(feature: dict) -> dict:
    return feature.get("properties") or {}


def _feed_rows(feed: dict) -> dict[str, Iterator[tuple]]:
    """Each table's rows, as tuples in TABLES' column order, made as they are inserted (not all at once)."""
    return {
        "kiosks": ((k["id"], _dump(k)) for k in feed.get("kiosks", [])),
        "places": ((p["id"], p["kind"], p.get("category"), int(bool(p.get("owner_run"))), _dump(p))
                   for p in feed.get("places", [])),
        "events": ((e["id"], e.get("place_id"), _dump(e)) for e in feed.get("events", [])),
        "campaigns": ((c["id"], _dump(c)) for c in feed.get("campaigns", [])),
        "notices": ((n["id"], n["level"], _dump(n)) for n in feed.get("notices", [])),
        "pages": ((p["id"], _dump(p)) for p in feed.get("pages", [])),
        "map_features": ((i, _properties(f).get("layer"), int(_properties(f).get("walk") is True), _dump(f))
                         for i, f in enumerate(feed.get("map", {}).get("features", []))),
        "images": ((sha, _dump(image)) for sha, image in sorted(referenced_images(feed).items())),
        "search_documents": _search_documents(feed),
        **_transit_rows(feed.get("transit") or {}),
    }


def _transit_rows(transit: dict) -> dict[str, Iterator[tuple]]:
    """Departures keyed by stop and the instant (UTC seconds), so "next at this stop after T" is an index range."""
    return {
        "transit_stops": ((s["id"], _dump(s)) for s in transit.get("stops", [])),
        "transit_routes": ((r["id"], _dump(r)) for r in transit.get("routes", [])),
        "departures": ((d["stop_id"], int(datetime.fromisoformat(d["time"]).timestamp()), d["route_id"], d["trip_id"],
                        d["service_date"], _dump(d)) for d in transit.get("departures", [])),
    }


def _search_documents(feed: dict) -> Iterator[tuple]:
    for p in feed.get("places", []):
        yield from _search_rows("place", p, "name", ("description", "address"))
    for e in feed.get("events", []):
        yield from _search_rows("event", e, "title", ("summary",))
    for p in feed.get("pages", []):
        yield from _search_rows("page", p, "title", ("body",))


def _meta_rows(feed: dict, *, demo: bool, applied_at: str, source: str, feed_sha256: str) -> list[tuple[str, str]]:
    meta = {
        "feed_sha256": feed_sha256,
        "schema_version": SCHEMA_VERSION,
        "format_version": feed["format_version"],
        "sequence": feed["sequence"],
        "generated_at": feed["generated_at"],
        "valid_until": feed.get("valid_until"),
        "city": feed["city"],
        "share": feed.get("share"),
        "demo": demo,
        "applied_at": applied_at,
        "source": source,
    }
    return [(k, json.dumps(v, ensure_ascii=False)) for k, v in meta.items()]


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def stage(feed: dict, data_dir: Path, *, demo: bool, applied_at: str, source: str, feed_sha256: str) -> Path:
    """Write a complete database for `feed` beside the live one and return its path."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = data_dir / (CONTENT_DB + STAGING_SUFFIX)
    discard_staging(data_dir)
    conn = sqlite3.connect(staging, isolation_level=None)
    try:
        # No journal, no syncs: a half-written staging file is never used (discarded on the next
        # stage); the file is fsynced once below and only then renamed over the live one.
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        db = sqlite_utils.Database(conn)
        create_shape(db)
        # One transaction of plain executemany: sqlite-utils' insert_all commits every batch.
        conn.execute("BEGIN")
        for table, rows in _feed_rows(feed).items():
            marks = ", ".join("?" * len(TABLES[table]["columns"]))
            conn.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
        conn.executemany('INSERT INTO "meta" VALUES (?, ?)',
                         _meta_rows(feed, demo=demo, applied_at=applied_at, source=source, feed_sha256=feed_sha256))
        conn.execute("COMMIT")
        index_shape(db)
    except sqlite3.Error as exc:
        raise StoreError(f"Could not write the staging database {staging}: {exc}.") from exc
    finally:
        conn.close()
    with open(staging, "rb") as handle:
        os.fsync(handle.fileno())
    return staging


def swap_in(staging: Path, data_dir: Path) -> None:
    """Atomically replace the live database with the staged one (rename, then fsync the folder)."""
    live = content_path(data_dir)
    os.replace(staging, live)
    _fsync_dir(Path(data_dir))


def discard_staging(data_dir: Path) -> None:
    """Remove a staging file and its journal: a journal left by a killed process would be replayed."""
    staging = Path(data_dir) / (CONTENT_DB + STAGING_SUFFIX)
    staging.with_name(staging.name + "-journal").unlink(missing_ok=True)
    staging.unlink(missing_ok=True)


def open_reader(data_dir: Path) -> sqlite3.Connection:
    """A read-only connection to the live database (readers never write)."""
    path = content_path(data_dir)
    if not path.exists():
        raise StoreError(f"There is no content database at {path} yet.")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def read_meta(conn: sqlite3.Connection) -> dict[str, Any]:
    return {row[0]: json.loads(row[1]) for row in conn.execute("SELECT key, value FROM meta")}


def info(data_dir: Path) -> StoreInfo | None:
    """What the live database holds, or None when there is none (or it cannot be read)."""
    path = content_path(data_dir)
    if not path.exists():
        return None
    try:
        conn = open_reader(data_dir)
        try:
            meta = read_meta(conn)
        finally:
            conn.close()
    except (sqlite3.Error, StoreError, ValueError):
        return None
    return StoreInfo(
        sequence=int(meta.get("sequence", 0)),
        generated_at=meta.get("generated_at", ""),
        valid_until=meta.get("valid_until"),
        demo=bool(meta.get("demo")),
        applied_at=meta.get("applied_at"),
        source=meta.get("source"),
        feed_sha256=meta.get("feed_sha256"),
    )


def referenced_images(feed: dict) -> dict[str, dict]:
    """Every image the feed references, by hash."""
    found: dict[str, dict] = {}
    for key in ("places", "events", "campaigns"):
        for item in feed.get(key, []):
            image = item.get("image")
            if isinstance(image, dict) and "sha256" in image:
                found[image["sha256"]] = image
    return found


def departures_after(conn: sqlite3.Connection, stop_id: str, after_utc_s: int, limit: int,
                     before_utc_s: int | None = None) -> list[dict]:
    """The stop's timetable departures at or after an instant (and before another; UTC seconds), earliest
    first, at most `limit`, as the feed gave them."""
    if not _has_table(conn, "departures"):
        return []  # a database written before the transit section existed
    before = before_utc_s if before_utc_s is not None else 2**62
    rows = conn.execute("SELECT data FROM departures WHERE stop_id = ? AND at >= ? AND at < ? ORDER BY at, trip_id "
                        "LIMIT ?", (stop_id, after_utc_s, before, limit))
    return [json.loads(row[0]) for row in rows]


def _has_table(conn: sqlite3.Connection, table: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone() is not None


def transit_items(conn: sqlite3.Connection, table: str) -> list[dict]:
    """Every stop (table transit_stops) or route (transit_routes) of the live content."""
    if table not in ("transit_stops", "transit_routes"):
        raise StoreError(f"{table} is not a transit table of the content store.")
    if not _has_table(conn, table):
        return []
    return [json.loads(row[0]) for row in conn.execute(f'SELECT data FROM "{table}" ORDER BY id')]


def live_images(data_dir: Path) -> dict[str, dict]:
    """Every image the live content references, by hash (to retry the ones still pending)."""
    conn = open_reader(data_dir)
    try:
        return {row[0]: json.loads(row[1]) for row in conn.execute("SELECT sha256, data FROM images")}
    finally:
        conn.close()


def remove_unreferenced_images(data_dir: Path, keep: Iterable[str]) -> int:
    """Delete cached images no feed refers to any more; returns how many went."""
    folder = Path(data_dir) / IMAGES_DIR
    if not folder.is_dir():
        return 0
    keep = set(keep)
    removed = 0
    for path in folder.iterdir():
        if path.name not in keep:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
