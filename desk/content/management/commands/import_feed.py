"""`kiosk-desk import_feed FEED`: the desk's content becomes the feed's (its images are copied beside the desk)."""
from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from desk.content.feedmap import import_feed
from sync.feed import FeedInvalid, FeedUnreadable, read_feed

DEMO_FEED = Path(__file__).resolve().parents[4] / "assets" / "demo" / "feed.json"


class Command(BaseCommand):
    help = "Replace the desk's content with a feed's (default: the bundled demo feed)."

    def add_arguments(self, parser):
        parser.add_argument("feed", nargs="?", default=str(DEMO_FEED), help="feed.json to import")

    def handle(self, *args, feed: str, **options):
        path = Path(feed)
        try:
            doc = read_feed(path.read_bytes(), str(path))
        except OSError as exc:
            raise CommandError(f"Cannot read the feed {path}: {exc.strerror or exc}.") from None
        except (FeedUnreadable, FeedInvalid) as exc:
            raise CommandError(f"{path} is not a valid feed, nothing was imported: {exc}") from None
        copied = _copy_images(path.parent / "images", Path(settings.DESK_MEDIA_DIR) / "images")
        counts = import_feed(doc, str(path))
        self.stdout.write(f"Imported {path}: " + ", ".join(f"{n} {what}" for what, n in counts.items())
                          + f"; {copied} images copied to {settings.DESK_MEDIA_DIR}.")


def _copy_images(source: Path, target: Path) -> int:
    if not source.is_dir():
        return 0
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    for file in source.iterdir():
        if file.is_file():
            shutil.copyfile(file, target / file.name)
            count += 1
    return count
