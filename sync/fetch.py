"""Fetching over HTTP(S): conditional requests, size limits, https-only redirects, retry timing.

Modelled on conda's repodata cache: validators (ETag, Last-Modified) live in a small state file
beside the content and are only trusted when the content they describe is the live content;
every transport problem becomes one sentence a person understands (see `FetchError`).
"""
from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator
from urllib.parse import urljoin, urlparse

import requests
from urllib3.exceptions import DecodeError as Urllib3DecodeError
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import ReadTimeoutError

from sync.status import write_json_atomically

CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 30.0
# The silence timeout alone lets a server drip one byte a second for days; 50 MiB at 1 Mbit/s takes 7 min.
DOWNLOAD_DEADLINE_S = 900.0
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
BACKOFF_BASE_S = 30.0
BACKOFF_CAP_S = 3600.0
# A server asking for more than a day is more likely misconfigured than meaning it.
RETRY_AFTER_CAP_S = 24 * 3600.0
STATE_FILE = "fetch-state.json"
USER_AGENT = "dortmund-kiosk-sync/1"
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A download failed; the message is a sentence for the status, `retry_after` the server's wish."""

    def __init__(self, message: str, *, retry_after: float | None = None, server_date: datetime | None = None,
                 status_code: int | None = None, unreachable: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.server_date = server_date
        self.status_code = status_code
        self.unreachable = unreachable  # the server did not answer at all: no use trying it again right now


@dataclass(frozen=True)
class Validators:
    """What a server said about a response, to ask next time whether it changed."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        found = {}
        if self.etag:
            found["If-None-Match"] = self.etag
        if self.last_modified:
            found["If-Modified-Since"] = self.last_modified
        return found

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects: relative image URLs resolve against it, as in a browser
    body: bytes | None  # None when not modified, or when the body went into a sink
    validators: Validators
    server_date: datetime | None
    not_modified: bool = False
    size: int = 0


def human_size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MiB".replace(".0 MiB", " MiB")
    if count >= 1024:
        return f"{count / 1024:.0f} KiB"
    return f"{count} bytes"


def host_of(url: str) -> str:
    return urlparse(url).netloc or url


def status_phrase(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_retry_after(value: str | None, *, server_date: datetime | None, now: datetime) -> float | None:
    """Retry-After in seconds from now: delta-seconds or an HTTP-date (measured on the server's clock)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_CAP_S)
    when = parse_http_date(value)
    if when is None:
        return None
    # The server's own Date makes this right even when the local clock is wrong.
    reference = server_date or now
    return min(max(0.0, (when - reference).total_seconds()), RETRY_AFTER_CAP_S)


def backoff_delay(failures: int, rand: Callable[[], float] = random.random, *,
                  base: float = BACKOFF_BASE_S, cap: float = BACKOFF_CAP_S) -> float:
    """Exponential backoff with full jitter: a fleet that failed together does not retry together."""
    if failures <= 0:
        return 0.0
    ceiling = min(cap, base * 2 ** min(failures - 1, 32))
    return rand() * ceiling


def retry_delay(failures: int, retry_after: float | None, rand: Callable[[], float] = random.random, *,
                base: float = BACKOFF_BASE_S, cap: float = BACKOFF_CAP_S) -> tuple[float, bool]:
    """Seconds until the next attempt after `failures` failures in a row, and whether Retry-After set it."""
    delay = backoff_delay(failures, rand, base=base, cap=cap)
    if retry_after is not None and retry_after >= delay:
        # Never earlier than asked; a little jitter on top so the fleet does not return in step.
        return retry_after + rand() * min(base, cap), True
    return delay, False


def _transport_sentence(exc: BaseException, what: str, url: str, connect_s: float, read_s: float) -> str:
    host = host_of(url)
    text = str(exc)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"Could not connect to {host} within {connect_s:g} s while fetching {what}; the server or the network is down."
    if isinstance(exc, requests.exceptions.ReadTimeout) or "Read timed out" in text:
        return f"The server at {host} stopped answering for more than {read_s:g} s while sending {what}."
    if isinstance(exc, requests.exceptions.SSLError):
        return f"The secure connection to {host} failed while fetching {what} (certificate or TLS problem): {_short(text)}."
    if "NameResolution" in text or "Name or service not known" in text or "getaddrinfo" in text:
        return f"The name {urlparse(url).hostname} could not be resolved while fetching {what}; check DNS and the network."
    if "Connection refused" in text or "ConnectionRefused" in text:
        return f"Could not connect to {host} while fetching {what}: the connection was refused (is the server down?)."
    return f"The connection to {host} failed while fetching {what}: {_short(text)}."


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Fetcher:
    """One HTTP client per terminal: a requests Session with the terminal's rules."""

    def __init__(self, *, allow_insecure_http: bool = False, connect_timeout_s: float = CONNECT_TIMEOUT_S,
                 read_timeout_s: float = READ_TIMEOUT_S, verify: bool | str = True,
                 session: requests.Session | None = None, deadline_s: float = DOWNLOAD_DEADLINE_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.allow_insecure_http = allow_insecure_http
        self.timeout = (connect_timeout_s, read_timeout_s)
        self.deadline_s = deadline_s
        self.clock = clock  # a monotonic clock, for the overall deadline of one download
        self.verify = verify
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    def close(self) -> None:
        self.session.close()

    def check_scheme(self, url: str, what: str) -> None:
        scheme = urlparse(url).scheme
        if scheme == "https" or (scheme == "http" and self.allow_insecure_http):
            return
        if scheme == "http":
            raise FetchError(f"{what.capitalize()} is at {url}, a plain http:// address; use https:// "
                             "or set allow_insecure_http = true for a closed network.")
        raise FetchError(f"{what.capitalize()} is at {url}, which is neither https:// nor http://.")

    def get(self, url: str, *, what: str, limit: int, now: datetime, validators: Validators | None = None,
            sink: BinaryIO | None = None) -> Fetched:
        """GET `url` (following at most 5 redirects, only to https://), reading at most `limit` bytes.

        With `validators`, a 304 answer gives Fetched(not_modified=True). With `sink`, the body is
        written there instead of returned. Raises FetchError with a sentence on any problem.
        """
        self.check_scheme(url, what)
        headers = validators.headers() if validators else {}
        deadline = self.clock() + self.deadline_s
        for _ in range(MAX_REDIRECTS + 1):
            self._check_deadline(deadline, url, what, 0)
            try:
                response = self.session.get(url, headers=headers, stream=True, allow_redirects=False,
                                            timeout=self.timeout, verify=self.verify)
            except requests.exceptions.RequestException as exc:
                raise FetchError(_transport_sentence(exc, what, url, *self.timeout), unreachable=True) from exc
            with response:
                server_date = parse_http_date(response.headers.get("Date"))
                code = response.status_code
                if code in REDIRECT_CODES:
                    url = self._redirect_target(url, response, what, server_date)
                    continue
                if code == 304 and validators:
                    return Fetched(url, None, validators, server_date, not_modified=True)
                if code != 200:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"), server_date=server_date, now=now)
                    hint = " (check feed_url)" if code == 404 and what == "the feed" else ""
                    raise FetchError(f"The server at {host_of(url)} answered {status_phrase(code)} for {url}{hint}.",
                                     retry_after=retry_after, server_date=server_date, status_code=code)
                body, size = self._read_body(response, url, what, limit, sink, server_date, deadline)
                got = Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))
                return Fetched(url, body, got, server_date, size=size)
        raise FetchError(f"Fetching {what} was redirected more than {MAX_REDIRECTS} times; the last address was {url}.")

    def _redirect_target(self, url: str, response: requests.Response, what: str, server_date: datetime | None) -> str:
        location = response.headers.get("Location")
        if not location:
            raise FetchError(f"The server at {host_of(url)} redirected {what} without saying where to.",
                             server_date=server_date)
        target = urljoin(url, location)
        if urlparse(target).scheme != "https":
            # The operator may opt into plain http for the configured address; a server never may.
            raise FetchError(f"The server redirected {what} from {url} to {target}, which is not https://; "
                             "redirects are followed only to https://, so the redirect was refused.",
                             server_date=server_date)
        return target

    def _check_deadline(self, deadline: float, url: str, what: str, total: int,
                        server_date: datetime | None = None) -> None:
        if self.clock() > deadline:
            raise FetchError(f"Fetching {what} from {host_of(url)} took longer than {self.deadline_s:g} s in all "
                             f"(after {human_size(total)}); the download was stopped and will be tried again.",
                             server_date=server_date, unreachable=True)

    def _pieces(self, response: requests.Response, deadline: float, url: str, what: str,
                server_date: datetime | None) -> Iterator[bytes]:
        """The body as it arrives, one socket read at a time, so the overall deadline is checked between reads."""
        total = 0
        while True:
            self._check_deadline(deadline, url, what, total, server_date)
            piece = response.raw.read1(CHUNK_BYTES, decode_content=True)
            if not piece:
                return
            total += len(piece)
            yield piece

    def _read_body(self, response: requests.Response, url: str, what: str, limit: int, sink: BinaryIO | None,
                   server_date: datetime | None, deadline: float) -> tuple[bytes | None, int]:
        announced = response.headers.get("Content-Length")
        expected = int(announced) if announced and announced.isdigit() else None
        if expected is not None and expected > limit:
            raise FetchError(f"{what.capitalize()} at {url} is {human_size(expected)}, over the limit of "
                             f"{human_size(limit)}; it was not downloaded.", server_date=server_date)
        chunks: list[bytes] = []
        total = 0
        try:
            for chunk in self._pieces(response, deadline, url, what, server_date):
                total += len(chunk)
                # Content-Length is a claim, not a promise: count what actually arrives.
                if total > limit:
                    raise FetchError(f"{what.capitalize()} at {url} is larger than the limit of {human_size(limit)}; "
                                     "the download was stopped there.", server_date=server_date)
                if sink is not None:
                    sink.write(chunk)
                else:
                    chunks.append(chunk)
        except (requests.exceptions.ContentDecodingError, Urllib3DecodeError) as exc:
            encoding = response.headers.get("Content-Encoding", "")
            cause = exc.args[-1] if exc.args else exc  # urllib3 puts the decompressor's own words last
            raise FetchError(f"The server at {host_of(url)} sent {what} marked Content-Encoding: {encoding}, but they "
                             f"are not {encoding} data ({cause}); the answer was ignored.",
                             server_date=server_date) from exc
        except (requests.exceptions.RequestException, Urllib3Error) as exc:
            inner = exc.args[0] if exc.args else exc
            if isinstance(exc, ReadTimeoutError) or isinstance(inner, ReadTimeoutError) \
                    or isinstance(exc, requests.exceptions.Timeout):
                raise FetchError(f"The server at {host_of(url)} stopped sending {what} for more than "
                                 f"{self.timeout[1]:g} s (after {human_size(total)}).", server_date=server_date,
                                 unreachable=True) from exc
            raise FetchError(self._cut_sentence(url, what, total, expected), server_date=server_date) from exc
        encoded = response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
        if expected is not None and not encoded and total != expected:
            raise FetchError(self._cut_sentence(url, what, total, expected), server_date=server_date)
        return (None if sink is not None else b"".join(chunks)), total

    @staticmethod
    def _cut_sentence(url: str, what: str, total: int, expected: int | None) -> str:
        of = f" of {human_size(expected)}" if expected is not None else ""
        return f"The connection to {host_of(url)} was cut after {human_size(total)}{of} of {what}; it will be fetched again."


class FetchState:
    """data_dir/fetch-state.json: validators per URL (and the small signature body), written atomically."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / STATE_FILE
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = {}
        self.entries: dict[str, dict[str, Any]] = loaded if isinstance(loaded, dict) else {}
        self._dirty = False

    def get(self, url: str) -> dict[str, Any]:
        entry = self.entries.get(url)
        return entry if isinstance(entry, dict) else {}

    def validators(self, url: str) -> Validators:
        entry = self.get(url)
        return Validators(entry.get("etag"), entry.get("last_modified"))

    def remember(self, url: str, validators: Validators, **extra: Any) -> None:
        entry = {"etag": validators.etag, "last_modified": validators.last_modified, **extra}
        if self.entries.get(url) != entry:
            self.entries[url] = entry
            self._dirty = True

    def forget(self, url: str) -> None:
        if self.entries.pop(url, None) is not None:
            self._dirty = True

    def save(self) -> None:
        # Only when something changed: an unchanged feed rewrites nothing on the SD card.
        if self._dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_json_atomically(self.path, self.entries)
            self._dirty = False
