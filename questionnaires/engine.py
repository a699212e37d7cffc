"""Walks one person through an instrument in the database: resume, answer, step back, finish."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Answer, Member, QuestionnaireResponse
from questionnaires.instrument import Instrument, Item
from questionnaires.scoring import InvalidAnswer, ScoreResult, score

FREE_TEXT_LIMIT = 4000


class StaleAnswer(Exception):
    """An answer arrived for an item that is not the one being asked (an old button press)."""


class ResponseClosed(Exception):
    """The response is already completed; it can no longer change."""


def iso_week(moment: datetime, timezone: str) -> str:
    """The ISO week ("2026-W47") of `moment` in the families' local timezone."""
    year, week, _ = moment.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year}-W{week:02d}"


def find_response(
    session: Session, member: Member, instrument: Instrument, week: str
) -> QuestionnaireResponse | None:
    return session.scalar(
        select(QuestionnaireResponse).where(
            QuestionnaireResponse.member_id == member.id,
            QuestionnaireResponse.instrument_id == instrument.id,
            QuestionnaireResponse.week == week,
        )
    )


def start_or_resume(
    session: Session, member: Member, instrument: Instrument, week: str, now: datetime
) -> QuestionnaireResponse:
    """This week's response for the member: the existing one (any status) or a new one."""
    response = find_response(session, member, instrument, week)
    if response is None:
        response = QuestionnaireResponse(
            member_id=member.id,
            family_id=member.family_id,
            instrument_id=instrument.id,
            instrument_version=instrument.version,
            week=week,
            started_at=now,
        )
        session.add(response)
        session.flush()
    return response


def next_item(instrument: Instrument, response: QuestionnaireResponse) -> Item | None:
    """The first item without an answer, in the instrument's order; None when all are answered."""
    answered = {answer.item_id for answer in response.answers}
    return next((item for item in instrument.items if item.id not in answered), None)


def record_answer(
    session: Session,
    instrument: Instrument,
    response: QuestionnaireResponse,
    item_id: str,
    *,
    value: int | None = None,
    text: str | None = None,
    now: datetime,
) -> Answer:
    """Validate and store the answer to the current item. A skip is an answer without a value."""
    if response.status != "in_progress":
        raise ResponseClosed(f"response {response.id} is {response.status}")
    current = next_item(instrument, response)
    if current is None or current.id != item_id:
        raise StaleAnswer(f"item {item_id!r} is not the current item")
    if current.is_rated:
        if value is None or value not in instrument.scale.values:
            raise InvalidAnswer(f"item {item_id!r}: {value!r} is not on the scale")
        text = None
    else:
        value = None
        if text is None and not current.optional:
            raise InvalidAnswer(f"item {item_id!r}: an answer is required")
        if text is not None:
            text = text[:FREE_TEXT_LIMIT]
    answer = Answer(item_id=item_id, value=value, text=text, answered_at=now)
    response.answers.append(answer)
    session.flush()
    return answer


def go_back(
    session: Session, instrument: Instrument, response: QuestionnaireResponse
) -> Item | None:
    """Withdraw the latest answer so its item is asked again; returns that item (None at start)."""
    if response.status != "in_progress":
        raise ResponseClosed(f"response {response.id} is {response.status}")
    if not response.answers:
        return None
    latest = max(response.answers, key=lambda answer: (answer.answered_at, answer.id))
    response.answers.remove(latest)
    session.flush()
    return instrument.item(latest.item_id)


def rated_answers(response: QuestionnaireResponse) -> dict[str, int]:
    return {a.item_id: a.value for a in response.answers if a.value is not None}


def finish(
    session: Session, instrument: Instrument, response: QuestionnaireResponse, now: datetime
) -> ScoreResult:
    """Score the response and store total, subscales and band; the response becomes completed."""
    if response.status == "completed":
        raise ResponseClosed(f"response {response.id} is already completed")
    if next_item(instrument, response) is not None:
        raise InvalidAnswer(f"response {response.id}: items are still unanswered")
    result = score(instrument, rated_answers(response))
    response.total_score = result.total
    response.subscale_scores = dict(result.subscales)
    response.band = result.band
    response.status = "completed"
    response.completed_at = now
    session.flush()
    return result
