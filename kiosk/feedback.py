"""The visitor survey's rules: a 1-5 rating with faces, optional topic chips, one answer per session.

There is no free text and nothing about the person: the answer carries the rating, the chosen
topics, the language the screen was in and the hour it was given (not the minute, so an answer
cannot be matched to a face on a camera recording or to the person who stood there).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

RATINGS = (1, 2, 3, 4, 5)
# In the order the chips are shown; the UI translates the ids with gettext.
TOPICS = ("cleanliness", "safety", "events", "shops", "getting_around", "art_culture")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}$")


class FeedbackError(ValueError):
    """An answer that breaks the survey's rules; the message says which rule."""


def answer_hour(at: datetime) -> datetime:
    """The UTC hour an answer was given in: the only time it carries."""
    if at.tzinfo is None:
        raise FeedbackError("The time of an answer must carry a time zone; pass the app's UTC clock.")
    return at.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class FeedbackAnswer:
    rating: int
    topics: tuple[str, ...] = field(default_factory=tuple)
    language: str = "de"

    def __post_init__(self) -> None:
        if isinstance(self.rating, bool) or self.rating not in RATINGS:
            raise FeedbackError(f"The rating must be a whole number from 1 to 5, not {self.rating!r}.")
        topics = tuple(self.topics)
        unknown = [t for t in topics if t not in TOPICS]
        if unknown:
            raise FeedbackError(f"Unknown topic {unknown[0]!r}; the topics are: {', '.join(TOPICS)}.")
        # Survey order, no repeats: the same choice always gives the same answer.
        object.__setattr__(self, "topics", tuple(t for t in TOPICS if t in topics))
        if not isinstance(self.language, str) or not LANGUAGE_PATTERN.match(self.language):
            raise FeedbackError(f"'{self.language}' is not a language code such as 'de' or 'tr'.")

    def to_outbox(self, *, kiosk_id: str, at: datetime) -> dict[str, Any]:
        """The payload the outbox keeps (kind "feedback"): nothing else leaves the terminal."""
        return {
            "kiosk_id": kiosk_id,
            "rating": self.rating,
            "topics": list(self.topics),
            "language": self.language,
            "hour": answer_hour(at).isoformat(),
        }


class AlreadyAnswered(FeedbackError):
    """This visitor session has given its answer; the survey shows its thank-you instead."""


class FeedbackSession:
    """One per visitor session: make a new one whenever the idle reset starts a new visitor."""

    def __init__(self) -> None:
        self._answered = False

    @property
    def can_answer(self) -> bool:
        return not self._answered

    def submit(self, answer: FeedbackAnswer, *, kiosk_id: str, at: datetime) -> dict[str, Any]:
        """The outbox payload for this session's one answer; AlreadyAnswered for a second one."""
        if self._answered:
            raise AlreadyAnswered("This visitor has already answered the survey; one answer per visit.")
        payload = answer.to_outbox(kiosk_id=kiosk_id, at=at)
        self._answered = True
        return payload
