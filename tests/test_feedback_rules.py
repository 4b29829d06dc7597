"""kiosk/feedback.py: the survey's rules — rating, topics, one answer per visit, nothing personal."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest

from kiosk.feedback import TOPICS, AlreadyAnswered, FeedbackAnswer, FeedbackError, FeedbackSession

AT = datetime(2026, 11, 26, 18, 47, 31, 123456, tzinfo=timezone(__import__("datetime").timedelta(hours=1)))


def test_the_outbox_payload_has_only_the_answer_and_the_hour():
    payload = FeedbackAnswer(4, ("shops", "cleanliness"), "tr").to_outbox(kiosk_id="reinoldikirche", at=AT)
    assert payload == {"kiosk_id": "reinoldikirche", "rating": 4, "topics": ["cleanliness", "shops"],
                       "language": "tr", "hour": "2026-11-26T17:00:00+00:00"}


def test_an_answer_has_no_field_for_free_text_or_a_person():
    assert [f.name for f in dataclasses.fields(FeedbackAnswer)] == ["rating", "topics", "language"]
    with pytest.raises(TypeError):
        FeedbackAnswer(5, comment="Die Toiletten am Markt sind schmutzig")  # type: ignore[call-arg]


@pytest.mark.parametrize("rating", [0, 6, 3.5, True, "5", None])
def test_a_rating_is_a_whole_number_from_1_to_5(rating):
    with pytest.raises(FeedbackError, match="1 to 5"):
        FeedbackAnswer(rating)


def test_topics_are_the_survey_chips_only_without_repeats():
    assert TOPICS == ("cleanliness", "safety", "events", "shops", "getting_around", "art_culture")
    assert FeedbackAnswer(3, ("art_culture", "safety", "safety")).topics == ("safety", "art_culture")
    with pytest.raises(FeedbackError, match="Unknown topic 'the cafe at the corner'"):
        FeedbackAnswer(3, ("the cafe at the corner",))


def test_the_language_is_a_code_not_text():
    with pytest.raises(FeedbackError, match="language code"):
        FeedbackAnswer(3, (), "Ich bin Anna")


def test_one_answer_per_visitor_session():
    session = FeedbackSession()
    assert session.can_answer
    session.submit(FeedbackAnswer(5), kiosk_id="t1", at=AT)
    assert not session.can_answer
    with pytest.raises(AlreadyAnswered, match="one answer per visit"):
        session.submit(FeedbackAnswer(1), kiosk_id="t1", at=AT)
    assert FeedbackSession().can_answer  # the idle reset starts a new visitor


def test_a_refused_answer_does_not_use_up_the_session():
    session = FeedbackSession()
    with pytest.raises(FeedbackError):
        session.submit(FeedbackAnswer(5), kiosk_id="t1", at=datetime(2026, 11, 26, 18, 47))
    assert session.can_answer
