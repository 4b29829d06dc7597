"""One sync cycle: verify -> validate -> sequence -> stage -> images -> swap -> status.

The order is the order of trust: nothing from a feed touches the disk before its signature and
its schema have been checked, and the live content changes only by the final rename.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import unquote, urlparse

from sync import store
from sync.feed import FeedInvalid, FeedUnreadable, read_feed
from sync.signing import SignatureError, verify_signature
from sync.status import update_status

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_FEED_BYTES = 50 * 1024 * 1024

ImageLoader = Callable[[dict], bytes]


class SyncFailed(Exception):
    """A feed was not applied; the message is a sentence for the person reading the status."""


@dataclass
class ApplyResult:
    applied: bool
    sequence: int
    message: str
    pending_images: list[str] = field(default_factory=list)


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


def store_image(data_dir: Path, image: dict, data: bytes) -> None:
    """Keep an image under its hash, only when its bytes match; never leave half a file."""
    if len(data) > MAX_IMAGE_BYTES:
        raise SyncFailed(f"The image {image.get('url')} is {len(data)} bytes, over the limit of {MAX_IMAGE_BYTES}.")
    digest = hashlib.sha256(data).hexdigest()
    if digest != image["sha256"]:
        raise SyncFailed(f"The image {image.get('url')} does not match its sha256 in the feed.")
    target = store.image_path(data_dir, digest)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with open(partial, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, target)


def fetch_images(data_dir: Path, images: Iterable[dict], load_image: ImageLoader) -> list[str]:
    """Fetch every image not yet cached; returns the URLs still pending, with their reasons logged."""
    pending = []
    for image in images:
        if store.image_path(data_dir, image["sha256"]).exists():
            continue
        try:
            store_image(data_dir, image, load_image(image))
        except (SyncFailed, OSError) as exc:
            pending.append(f"{image.get('url')}: {exc}")
    return pending


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
        raise SyncFailed(f"The feed from {source} is {len(raw)} bytes, over the limit of {MAX_FEED_BYTES}.")
    digest = hashlib.sha256(raw).hexdigest()
    current = store.info(data_dir)
    if current is not None and current.feed_sha256 == digest and current.demo == demo:
        pending = fetch_images(data_dir, store.live_images(data_dir).values(), load_image)
        return ApplyResult(False, current.sequence, f"Already running sequence {current.sequence}; nothing changed.", pending)
    try:
        verify_signature(raw, signature, public_keys)
        feed = read_feed(raw, source)
    except SignatureError as exc:
        raise SyncFailed(f"The feed from {source} was refused: {exc}") from exc
    except FeedUnreadable as exc:
        raise SyncFailed(f"The feed from {source} could not be read: {exc}") from exc
    except FeedInvalid as exc:
        first = "; ".join(exc.problems[:5])
        more = f" (and {len(exc.problems) - 5} more)" if len(exc.problems) > 5 else ""
        raise SyncFailed(f"The feed from {source} is not a valid feed: {first}{more}.") from exc
    check_sequence(feed, data_dir, replaces_demo=not demo)
    try:
        staging = store.stage(
            feed, data_dir, demo=demo, applied_at=_iso(now), source=source, feed_sha256=digest
        )
    except store.StoreError as exc:
        store.discard_staging(data_dir)
        raise SyncFailed(str(exc)) from exc
    images = store.referenced_images(feed)
    pending = fetch_images(data_dir, images.values(), load_image)
    store.swap_in(staging, data_dir)
    store.remove_unreferenced_images(data_dir, images.keys())
    return ApplyResult(True, feed["sequence"], f"Applied sequence {feed['sequence']} from {source}.", pending)


def local_path(feed_url: str) -> Path | None:
    """The file a `file://` URL or a plain path names; None for network URLs."""
    parsed = urlparse(feed_url)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme in ("", ) or (len(parsed.scheme) == 1 and os.name == "nt"):
        return Path(feed_url)
    return None


def file_image_loader(feed_path: Path) -> ImageLoader:
    """Images next to a feed on a disk or USB stick: URLs relative to the feed's folder."""

    def load(image: dict) -> bytes:
        url = image["url"]
        if urlparse(url).scheme not in ("", "file"):
            raise SyncFailed(f"The image {url} is on the network, but the feed came from a file.")
        path = local_path(url) if url.startswith("file:") else feed_path.parent / url
        if path.stat().st_size > MAX_IMAGE_BYTES:
            raise SyncFailed(f"The image {url} is over the limit of {MAX_IMAGE_BYTES} bytes.")
        return path.read_bytes()

    return load


def apply_from_file(
    feed_path: Path, *, public_keys: list[str], data_dir: Path, now: datetime, demo: bool = False
) -> ApplyResult:
    """Apply a signed feed from a local file (FEED.json beside FEED.json.sig)."""
    feed_path = Path(feed_path)
    try:
        raw = feed_path.read_bytes()
    except OSError as exc:
        raise SyncFailed(f"Could not read the feed file {feed_path}: {exc.strerror or exc}.") from exc
    sig_path = feed_path.with_name(feed_path.name + ".sig")
    signature = sig_path.read_bytes() if sig_path.exists() else None
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


def sync_once(feed_url: str, *, public_keys: list[str], data_dir: Path, now: datetime, demo: bool = False) -> ApplyResult:
    """One cycle against a configured source; the outcome is recorded in status.json either way."""
    update_status(data_dir, last_attempt=_iso(now))
    try:
        path = local_path(feed_url)
        if path is None:
            raise SyncFailed(f"Fetching {feed_url} over the network is not supported by this version.")
        result = apply_from_file(path, public_keys=public_keys, data_dir=data_dir, now=now, demo=demo)
    except SyncFailed as exc:
        update_status(data_dir, last_error=str(exc), last_error_at=_iso(now))
        raise
    record_success(data_dir, result, now)
    return result


def record_success(data_dir: Path, result: ApplyResult, now: datetime) -> None:
    current = store.info(data_dir)
    update_status(
        data_dir,
        last_success=_iso(now),
        last_error=None,
        content_sequence=result.sequence,
        content_generated_at=current.generated_at if current else None,
        pending_images=result.pending_images,
    )


DEMO_DIR = Path(__file__).resolve().parent.parent / "assets" / "demo"


def demo_public_key() -> str:
    return (DEMO_DIR / "keys" / "demo-signing.key.pub").read_text(encoding="utf-8").split()[0]


def ensure_demo_content(data_dir: Path, *, now: datetime) -> ApplyResult | None:
    """In demo mode (no source configured), give an empty terminal the bundled demo feed."""
    current = store.info(data_dir)
    bundled = json.loads((DEMO_DIR / "feed.json").read_bytes())["sequence"]
    if current is not None and not (current.demo and current.sequence < bundled):
        return None
    result = apply_from_file(
        DEMO_DIR / "feed.json", public_keys=[demo_public_key()], data_dir=data_dir, now=now, demo=True
    )
    record_success(data_dir, result, now)
    return result

