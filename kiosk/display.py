"""Is there a screen to draw on? Asked before Kivy starts, so a headless machine gets a sentence."""
from __future__ import annotations

import glob
import os
import sys


def display_problem(environ: dict[str, str] | None = None) -> str | None:
    """None when a window can be opened; else one sentence saying why not and what to do."""
    env = os.environ if environ is None else environ
    if sys.platform != "linux":
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("SDL_VIDEODRIVER"):
        return None
    # A Raspberry Pi without a desktop draws straight to the panel through KMS/DRM.
    if glob.glob("/dev/dri/card*") and os.access(glob.glob("/dev/dri/card*")[0], os.R_OK | os.W_OK):
        return None
    return (
        "This machine has no display (no DISPLAY, WAYLAND_DISPLAY or /dev/dri), so the kiosk window cannot open; "
        "render a screen to a file instead with: .venv/bin/kiosk screenshot out.png --screen home"
    )
