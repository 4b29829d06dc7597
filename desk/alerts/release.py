"""Publishing and ending emergency notices: the active ones -> alerts.json, signed with the feed's key,
written atomically into the web root beside feed.json (sync/alerts.py), with a record of each write."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError

from desk.alerts.models import AlertRelease, EmergencyNotice
from desk.content import feedmap
from desk.content.publish import PublishRefused, _signing_key
from sync.alerts import ALERTS_NAME, document_bytes, write_signed


def check_key() -> None:
    """PublishRefused when the signing key is missing or readable by others, before anything is saved."""
    _signing_key()


def next_sequence(now: datetime) -> int:
    """Greater than every written and live sequence, and at least the Unix time: terminals refuse going back,
    and a desk restored from an old backup still moves forward."""
    last = AlertRelease.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    try:
        live = int(json.loads((Path(settings.DESK_WEB_ROOT) / ALERTS_NAME).read_bytes())["sequence"])
    except (OSError, ValueError, KeyError, TypeError):
        live = 0
    return max(last + 1, live + 1, int(now.timestamp()))


def entry(notice: EmergencyNotice) -> dict:
    # No "from": it starts now, and a terminal whose clock runs behind the desk's would wait for it.
    item = {"id": notice.feed_id, "level": "emergency", "text": notice.text,
            "until": notice.valid_until.isoformat(timespec="seconds")}
    if not notice.all_kiosks:
        item["kiosk_ids"] = sorted(kiosk.feed_id for kiosk in notice.kiosks.all())
    return item


def write(user, now: datetime, reason: str) -> AlertRelease:
    """alerts.json with every notice active at `now`; call inside the transaction that changed them."""
    key = _signing_key()
    active = [n for n in EmergencyNotice.objects.filter(ended_at__isnull=True, valid_until__gt=now)
              .order_by("published_at", "pk").prefetch_related("kiosks")]
    sequence = next_sequence(now)
    data = document_bytes(sequence, now, feedmap.city_locales()[0], [entry(n) for n in active])
    try:
        record = AlertRelease.objects.create(sequence=sequence, written_at=now, written_by=user, reason=reason[:300],
                                             document=data.decode("utf-8"))
    except IntegrityError:
        raise PublishRefused("Nothing was published: someone else wrote the emergency notices a moment ago; "
                             "look at the list again and repeat.") from None
    write_signed(Path(settings.DESK_WEB_ROOT), data, key)
    return record


def end(notice: EmergencyNotice, user, now: datetime) -> AlertRelease:
    notice.ended_at, notice.ended_by = now, user
    notice.save(update_fields=["ended_at", "ended_by"])
    return write(user, now, f"ended {notice.feed_id}")
