"""Official warnings as CAP 1.2 messages (the NINA service's JSON form of them), and the rules for
which of them a terminal shows at an instant: Update and Cancel replace and end what they
reference, nothing is shown past its `expires`, and Extreme or Severe warnings take over the screen.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from kiosk.live import LiveDataError

TAKEOVER_SEVERITIES = frozenset({"Extreme", "Severe"})
MSG_TYPES = frozenset({"Alert", "Update", "Cancel", "Ack", "Error"})
# A warning with no `expires` is shown only while a provider confirmed it this recently.
UNCONFIRMED_LIMIT = timedelta(hours=6)
# How long an ending is remembered: far longer than a provider's cache keeps an old copy of a warning.
ENDINGS_KEPT = timedelta(days=30)
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


# NINA relays the DWD's warning "2.49.0.0.276.0.DWD.PVW.….MUL" as "dwd.…" on its dashboard and as "dwdmap.…"
# in the message and in later messages' references; the DWD's own files use the bare identifier.
RELAY_PREFIXES = ("dwdmap.", "dwd.")


def same_warning_key(identifier: str) -> str:
    """The identifier a warning has at its origin, whichever provider relays it and under which name."""
    for prefix in RELAY_PREFIXES:
        if identifier.startswith(prefix):
            return identifier[len(prefix):]
    return identifier


@dataclass(frozen=True)
class Info:
    """One language's text of a warning."""

    language: str
    headline: str
    description: str
    instruction: str


@dataclass(frozen=True)
class CapMessage:
    identifier: str
    sender: str
    sent: datetime
    msg_type: str
    severity: str
    references: tuple[str, ...]  # identifiers this message updates or cancels
    effective: datetime | None
    expires: datetime | None
    infos: tuple[Info, ...]
    provider: str
    last_confirmed: datetime | None = None  # when a provider last listed it as current

    @property
    def takeover(self) -> bool:
        return self.severity in TAKEOVER_SEVERITIES

    def text(self, lang: str) -> tuple[Info, bool]:
        """The text in `lang` if the message carries it, else German (False: not the visitor's language)."""
        chosen = _pick(self.infos, lang)
        if chosen is not None:
            return chosen, True
        return (_pick(self.infos, "de") or self.infos[0]), False


def _pick(infos: tuple[Info, ...], lang: str) -> Info | None:
    """Exact tag first ("de"), then the language with a region ("de-DE"); never Leichte Sprache ("de-LS") for "de"."""
    for info in infos:
        if info.language.lower() == lang.lower():
            return info
    for info in infos:
        tag = info.language.lower()
        if tag.split("-")[0] == lang.lower() and not tag.endswith("-ls"):
            return info
    return None


def plain(text: Any) -> str:
    """CAP text as the NINA service sends it (with <br/> and entities) as plain lines."""
    if not isinstance(text, str):
        return ""
    lines = _TAG.sub("", _BREAK.sub("\n", text))
    return html.unescape(lines).replace("\xa0", " ").strip()


def _instant(value: Any, where: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise LiveDataError(f"{where} is {value!r}, not a date-time with an offset.") from None
    if parsed.tzinfo is None:
        raise LiveDataError(f"{where} is {value!r}, a date-time without an offset.")
    return parsed


def _references(value: Any) -> tuple[str, ...]:
    """CAP `references`: space-separated "sender,identifier,sent" triples."""
    if not isinstance(value, str):
        return ()
    return tuple(part.split(",")[1] for part in value.split() if part.count(",") == 2)


def as_is(text: Any) -> str:
    """CAP text from an XML message: already plain (the parser has decoded its entities)."""
    return text.replace("\xa0", " ").strip() if isinstance(text, str) else ""


def parse_cap(doc: Any, *, source: str, provider: str = "", markup: bool = True) -> CapMessage:
    """A CAP message in NINA's JSON form (`markup`: its texts carry <br/> and HTML entities) or read from
    CAP XML (kiosk/live/dwd.py); LiveDataError (a sentence naming `source`) for anything else."""
    text = plain if markup else as_is
    if not isinstance(doc, dict):
        raise LiveDataError(f"The warning from {source} is not a JSON object.")
    missing = [key for key in ("identifier", "sender", "sent", "msgType", "info") if not doc.get(key)]
    if missing:
        raise LiveDataError(f"The warning from {source} has no {', '.join(missing)}; it is not a CAP message.")
    if doc["msgType"] not in MSG_TYPES:
        raise LiveDataError(f"The warning {doc['identifier']} from {source} has msgType {doc['msgType']!r}, "
                            "which CAP does not know.")
    blocks = [b for b in doc["info"] if isinstance(b, dict)] if isinstance(doc["info"], list) else []
    if not blocks:
        raise LiveDataError(f"The warning {doc['identifier']} from {source} has no info block with its text.")
    where = f"In the warning {doc['identifier']} from {source}, "
    first = blocks[0]
    expires = [_instant(b.get("expires"), where + "expires") for b in blocks]
    return CapMessage(
        identifier=str(doc["identifier"]), sender=str(doc["sender"]), sent=_instant(doc["sent"], where + "sent"),
        msg_type=doc["msgType"], severity=str(first.get("severity", "Unknown")), references=_references(doc.get("references")),
        effective=_instant(first.get("effective") or first.get("onset"), where + "effective"),
        expires=max((e for e in expires if e is not None), default=None),
        infos=tuple(Info(str(b.get("language", "de")), text(b.get("headline")), text(b.get("description")),
                         text(b.get("instruction"))) for b in blocks),
        provider=provider or str(first.get("senderName") or doc["sender"]),
    )


@dataclass
class WarningState:
    """The warnings a terminal knows, by identifier, with CAP's Update/Cancel and expiry rules applied."""

    messages: dict[str, CapMessage] = field(default_factory=dict)
    # Cancelled or updated, as their origin names them (same_warning_key), with when that was learnt: a
    # late copy must not revive them. None: learnt before a restart by a version that kept no date.
    ended: dict[str, datetime | None] = field(default_factory=dict)

    def apply(self, message: CapMessage, confirmed_at: datetime) -> None:
        self._forget_old_endings(confirmed_at)
        if self.has_ended(message.identifier):
            return
        for old in map(same_warning_key, message.references):
            for identifier in [i for i in self.messages if same_warning_key(i) == old]:
                del self.messages[identifier]
            self.ended.setdefault(old, confirmed_at)
        if message.msg_type in ("Alert", "Update"):
            self.messages[message.identifier] = replace(message, last_confirmed=confirmed_at)
        elif message.msg_type == "Cancel":
            self.ended.setdefault(same_warning_key(message.identifier), confirmed_at)

    def _forget_old_endings(self, now: datetime) -> None:
        """A terminal runs for years: endings older than any copy a provider's cache still hands out are
        forgotten, so the list (and the saved file) stays the size of a month's warnings."""
        for key, when in list(self.ended.items()):
            if when is None:
                self.ended[key] = now
            elif now - when > ENDINGS_KEPT:
                del self.ended[key]

    def has_ended(self, identifier: str) -> bool:
        return same_warning_key(identifier) in self.ended

    def confirm(self, current_ids: set[str], confirmed_at: datetime) -> None:
        """A provider's list of current warnings: the ones it no longer lists have ended."""
        for identifier in list(self.messages):
            if identifier not in current_ids:
                del self.messages[identifier]
            else:
                self.messages[identifier] = replace(self.messages[identifier], last_confirmed=confirmed_at)

    def to_json(self) -> dict[str, Any]:
        """What a restart needs to go on showing the warnings while offline (kept beside the content)."""
        def instant(value: datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {"ended": {key: instant(when) for key, when in sorted(self.ended.items())}, "messages": [
            {"identifier": m.identifier, "sender": m.sender, "sent": instant(m.sent), "msg_type": m.msg_type,
             "severity": m.severity, "references": list(m.references), "effective": instant(m.effective),
             "expires": instant(m.expires), "provider": m.provider, "last_confirmed": instant(m.last_confirmed),
             "infos": [vars(info) for info in m.infos]} for m in self.messages.values()]}

    @classmethod
    def from_json(cls, doc: dict) -> "WarningState":
        """The state to_json wrote; KeyError, TypeError or ValueError when the document is not one."""
        def instant(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value is not None else None

        messages = {}
        for m in doc["messages"]:
            messages[m["identifier"]] = CapMessage(
                m["identifier"], m["sender"], datetime.fromisoformat(m["sent"]), m["msg_type"], m["severity"],
                tuple(m["references"]), instant(m["effective"]), instant(m["expires"]),
                tuple(Info(**info) for info in m["infos"]), m["provider"], instant(m["last_confirmed"]))
        ended = doc["ended"]
        if isinstance(ended, list):  # written before endings had dates: they get one at the next refresh
            ended = dict.fromkeys(ended)
        return cls(messages, {same_warning_key(key): instant(when) for key, when in ended.items()})

    def active(self, at: datetime) -> list[CapMessage]:
        """Shown at `at`: in effect, not expired (nor, without `expires`, unconfirmed for too long); most severe first."""
        shown = []
        for message in self.messages.values():
            if message.effective is not None and message.effective > at:
                continue
            if message.expires is not None and message.expires <= at:
                continue
            if message.expires is None and (message.last_confirmed is None
                                            or at - message.last_confirmed > UNCONFIRMED_LIMIT):
                continue
            shown.append(message)
        return most_severe_first(shown)


def most_severe_first(messages: list[CapMessage]) -> list[CapMessage]:
    """The order on screen: Extreme, Severe, Moderate, Minor, the rest; the newest first within each."""
    order = {"Extreme": 0, "Severe": 1, "Moderate": 2, "Minor": 3}
    return sorted(messages, key=lambda m: (order.get(m.severity, 4), -m.sent.timestamp(), m.identifier))


@dataclass(frozen=True)
class WarningView:
    """A warning as a visitor sees it at an instant, in their language or German."""

    identifier: str
    headline: str
    description: str
    instruction: str
    in_visitor_language: bool  # False: the screen adds a line saying the text is German only
    takeover: bool
    severity: str
    provider: str
    expires: datetime | None
    last_confirmed: datetime | None
    unconfirmed: bool  # the provider has not confirmed it lately: the screen says "last confirmed at …"
    example_recorded: datetime | None = None  # the demo's recorded example: when it was sent; the screen says so

    def as_json(self) -> dict[str, Any]:
        return {"id": self.identifier, "headline": self.headline, "description": self.description,
                "instruction": self.instruction, "in_visitor_language": self.in_visitor_language,
                "takeover": self.takeover, "severity": self.severity, "provider": self.provider,
                "expires": self.expires.isoformat() if self.expires else None,
                "last_confirmed": self.last_confirmed.isoformat() if self.last_confirmed else None,
                "unconfirmed": self.unconfirmed,
                "example_recorded": self.example_recorded.isoformat() if self.example_recorded else None}


def warning_views(messages: list[CapMessage], at: datetime, lang: str, *,
                  confirmed_within: timedelta) -> list[WarningView]:
    views = []
    for message in messages:
        info, own = message.text(lang)
        confirmed = message.last_confirmed
        views.append(WarningView(
            message.identifier, info.headline, info.description, info.instruction, own, message.takeover,
            message.severity, message.provider, message.expires, confirmed,
            unconfirmed=confirmed is None or at - confirmed > confirmed_within))
    return views
