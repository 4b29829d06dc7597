"""Publishing: the desk's content -> sync/build (the one building path) -> signature -> the web root, atomically."""
from __future__ import annotations

import hashlib
import json
import stat
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from desk.content import diffwords

from desk.content.feedmap import base_input
from desk.content.models import Publication
from sync.build.assemble import FEED_NAME, Build, BuildFailed, BuildInputs, build_feed
from sync.build.common import SourceError
from sync.build.report import BuildReport
from sync.diff import diff_feeds
from sync.feed import problems
from sync.files import write_bytes_atomically
from sync.signing import SignatureError, load_private_key, sign_bytes


class PublishRefused(Exception):
    """Nothing was published; the message says why and `problems` lists every problem, one line each."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass
class Draft:
    """The feed the desk would publish now, and what it changes against the live one."""

    feed: dict
    data: bytes
    diff_lines: list[str]
    summary: str


def next_sequence(now: datetime) -> int:
    """Greater than every sequence published or live, and at least the UTC minute (terminals refuse going back)."""
    last = Publication.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    live = (live_feed() or {}).get("sequence") or 0
    minute = int(now.astimezone(timezone.utc).strftime("%Y%m%d%H%M"))
    return max(minute, last + 1, int(live) + 1)


def live_feed() -> dict | None:
    """The feed.json now in the web root, or None when there is none (yet) or it cannot be read."""
    try:
        return json.loads((Path(settings.DESK_WEB_ROOT) / FEED_NAME).read_bytes())
    except (OSError, ValueError):
        return None


def draft(now: datetime, work_dir: Path) -> tuple[Draft, Build]:
    """Build the feed in `work_dir` exactly as `kiosk-feed build` would from a base file; PublishRefused if invalid."""
    base_path = work_dir / "base.json"
    base_path.write_text(json.dumps(base_input(), ensure_ascii=False), encoding="utf-8")
    media_images = Path(settings.DESK_MEDIA_DIR) / "images"
    if media_images.is_dir():
        (work_dir / "images").symlink_to(media_images.resolve(), target_is_directory=True)
    inputs = BuildInputs(base=base_path, out_dir=work_dir / "out", sequence=next_sequence(now))
    try:
        build = build_feed(inputs, now=now)
    except BuildFailed as exc:
        raise PublishRefused(_("Nothing was published: the feed would not be valid. Fix these, then try again:"),
                             exc.problems) from None
    except SourceError as exc:
        raise PublishRefused(_("Nothing was published: %(reason)s.") % {"reason": exc}) from None
    lost = left_out(build.report)
    if lost:  # `kiosk-feed build` leaves these out and reports them; the desk refuses, so nothing vanishes unseen
        raise PublishRefused(_("Nothing was published: the terminals would not get all of the content. "
                               "Fix these, then try again:"), lost)
    live = live_feed() or {}
    diff = diff_feeds(live, build.feed)
    return Draft(build.feed, build.dumps(), [diffwords.line(x) for x in diff.lines], diffwords.summary(diff)), build


def left_out(report: BuildReport) -> list[str]:
    """What the build dropped from the desk's content, one line each, with the reason in the user's language.

    Only the walking network's warnings keep everything (a place far from a path still shows; it gets no route)."""
    lines = [f"{_reason(reason)}: {amount}" for reason, amount in sorted(report.tallies.items())]
    for reason, items in sorted(report.dropped.items()):
        if not reason.startswith(KEPT_REASONS):
            lines += [f"{_reason(reason)}: {item}" for item in items]
    return lines


KEPT_REASONS = ("places farther than", "pieces of walking network")
REASONS = {
    "references to places that were left out (removed)":
        gettext_lazy("a place it refers to is not among the places (the reference would be removed)"),
    "campaigns with none of their places left (left out)":
        gettext_lazy("a campaign none of whose shops is among the places (it would be left out)"),
    "events the feed rules refuse (left out)": gettext_lazy("an event the terminals refuse (it would be left out)"),
    "event locations the feed rules refuse (the event shows without a route)":
        gettext_lazy("an event location the terminals refuse (the event would show without a route)"),
    "image files that do not exist": gettext_lazy("an image file that does not exist (it would be left out)"),
    "images that cannot be used": gettext_lazy("an image that cannot be used (it would be left out)"),
}


def _reason(reason: str) -> str:
    return str(REASONS.get(reason, reason))


def preview(now: datetime) -> Draft:
    with tempfile.TemporaryDirectory(prefix="desk-draft-") as work:
        return draft(now, Path(work))[0]


def _signing_key():
    path = Path(settings.DESK_SIGNING_KEY)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise PublishRefused(_("Nothing was published: the signing key file %(path)s does not exist; create it with "
                               "`kiosk-feed keygen --out <folder>` as the desk's service user (docs/desk.md).")
                             % {"path": path}) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PublishRefused(_("Nothing was published: the signing key file %(path)s may be read by other users "
                               "(mode %(mode)s); run `chmod 600 %(path)s` as the desk's service user.")
                             % {"path": path, "mode": stat.filemode(mode)})
    try:
        return load_private_key(path)
    except SignatureError as exc:
        raise PublishRefused(_("Nothing was published: %(reason)s.") % {"reason": exc}) from None


def publish(user, now: datetime) -> Publication:
    """Validate, build, sign and write feed.json, its signature and images into the web root; keep the record."""
    key = _signing_key()
    web_root = Path(settings.DESK_WEB_ROOT)
    with transaction.atomic(), tempfile.TemporaryDirectory(prefix="desk-publish-") as work:
        made, build = draft(now, Path(work))
        web_root.mkdir(parents=True, exist_ok=True)
        for written in build.images.write():
            target = web_root / written.relative_to(build.images.out_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():  # images are named by their hash: an existing one is the same bytes
                write_bytes_atomically(target, written.read_bytes())
        return _write_and_record(made, key, web_root, user, now)


def publish_again(old: Publication, user, now: datetime) -> Publication:
    """An older publication's content as a new sequence: terminals only ever move forward."""
    key = _signing_key()
    web_root = Path(settings.DESK_WEB_ROOT)
    with transaction.atomic():
        feed = json.loads(old.feed_json)
        zone = ZoneInfo(feed["city"]["timezone"])
        feed["sequence"] = next_sequence(now)
        feed["generated_at"] = now.astimezone(zone).isoformat(timespec="seconds")
        found = problems(feed)
        missing = [url for url in _image_urls(feed) if not (web_root / url).is_file()]
        if found or missing:
            raise PublishRefused(_("Nothing was published: sequence %(sequence)s cannot be published again.")
                                 % {"sequence": old.sequence},
                                 found + [_("the image %(url)s is no longer in %(folder)s") % {"url": url, "folder": web_root}
                                          for url in missing])
        data = (json.dumps(feed, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
        diff = diff_feeds(live_feed() or {}, feed)
        made = Draft(feed, data, [diffwords.line(x) for x in diff.lines],
                     _("Again as of %(sequence)s.") % {"sequence": old.sequence} + " " + diffwords.summary(diff))
        return _write_and_record(made, key, web_root, user, now)


def _write_and_record(made: Draft, key, web_root: Path, user, now: datetime) -> Publication:
    """Record first (inside the caller's transaction), then write: two publishers racing for one sequence
    collide on its unique row before either touches the web root, and a failed write rolls the row back."""
    signature = sign_bytes(made.data, key)
    try:
        record = Publication.objects.create(
            sequence=made.feed["sequence"], published_at=now, published_by=user, summary=made.summary[:1000],
            diff="\n".join(made.diff_lines), feed_json=made.data.decode("utf-8"),
            feed_sha256=hashlib.sha256(made.data).hexdigest())
    except IntegrityError:
        raise PublishRefused(_("Nothing was published: someone else published sequence %(sequence)s a moment ago; "
                               "look at the changes again and publish once more.")
                             % {"sequence": made.feed["sequence"]}) from None
    web_root.mkdir(parents=True, exist_ok=True)
    # the feed first, then its signature: a terminal between the two refuses the pair and retries
    write_bytes_atomically(web_root / FEED_NAME, made.data)
    write_bytes_atomically(web_root / (FEED_NAME + ".sig"), f"{signature}\n".encode("ascii"))
    return record


def _image_urls(node: object):
    if isinstance(node, dict):
        image = node.get("image")
        if isinstance(image, dict) and isinstance(image.get("url"), str) and "://" not in image["url"]:
            yield image["url"]
        for value in node.values():
            yield from _image_urls(value)
    elif isinstance(node, list):
        for item in node:
            yield from _image_urls(item)
