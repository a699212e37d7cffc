"""/delete asks first, then erases messages and answers; an open case keeps its own."""

from datetime import timedelta

from sqlalchemy import func, select

from models import Answer, Case, CaseTrigger, Member, Message, MoodCheckin, QuestionnaireResponse
from models.message import outgoing_values
from tests.e2e.conftest import CHILD_ID, GUARDIAN_ID, START, enrol, join


async def test_delete_asks_then_erases_the_childs_data(harness, session_factory):
    codes = enrol(session_factory, child_age=10)
    await join(harness, codes, child=True)
    await harness.say(CHILD_ID, "/mood")
    await harness.press(CHILD_ID, "😢")
    await harness.say(CHILD_ID, "친구랑 싸웠어")
    await harness.say(CHILD_ID, "오늘은 괜찮아")

    replies = await harness.say(CHILD_ID, "/delete")
    assert replies[-1].labels == ["네, 지워 주세요", "아니요"]
    await harness.press(CHILD_ID, "아니요")
    assert "지우지 않았어요" in harness.fake.last(CHILD_ID).text
    with session_factory() as session:
        child = session.scalars(select(Member).where(Member.role == "child")).one()
        mine = select(Message.direction, func.count()).where(Message.member_id == child.id)
        counts = dict(session.execute(mine.group_by(Message.direction)).all())
        assert counts["in"] == 2 and counts["out"] >= 5  # the bot's answers are kept too

    await harness.say(CHILD_ID, "/delete")
    confirm = harness.fake.last(CHILD_ID)
    yes = confirm.button("네, 지워 주세요")
    await harness.press(CHILD_ID, yes, confirm, raw=True)
    assert "지웠어요" in harness.fake.last(CHILD_ID).text
    with session_factory() as session:
        # Both ways erased: what the child wrote and what the bot answered (no open case).
        assert (
            session.scalar(
                select(func.count()).select_from(Message).where(Message.member_id == child.id)
            )
            == 0
        )
        assert session.scalar(select(func.count()).select_from(MoodCheckin)) == 0
        child = session.scalars(select(Member).where(Member.role == "child")).one()
        assert (child.consent, child.telegram_user_id) == ("withdrawn", None)
    # Pressing the old confirmation again is stale, and the child is no longer enrolled.
    await harness.press(CHILD_ID, yes, confirm, raw=True)
    assert "더 이상 쓸 수 없어요" in harness.fake.callback_answers[-1]["text"]
    replies = await harness.say(CHILD_ID, "안녕")
    assert "초대 링크" in replies[-1].text


async def test_delete_keeps_what_an_open_case_points_to(harness, session_factory):
    codes = enrol(session_factory)
    await join(harness, codes)
    await harness.say(GUARDIAN_ID, "요즘 너무 힘들어요")
    await harness.say(GUARDIAN_ID, "평범한 하루")
    await harness.say(GUARDIAN_ID, "/checkin")
    await harness.press(GUARDIAN_ID, "2 ")
    with session_factory() as session, session.begin():
        first = session.scalars(
            select(Message).where(Message.direction == "in").order_by(Message.id)
        ).first()
        case = Case(
            family_id=codes.family_id,
            district_id=1,
            reason_id="test",
            reason="test",
            severity="concern",
            sla_due_at=START + timedelta(days=3),
        )
        session.add(case)
        session.flush()
        session.add(
            CaseTrigger(case_id=case.id, rule_id="test", severity="concern", message_id=first.id)
        )
        session.add(
            Message(
                **outgoing_values(
                    family_id=codes.family_id,
                    member_id=first.member_id,
                    text="SAFETY",
                    kind="safety",
                    lang="ko",
                    case_id=case.id,
                    created_at=START,
                )
            )
        )
    await harness.say(GUARDIAN_ID, "/delete")
    await harness.press(GUARDIAN_ID, "네, 지워 주세요")
    with session_factory() as session:
        # What the case points to stays (the trigger and the safety reply linked to it); the
        # bot's everyday answers go with the rest.
        assert session.scalars(select(Message.text).order_by(Message.id)).all() == [
            "요즘 너무 힘들어요",
            "SAFETY",
        ]
        assert session.scalar(select(func.count()).select_from(Answer)) == 0
        assert session.scalar(select(func.count()).select_from(QuestionnaireResponse)) == 0
