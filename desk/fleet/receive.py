"""The desk's side of `POST /feedback`, `/usage`, `/heartbeat`: the same token, rules and answers as
sync/collector.py (both use sync/fleet_posts.py), stored in the desk's database (models.py).

Everything of one post is written in one transaction before the answer says "accepted": a terminal
forgets an item once it reads that, so the row must exist first.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from desk.fleet.models import Feedback, FeedbackTopic, ScreenOpen, Terminal, Usage
from sync import fleet_posts
from sync.fleet_posts import BadRequest, check_post, created_at, token_matches

NO_TOKEN = "The desk has no fleet token; set DESK_FLEET_TOKEN in its settings (docs/desk.md) to the terminals' fleet_token."
BIGINT = 2 ** 63
MAX_COUNT = 2 ** 31 - 1  # PositiveIntegerField's ceiling on every database


def receive(kind: str, body: bytes, authorization: str | None, *, token: str, now: datetime) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON answer) for one posted batch; `now` is when it arrived, by the desk's clock."""
    if not token:
        return 503, {"error": NO_TOKEN}
    if not token_matches(token, authorization):
        return 401, {"error": fleet_posts.WRONG_TOKEN}
    try:
        batch = check_post(kind, body)
    except BadRequest as exc:
        return 400, {"error": str(exc)}
    store(batch.kiosk_id, kind, batch.good, now)
    return 200, batch.answer()


@transaction.atomic
def store(kiosk_id: str, kind: str, items: list[dict[str, Any]], received: datetime) -> None:
    _seen(kiosk_id, received)
    if kind == "heartbeat":
        for item in items:
            _heartbeat(kiosk_id, item, received)
    elif kind == "feedback":
        _feedback(kiosk_id, items, received)
    elif kind == "usage":
        _usage(kiosk_id, items, received)


def _seen(kiosk_id: str, received: datetime) -> None:
    if Terminal.objects.filter(kiosk_id=kiosk_id, last_seen__lt=received).update(last_seen=received):
        return  # the common case: one query
    if Terminal.objects.filter(kiosk_id=kiosk_id).exists():
        return
    try:
        with transaction.atomic():  # two first posts of one terminal at once: the second finds the row
            Terminal.objects.create(kiosk_id=kiosk_id, first_seen=received, last_seen=received)
    except IntegrityError:
        Terminal.objects.filter(kiosk_id=kiosk_id, last_seen__lt=received).update(last_seen=received)


def _whole_number(value: Any, ceiling: int) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < ceiling:
        return value
    return None


def _heartbeat(kiosk_id: str, item: dict[str, Any], received: datetime) -> None:
    status, sent = item["payload"], created_at(item)
    # A late retry of an older beat must not overwrite a newer status.
    Terminal.objects.filter(kiosk_id=kiosk_id).filter(
        Q(last_heartbeat_at__isnull=True) | Q(last_heartbeat_at__lte=sent)
    ).update(last_heartbeat_at=sent, heartbeat_received_at=received, status=status,
             content_sequence=_whole_number(status.get("content_sequence"), BIGINT))


def _hour(payload: dict[str, Any], item: dict[str, Any]) -> datetime:
    """The hour the answer or count belongs to: the payload's "hour", else the hour of created_at."""
    try:
        hour = datetime.fromisoformat(str(payload.get("hour")))
        if hour.tzinfo is not None and fleet_posts.FIRST_YEAR <= hour.year <= fleet_posts.LAST_YEAR:
            return hour.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)
    except ValueError:
        pass
    return created_at(item).replace(minute=0, second=0, microsecond=0)


def _words(values: Any, limit: int = 20) -> list[str]:
    """Short strings from a list the terminal sent (topic ids), anything else left out."""
    if not isinstance(values, list):
        return []
    return [v for v in values if isinstance(v, str) and 0 < len(v) <= 64][:limit]


def _feedback(kiosk_id: str, items: list[dict[str, Any]], received: datetime) -> None:
    answers, topics = [], []
    for item in items:
        payload = item["payload"]
        hour = _hour(payload, item)
        language = payload.get("language") if isinstance(payload.get("language"), str) else ""
        chosen = list(dict.fromkeys(_words(payload.get("topics"))))
        answers.append(Feedback(key=item["key"], kiosk_id=kiosk_id, hour=hour, rating=payload["rating"],
                                topics=chosen, language=language[:8], created_at=created_at(item), received_at=received))
        topics += [FeedbackTopic(feedback_id=item["key"], topic=topic, hour=hour, rating=payload["rating"])
                   for topic in chosen]
    Feedback.objects.bulk_create(answers, ignore_conflicts=True)  # a key seen before is kept once
    FeedbackTopic.objects.bulk_create(topics, ignore_conflicts=True)


def _usage(kiosk_id: str, items: list[dict[str, Any]], received: datetime) -> None:
    hours, screens = [], []
    for item in items:
        payload = item["payload"]
        hour = _hour(payload, item)
        hours.append(Usage(key=item["key"], kiosk_id=kiosk_id, hour=hour, counts=payload,
                           created_at=created_at(item), received_at=received))
        opened = payload.get("screens") if isinstance(payload.get("screens"), dict) else {}
        screens += [ScreenOpen(usage_id=item["key"], kiosk_id=kiosk_id, hour=hour, screen=name, count=times)
                    for name, value in list(opened.items())[:100]
                    if 0 < len(name) <= 64 and (times := _whole_number(value, MAX_COUNT))]
    Usage.objects.bulk_create(hours, ignore_conflicts=True)
    ScreenOpen.objects.bulk_create(screens, ignore_conflicts=True)

