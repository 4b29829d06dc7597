"""Apply one feed file into a data folder, announcing each step on stdout, so a test can SIGKILL it mid-way.

Usage: python tests/killer_apply.py FEED.json PUBLIC_KEY DATA_DIR
Prints one line per step (ready, stage, images, swap, done) and flushes each, before the step runs.
"""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sync import service, store  # noqa: E402


def announce(step: str) -> None:
    sys.stdout.write(step + "\n")
    sys.stdout.flush()


def announced(step: str, function):
    def wrapper(*args, **kwargs):
        announce(step)
        return function(*args, **kwargs)

    return wrapper


def main() -> None:
    feed, public_key, data_dir = sys.argv[1:4]
    # The service looks these up at call time, so wrapping them marks the steps without changing them.
    store.stage = announced("stage", store.stage)
    service.fetch_images = announced("images", service.fetch_images)
    store.swap_in = announced("swap", store.swap_in)
    announce("ready")
    service.sync_once(feed, public_keys=[public_key], data_dir=Path(data_dir),
                      now=datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc))
    announce("done")


if __name__ == "__main__":
    main()
