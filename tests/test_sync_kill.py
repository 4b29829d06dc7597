"""Power cuts: a process applying a feed is SIGKILLed at random moments; the store survives every time.

Each run copies a data folder holding the old content, starts tests/killer_apply.py on a big new
feed, waits for a step it announces (ready, stage, images, swap) plus a random few milliseconds,
and kills it. Afterwards the database must open, pass PRAGMA integrity_check, and hold exactly
the old or exactly the new content; cached images must match their names.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from sync import service, store
from tests import feedkit

RUNS = 50
KILLER = Path(__file__).resolve().parent / "killer_apply.py"
STEPS = ["ready", "stage", "images", "swap"]
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
TABLES = ("places", "events", "pages", "map_features", "search_documents")


def big_feed(folder: Path, images: int = 24) -> dict:
    """Sequence 2: enough places that staging takes a while, and images that must arrive before the swap."""
    doc = feedkit.feed(sequence=2)
    template = doc["places"][0]
    places = [dict(template, id=f"laden-{i}", name=f"Laden {i}", description={"de": "Bücher " * 30, "en": "Books " * 30})
              for i in range(1000)]
    (folder / "images").mkdir(parents=True)
    rng = random.Random(7)
    for i in range(images):
        data = rng.randbytes(60_000)
        (folder / "images" / f"{i}.jpg").write_bytes(data)
        places[i]["image"] = {"url": f"images/{i}.jpg", "sha256": hashlib.sha256(data).hexdigest()}
    doc["places"] = doc["places"] + places
    return doc


def old_feed(folder: Path) -> dict:
    doc = feedkit.feed(sequence=1)
    (folder / "images").mkdir(parents=True)
    data = b"old picture " * 100
    (folder / "images" / "old.jpg").write_bytes(data)
    doc["places"][0]["image"] = {"url": "images/old.jpg", "sha256": hashlib.sha256(data).hexdigest()}
    return doc


def snapshot(data_dir: Path) -> dict:
    """What a folder holds: sequence, row counts, feed hash; after checking the file is sound."""
    path = store.content_path(data_dir)
    assert path.exists(), "the content database must never disappear"
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        meta = store.read_meta(conn)
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()
    return {"sequence": meta["sequence"], "feed_sha256": meta["feed_sha256"], "counts": counts}


def check_images(data_dir: Path, expected: set[str]) -> None:
    folder = data_dir / "images"
    names = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    for name in names - {n for n in names if n.endswith(".partial")}:
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == name, f"{name} is not what its name says"
    assert expected <= names, f"missing images: {expected - names}"


def run_killer(feed: Path, public: str, data_dir: Path, step: str, delay_s: float) -> tuple[bool, dict[str, float]]:
    """Start the applier, wait for `step`, give it `delay_s` more, SIGKILL it. (killed?, when each step came)."""
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, str(KILLER), str(feed), public, str(data_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: dict[str, float] = {}
    try:
        for line in proc.stdout:
            seen[line.strip()] = time.monotonic() - started
            if line.strip() == step:
                break
        try:
            # Waiting on the child with a timeout is how the kill lands at a random moment.
            proc.wait(timeout=delay_s)
            killed = False
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            killed = True
        rest, errors = proc.communicate()
        for line in rest.splitlines():
            seen.setdefault(line.strip(), time.monotonic() - started)
        if not killed:
            assert proc.returncode == 0, errors
        return killed, seen
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def test_a_feed_apply_killed_at_random_moments_leaves_the_old_or_the_new_content(tmp_path, keypair):
    key_path, public = keypair
    old_path = feedkit.write_signed(tmp_path / "old", old_feed(tmp_path / "old"), key_path)
    new_doc = big_feed(tmp_path / "new")
    new_path = feedkit.write_signed(tmp_path / "new", new_doc, key_path)
    base = tmp_path / "base"
    service.sync_once(str(old_path), public_keys=[public], data_dir=base, now=NOW)
    old_images = set(store.live_images(base))
    new_images = set(store.referenced_images(new_doc))

    # One run to the end: the new content, and how long each step takes on this machine.
    whole = tmp_path / "whole"
    shutil.copytree(base, whole)
    killed, seen = run_killer(new_path, public, whole, "done", 60)
    assert not killed and "done" in seen
    expected = {1: snapshot(base), 2: snapshot(whole)}
    assert expected[2]["counts"]["places"] == len(new_doc["places"])
    windows = {"ready": seen["done"] - seen["ready"], "stage": seen["images"] - seen["stage"],
               "images": seen["swap"] - seen["images"], "swap": seen["done"] - seen["swap"]}

    seed = random.randrange(2**32)
    rng = random.Random(seed)
    plans = [(i, rng.choice(STEPS)) for i in range(RUNS)]
    plans = [(i, step, rng.uniform(0, windows[step] * 1.2)) for i, step in plans]

    def one(plan) -> tuple[str, bool, int, bool]:
        i, step, delay = plan
        folder = tmp_path / f"run{i}"
        shutil.copytree(base, folder)
        killed, _ = run_killer(new_path, public, folder, step, delay)
        found = snapshot(folder)
        assert found in (expected[1], expected[2]), f"run {i} (seed {seed}): a mix of old and new: {found}"
        check_images(folder, old_images if found["sequence"] == 1 else new_images)
        status = folder / "status.json"
        if status.exists():
            json.loads(status.read_text(encoding="utf-8"))  # whole, never half-written
        return step, killed, found["sequence"], (folder / "content.db.staging").exists()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(one, plans))

    by_sequence = Counter(sequence for _, _, sequence, _ in outcomes)
    killed_in = Counter(step for step, killed, _, _ in outcomes if killed)
    assert by_sequence[1] > 0 and by_sequence[2] > 0, (by_sequence, seed)
    assert killed_in["stage"] + killed_in["images"] > 0, (killed_in, seed)
    assert any(staging for *_, staging in outcomes), f"no kill landed while staging (seed {seed})"

    # A terminal that lost power mid-apply applies the new feed on its next cycle.
    for i, (_, killed, sequence, staging) in enumerate(outcomes):
        if sequence == 1 and staging:
            folder = tmp_path / f"run{i}"
            result = service.sync_once(str(new_path), public_keys=[public], data_dir=folder, now=NOW)
            assert result.applied and snapshot(folder) == expected[2]
            check_images(folder, new_images)
            break
