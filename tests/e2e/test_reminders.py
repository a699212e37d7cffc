"""Reminders fire from the real job queue, go out through the outbox, survive restarts."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from models import OutboxMessage, Reminder
from tests.e2e.conftest import GUARDIAN_ID, enrol, join

SUNDAY_7PM_SEOUL = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def _reminders_to(fake, chat_id):
    return [m for m in fake.sent_to(chat_id) if "체크인 시간" in m.text or "바쁘셨죠" in m.text]


async def test_weekly_reminder_fires_once_and_starts_the_checkin(ticking, session_factory):
    await join(ticking, enrol(session_factory))
    ticking.clock.now = SUNDAY_7PM_SEOUL + timedelta(minutes=1)
    reminder = (await ticking.fake.wait_for(lambda: _reminders_to(ticking.fake, GUARDIAN_ID)))[0]
    assert reminder.labels == ["체크인 시작"]

    # A restart (new Application, same database) must not send it again.
    await ticking.restart()
    ticking.clock.advance(minutes=5)
    await ticking.say(GUARDIAN_ID, "/help")  # lets a few ticks pass
    assert len(_reminders_to(ticking.fake, GUARDIAN_ID)) == 1

    await ticking.press(GUARDIAN_ID, "체크인 시작", reminder)
    assert ticking.fake.last(GUARDIAN_ID).text.startswith("1/11")

    # A day later, unanswered: one gentle second reminder.
    ticking.clock.advance(days=1)
    await ticking.fake.wait_for(lambda: len(_reminders_to(ticking.fake, GUARDIAN_ID)) == 2)
    assert "바쁘셨죠" in _reminders_to(ticking.fake, GUARDIAN_ID)[-1].text
    with session_factory() as session:
        assert session.scalars(
            select(Reminder.status).where(Reminder.period == "2026-W48").order_by(Reminder.attempt)
        ).all() == ["sent", "sent"]


async def test_paused_guardian_gets_no_reminder(ticking, session_factory):
    await join(ticking, enrol(session_factory))
    replies = await ticking.say(GUARDIAN_ID, "/pause")
    assert "/resume" in replies[-1].text
    ticking.clock.now = SUNDAY_7PM_SEOUL + timedelta(minutes=1)
    await ticking.say(GUARDIAN_ID, "/help")
    await ticking.say(GUARDIAN_ID, "/privacy")
    assert _reminders_to(ticking.fake, GUARDIAN_ID) == []


async def test_outbox_retries_until_delivered(ticking, session_factory):
    await join(ticking, enrol(session_factory))
    ticking.fake.fail_sends = 1
    ticking.clock.now = SUNDAY_7PM_SEOUL + timedelta(minutes=1)

    def failed_once():
        with session_factory() as session:
            row = session.scalars(select(OutboxMessage)).first()
            return row is not None and row.last_error is not None

    await ticking.fake.wait_for(failed_once)
    assert _reminders_to(ticking.fake, GUARDIAN_ID) == []
    ticking.clock.advance(seconds=30)  # past the back-off
    await ticking.fake.wait_for(lambda: _reminders_to(ticking.fake, GUARDIAN_ID))

    def delivered():
        with session_factory() as session:
            row = session.scalars(select(OutboxMessage)).one()
            return (row.status, row.attempts) == ("sent", 2)

    await ticking.fake.wait_for(delivered)
    assert len(_reminders_to(ticking.fake, GUARDIAN_ID)) == 1


async def test_child_mood_reminder_opens_the_mood_buttons(ticking, session_factory):
    from tests.e2e.conftest import CHILD_ID

    await join(ticking, enrol(session_factory, child_age=6), child=True)
    ticking.clock.now = datetime(2026, 11, 23, 7, 1, tzinfo=UTC)  # Monday 16:01 in Seoul

    def mood_reminders():
        return [m for m in ticking.fake.sent_to(CHILD_ID) if "오늘 기분은 어때" in m.text]

    reminder = (await ticking.fake.wait_for(mood_reminders))[0]
    await ticking.press(CHILD_ID, "기분 알려 주기", reminder)
    prompt = ticking.fake.last(CHILD_ID)
    assert "읽어 주세요" in prompt.text and len(prompt.labels) == 6
    await ticking.press(CHILD_ID, "😊", prompt)
    # Answered today: the gentle second reminder tomorrow is skipped.
    ticking.clock.advance(days=1)

    def second_skipped():
        with session_factory() as session:
            return (
                session.scalar(
                    select(Reminder.status).where(Reminder.kind == "mood", Reminder.attempt == 2)
                )
                == "skipped"
            )

    await ticking.fake.wait_for(second_skipped)
    assert len(mood_reminders()) == 1
