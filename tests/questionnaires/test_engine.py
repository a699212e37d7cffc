"""The questionnaire engine on a real database: answers are stored, resumed, scored."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models import Answer, QuestionnaireResponse
from models.enrolment import add_district, enrol_family, give_consent, redeem_invite
from questionnaires import (
    InvalidAnswer,
    ResponseClosed,
    StaleAnswer,
    finish,
    go_back,
    iso_week,
    load_instrument,
    next_item,
    record_answer,
    start_or_resume,
)

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


@pytest.fixture
def guardian(session_factory):
    with session_factory() as session, session.begin():
        add_district(session, "gangnam")
        enrolled = enrol_family(
            session,
            district_code="gangnam",
            child_alias="Min",
            child_age=8,
            now=NOW,
            invite_ttl=timedelta(days=7),
        )
        member = redeem_invite(
            session,
            enrolled.guardian_invite.code,
            telegram_user_id=11,
            chat_id=11,
            language="ko",
            now=NOW,
        )
        give_consent(session, member, NOW)
        return member.id


def test_iso_week_uses_the_local_timezone():
    late_sunday_utc = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # Monday 01:00 in Seoul
    assert iso_week(late_sunday_utc, "UTC") == "2026-W47"
    assert iso_week(late_sunday_utc, "Asia/Seoul") == "2026-W48"


def test_answers_are_stored_and_resumed_in_a_new_session(session_factory, guardian):
    instrument = load_instrument("parenting_stress")
    from models import Member

    with session_factory() as session, session.begin():
        member = session.get(Member, guardian)
        response = start_or_resume(session, member, instrument, "2026-W47", NOW)
        record_answer(session, instrument, response, "ps01", value=4, now=NOW)
        record_answer(session, instrument, response, "ps02", value=2, now=NOW)
    with session_factory() as session, session.begin():
        member = session.get(Member, guardian)
        response = start_or_resume(session, member, instrument, "2026-W47", NOW)
        assert next_item(instrument, response).id == "ps03"
        with pytest.raises(StaleAnswer):
            record_answer(session, instrument, response, "ps01", value=1, now=NOW)
        with pytest.raises(InvalidAnswer):
            record_answer(session, instrument, response, "ps03", value=9, now=NOW)
        assert go_back(session, instrument, response).id == "ps02"
        assert next_item(instrument, response).id == "ps02"
    with session_factory() as session:
        values = dict(session.execute(select(Answer.item_id, Answer.value)).all())
        assert values == {"ps01": 4}


def test_finish_stores_scores_and_closes_the_response(session_factory, guardian):
    instrument = load_instrument("parenting_stress")
    from models import Member

    with session_factory() as session, session.begin():
        member = session.get(Member, guardian)
        response = start_or_resume(session, member, instrument, "2026-W47", NOW)
        for item in instrument.rated_items:
            record_answer(session, instrument, response, item.id, value=3, now=NOW)
        with pytest.raises(InvalidAnswer):
            finish(session, instrument, response, NOW)
        record_answer(session, instrument, response, "hardest_moment", text=None, now=NOW)
        result = finish(session, instrument, response, NOW)
        assert result.total == 30 and result.band == "elevated"
        with pytest.raises(ResponseClosed):
            record_answer(session, instrument, response, "ps01", value=3, now=NOW)
    with session_factory() as session:
        stored = session.scalars(select(QuestionnaireResponse)).one()
        assert stored.status == "completed"
        assert stored.total_score == 30
        assert stored.band == "elevated"
        assert stored.subscale_scores == {
            "parental_distress": 12,
            "parent_child_interaction": 9,
            "child_difficulty": 9,
        }
