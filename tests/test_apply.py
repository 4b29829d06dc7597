"""Applying a signed feed from a file into the local store: trust order, rollback, atomic swap."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import datetime, timezone

import pytest

from sync import service, store
from sync.status import read_status
from tests import feedkit

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def apply(path, key, data_dir, **kw):
    return service.sync_once(str(path), public_keys=[key], data_dir=data_dir, now=NOW, **kw)


def places_in(data_dir) -> list[str]:
    conn = store.open_reader(data_dir)
    try:
        return [row[0] for row in conn.execute("SELECT id FROM places ORDER BY id")]
    finally:
        conn.close()


def test_a_signed_feed_is_applied_with_every_table_and_search(tmp_path, keypair, data_dir):
    key_path, public = keypair
    path = feedkit.write_signed(tmp_path / "pub", feedkit.feed(), key_path)

    result = apply(path, public, data_dir)

    assert result.applied and result.sequence == 10
    conn = store.open_reader(data_dir)
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("places", "events", "campaigns", "notices", "pages", "kiosks", "map_features")}
    assert counts == {"places": 5, "events": 3, "campaigns": 1, "notices": 2, "pages": 1, "kiosks": 1, "map_features": 5}
    hits = conn.execute(
        "SELECT id FROM search_documents_fts JOIN search_documents ON search_documents.rowid = search_documents_fts.rowid "
        "WHERE search_documents_fts MATCH 'bruckstrasse OR buchhandlung'"
    ).fetchall()
    assert ("buchhandlung-kamp",) in [tuple(h) for h in hits]
    assert store.read_meta(conn)["city"]["timezone"] == "Europe/Berlin"
    status = read_status(data_dir)
    assert status["content_sequence"] == 10 and status["last_error"] is None


def test_a_reader_opens_the_store_read_only(tmp_path, keypair, data_dir):
    key_path, public = keypair
    apply(feedkit.write_signed(tmp_path / "pub", feedkit.feed(), key_path), public, data_dir)
    conn = store.open_reader(data_dir)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM places")


def test_a_tampered_feed_is_refused_and_the_content_stays(tmp_path, keypair, data_dir):
    key_path, public = keypair
    apply(feedkit.write_signed(tmp_path / "v1", feedkit.feed(), key_path), public, data_dir)
    path = feedkit.write_signed(tmp_path / "v2", feedkit.feed(sequence=11, places=feedkit.BASE["places"][:4]), key_path)
    path.write_bytes(path.read_bytes().replace(b"Buchhandlung", b"Buchhandlunk"))

    with pytest.raises(service.SyncFailed, match="signature"):
        apply(path, public, data_dir)

    assert len(places_in(data_dir)) == 5
    assert store.info(data_dir).sequence == 10
    assert "signature" in read_status(data_dir)["last_error"]


def test_a_feed_signed_by_an_unknown_key_is_refused(tmp_path, keypair, data_dir):
    from sync.signing import write_keypair

    _, public = keypair
    other_key, _ = write_keypair(tmp_path / "other")
    path = feedkit.write_signed(tmp_path / "pub", feedkit.feed(), other_key)
    with pytest.raises(service.SyncFailed):
        apply(path, public, data_dir)
    assert store.info(data_dir) is None


def test_a_missing_signature_is_refused(tmp_path, keypair, data_dir):
    key_path, public = keypair
    path = feedkit.write_signed(tmp_path / "pub", feedkit.feed(), key_path)
    path.with_name("feed.json.sig").unlink()
    with pytest.raises(service.SyncFailed, match="no signature"):
        apply(path, public, data_dir)


@pytest.mark.parametrize("sequence", [10, 9])
def test_a_sequence_that_is_not_greater_is_refused(tmp_path, keypair, data_dir, sequence):
    key_path, public = keypair
    apply(feedkit.write_signed(tmp_path / "v1", feedkit.feed(), key_path), public, data_dir)
    older = feedkit.write_signed(tmp_path / "old", feedkit.feed(sequence=sequence, places=feedkit.BASE["places"][:4]), key_path)

    with pytest.raises(service.SyncFailed, match="rollback"):
        apply(older, public, data_dir)
    assert len(places_in(data_dir)) == 5


def test_an_invalid_feed_is_refused_with_its_paths(tmp_path, keypair, data_dir):
    key_path, public = keypair
    broken = feedkit.feed()
    broken["places"][0]["lat"] = 123
    path = feedkit.write_signed(tmp_path / "pub", broken, key_path)
    with pytest.raises(service.SyncFailed, match=r"\$\.places\[0\]\.lat"):
        apply(path, public, data_dir)
    assert store.info(data_dir) is None


def test_demo_content_never_blocks_the_first_real_feed(tmp_path, keypair, data_dir):
    key_path, public = keypair
    service.ensure_demo_content(data_dir, now=NOW)
    demo = store.info(data_dir)
    assert demo.demo and demo.sequence >= 1

    low = feedkit.write_signed(tmp_path / "real", feedkit.feed(sequence=1), key_path)
    apply(low, public, data_dir)
    assert store.info(data_dir).demo is False and store.info(data_dir).sequence == 1

    # From then on the sequence check applies, and the demo is not brought back.
    assert service.ensure_demo_content(data_dir, now=NOW) is None
    with pytest.raises(service.SyncFailed, match="rollback"):
        apply(feedkit.write_signed(tmp_path / "again", feedkit.feed(sequence=1, places=feedkit.BASE["places"][:4]),
                                   key_path), public, data_dir)


def test_a_reader_holding_the_old_database_keeps_working_across_a_swap(tmp_path, keypair, data_dir):
    key_path, public = keypair
    apply(feedkit.write_signed(tmp_path / "v1", feedkit.feed(), key_path), public, data_dir)
    old_reader = store.open_reader(data_dir)
    assert old_reader.execute("SELECT count(*) FROM places").fetchone()[0] == 5

    apply(feedkit.write_signed(tmp_path / "v2", feedkit.feed(sequence=11, places=feedkit.BASE["places"][:4]), key_path),
          public, data_dir)

    assert old_reader.execute("SELECT count(*) FROM places").fetchone()[0] == 5
    assert len(places_in(data_dir)) == 4


def _png(color: int) -> bytes:
    # A tiny real PNG made by Pillow, so the bytes are a genuine image.
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (color, 80, 40)).save(buf, "PNG")
    return buf.getvalue()


def test_images_are_cached_under_their_hash_and_bad_ones_stay_pending(tmp_path, keypair, data_dir):
    key_path, public = keypair
    pub = tmp_path / "pub"
    (pub / "images").mkdir(parents=True)
    good, bad = _png(200), _png(20)
    (pub / "images" / "good.png").write_bytes(good)
    (pub / "images" / "bad.png").write_bytes(bad)
    doc = feedkit.feed()
    good_hash = hashlib.sha256(good).hexdigest()
    doc["places"][0]["image"] = {"url": "images/good.png", "sha256": good_hash}
    doc["places"][1]["image"] = {"url": "images/bad.png", "sha256": "0" * 64}

    result = apply(feedkit.write_signed(pub, doc, key_path), public, data_dir)

    assert store.image_path(data_dir, good_hash).read_bytes() == good
    assert not store.image_path(data_dir, "0" * 64).exists()
    assert len(result.pending_images) == 1 and "images/bad.png" in result.pending_images[0]
    assert len(places_in(data_dir)) == 5, "a place with a pending image still shows"
    assert read_status(data_dir)["pending_images"] == result.pending_images

    # A later feed without the image removes it from the cache.
    doc2 = feedkit.feed(sequence=11)
    apply(feedkit.write_signed(tmp_path / "v2", doc2, key_path), public, data_dir)
    assert not store.image_path(data_dir, good_hash).exists()


def test_cli_sync_once_applies_and_reports_failure_with_exit_code(tmp_path, keypair, data_dir):
    from click.testing import CliRunner

    from kiosk.cli import main

    key_path, public = keypair
    path = feedkit.write_signed(tmp_path / "pub", feedkit.feed(), key_path)
    runner = CliRunner()
    ok = runner.invoke(main, ["sync", "--once", "--feed-url", path.as_uri(), "--public-key", public,
                              "--data-dir", str(data_dir)])
    assert ok.exit_code == 0, ok.output
    assert "sequence 10" in ok.output

    same = runner.invoke(main, ["sync", "--once", "--feed-url", str(path), "--public-key", public,
                                "--data-dir", str(data_dir)])
    assert same.exit_code == 0 and "nothing changed" in same.output

    other = feedkit.write_signed(tmp_path / "other", feedkit.feed(places=feedkit.BASE["places"][:4]), key_path)
    again = runner.invoke(main, ["sync", "--once", "--feed-url", str(other), "--public-key", public,
                                 "--data-dir", str(data_dir)])
    assert again.exit_code == 1
    assert "rollback" in again.output
    assert json.loads((data_dir / "status.json").read_text())["content_sequence"] == 10


def test_the_staged_database_is_whole_indexed_and_searchable(tmp_path, keypair, data_dir):
    key_path, public = keypair
    apply(feedkit.write_signed(tmp_path / "pub", feedkit.feed(), key_path), public, data_dir)

    conn = store.open_reader(data_dir)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"idx_places_kind", "idx_events_place_id"} <= indexes
    plan = " ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN SELECT id FROM places WHERE kind = 'shop'"))
    assert "idx_places_kind" in plan
    fts = "SELECT count(*) FROM search_documents_fts WHERE search_documents_fts MATCH 'kamp*'"
    assert conn.execute(fts).fetchone()[0]
    assert {row[0] for row in conn.execute("SELECT key FROM meta")} >= {"sequence", "feed_sha256", "city", "demo"}
    assert sorted(os.listdir(data_dir)) == ["content.db", "status.json"], "no staging file or journal is left"


def test_a_staging_file_left_by_a_killed_apply_is_discarded(tmp_path, keypair, data_dir):
    key_path, public = keypair
    (data_dir / "content.db.staging").write_bytes(b"half a database")
    (data_dir / "content.db.staging-journal").write_bytes(b"a journal that must never be replayed")

    assert apply(feedkit.write_signed(tmp_path / "pub", feedkit.feed(), key_path), public, data_dir).applied

    assert len(places_in(data_dir)) == 5
    assert not (data_dir / "content.db.staging").exists() and not (data_dir / "content.db.staging-journal").exists()


def test_garbage_collection_is_back_on_after_an_apply_and_after_a_refusal(tmp_path, keypair, data_dir):
    import gc

    key_path, public = keypair
    assert apply(feedkit.write_signed(tmp_path / "v1", feedkit.feed(), key_path), public, data_dir).applied
    assert gc.isenabled()
    with pytest.raises(service.SyncFailed, match="rollback"):
        apply(feedkit.write_signed(tmp_path / "v0", feedkit.feed(sequence=9), key_path), public, data_dir)
    assert gc.isenabled()
