"""The emergency notice document beside the feed: `alerts.json` and `alerts.json.sig` (docs/emergency.md).

The desk writes it whenever a publisher publishes or ends an emergency notice; terminals poll it
every `alert_interval_s` with a conditional GET. It is signed with the feed's key, carries its own
never-decreasing `sequence` (an older document is a replay and refused), and every notice has an
`until`, so a terminal that lost the network still takes it down in time.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import jsonschema

from sync.feed_report import json_path
from sync.files import write_bytes_atomically
from sync.signing import SignatureError, sign_bytes, verify_signature

ALERTS_NAME = "alerts.json"
SIGNATURE_NAME = ALERTS_NAME + ".sig"
DOCUMENT_TYPE = "kiosk-alerts"
MAX_BYTES = 256 * 1024  # 50 notices in 20 languages fit many times over; more is not an alert document
MAX_SIGNATURE_BYTES = 1024
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "alerts-v1.schema.json"


class AlertError(Exception):
    """An alert document is refused; the message says what and where."""


@dataclass(frozen=True)
class AlertNotice:
    id: str
    text: dict[str, str]
    until: datetime
    start: datetime | None = None
    kiosk_ids: tuple[str, ...] | None = None  # None: every terminal

    def active(self, at: datetime, kiosk_id: str | None) -> bool:
        started = self.start is None or self.start <= at
        here = self.kiosk_ids is None or kiosk_id in self.kiosk_ids
        return started and at < self.until and here

    def text_in(self, lang: str, default_locale: str) -> str:
        """The visitor's language, else the document's default language, else any text there is."""
        return self.text.get(lang) or self.text.get(default_locale) or next(iter(self.text.values()))


@dataclass(frozen=True)
class AlertDocument:
    sequence: int
    issued_at: datetime
    default_locale: str
    notices: tuple[AlertNotice, ...]

    def active(self, at: datetime, kiosk_id: str | None) -> list[AlertNotice]:
        return [notice for notice in self.notices if notice.active(at, kiosk_id)]


@lru_cache(maxsize=1)
def _validator():
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def _instant(value: str, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise AlertError(f"{where} is {value!r}, not an ISO 8601 date and time such as 2026-12-02T17:30:00+01:00") from None
    if moment.tzinfo is None:
        raise AlertError(f"{where} is {value!r}, which has no UTC offset; write it as 2026-12-02T17:30:00+01:00")
    return moment


def parse_document(data: bytes, source: str = ALERTS_NAME) -> AlertDocument:
    """The document in `data`, or AlertError naming the first problem and where it is."""
    if len(data) > MAX_BYTES:
        raise AlertError(f"{source} is {len(data)} bytes, over the limit of {MAX_BYTES}")
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise AlertError(f"{source} is not UTF-8 JSON: {exc}") from None
    errors = sorted(_validator().iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        raise AlertError(f"{source} at {json_path(first.absolute_path)}: {first.message}")
    notices = []
    for index, item in enumerate(raw["notices"]):
        where = f"{source} at $.notices[{index}]"
        if raw["default_locale"] not in item["text"]:
            raise AlertError(f"{where}.text has no text in the default language {raw['default_locale']!r}")
        until = _instant(item["until"], f"{where}.until")
        start = _instant(item["from"], f"{where}.from") if "from" in item else None
        if start is not None and start >= until:
            raise AlertError(f"{where} ends ({item['until']}) before it starts ({item['from']})")
        kiosks = tuple(item["kiosk_ids"]) if "kiosk_ids" in item else None
        notices.append(AlertNotice(item["id"], dict(item["text"]), until, start, kiosks))
    ids = [notice.id for notice in notices]
    if len(set(ids)) != len(ids):
        raise AlertError(f"{source} lists the notice id {next(i for i in ids if ids.count(i) > 1)!r} twice")
    return AlertDocument(raw["sequence"], _instant(raw["issued_at"], f"{source} at $.issued_at"),
                         raw["default_locale"], tuple(notices))


def verified_document(data: bytes, signature: bytes | str, public_keys: list[str], *,
                      source: str = ALERTS_NAME) -> AlertDocument:
    """Signature first, then the format: nothing unsigned is even parsed."""
    try:
        verify_signature(data, signature, public_keys, signature_source=source + ".sig")
    except SignatureError as exc:
        raise AlertError(f"{source} is refused: {exc}") from None
    return parse_document(data, source)


def refuse_replay(new: AlertDocument, data: bytes, held: AlertDocument | None, held_data: bytes | None) -> None:
    """A document older than the one held is a replay (a stale cache, an attacker): AlertError."""
    if held is None:
        return
    if new.sequence < held.sequence or (new.sequence == held.sequence and data != held_data):
        raise AlertError(f"alerts.json has sequence {new.sequence}, but sequence {held.sequence} is already "
                         "held; an older document is never accepted again")


# -- the writing side (the desk) --------------------------------------------------------------


def document_bytes(sequence: int, issued_at: datetime, default_locale: str, notices: list[dict]) -> bytes:
    """The exact bytes that are signed: a few hundred bytes per notice."""
    doc = {"type": DOCUMENT_TYPE, "format_version": 1, "sequence": sequence,
           "issued_at": issued_at.astimezone(timezone.utc).isoformat(timespec="seconds"),
           "default_locale": default_locale, "notices": notices}
    data = (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")
    parse_document(data)  # the writer refuses what a terminal would refuse
    return data


def write_signed(folder: Path, data: bytes, key) -> None:
    """alerts.json, then its signature, each atomically: a terminal between the two refuses the pair and
    keeps the last good one until its next poll."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    signature = sign_bytes(data, key)
    write_bytes_atomically(folder / ALERTS_NAME, data)
    write_bytes_atomically(folder / SIGNATURE_NAME, f"{signature}\n".encode("ascii"))


def read_pair(folder: Path) -> tuple[bytes, bytes] | None:
    """alerts.json and its signature from a folder, or None when either is missing."""
    try:
        return (Path(folder) / ALERTS_NAME).read_bytes(), (Path(folder) / SIGNATURE_NAME).read_bytes()
    except FileNotFoundError:
        return None
