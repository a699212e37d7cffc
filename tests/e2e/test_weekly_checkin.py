"""The guardian's weekly check-in end to end, including a restart in the middle."""

from sqlalchemy import func, select

from models import Answer, ConversationState, Message, MessageAnalysis, QuestionnaireResponse
from tests.e2e.conftest import GUARDIAN_ID, INCOMING, enrol, join


async def test_checkin_pause_restart_resume_finish_stores_scores(harness, session_factory):
    codes = enrol(session_factory)
    await join(harness, codes)

    replies = await harness.say(GUARDIAN_ID, "/checkin")
    assert "양육 체크인" in replies[0].text
    question = replies[-1]
    assert question.text.startswith("1/11")
    assert "◀ 이전" in question.labels and "⏸ 잠시 멈춤" in question.labels

    # Three answers by button; the same message is edited in place with the next item.
    for value in ("4", "4", "2"):
        await harness.press(GUARDIAN_ID, f"{value} ", question)
    assert harness.fake.last(GUARDIAN_ID).text.startswith("4/11")
    # One step back: item 3 is asked again and its answer withdrawn.
    await harness.press(GUARDIAN_ID, "◀ 이전")
    assert harness.fake.last(GUARDIAN_ID).text.startswith("3/11")
    await harness.press(GUARDIAN_ID, "1 ")
    await harness.press(GUARDIAN_ID, "⏸ 잠시 멈춤")
    assert "멈췄어요" in harness.fake.last(GUARDIAN_ID).text

    with session_factory() as session:
        stored = dict(session.execute(select(Answer.item_id, Answer.value)).all())
        assert stored == {"ps01": 4, "ps02": 4, "ps03": 1}

    await harness.restart()

    # The next message continues where it stopped (and is itself stored as a message).
    replies = await harness.say(GUARDIAN_ID, "오늘은 좀 힘들었어요")
    assert [r.text.split("  ")[0] for r in replies][-1] == "4/11"
    for _ in range(4, 11):
        await harness.press(GUARDIAN_ID, "5 ")
    prompt = harness.fake.last(GUARDIAN_ID)
    assert prompt.text.startswith("11/11") and "건너뛰기" in prompt.labels
    replies = await harness.say(GUARDIAN_ID, "아이가 밤에 울 때 너무 힘들었어요")
    summary = replies[-1].text
    assert "고마워요" in summary and "112" in summary  # high band: help lines shown

    with session_factory() as session:
        response = session.scalars(select(QuestionnaireResponse)).one()
        assert response.status == "completed"
        # ps01 4 + ps02 4 + ps03 (reverse of 1) 5 + ps04 5 = 18; ps05, ps07 reverse of 5 -> 1.
        assert response.subscale_scores == {
            "parental_distress": 18,
            "parent_child_interaction": 7,
            "child_difficulty": 15,
        }
        assert response.total_score == 40 and response.band == "high"
        free_text = session.scalars(
            select(Answer.text).where(Answer.item_id == "hardest_moment")
        ).one()
        assert free_text == "아이가 밤에 울 때 너무 힘들었어요"
        kinds = session.scalars(select(Message.kind).where(INCOMING).order_by(Message.id)).all()
        assert kinds == ["free_text", "questionnaire"]
        assert session.scalar(select(MessageAnalysis.model).limit(1)) == "test-keywords"
        assert session.get(ConversationState, response.member_id) is None
    assert harness.escalations.questionnaires == [response.id]

    replies = await harness.say(GUARDIAN_ID, "/checkin")
    assert "이미 마치셨어요" in replies[-1].text


async def test_checkin_by_command_resumes_after_pause(harness, session_factory):
    codes = enrol(session_factory)
    await join(harness, codes)
    await harness.say(GUARDIAN_ID, "/checkin")
    await harness.press(GUARDIAN_ID, "3 ")
    await harness.press(GUARDIAN_ID, "⏸ 잠시 멈춤")
    replies = await harness.say(GUARDIAN_ID, "/checkin")
    assert "이어서" in replies[0].text
    assert replies[-1].text.startswith("2/11")


async def test_last_weeks_unfinished_checkin_is_left_and_this_week_starts(harness, session_factory):
    codes = enrol(session_factory)
    await join(harness, codes)
    await harness.say(GUARDIAN_ID, "/checkin")
    old_question = harness.fake.last(GUARDIAN_ID)
    await harness.press(GUARDIAN_ID, "3 ", old_question)
    harness.clock.advance(days=7)
    replies = await harness.press(GUARDIAN_ID, "4 ", old_question)
    assert replies[-1].text.startswith("1/11")  # a fresh check-in for the new week
    with session_factory() as session:
        weeks = session.execute(
            select(QuestionnaireResponse.week, func.count(Answer.id))
            .join(Answer, isouter=True)
            .group_by(QuestionnaireResponse.week)
            .order_by(QuestionnaireResponse.week)
        ).all()
    assert weeks == [("2026-W48", 1), ("2026-W49", 0)]


async def test_answers_sent_in_a_burst_keep_their_order(harness, session_factory):
    codes = enrol(session_factory)
    await join(harness, codes)
    await harness.say(GUARDIAN_ID, "/checkin")
    stranger_ids = [harness.fake.send_text(900 + n, "안녕") for n in range(5)]
    ids = [harness.fake.send_text(GUARDIAN_ID, value) for value in "12345"]
    for update_id in [*stranger_ids, *ids]:
        await harness.settle(update_id)
    with session_factory() as session:
        stored = dict(session.execute(select(Answer.item_id, Answer.value)).all())
    assert stored == {"ps01": 1, "ps02": 2, "ps03": 3, "ps04": 4, "ps05": 5}
