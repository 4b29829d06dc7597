"""The take-along page beside feed.json: written by kiosk/takealong.py in a subprocess, because the
page's steps are the terminal's own words (kiosk/route_steps.py) and sync/ never imports kiosk/."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TIMEOUT_S = 600


class PageFailed(Exception):
    """The take-along page could not be written; the message says where and why."""


def write_take_along_page(feed_path: Path, site_dir: Path) -> str:
    """Run `python -m kiosk.takealong FEED SITE_DIR`; its one-line report, or PageFailed."""
    args = [sys.executable, "-m", "kiosk.takealong", str(feed_path), str(site_dir)]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise PageFailed(f"Writing the take-along page into {site_dir / 'go'} took over {TIMEOUT_S} s; "
                         "it was stopped.") from None
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise PageFailed(f"The take-along page was not written into {site_dir / 'go'}: {detail}")
    return done.stdout.strip()
