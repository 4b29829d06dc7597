"""sync/outbox.py: the terminal's own SQLite file of items waiting for upload."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from sync.outbox import Outbox, outbox_path

T0 = datetime(2026, 11, 26, 17, 5, tzinfo=timezone.utc)


@pytest.fixture
def box(data_dir):
    with Outbox.open(data_dir) as outbox:
        yield outbox


def test_an_added_item_is_due_with_its_key_payload_and_time(box):
    key = box.add("feedback", {"rating": 4, "topics": ["shops"]}, now=T0)
    [item] = box.due("feedback", now=T0)
    assert item.as_upload() == {"key": key, "kind": "feedback", "created_at": "2026-11-26T17:05:00+00:00",
                                "payload": {"rating": 4, "topics": ["shops"]}}
    assert item.attempts == 0
    assert box.due("usage", now=T0) == []


def test_keys_are_unique_uuid4s_and_an_explicit_key_is_kept_once(box):
    keys = {box.add("usage", {"n": i}, now=T0) for i in range(20)}
    assert len(keys) == 20 and all(len(k) == 36 for k in keys)
    box.add("usage", {"n": "again"}, now=T0, key="fixed-key-1")
    box.add("usage", {"n": "again"}, now=T0, key="fixed-key-1")
    assert box.count("usage") == 21


def test_a_postponed_item_waits_until_its_retry_time_and_counts_the_attempt(box):
    key = box.add("feedback", {"rating": 2}, now=T0)
    retry = (T0 + timedelta(seconds=90)).timestamp()
    box.postpone({key: retry}, "The collector answered HTTP 500.")
    assert box.due("feedback", now=T0 + timedelta(seconds=89)) == []
    [item] = box.due("feedback", now=T0 + timedelta(seconds=90))
    assert item.attempts == 1
    assert box.summary() == {"waiting": {"feedback": 1}, "oldest": "2026-11-26T17:05:00+00:00",
                             "last_error": "The collector answered HTTP 500."}


def test_removed_items_are_gone_and_others_stay(box):
    a = box.add("feedback", {"rating": 1}, now=T0)
    b = box.add("feedback", {"rating": 5}, now=T0 + timedelta(seconds=1))
    assert box.remove([a, "unknown"]) == 1
    assert [i.key for i in box.due("feedback", now=T0 + timedelta(hours=1))] == [b]


def test_a_new_heartbeat_replaces_the_one_still_waiting(box):
    box.add("heartbeat", {"seq": 1}, now=T0)
    box.add("heartbeat", {"seq": 2}, now=T0 + timedelta(minutes=1))
    box.add("feedback", {"rating": 3}, now=T0)
    assert [i.payload for i in box.due("heartbeat", now=T0 + timedelta(hours=1))] == [{"seq": 2}]
    assert box.count() == 2


def test_due_items_come_oldest_first_in_batches(box):
    keys = [box.add("usage", {"n": i}, now=T0 + timedelta(minutes=i)) for i in range(5)]
    assert [i.key for i in box.due("usage", now=T0 + timedelta(hours=1), limit=3)] == keys[:3]


def test_the_file_is_wal_with_full_sync_and_separate_from_the_content_store(data_dir, box):
    box.add("usage", {"n": 1}, now=T0)
    assert outbox_path(data_dir).name == "outbox.db"
    assert not (data_dir / "content.db").exists()
    conn = sqlite3.connect(outbox_path(data_dir))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert box._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_unknown_kinds_and_naive_times_are_refused_with_sentences(box):
    with pytest.raises(ValueError, match="not an outbox kind"):
        box.add("search_text", {}, now=T0)
    with pytest.raises(ValueError, match="time zone"):
        box.add("usage", {}, now=datetime(2026, 11, 26, 17))


def test_items_survive_closing_and_reopening(data_dir):
    with Outbox.open(data_dir) as first:
        key = first.add("feedback", {"rating": 5}, now=T0)
    with Outbox.open(data_dir) as second:
        assert [i.key for i in second.due("feedback", now=T0)] == [key]
