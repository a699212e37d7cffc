"""What the bot sends a family member is stored as an outgoing message, beside what they wrote."""

from datetime import timedelta

from sqlalchemy import func, select

from models import Member, Message
from models.enrolment import export_family
from tests.e2e.conftest import GUARDIAN_ID, enrol, join
from tests.e2e.test_reminders import SUNDAY_7PM_SEOUL

STRANGER_ID = 999


def _guardian_lines(session) -> list[tuple[str, str, str, str]]:
    guardian = session.scalars(select(Member).where(Member.role == "guardian")).one()
    return [
        tuple(row)
        for row in session.execute(
            select(Message.direction, Message.sender, Message.kind, Message.text)
            .where(Message.member_id == guardian.id)
            .order_by(Message.id)
        ).all()
    ]


async def test_replies_are_stored_in_order_and_exported(harness, session_factory):
    codes = enrol(session_factory)
    await join(harness, codes)
    answer = (await harness.say(GUARDIAN_ID, "평범한 하루였어요"))[-1]
    help_text = (await harness.say(GUARDIAN_ID, "/help"))[-1]

    with session_factory() as session:
        lines = _guardian_lines(session)
        written = lines.index(("in", "guardian", "free_text", "평범한 하루였어요"))
        # The answer to the consent comes first; each reply follows what it answers.
        assert lines[0][:3] == ("out", "bot", "reply")
        assert lines[written + 1] == ("out", "bot", "reply", answer.text)
        assert lines[-1] == ("out", "bot", "reply", help_text.text)
        exported = export_family(session, codes.family_id)["messages"]
        expected = {"direction": "out", "sender": "bot", "kind": "reply", "text": help_text.text}
        assert expected.items() <= exported[-1].items()


async def test_nothing_is_stored_for_strangers_or_before_consent(harness, session_factory):
    codes = enrol(session_factory)
    await harness.say(STRANGER_ID, "안녕하세요")
    await harness.say(GUARDIAN_ID, f"/start {codes.guardian}")
    await harness.say(GUARDIAN_ID, "/help")
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 0


async def test_a_sent_reminder_is_stored_as_the_family_saw_it(ticking, session_factory):
    await join(ticking, enrol(session_factory))
    ticking.clock.now = SUNDAY_7PM_SEOUL + timedelta(minutes=1)
    sent = await ticking.fake.wait_for(
        lambda: [m for m in ticking.fake.sent_to(GUARDIAN_ID) if "체크인 시간" in m.text]
    )
    with session_factory() as session:
        reminders = [line for line in _guardian_lines(session) if line[2] == "reminder"]
    assert reminders == [("out", "bot", "reminder", sent[0].text)]
