"""`kiosk-feed serve DIR`: a feed folder (and its take-along page) over HTTP with ETag, Last-Modified and 304s.

For publishing on a local network, trying a feed on a terminal before it goes to the real web
server, and tests. Standard library only (http.server); binds to loopback unless told otherwise.
"""
from __future__ import annotations

import hashlib
import mimetypes
import os
import threading
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click

from sync.http_limits import REQUEST_TIMEOUT_S, BoundedThreadingHTTPServer

CONTENT_TYPES = {".json": "application/json", ".sig": "text/plain; charset=us-ascii", ".jpg": "image/jpeg",
                 ".jpeg": "image/jpeg", ".png": "image/png", ".html": "text/html; charset=utf-8",
                 ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
READ_CHUNK = 64 * 1024


class FeedFolderHandler(BaseHTTPRequestHandler):
    """GET and HEAD for files inside the server's folder; everything else is refused."""

    server: "FeedServer"
    server_version = "kiosk-feed-serve"
    protocol_version = "HTTP/1.1"
    timeout = REQUEST_TIMEOUT_S  # an idle or half-sent request frees its thread

    def do_GET(self) -> None:
        self.send_file(head=False)

    def do_HEAD(self) -> None:
        self.send_file(head=True)

    def do_POST(self) -> None:
        """With --collect: terminals' feedback, usage counts and heartbeats; otherwise refused."""
        collector = self.server.collector
        if collector is None:
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED, "This server only serves the feed folder")
            return
        from sync.collector import read_body

        body = read_body(self)
        if body is not None and not collector.handle_collect(self, self.path, body):
            self.send_error(HTTPStatus.NOT_FOUND, "Post to /feedback, /usage or /heartbeat")

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    def resolve(self) -> Path | None:
        """The file the request names, or None when it is outside the folder or not a regular file."""
        relative = unquote(urlsplit(self.path).path).lstrip("/")
        if "\x00" in relative:
            return None
        root = self.server.root
        candidate = (root / relative).resolve()
        if candidate.is_dir():
            candidate = (candidate / "index.html").resolve()  # go/ opens the take-along page, as on static hosts
        # resolve() follows symlinks and "..", so a link or a path out of the folder lands outside root.
        if not candidate.is_relative_to(root) or not candidate.is_file():
            return None
        return candidate

    def send_file(self, *, head: bool) -> None:
        path = self.resolve()
        if path is None:
            self.send_error(HTTPStatus.NOT_FOUND, "No such file in the feed folder")
            return
        stat = path.stat()
        etag = self.server.etag(path, stat)
        last_modified = formatdate(stat.st_mtime, usegmt=True)
        if self.not_modified(etag, stat.st_mtime):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", CONTENT_TYPES.get(path.suffix.lower())
                         or mimetypes.guess_type(path.name)[0] or "application/octet-stream")
        self.send_header("Content-Length", str(stat.st_size))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if head:
            return
        with open(path, "rb") as handle:
            while chunk := handle.read(READ_CHUNK):
                self.wfile.write(chunk)

    def not_modified(self, etag: str, mtime: float) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            # If-None-Match wins over If-Modified-Since (RFC 9110, 13.2.2).
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or etag in tags
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return int(mtime) <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError, IndexError):
                return False
        return False


class FeedServer(BoundedThreadingHTTPServer):

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = False,
                 handler: type[BaseHTTPRequestHandler] = FeedFolderHandler, collector=None) -> None:
        self.root = Path(root).resolve()
        self.quiet = quiet
        self.collector = collector  # a sync.collector.Collector, for small fleets (--collect)
        self._etags: dict[Path, tuple[tuple[int, int], str]] = {}
        self._lock = threading.Lock()
        super().__init__((host, port), handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"

    def etag(self, path: Path, stat: os.stat_result) -> str:
        """A strong ETag from the file's bytes, cached while its size and mtime stay the same."""
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._etags.get(path)
            if cached and cached[0] == key:
                return cached[1]
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(READ_CHUNK):
                digest.update(chunk)
        tag = f'"{digest.hexdigest()[:32]}"'
        with self._lock:
            self._etags[path] = (key, tag)
        return tag


def start_in_thread(server: FeedServer) -> threading.Thread:
    """Serve on a daemon thread (for tests and embedding); stop with server.shutdown()."""
    # A short poll interval: shutdown() returns within 50 ms instead of half a second.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="kiosk-feed-serve",
                              daemon=True)
    thread.start()
    return thread


def serve_until_stopped(server: ThreadingHTTPServer) -> None:
    """Serve in the foreground until Ctrl-C, then close the socket."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@click.command("serve")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 to publish to the local network.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0 picks a free one).")
@click.option("--quiet", is_flag=True, help="Do not log each request.")
@click.option("--collect", "collect_db", type=click.Path(dir_okay=False, path_type=Path),
              help="Also accept terminals' feedback, usage and heartbeat posts into this SQLite file.")
@click.option("--token", envvar="KIOSK_FLEET_TOKEN", help="The fleet_token terminals send (with --collect).")
def serve_command(folder: Path, host: str, port: int, quiet: bool, collect_db: Path | None, token: str | None) -> None:
    """Serve FOLDER (feed.json, feed.json.sig, images) over HTTP with ETag and Last-Modified."""
    collector = None
    if collect_db is not None:
        from sync.collector import Collector

        if not token:
            raise click.UsageError("--collect needs --token (or KIOSK_FLEET_TOKEN): the fleet_token terminals send.")
        collector = Collector(collect_db, token)
    try:
        server = FeedServer(folder, host, port, quiet=quiet, collector=collector)
    except OSError as exc:
        raise click.ClickException(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.") from None
    if collector is not None:
        click.echo(f"Collecting into {collect_db} at {server.url}feedback, /usage and /heartbeat")
    feed = "feed.json" if (folder / "feed.json").is_file() else ""
    click.echo(f"Serving {folder.resolve()} at {server.url}{feed} (Ctrl-C to stop)", err=False)
    if host not in ("127.0.0.1", "::1", "localhost"):
        click.echo("Plain http: terminals accept it only with allow_insecure_http = true; use https:// in production.",
                   err=True)
    serve_until_stopped(server)
