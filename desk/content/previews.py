"""The terminal's real screens for a chosen moment and language, rendered from the feed the desk would publish now."""
from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy

from desk.content.publish import Draft, draft
from sync.build.assemble import FEED_NAME
from sync.preview import PreviewResult, preview

SCREENS = ("attract", "home", "today", "shops", "map")
SCREEN_NAMES = {"attract": gettext_lazy("waiting (attract loop)"), "home": gettext_lazy("start screen"),
                "today": gettext_lazy("today"), "shops": gettext_lazy("shops"), "map": gettext_lazy("map")}


def folder_for(user) -> Path:
    """One preview folder per user, replaced by their next preview."""
    return Path(settings.DESK_MEDIA_DIR) / "previews" / str(user.pk)


def render(user, now: datetime, at: datetime, lang: str, screens: tuple[str, ...],
           kiosk_id: str | None = None) -> tuple[PreviewResult, Draft]:
    """Build the draft feed (PublishRefused when it is invalid) and render `screens` with `kiosk screenshot`,
    as the terminal `kiosk_id` (its place, its notices) would show them; with the draft and its diff in words."""
    out = folder_for(user)
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="desk-preview-") as work:
        made, build = draft(now, Path(work))
        build.images.write()  # sync/preview applies the feed as a terminal would: images beside it
        feed_path = build.images.out_dir / FEED_NAME
        feed_path.write_bytes(made.data)
        shots = preview(feed_path, out, moments=[at], langs=[lang], screens=screens, kiosk_id=kiosk_id)
        return shots, made
