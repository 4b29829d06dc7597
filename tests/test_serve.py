"""`kiosk-feed serve`: a feed folder over HTTP with ETag, Last-Modified and 304s, and nothing outside it."""
from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from sync.serve import FeedServer, start_in_thread

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def served(tmp_path):
    folder = tmp_path / "feed"
    (folder / "images").mkdir(parents=True)
    (folder / "feed.json").write_bytes(b'{"format": "kiosk-feed"}')
    (folder / "feed.json.sig").write_text("c2lnbmF0dXJl\n")
    (folder / "images" / "a.png").write_bytes(b"\x89PNG fake")
    (tmp_path / "secret.txt").write_text("not for the network")
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    server = FeedServer(folder, quiet=True)
    start_in_thread(server)
    yield server
    server.shutdown()
    server.server_close()


def raw_get(server: FeedServer, path: str) -> int:
    """A request with the path exactly as written (clients like requests would normalise the dots)."""
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


def test_files_come_with_etag_and_last_modified_and_304_when_unchanged(served):
    url = served.url + "feed.json"
    first = requests.get(url, timeout=5)
    assert first.status_code == 200 and first.content == b'{"format": "kiosk-feed"}'
    assert first.headers["Content-Type"] == "application/json"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")

    assert requests.get(url, headers={"If-None-Match": etag}, timeout=5).status_code == 304
    assert requests.get(url, headers={"If-Modified-Since": modified}, timeout=5).status_code == 304
    assert requests.get(url, headers={"If-None-Match": '"other"', "If-Modified-Since": modified},
                        timeout=5).status_code == 200, "If-None-Match decides when both are sent"
    assert requests.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}, timeout=5).status_code == 200

    (Path(served.root) / "feed.json").write_bytes(b'{"format": "kiosk-feed", "sequence": 2}')
    changed = requests.get(url, headers={"If-None-Match": etag}, timeout=5)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag

    head = requests.head(url, timeout=5)
    assert head.status_code == 200 and head.content == b"" and head.headers["ETag"] == changed.headers["ETag"]


@pytest.mark.parametrize("path", ["/../secret.txt", "/%2e%2e/secret.txt", "/images/../../secret.txt", "/link.txt",
                                  "/images", "/", "/missing.json", "/feed.json%00.png"])
def test_nothing_outside_the_folder_and_no_listings(served, path):
    assert raw_get(served, path) == 404


def test_files_in_subfolders_are_served(served):
    assert raw_get(served, "/images/a.png") == 200


def test_a_folder_with_an_index_page_opens_it_as_the_take_along_page_needs(served, tmp_path):
    go = Path(served.root) / "go"
    go.mkdir()
    (go / "index.html").write_text("<!DOCTYPE html><title>go</title>", encoding="utf-8")
    (go / "go.js").write_text("'use strict';", encoding="utf-8")
    page = requests.get(served.url + "go/", timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert requests.get(served.url + "go/go.js", timeout=5).headers["Content-Type"] == "text/javascript; charset=utf-8"
    (Path(served.root) / "images" / "index.html").symlink_to(tmp_path / "secret.txt")
    assert raw_get(served, "/images/") == 404  # an index that links out of the folder stays hidden


def test_the_command_prints_the_url_and_binds_to_loopback(tmp_path):
    (tmp_path / "feed.json").write_text("{}")
    proc = subprocess.Popen([sys.executable, "-c", "from sync.cli import main; main()", "serve", str(tmp_path),
                             "--port", "0", "--quiet"], cwd=REPO, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        line = proc.stdout.readline()
        assert line.startswith(f"Serving {tmp_path}") and "http://127.0.0.1:" in line
        url = line.split(" at ", 1)[1].split()[0]
        assert url.endswith("/feed.json") and requests.get(url, timeout=5).content == b"{}"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def test_serve_with_collect_accepts_terminal_posts_beside_the_feed(tmp_path):
    import sqlite3
    import uuid

    from sync.collector import Collector

    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "feed.json").write_bytes(b"{}")
    server = FeedServer(folder, quiet=True, collector=Collector(tmp_path / "fleet.db", "fleet-secret"))
    start_in_thread(server)
    try:
        batch = {"kiosk_id": "t1", "items": [{"key": str(uuid.uuid4()), "kind": "feedback",
                                               "created_at": "2026-11-26T17:00:00+00:00",
                                               "payload": {"rating": 5, "topics": ["shops"]}}]}
        answer = requests.post(server.url + "feedback", json=batch, headers={"Authorization": "Bearer fleet-secret"},
                               timeout=5)
        assert answer.status_code == 200 and answer.json()["accepted"] == [batch["items"][0]["key"]]
        assert requests.get(server.url + "feed.json", timeout=5).content == b"{}"
        assert requests.post(server.url + "nowhere", data=b"{}", timeout=5).status_code == 404
    finally:
        server.shutdown()
        server.server_close()
    conn = sqlite3.connect(tmp_path / "fleet.db")
    assert conn.execute("SELECT count(*) FROM items").fetchone() == (1,)


def test_serve_without_collect_refuses_posts(served):
    assert requests.post(served.url + "feedback", data=b"{}", timeout=5).status_code == 405
