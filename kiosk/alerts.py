"""Which emergency notice from the desk (sync/alerts.py) this terminal shows now, in the visitor's language."""
from __future__ import annotations

from datetime import datetime

from kiosk.content import NoticeView
from sync.alerts import AlertDocument


def emergency_notice(document: AlertDocument | None, at: datetime, lang: str,
                     kiosk_id: str | None) -> NoticeView | None:
    """The notice that takes over the screen at `at`, or None: past `until` it is gone, even offline.

    With several active, the newest (the desk lists them in the order they were published) is shown.
    """
    if document is None:
        return None
    active = document.active(at, kiosk_id)
    if not active:
        return None
    notice = active[-1]
    return NoticeView(notice.id, "emergency", notice.text_in(lang, document.default_locale), notice.until)
