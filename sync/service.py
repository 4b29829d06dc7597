"""One sync cycle: fetch -> verify -> validate -> sequence -> stage -> images -> swap -> status.

The order is the order of trust: nothing from a feed touches the disk before its signature and
its schema have been checked, and the live content changes only by the final rename. Sources are
a path, a file:// URL or http(s) (sync/fetch.py); docs/sync.md describes the whole cycle.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable
from urllib.parse import unquote, urljoin, urlparse

from sync import store
from sync.demo import DEMO_DIR, demo_public_key, needs_demo_content  # noqa: F401 (DEMO_DIR: public name)
from sync.feed import FeedInvalid, FeedUnreadable, cyclic_gc_paused, parse_json, read_feed
from sync.fetch import FetchError, Fetcher, FetchState, host_of, human_size
from sync.signing import PublicKeyError, SignatureError, verify_signature
from sync.status import clock_problem, content_is_stale, read_status, write_status

log = logging.getLogger(__name__)
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_FEED_BYTES = 50 * 1024 * 1024
MAX_SIGNATURE_BYTES = 64 * 1024
COPY_CHUNK = 64 * 1024

# Writes the image's bytes into the sink it is given (a .partial file that checks size and hash).
ImageLoader = Callable[[dict, BinaryIO], None]


class SyncFailed(Exception):
    """A feed was not applied; the message is a sentence for the person reading the status."""

    def __init__(self, message: str, *, retry_after: float | None = None, server_date: datetime | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.server_date = server_date


@dataclass
class ApplyResult:
    applied: bool
    sequence: int
    message: str
    pending_images: list[str] = field(default_factory=list)
    images_stored: int = 0
    not_modified: bool = False
    server_date: datetime | None = None
    # What is live when nothing was applied (read once per cycle): recording the outcome need not read it again.
    unchanged_content: store.StoreInfo | None = None


def _iso(now: datetime) -> str:
    return now.isoformat(timespec="seconds")


def check_sequence(feed: dict, data_dir: Path, *, replaces_demo: bool) -> None:
    """Refuse a rollback; demo content never blocks the first real feed."""
    current = store.info(data_dir)
    if current is None:
        return
    if current.demo and replaces_demo:
        return
    if feed["sequence"] <= current.sequence:
        raise SyncFailed(
            f"The feed has sequence {feed['sequence']}, which is not newer than the content this terminal "
            f"runs (sequence {current.sequence}); it was refused to prevent a rollback."
        )


class _CheckedSink:
    """Counts and hashes an image on its way into the .partial file; stops it at the size limit."""

    def __init__(self, handle: BinaryIO, url: str) -> None:
        self.handle, self.url = handle, url
        self.size = 0
        self.hash = hashlib.sha256()

    def write(self, chunk: bytes) -> int:
        self.size += len(chunk)
        if self.size > MAX_IMAGE_BYTES:
            raise SyncFailed(f"The image {self.url} is larger than the limit of {human_size(MAX_IMAGE_BYTES)}; "
                             "it was not stored.")
        self.hash.update(chunk)
        return self.handle.write(chunk)


def store_image(data_dir: Path, image: dict, load_image: ImageLoader) -> bool:
    """Keep an image under its hash, only when its bytes match; True when it was newly stored.

    The bytes go into `<hash>.partial` and are renamed to `<hash>` only after the hash matched, so a
    partial file (from a cut connection or a power cut) is never taken for a complete image.
    """
    target = store.image_path(data_dir, image["sha256"])
    if target.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        with open(partial, "wb") as handle:
            sink = _CheckedSink(handle, image.get("url", "?"))
            load_image(image, sink)
            handle.flush()
            os.fsync(handle.fileno())
        if sink.hash.hexdigest() != image["sha256"]:
            raise SyncFailed(f"The image {image.get('url')} does not match its sha256 in the feed "
                             f"(got {sink.hash.hexdigest()[:12]}…, {human_size(sink.size)}); it was not stored.")
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return True


def fetch_images(data_dir: Path, images: Iterable[dict], load_image: ImageLoader) -> tuple[list[str], int]:
    """Fetch every image not yet cached: (the ones still pending, each 'url: reason'; how many were stored)."""
    pending, stored = [], 0
    for image in images:
        try:
            stored += store_image(data_dir, image, load_image)
        except (SyncFailed, FetchError, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            pending.append(f"{image.get('url')}: {reason}")
    return pending, stored


def _refusal(source: str, exc: SignatureError, raw: bytes) -> SyncFailed:
    """The signature did not verify; say so, and say when the bytes look cut off on the way."""
    message = f"The feed from {source} was refused: {exc}"
    if not isinstance(exc, PublicKeyError):
        try:
            parse_json(raw, "it")
        except FeedUnreadable as unreadable:
            # Only a hint for the reader: the refusal itself rests on the signature alone.
            message += (f"; besides, {unreadable}, so it was probably cut off on the way or published "
                        "half-written")
    return SyncFailed(message + ".")


def apply_feed(
    raw: bytes,
    signature: bytes | None,
    *,
    source: str,
    public_keys: list[str],
    data_dir: Path,
    now: datetime,
    load_image: ImageLoader,
    demo: bool = False,
) -> ApplyResult:
    """Apply one feed's bytes; raises SyncFailed (and leaves the live content as it was) on any problem."""
    data_dir = Path(data_dir)
    if signature is None:
        raise SyncFailed(f"There is no signature for the feed from {source}; unsigned feeds are never applied.")
    if len(raw) > MAX_FEED_BYTES:
        raise SyncFailed(f"The feed from {source} is {human_size(len(raw))}, over the limit of "
                         f"{human_size(MAX_FEED_BYTES)}.")
    digest = hashlib.sha256(raw).hexdigest()
    current = store.info(data_dir)
    if current is not None and current.feed_sha256 == digest and current.demo == demo:
        pending, stored = fetch_images(data_dir, store.live_images(data_dir).values(), load_image)
        return ApplyResult(False, current.sequence, f"Already running sequence {current.sequence}; nothing changed.",
                           pending, stored, unchanged_content=current)
    # The feed document lives only inside _verify_and_stage: it is gone before collection resumes.
    with cyclic_gc_paused():
        staging, sequence, images = _verify_and_stage(raw, signature, source=source, public_keys=public_keys,
                                                      data_dir=data_dir, now=now, demo=demo, digest=digest)
    try:
        pending, stored = fetch_images(data_dir, images.values(), load_image)
        store.swap_in(staging, data_dir)
    except (store.StoreError, OSError) as exc:
        store.discard_staging(data_dir)
        raise _write_failure(data_dir, exc) from exc
    store.remove_unreferenced_images(data_dir, images.keys())
    return ApplyResult(True, sequence, f"Applied sequence {sequence} from {source}.", pending, stored)


def _verify_and_stage(raw: bytes, signature: bytes, *, source: str, public_keys: list[str], data_dir: Path,
                      now: datetime, demo: bool, digest: str) -> tuple[Path, int, dict[str, dict]]:
    """Signature, format, sequence, then the staging file: (its path, the sequence, the images by hash)."""
    try:
        verify_signature(raw, signature, public_keys)
        feed = read_feed(raw, source)
    except SignatureError as exc:
        raise _refusal(source, exc, raw) from exc
    except FeedUnreadable as exc:
        raise SyncFailed(f"The feed from {source} could not be read: {exc}.") from exc
    except FeedInvalid as exc:
        first = "; ".join(exc.problems[:5])
        more = f" (and {len(exc.problems) - 5} more)" if len(exc.problems) > 5 else ""
        raise SyncFailed(f"The feed from {source} is not a valid feed: {first}{more}.") from exc
    check_sequence(feed, data_dir, replaces_demo=not demo)
    try:
        staging = store.stage(feed, data_dir, demo=demo, applied_at=_iso(now), source=source, feed_sha256=digest)
    except (store.StoreError, OSError) as exc:
        store.discard_staging(data_dir)
        raise _write_failure(data_dir, exc) from exc
    return staging, feed["sequence"], store.referenced_images(feed)


def _write_failure(data_dir: Path, exc: Exception) -> SyncFailed:
    reason = f"{exc.strerror} ({exc.filename})" if isinstance(exc, OSError) and exc.strerror else str(exc)
    return SyncFailed(f"The feed could not be written to {data_dir}: {reason}.")


def local_path(feed_url: str) -> Path | None:
    """The file a `file://` URL or a plain path names; None for network URLs."""
    parsed = urlparse(feed_url)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme in ("", ) or (len(parsed.scheme) == 1 and os.name == "nt"):
        return Path(feed_url)
    return None


def _copy_limited(path: Path, sink: BinaryIO) -> None:
    with open(path, "rb") as handle:
        while chunk := handle.read(COPY_CHUNK):
            sink.write(chunk)


def file_image_loader(feed_path: Path) -> ImageLoader:
    """Images next to a feed on a disk or USB stick: URLs relative to the feed's folder."""

    def load(image: dict, sink: BinaryIO) -> None:
        url = image["url"]
        if urlparse(url).scheme not in ("", "file"):
            raise SyncFailed(f"The image {url} is on the network, but the feed came from a file.")
        path = local_path(url) if url.startswith("file:") else feed_path.parent / url
        _copy_limited(path, sink)

    return load


def http_image_loader(fetcher: Fetcher, feed_url: str, now: datetime) -> ImageLoader:
    """Images relative to the feed's URL, or absolute https:// URLs."""
    unreachable: dict[str, str] = {}

    def load(image: dict, sink: BinaryIO) -> None:
        url = urljoin(feed_url, image["url"])
        host = host_of(url)
        if host in unreachable:
            # One timeout per server and cycle, not one per image.
            raise SyncFailed(f"Not tried in this sync, because an earlier image failed: {unreachable[host]}")
        try:
            fetcher.get(url, what=f"the image {image['url']}", limit=MAX_IMAGE_BYTES, now=now, sink=sink)
        except FetchError as exc:
            if exc.unreachable:
                unreachable[host] = str(exc)
            raise

    return load


def _read_limited(path: Path, limit: int, what: str) -> bytes:
    """A local file's bytes, its size checked before reading: a 1 GiB file on a USB stick is never loaded."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            raw = handle.read(limit + 1) if size <= limit else b""
    except OSError as exc:
        raise SyncFailed(f"Could not read the {what} {path}: {exc.strerror or exc}.") from exc
    if size > limit or len(raw) > limit:  # a file that grows while it is read counts too
        raise SyncFailed(f"The {what} {path} is {human_size(max(size, len(raw)))}, over the limit of "
                         f"{human_size(limit)}; it was not read.")
    return raw


def apply_from_file(
    feed_path: Path, *, public_keys: list[str], data_dir: Path, now: datetime, demo: bool = False
) -> ApplyResult:
    """Apply a signed feed from a local file (FEED.json beside FEED.json.sig)."""
    feed_path = Path(feed_path)
    raw = _read_limited(feed_path, MAX_FEED_BYTES, "feed file")
    sig_path = feed_path.with_name(feed_path.name + ".sig")
    signature = _read_limited(sig_path, MAX_SIGNATURE_BYTES, "signature file") if sig_path.exists() else None
    if signature is None:
        raise SyncFailed(f"There is no signature file {sig_path} beside the feed; unsigned feeds are never applied.")
    return apply_feed(
        raw,
        signature,
        source=str(feed_path),
        public_keys=public_keys,
        data_dir=data_dir,
        now=now,
        load_image=file_image_loader(feed_path),
        demo=demo,
    )


def _fetch_signature(fetcher: Fetcher, sig_url: str, state: FetchState, now: datetime) -> bytes:
    """feed.json.sig, conditionally: a 304 answers with the copy kept in the fetch state."""
    cached = state.get(sig_url).get("body")
    validators = state.validators(sig_url) if isinstance(cached, str) else None
    try:
        got = fetcher.get(sig_url, what="the feed's signature", limit=MAX_SIGNATURE_BYTES, now=now,
                          validators=validators)
    except FetchError as exc:
        if exc.status_code in (404, 410):
            raise SyncFailed(f"There is no signature for the feed: the server answered {exc.status_code} for "
                             f"{sig_url}; unsigned feeds are never applied.", server_date=exc.server_date) from exc
        raise SyncFailed(str(exc), retry_after=exc.retry_after, server_date=exc.server_date) from exc
    if got.not_modified:
        return cached.encode("ascii", "replace")
    if got.validators:
        state.remember(sig_url, got.validators, body=got.body.decode("ascii", "replace"))
    else:
        state.forget(sig_url)
    return got.body


def apply_from_url(
    feed_url: str, *, public_keys: list[str], data_dir: Path, now: datetime, fetcher: Fetcher, demo: bool = False
) -> ApplyResult:
    """One conditional fetch of feed.json (and, when it changed, feed.json.sig and images), then apply."""
    return _apply_from_url(feed_url, public_keys=public_keys, data_dir=Path(data_dir), now=now, fetcher=fetcher,
                           demo=demo, current=store.info(data_dir))


def _apply_from_url(feed_url: str, *, public_keys: list[str], data_dir: Path, now: datetime, fetcher: Fetcher,
                    demo: bool, current: store.StoreInfo | None) -> ApplyResult:
    state = FetchState(data_dir)
    # Validators are only worth sending when the feed they describe is the one running here.
    known = current is not None and not current.demo and state.get(feed_url).get("sha256") == current.feed_sha256
    try:
        feed = fetcher.get(feed_url, what="the feed", limit=MAX_FEED_BYTES, now=now,
                           validators=state.validators(feed_url) if known else None)
    except FetchError as exc:
        raise SyncFailed(str(exc), retry_after=exc.retry_after, server_date=exc.server_date) from exc
    load_image = http_image_loader(fetcher, feed.url, now)
    if feed.not_modified:
        pending, stored = fetch_images(data_dir, store.live_images(data_dir).values(), load_image)
        return ApplyResult(False, current.sequence,
                           f"The feed has not changed (304 Not Modified); still running sequence {current.sequence}, "
                           "nothing changed.", pending, stored, not_modified=True, server_date=feed.server_date,
                           unchanged_content=current)
    try:
        signature = _fetch_signature(fetcher, feed_url + ".sig", state, now)
        result = apply_feed(feed.body, signature, source=feed_url, public_keys=public_keys, data_dir=data_dir,
                            now=now, load_image=load_image, demo=demo)
    except SyncFailed as exc:
        exc.server_date = exc.server_date or feed.server_date
        raise
    if feed.validators:
        state.remember(feed_url, feed.validators, sha256=hashlib.sha256(feed.body).hexdigest())
    else:
        state.forget(feed_url)
    state.save()
    return replace(result, server_date=feed.server_date)


# The loop's plan after a cycle: given its failure (None after a success), when to try again and, after a
# failure, why then ("retrying in 2 min"); it goes into the same status write as the cycle's outcome.
NextAttempt = Callable[[SyncFailed | None], tuple[datetime, str | None]]


def sync_once(
    feed_url: str,
    *,
    public_keys: list[str],
    data_dir: Path,
    now: datetime,
    demo: bool = False,
    kiosk_id: str | None = None,
    allow_insecure_http: bool = False,
    prometheus_file: str | os.PathLike | None = None,
    fetcher: Fetcher | None = None,
    next_attempt: NextAttempt | None = None,
) -> ApplyResult:
    """One cycle against a configured source; the outcome is recorded in status.json either way.

    status.json is written twice: when the cycle starts, and with its outcome (and, given
    `next_attempt`, the loop's next try).
    """
    data_dir = Path(data_dir)
    current = store.info(data_dir)
    _publish(data_dir, now, prometheus_file, current, read_status(data_dir),
             {"kiosk_id": kiosk_id, "last_attempt": _iso(now), "sync_running": True})
    own_fetcher = fetcher is None and local_path(feed_url) is None
    try:
        path = local_path(feed_url)
        if path is not None:
            result = apply_from_file(path, public_keys=public_keys, data_dir=data_dir, now=now, demo=demo)
        else:
            fetcher = fetcher or Fetcher(allow_insecure_http=allow_insecure_http)
            result = _apply_from_url(feed_url, public_keys=public_keys, data_dir=data_dir, now=now, fetcher=fetcher,
                                     demo=demo, current=current)
    except SyncFailed as exc:
        at, note = next_attempt(exc) if next_attempt else (None, None)
        record_failure(data_dir, str(exc), now, server_date=exc.server_date, prometheus_file=prometheus_file,
                       next_attempt=at, retry_note=note)
        raise
    finally:
        if own_fetcher and fetcher is not None:
            fetcher.close()
    at, _ = next_attempt(None) if next_attempt else (None, None)
    record_success(data_dir, result, now, prometheus_file=prometheus_file, next_attempt=at)
    return result


def publish_status(data_dir: Path, now: datetime, prometheus_file: str | os.PathLike | None = None,
                   **changes: Any) -> dict[str, Any]:
    """Update status.json with `changes` and the figures derived from the live content and the clock."""
    return _publish(data_dir, now, prometheus_file, store.info(data_dir), read_status(data_dir), changes)


def _publish(data_dir: Path, now: datetime, prometheus_file: str | os.PathLike | None,
             current: store.StoreInfo | None, previous: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """publish_status with the live content and the previous status already read (each read once per write)."""
    if current is not None:
        changes.update(
            content_sequence=current.sequence,
            content_generated_at=current.generated_at,
            content_valid_until=current.valid_until,
            content_applied_at=current.applied_at,
            content_demo=current.demo,
            content_stale=content_is_stale(current.valid_until, now),
        )
    if "kiosk_id" in changes and changes["kiosk_id"] is None:
        del changes["kiosk_id"]
    skew = changes.get("clock_skew_s", previous.get("clock_skew_s"))
    problem = clock_problem(now=now, skew_s=skew, generated_at=changes.get("content_generated_at",
                                                                           previous.get("content_generated_at")))
    changes.update(clock_ok=problem is None, clock_problem=problem)
    status = write_status(data_dir, {**previous, **changes})
    if prometheus_file:
        from sync.prometheus import write_textfile

        try:
            write_textfile(Path(prometheus_file), status)
        except OSError as exc:  # monitoring that cannot be written must never fail the sync it reports on
            log.warning("The Prometheus file %s could not be written: %s", prometheus_file, exc.strerror or exc)
    return status


def _clock_figures(now: datetime, server_date: datetime | None) -> dict[str, Any]:
    if server_date is None:
        return {}
    return {"clock_skew_s": round((now - server_date).total_seconds()), "clock_checked_at": _iso(now)}


def _with_retry_note(message: str, note: str | None) -> str:
    return message.rstrip(".") + f"; {note}." if note else message


def record_failure(data_dir: Path, message: str, now: datetime, *, server_date: datetime | None = None,
                   prometheus_file: str | os.PathLike | None = None, next_attempt: datetime | None = None,
                   retry_note: str | None = None) -> dict[str, Any]:
    """A failed cycle (the content is unchanged); with `next_attempt`, the loop's plan in the same write."""
    previous = read_status(data_dir)
    return _publish(data_dir, now, prometheus_file, store.info(data_dir), previous, dict(
        last_error=_with_retry_note(message, retry_note),
        last_error_at=_iso(now),
        sync_running=False,
        last_sync_ok=False,
        last_message=None,
        next_attempt=_iso(next_attempt) if next_attempt else None,
        consecutive_failures=int(previous.get("consecutive_failures", 0)) + 1,
        sync_errors_total=int(previous.get("sync_errors_total", 0)) + 1,
        **_clock_figures(now, server_date),
    ))


def record_success(data_dir: Path, result: ApplyResult, now: datetime, *,
                   prometheus_file: str | os.PathLike | None = None,
                   next_attempt: datetime | None = None) -> dict[str, Any]:
    """A successful cycle; with `next_attempt`, the loop's plan in the same write."""
    current = result.unchanged_content or store.info(data_dir)
    return _publish(data_dir, now, prometheus_file, current, read_status(data_dir), dict(
        last_success=_iso(now),
        last_sync_ok=True,
        sync_running=False,
        last_message=result.message,
        last_error=None,
        next_attempt=_iso(next_attempt) if next_attempt else None,
        consecutive_failures=0,
        pending_images=result.pending_images,
        **_clock_figures(now, result.server_date),
    ))


def ensure_demo_content(data_dir: Path, *, now: datetime) -> ApplyResult | None:
    """In demo mode (no source configured), give an empty terminal the bundled demo feed."""
    if not needs_demo_content(data_dir):
        return None
    result = apply_from_file(
        DEMO_DIR / "feed.json", public_keys=[demo_public_key()], data_dir=data_dir, now=now, demo=True
    )
    record_success(data_dir, result, now)
    return result

