"""What a terminal may post to a collector: the one definition of the fleet's upload rules.

Both receivers use it: the small stand-alone collector (sync/collector.py) and the content desk's
fleet app (desk/fleet). A post is `{"kiosk_id", "items": [{"key", "kind", "created_at", "payload"}]}`
with `Authorization: Bearer <fleet token>` (sync/uploader.py, sync/heartbeat.py). The whole post is
refused with a sentence when it cannot be read; otherwise each item is accepted or rejected on its own,
and the answer lists both, so the uploader drops only what can never be accepted.
"""
from __future__ import annotations

import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

PATHS = {"/feedback": "feedback", "/usage": "usage", "/heartbeat": "heartbeat"}
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_ITEMS = 500
KEY_PATTERN = re.compile(r"[A-Za-z0-9-]{8,64}\Z")  # \Z: "$" would let a trailing newline through
KIOSK_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}\Z")
MAX_PAYLOAD_DEPTH = 16  # a status or a count is three levels deep; deeper is an attack on whoever reads it
FIRST_YEAR, LAST_YEAR = 2000, 2199  # a terminal's clock outside these is broken, and year 1 overflows UTC

WRONG_TOKEN = "The fleet token is missing or wrong; set fleet_token in kiosk.toml to the collector's token."
NO_LENGTH = "Send a Content-Length header."
NOT_STORED = "The collector could not store the items; send them again later."
FAILED = "The collector failed on this post; it was logged, nothing was stored."


def too_large(limit: int) -> str:
    return f"The body is over {limit} bytes; send smaller batches."


def nothing_here(path: str) -> str:
    return f"There is nothing at {path}; post to /feedback, /usage or /heartbeat."


class BadRequest(Exception):
    """The whole post is unusable; the message tells the sender what to fix."""


@dataclass(frozen=True)
class Batch:
    kiosk_id: str
    good: list[dict[str, Any]]
    rejected: list[dict[str, Any]]

    def answer(self) -> dict[str, Any]:
        """The JSON the uploader reads: the keys it may forget, and the ones it must drop."""
        return {"accepted": [item["key"] for item in self.good], "rejected": self.rejected}


def kind_for_path(path: str) -> str | None:
    """'feedback', 'usage' or 'heartbeat' for a posted path (query and trailing slash ignored)."""
    return PATHS.get(path.split("?", 1)[0].rstrip("/") or "/")


def token_matches(token: str, authorization: str | None) -> bool:
    expected = f"Bearer {token}".encode("utf-8")
    return hmac.compare_digest((authorization or "").encode("utf-8"), expected)


def created_at(item: dict[str, Any]) -> datetime:
    """An accepted item's created_at in UTC."""
    return datetime.fromisoformat(item["created_at"]).astimezone(timezone.utc)


def item_problem(item: Any, kind: str) -> str | None:
    """Why one item can never be accepted at /kind, or None when it is good."""
    if not isinstance(item, dict):
        return "an item must be a JSON object"
    if item.get("kind") != kind:
        return f"the item's kind {item.get('kind')!r} does not match the path /{kind}"
    try:
        created = datetime.fromisoformat(str(item.get("created_at")))
    except ValueError:
        return f"created_at {item.get('created_at')!r} is not an ISO date-time"
    if created.tzinfo is None:
        return "created_at has no UTC offset"
    if not FIRST_YEAR <= created.year <= LAST_YEAR:
        return f"created_at {item.get('created_at')!r} is not between the years {FIRST_YEAR} and {LAST_YEAR}"
    payload = item.get("payload")
    if not isinstance(payload, dict):
        return "payload must be a JSON object"
    if _depth(payload) > MAX_PAYLOAD_DEPTH:
        return f"payload is nested deeper than {MAX_PAYLOAD_DEPTH} levels"
    if "\\u0000" in json.dumps(payload):  # PostgreSQL's JSON cannot hold the NUL character, and no terminal sends it
        return "payload contains the NUL character"
    if kind == "feedback":
        rating = payload.get("rating")
        if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
            return f"a feedback rating must be a whole number from 1 to 5, not {rating!r}"
    return None


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in `value` (1 for a flat object), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level)
            if level <= MAX_PAYLOAD_DEPTH:
                stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def parse_body(body: bytes) -> tuple[str, list]:
    """(kiosk_id, items) of a post, or BadRequest with a sentence."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("The body is not JSON; send {\"kiosk_id\": ..., \"items\": [...]}.") from None
    except RecursionError:
        raise BadRequest("The body is nested too deeply to read; items are flat JSON objects.") from None
    if not isinstance(document, dict):
        raise BadRequest("The body must be a JSON object with kiosk_id and items.")
    kiosk_id, items = document.get("kiosk_id"), document.get("items")
    if not isinstance(kiosk_id, str) or not KIOSK_ID_PATTERN.match(kiosk_id):
        raise BadRequest("kiosk_id must be 1 to 64 letters, digits, dots, dashes or underscores.")
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise BadRequest(f"items must be a list of at most {MAX_ITEMS} items.")
    return kiosk_id, items


def check_post(kind: str, body: bytes) -> Batch:
    """The post sorted into good and rejected items; BadRequest when the whole post is unusable."""
    kiosk_id, items = parse_body(body)
    good, rejected = [], []
    for item in items:
        key = item.get("key") if isinstance(item, dict) else None
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            rejected.append({"key": key if isinstance(key, str) else None,
                             "reason": "the key must be 8 to 64 letters, digits or dashes"})
        elif problem := item_problem(item, kind):
            rejected.append({"key": key, "reason": problem})
        else:
            good.append(item)
    return Batch(kiosk_id, good, rejected)
