"""Syncing over real HTTP on 127.0.0.1: conditional GET, every failure leaves the content, images by hash.

The server is sync.serve's (the same one `kiosk-feed serve` runs), with answers bent per path by
the test: 304s, 500s, 503 with Retry-After, slow and cut bodies, redirects. No mocks of requests.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import socket
import sqlite3
import tempfile
import threading
from datetime import datetime, timedelta, timezone
from email.utils import formatdate
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.cli import main as kiosk_main
from sync import service, store
from sync.feed import problems
from sync.fetch import Fetcher, FetchError
from sync.serve import FeedFolderHandler, FeedServer, start_in_thread
from sync.signing import write_keypair
from sync.status import read_status
from tests import feedkit

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)

Behaviour = Callable[[FeedFolderHandler], None]


class Site:
    def __init__(self, root: Path, *, date: datetime | None = None) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.overrides: dict[str, Behaviour] = {}
        self.log: list[tuple[str, str, dict[str, str], int]] = []  # method, path, request headers, status
        self.date = date  # the server's clock, for its Date header (None: the real clock)
        self.release = threading.Event()  # lets a hanging handler go
        site = self

        class Handler(FeedFolderHandler):
            def do_GET(self) -> None:
                behaviour = site.overrides.get(urlsplit(self.path).path)
                if behaviour is None:
                    super().do_GET()
                else:
                    behaviour(self)

            def send_response(self, code, message=None) -> None:
                site.log.append((self.command, urlsplit(self.path).path, dict(self.headers), int(code)))
                super().send_response(code, message)

            def date_time_string(self, timestamp=None) -> str:
                if site.date is not None and timestamp is None:
                    return formatdate(site.date.timestamp(), usegmt=True)
                return super().date_time_string(timestamp)

        self.server = FeedServer(self.root, quiet=True, handler=Handler)
        self.thread = start_in_thread(self.server)
        self.port = self.server.server_address[1]

    def url(self, path: str = "feed.json") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def requests_for(self, path: str) -> list[tuple[str, str, dict[str, str], int]]:
        return [entry for entry in self.log if entry[1] == "/" + path]

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- behaviours


def answer(code: int, headers: dict[str, str] | None = None, body: bytes = b"") -> Behaviour:
    def behave(handler: FeedFolderHandler) -> None:
        handler.send_response(code)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return behave


def redirect(location: str, code: int = 302) -> Behaviour:
    return answer(code, {"Location": location})


def body(data: bytes, *, content_length: int | None = None, close_after: int | None = None,
         hang_after: int | None = None, release: threading.Event | None = None) -> Behaviour:
    """Send `data`; announce `content_length` (None: no length, end by closing), cut or hang part-way."""

    def behave(handler: FeedFolderHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/octet-stream")
        if content_length is not None:
            handler.send_header("Content-Length", str(content_length))
        else:
            handler.send_header("Connection", "close")
        handler.end_headers()
        stop = close_after if close_after is not None else hang_after
        handler.wfile.write(data if stop is None else data[:stop])
        handler.wfile.flush()
        if hang_after is not None and release is not None:
            release.wait(10)
        handler.close_connection = True
        if close_after is not None or content_length is None:
            handler.connection.shutdown(socket.SHUT_RDWR)

    return behave


# --------------------------------------------------------------------------- set-up


def _png(color: int) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (color, 80, 40)).save(buf, "PNG")
    return buf.getvalue()


IMAGE = _png(200)
OTHER_IMAGE = _png(30)
THIRD_IMAGE = _png(90)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def v1() -> dict:
    doc = feedkit.feed()
    doc["places"][0]["image"] = {"url": "images/kamp.png", "sha256": sha(IMAGE)}
    return doc


def v2(**changes) -> dict:
    doc = v1()
    doc["sequence"] = 11
    doc["places"] = doc["places"][:4]
    doc.update(changes)
    return doc


def publish(site: Site, doc: dict | bytes, key_path: Path) -> bytes:
    (site.root / "images").mkdir(exist_ok=True)
    (site.root / "images" / "kamp.png").write_bytes(IMAGE)
    path = feedkit.write_signed(site.root, doc, key_path)
    return path.read_bytes()


def fetcher() -> Fetcher:
    return Fetcher(allow_insecure_http=True, connect_timeout_s=2, read_timeout_s=0.5)


def sync(site: Site, public: str, data_dir: Path, now: datetime = NOW, **kw) -> service.ApplyResult:
    client = fetcher()
    try:
        return service.sync_once(site.url(), public_keys=[public], data_dir=data_dir, now=now, fetcher=client, **kw)
    finally:
        client.close()


def places_in(data_dir: Path) -> int:
    conn = store.open_reader(data_dir)
    try:
        return conn.execute("SELECT count(*) FROM places").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def site(tmp_path):
    served = Site(tmp_path / "pub")
    yield served
    served.close()


@pytest.fixture
def terminal(tmp_path, site, keypair, data_dir):
    """A configured terminal (kiosk.toml) pointing at the site; returns a function running `kiosk ...`."""
    _, public = keypair
    config = tmp_path / "kiosk.toml"
    config.write_text("\n".join([
        'kiosk_id = "reinoldikirche"',
        f'feed_url = "{site.url()}"',
        f'public_keys = ["{public}"]',
        "allow_insecure_http = true",
        f'data_dir = "{data_dir}"',
        "connect_timeout_s = 2",
        "read_timeout_s = 0.5",
        f'prometheus_file = "{tmp_path / "textfile" / "kiosk.prom"}"',
    ]) + "\n", encoding="utf-8")

    def run(*args: str):
        return CliRunner().invoke(kiosk_main, ["--config", str(config), *args])

    run.prom = tmp_path / "textfile" / "kiosk.prom"
    return run


# --------------------------------------------------------------------------- the happy path


def test_a_new_feed_is_applied_and_the_next_sync_gets_304_and_rewrites_nothing(site, keypair, data_dir, terminal):
    key_path, public = keypair
    publish(site, v1(), key_path)

    first = terminal("sync", "--once")
    assert first.exit_code == 0, first.output
    assert "Applied sequence 10" in first.output
    assert store.image_path(data_dir, sha(IMAGE)).read_bytes() == IMAGE
    db = store.content_path(data_dir)
    before = (db.stat().st_ino, db.stat().st_mtime_ns)
    state = data_dir / "fetch-state.json"
    state_before = state.stat().st_mtime_ns
    listing = sorted(os.listdir(data_dir))
    site.log.clear()

    second = terminal("sync", "--once")

    assert second.exit_code == 0, second.output
    assert "304 Not Modified" in second.output
    [(_, _, headers, code)] = site.requests_for("feed.json")
    assert code == 304 and headers.get("If-None-Match") and headers.get("If-Modified-Since")
    assert site.requests_for("feed.json.sig") == [] and site.requests_for("images/kamp.png") == []
    assert (db.stat().st_ino, db.stat().st_mtime_ns) == before, "an unchanged feed must not rewrite content.db"
    assert state.stat().st_mtime_ns == state_before
    assert sorted(os.listdir(data_dir)) == listing and not (data_dir / "content.db.staging").exists()
    status = read_status(data_dir)
    assert status["last_sync_ok"] is True and status["content_sequence"] == 10 and status["pending_images"] == []
    assert 'kiosk_last_sync_ok{kiosk_id="reinoldikirche"} 1' in terminal.prom.read_text()

    # A new feed is fetched in full again, signature included.
    publish(site, v2(), key_path)
    third = terminal("sync", "--once")
    assert third.exit_code == 0 and "Applied sequence 11" in third.output
    assert places_in(data_dir) == 4
    [(_, _, sig_headers, sig_code)] = site.requests_for("feed.json.sig")
    assert sig_code == 200 and sig_headers.get("If-None-Match"), "the signature is fetched conditionally too"


def test_a_cached_signature_answers_a_304_for_it(site, keypair, data_dir):
    key_path, public = keypair
    publish(site, v1(), key_path)
    sync(site, public, data_dir)
    store.content_path(data_dir).unlink()  # e.g. the content was reset, the fetch state stayed
    site.log.clear()

    result = sync(site, public, data_dir)

    assert result.applied and result.sequence == 10
    assert site.requests_for("feed.json")[0][3] == 200, "validators are not sent for a feed that is not running"
    assert site.requests_for("feed.json.sig")[0][3] == 304


# --------------------------------------------------------------------------- every failure leaves the content


def _down(site, key_path, tmp_path):
    site.close()


def _status(code, headers=None):
    def setup(site, key_path, tmp_path):
        publish(site, v2(), key_path)
        site.overrides["/feed.json"] = answer(code, headers)

    return setup


def _served_body(**how):
    def setup(site, key_path, tmp_path):
        raw = publish(site, v2(), key_path)
        site.overrides["/feed.json"] = body(raw, content_length=len(raw), release=site.release,
                                            **{k: (v if v is not True else len(raw) // 2) for k, v in how.items()})

    return setup


def _truncated(site, key_path, tmp_path):
    raw = publish(site, v2(), key_path)
    (site.root / "feed.json").write_bytes(raw[: len(raw) // 2])  # the signature is of the whole feed


def _invalid_json(site, key_path, tmp_path):
    publish(site, b'{"format": "kiosk-feed", "sequence": 11, "places": [', key_path)


def _schema_invalid(site, key_path, tmp_path):
    doc = v2()
    doc["places"][0]["lat"] = 123
    publish(site, doc, key_path)


def _missing_signature(site, key_path, tmp_path):
    publish(site, v2(), key_path)
    (site.root / "feed.json.sig").unlink()


def _bad_signature(site, key_path, tmp_path):
    raw = publish(site, v2(), key_path)
    (site.root / "feed.json").write_bytes(raw.replace(b"Buchhandlung", b"Buchhandlunk"))


def _unknown_key(site, key_path, tmp_path):
    other, _ = write_keypair(tmp_path / "other-key")
    publish(site, v2(), other)


def _not_newer(site, key_path, tmp_path):
    publish(site, v2(sequence=10), key_path)


def _redirect_to_http(site, key_path, tmp_path):
    publish(site, v2(), key_path)
    site.overrides["/feed.json"] = redirect(site.url("mirror/feed.json"))
    feedkit.write_signed(site.root / "mirror", v2(), key_path)


FAILURES = {
    "server down": (_down, "the connection was refused"),
    "HTTP 500": (_status(500), "answered 500 Internal Server Error"),
    "503 with Retry-After": (_status(503, {"Retry-After": "120"}), "answered 503 Service Unavailable"),
    "read timeout": (_served_body(hang_after=True), "stopped sending the feed for more than 0.5 s"),
    "connection cut mid-body": (_served_body(close_after=True), "was cut after"),
    "truncated JSON": (_truncated, "probably cut off on the way"),
    "invalid JSON": (_invalid_json, "is not valid JSON"),
    "schema-invalid feed": (_schema_invalid, "$.places[0].lat"),
    "missing signature": (_missing_signature, "no signature for the feed"),
    "bad signature": (_bad_signature, "the signature does not match"),
    "signature by an unknown key": (_unknown_key, "the signature does not match"),
    "sequence not greater": (_not_newer, "to prevent a rollback"),
    "redirect to http": (_redirect_to_http, "which is not https://"),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_a_failure_keeps_the_content_reports_why_and_exits_non_zero(case, tmp_path, site, keypair, data_dir, terminal):
    key_path, _ = keypair
    publish(site, v1(), key_path)
    assert terminal("sync", "--once").exit_code == 0
    setup, reason = FAILURES[case]
    setup(site, key_path, tmp_path)

    result = terminal("sync", "--once")

    assert result.exit_code == 1, result.output
    assert reason in result.output
    status = read_status(data_dir)
    assert reason in status["last_error"], status["last_error"]
    assert status["last_sync_ok"] is False and status["sync_errors_total"] == 1
    assert status["content_sequence"] == 10 and store.info(data_dir).sequence == 10
    assert places_in(data_dir) == 5
    assert not (data_dir / "content.db.staging").exists()
    prom = terminal.prom.read_text()
    assert 'kiosk_last_sync_ok{kiosk_id="reinoldikirche"} 0' in prom
    assert 'kiosk_content_sequence{kiosk_id="reinoldikirche"} 10' in prom
    if case == "503 with Retry-After":
        assert "2 min (Retry-After)" in result.output
    shown = terminal("status")
    assert "Last sync: failed" in shown.output and reason in shown.output


# --------------------------------------------------------------------------- images


def _wrong_hash(site, key_path):
    doc = v2()
    doc["places"][1]["image"] = {"url": "images/uhren.png", "sha256": sha(OTHER_IMAGE)}
    publish(site, doc, key_path)
    (site.root / "images" / "uhren.png").write_bytes(THIRD_IMAGE)
    return "images/uhren.png", "does not match its sha256", sha(OTHER_IMAGE)


def _too_big(site, key_path):
    big = os.urandom(service.MAX_IMAGE_BYTES + 70_000)
    doc = v2()
    doc["places"][1]["image"] = {"url": "images/huge.png", "sha256": sha(big)}
    publish(site, doc, key_path)
    # No Content-Length: the limit must be enforced on the bytes as they arrive.
    site.overrides["/images/huge.png"] = body(big, content_length=None)
    return "images/huge.png", "larger than the limit of 2 MiB", sha(big)


@pytest.mark.parametrize("make_bad_image", [_wrong_hash, _too_big], ids=["wrong hash", "over the size limit"])
def test_a_bad_image_stays_pending_the_feed_is_applied_and_sync_once_says_so(make_bad_image, site, keypair, data_dir,
                                                                             terminal):
    key_path, _ = keypair
    publish(site, v1(), key_path)
    assert terminal("sync", "--once").exit_code == 0
    url, reason, digest = make_bad_image(site, key_path)

    result = terminal("sync", "--once")

    assert result.exit_code == 3, result.output
    assert "Applied sequence 11" in result.output and url in result.output
    assert store.info(data_dir).sequence == 11 and places_in(data_dir) == 4
    status = read_status(data_dir)
    [pending] = status["pending_images"]
    assert pending.startswith(url) and reason in pending
    assert not store.image_path(data_dir, digest).exists(), "the place shows without a picture, never a broken one"
    assert [p.name for p in (data_dir / "images").iterdir()] == [sha(IMAGE)], "no .partial file is left behind"
    assert "kiosk_pending_images{kiosk_id=\"reinoldikirche\"} 1" in terminal.prom.read_text()
    assert "Images pending (1)" in terminal("status").output


def test_a_pending_image_is_retried_on_the_next_cycle_even_when_the_feed_is_unchanged(site, keypair, data_dir, terminal):
    key_path, _ = keypair
    publish(site, v1(), key_path)
    url, _, digest = _wrong_hash(site, key_path)
    assert terminal("sync", "--once").exit_code == 3
    (site.root / url).write_bytes(OTHER_IMAGE)  # the publisher fixes the file
    site.log.clear()

    again = terminal("sync", "--once")

    assert again.exit_code == 0, again.output
    assert site.requests_for("feed.json")[0][3] == 304
    assert store.image_path(data_dir, digest).read_bytes() == OTHER_IMAGE
    assert read_status(data_dir)["pending_images"] == []


def test_a_partial_image_file_is_never_taken_for_a_complete_one(site, keypair, data_dir):
    key_path, public = keypair
    publish(site, v1(), key_path)
    target = store.image_path(data_dir, sha(IMAGE))
    target.parent.mkdir(parents=True)
    target.with_name(target.name + ".partial").write_bytes(IMAGE[:20])  # left by a power cut
    assert not target.exists()

    sync(site, public, data_dir)

    assert target.read_bytes() == IMAGE
    assert not target.with_name(target.name + ".partial").exists()


def test_an_image_cut_mid_body_stays_pending_and_leaves_no_partial_file(site, keypair, data_dir):
    key_path, public = keypair
    publish(site, v1(), key_path)
    site.overrides["/images/kamp.png"] = body(IMAGE, content_length=len(IMAGE), close_after=len(IMAGE) // 2)

    result = sync(site, public, data_dir)

    assert result.applied and len(result.pending_images) == 1 and "was cut after" in result.pending_images[0]
    assert list((data_dir / "images").iterdir()) == []


def test_images_on_a_server_that_does_not_answer_cost_one_timeout_not_one_each(site, keypair, data_dir):
    key_path, public = keypair
    doc = v1()
    port = closed_port()
    for i, place in enumerate(doc["places"]):
        place["image"] = {"url": f"https://127.0.0.1:{port}/img{i}.png", "sha256": sha(bytes([i]))}
    publish(site, doc, key_path)

    result = sync(site, public, data_dir)

    assert result.applied and len(result.pending_images) == 5
    assert sum("Not tried in this sync" in p for p in result.pending_images) == 4


# --------------------------------------------------------------------------- fetching rules


def test_a_size_limit_is_enforced_with_and_without_content_length(site):
    (site.root / "big.bin").write_bytes(b"x" * 5000)
    site.overrides["/stream.bin"] = body(b"y" * 5000, content_length=None)
    client = fetcher()
    with pytest.raises(FetchError, match="is 5 KiB, over the limit of 1000 bytes; it was not downloaded"):
        client.get(site.url("big.bin"), what="the feed", limit=1000, now=NOW)
    with pytest.raises(FetchError, match="larger than the limit of 1000 bytes; the download was stopped"):
        client.get(site.url("stream.bin"), what="the feed", limit=1000, now=NOW)
    assert client.get(site.url("stream.bin"), what="the feed", limit=5000, now=NOW).body == b"y" * 5000


def test_redirects_are_followed_only_to_https_and_at_most_five_times(site):
    client = fetcher()
    site.overrides["/relative.json"] = redirect("/feed.json")
    with pytest.raises(FetchError, match="redirected the feed from .* to http://127.0.0.1:.*/feed.json, which is not https"):
        client.get(site.url("relative.json"), what="the feed", limit=1000, now=NOW)
    port = closed_port()
    site.overrides["/secure.json"] = redirect(f"https://127.0.0.1:{port}/feed.json", code=301)
    with pytest.raises(FetchError, match=f"Could not connect to 127.0.0.1:{port}") as followed:
        client.get(site.url("secure.json"), what="the feed", limit=1000, now=NOW)
    assert "not https" not in str(followed.value)


def test_plain_http_needs_the_opt_in(site):
    with pytest.raises(FetchError, match="plain http:// address; use https:// or set allow_insecure_http"):
        Fetcher().get(site.url(), what="the feed", limit=1000, now=NOW)


@pytest.fixture(scope="module")
def tls_cert(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (skipped where the openssl tool is missing)."""
    import shutil
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(folder / "key.pem"),
                    "-out", str(folder / "cert.pem")], check=True, capture_output=True, timeout=30)
    return folder / "cert.pem", folder / "key.pem"


def test_a_redirect_to_https_is_followed_and_a_redirect_loop_is_cut(tmp_path, site, keypair, data_dir, tls_cert):
    import ssl

    key_path, public = keypair
    cert, key = tls_cert
    secure = Site(tmp_path / "cdn")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    secure.server.socket = context.wrap_socket(secure.server.socket, server_side=True)
    try:
        publish(secure, v1(), key_path)
        https_feed = f"https://127.0.0.1:{secure.port}/feed.json"
        site.overrides["/feed.json"] = redirect(https_feed, code=302)
        site.overrides["/feed.json.sig"] = redirect(https_feed + ".sig", code=302)
        client = Fetcher(allow_insecure_http=True, read_timeout_s=2, verify=str(cert))

        result = service.sync_once(site.url(), public_keys=[public], data_dir=data_dir, now=NOW, fetcher=client)

        assert result.applied and result.pending_images == []
        # Relative image URLs resolve against where the feed really came from, as in a browser.
        assert secure.requests_for("images/kamp.png")[0][3] == 200
        secure.overrides["/loop.json"] = redirect(f"https://127.0.0.1:{secure.port}/loop.json")
        with pytest.raises(FetchError, match="redirected more than 5 times"):
            client.get(f"https://127.0.0.1:{secure.port}/loop.json", what="the feed", limit=1000, now=NOW)
        assert len(secure.requests_for("loop.json")) == 6
    finally:
        secure.close()


# --------------------------------------------------------------------------- clock


def test_the_servers_date_gives_the_clock_skew(site, keypair, data_dir):
    key_path, public = keypair
    publish(site, v1(), key_path)
    site.date = NOW - timedelta(minutes=10)

    sync(site, public, data_dir)

    status = read_status(data_dir)
    assert status["clock_skew_s"] == 600 and status["clock_ok"] is False
    assert "The local clock is 10 min ahead of the feed server's clock" in status["clock_problem"]
    site.date = NOW + timedelta(seconds=40)
    sync(site, public, data_dir)
    assert read_status(data_dir)["clock_skew_s"] == -40 and read_status(data_dir)["clock_ok"] is True


def test_a_clock_from_1970_still_syncs_and_says_it_is_wrong(site, keypair, data_dir):
    key_path, public = keypair
    publish(site, v1(), key_path)
    site.date = NOW
    boot = datetime(1970, 1, 1, 0, 5, tzinfo=timezone.utc)  # a Pi without a real-time clock, before NTP

    result = sync(site, public, data_dir, now=boot)

    assert result.applied
    status = read_status(data_dir)
    assert status["clock_ok"] is False
    assert "earlier than the running content was made" in status["clock_problem"]


def test_retry_after_as_a_date_is_measured_on_the_servers_clock(site):
    site.date = NOW
    site.overrides["/feed.json"] = answer(503, {"Retry-After": formatdate((NOW + timedelta(minutes=5)).timestamp(),
                                                                          usegmt=True)})
    with pytest.raises(FetchError) as err:
        fetcher().get(site.url(), what="the feed", limit=1000, now=datetime(1970, 1, 1, tzinfo=timezone.utc))
    assert err.value.retry_after == 300 and err.value.status_code == 503


def test_content_past_valid_until_is_reported_stale(site, keypair, data_dir):
    key_path, public = keypair
    publish(site, feedkit.feed(valid_until="2026-11-20T00:00:00+01:00"), key_path)
    sync(site, public, data_dir)
    assert read_status(data_dir)["content_stale"] is True


# --------------------------------------------------------------------------- fuzz: apply never breaks


DEMO_FEED = json.loads((Path(__file__).resolve().parents[1] / "assets" / "demo" / "feed.json").read_text("utf-8"))
FUZZ_KEY = write_keypair(tempfile.mkdtemp(prefix="fuzz-key-"))
MUTANTS = st.sampled_from([None, True, False, 0, -1, 7, 1e308, "", "x", "2026-02-30", "Mo-Su 25:00", "Mars/Base",
                           "https://example.org/i.png", "../../etc/passwd", [], {}, [1, 2], {"de": "x"},
                           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"])


def _paths(node: object, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node[:3]):
            found += _paths(value, path + (index,))
    return found


@st.composite
def mutated_demo_feeds(draw) -> object:
    doc = copy.deepcopy(DEMO_FEED)
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(doc)[1:]
        action = draw(st.sampled_from(["replace", "delete", "text", "text", "text"]))
        if action == "text":
            # Often still valid: the apply path must cope with odd but legal content too.
            paths = [p for p in paths if isinstance(_at(doc, p), str)] or paths
        path = draw(st.sampled_from(paths))
        parent = _at(doc, path[:-1])
        if action == "delete":
            del parent[path[-1]]
        elif action == "text":
            parent[path[-1]] = draw(st.text(max_size=20))
        else:
            # A copy: sampled_from hands out the same [] and {} each time, and later steps may edit them.
            parent[path[-1]] = copy.deepcopy(draw(MUTANTS))
    return doc


def _at(doc: object, path: tuple) -> object:
    for key in path:
        doc = doc[key]
    return doc


def _no_images(image: dict, sink) -> None:
    raise service.SyncFailed("images are not part of this test")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_demo_feeds())
def test_a_mutated_resigned_feed_is_either_applied_whole_or_refused(doc):
    from sync.signing import load_private_key, sign_bytes

    raw = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    signature = sign_bytes(raw, load_private_key(FUZZ_KEY[0])).encode()
    with tempfile.TemporaryDirectory() as folder:
        try:
            result = service.apply_feed(raw, signature, source="fuzz", public_keys=[FUZZ_KEY[1]], data_dir=Path(folder),
                                        now=NOW, load_image=_no_images)
        except service.SyncFailed as exc:
            assert str(exc) and store.info(Path(folder)) is None
            return
        assert result.applied and problems(doc) == []
        conn = sqlite3.connect(store.content_path(Path(folder)))
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT count(*) FROM places").fetchone()[0] == len(doc["places"])
        finally:
            conn.close()
