"""/reminders: a family member picks days and a time with buttons; reminders follow them."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from models import Member, Reminder
from tests.e2e.conftest import CHILD_ID, GUARDIAN_ID, enrol, join

# START is Monday 2026-11-23, 10:00 in Seoul; Seoul is UTC+9.
MONDAY_4PM_SEOUL = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
TUESDAY_6PM_SEOUL = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _mood_reminders(fake):
    return [m for m in fake.sent_to(CHILD_ID) if "오늘 기분은 어때" in m.text]


def _member(session, role):
    return session.scalars(select(Member).where(Member.role == role)).one()


async def test_child_picks_days_and_time_and_the_reminder_follows(ticking, session_factory):
    await join(ticking, enrol(session_factory, child_age=10), child=True)
    menu = (await ticking.say(CHILD_ID, "/reminders"))[-1]
    # The defaults are shown as chosen: Monday, Wednesday, Friday at 16:00.
    assert [label for label in menu.labels if label.startswith("✓")] == [
        "✓ 월",
        "✓ 수",
        "✓ 금",
        "✓ 16:00",
    ]

    await ticking.press(CHILD_ID, "✓ 월")  # off
    await ticking.press(CHILD_ID, "화")  # on
    await ticking.press(CHILD_ID, "18:00")
    menu = ticking.fake.last(CHILD_ID)
    assert [label for label in menu.labels if label.startswith("✓")] == [
        "✓ 화",
        "✓ 수",
        "✓ 금",
        "✓ 18:00",
    ]
    assert menu.edits == 3  # the same message, updated in place
    with session_factory() as session:
        child = _member(session, "child")
        assert (child.reminder_weekdays, child.reminder_time) == ("1,2,4", "18:00")
        due = session.scalars(
            select(Reminder.due_at)
            .where(Reminder.member_id == child.id, Reminder.status == "pending")
            .order_by(Reminder.due_at)
        ).all()
    assert due[0] == TUESDAY_6PM_SEOUL and len(due) == 3

    await ticking.press(CHILD_ID, "다 골랐어요")
    assert "화 수 금 18:00" in ticking.fake.last(CHILD_ID).text

    # Monday 16:00 (the old default) passes quietly; Tuesday 18:00 brings the reminder.
    ticking.clock.now = MONDAY_4PM_SEOUL + timedelta(minutes=1)
    await ticking.say(CHILD_ID, "/help")
    await ticking.say(CHILD_ID, "/privacy")
    assert _mood_reminders(ticking.fake) == []
    ticking.clock.now = TUESDAY_6PM_SEOUL + timedelta(minutes=1)
    await ticking.fake.wait_for(lambda: _mood_reminders(ticking.fake))


async def test_parent_picks_one_day_and_a_time(harness, session_factory):
    await join(harness, enrol(session_factory))
    await harness.say(GUARDIAN_ID, "/reminders")
    await harness.press(GUARDIAN_ID, "수")
    await harness.press(GUARDIAN_ID, "목")  # one weekly check-in: Thursday replaces Wednesday
    await harness.press(GUARDIAN_ID, "20:00")
    chosen = [label for label in harness.fake.last(GUARDIAN_ID).labels if "✓" in label]
    assert chosen == ["✓ 목", "✓ 20:00"]
    with session_factory() as session:
        guardian = _member(session, "guardian")
        assert (guardian.reminder_weekdays, guardian.reminder_time) == ("3", "20:00")
        reminders = session.execute(
            select(Reminder.period, Reminder.due_at).where(
                Reminder.member_id == guardian.id, Reminder.status == "pending"
            )
        ).all()
    # Thursday 20:00 in Seoul is 11:00 UTC.
    assert reminders == [("2026-W48", datetime(2026, 11, 26, 11, 0, tzinfo=UTC))]


async def test_a_time_already_passed_today_is_not_sent_late(harness, session_factory):
    await join(harness, enrol(session_factory, child_age=10), child=True)
    await harness.say(CHILD_ID, "/reminders")
    await harness.press(CHILD_ID, "08:00")  # Monday 08:00 has passed (it is 10:00)
    with session_factory() as session:
        child = _member(session, "child")
        monday = session.scalars(
            select(Reminder.status).where(
                Reminder.member_id == child.id, Reminder.period == "2026-11-23"
            )
        ).all()
    assert monday == ["skipped"]


async def test_forged_choices_and_the_last_day_are_refused(harness, session_factory):
    await join(harness, enrol(session_factory, child_age=10), child=True)
    await harness.say(CHILD_ID, "/reminders")
    await harness.press(CHILD_ID, "r:t:0930", raw=True)
    assert "더 이상 쓸 수 없어요" in harness.fake.callback_answers[-1]["text"]
    await harness.press(CHILD_ID, "r:d:9", raw=True)
    await harness.press(CHILD_ID, "✓ 월")
    await harness.press(CHILD_ID, "✓ 수")
    await harness.press(CHILD_ID, "✓ 금")  # the last one stays
    assert "/pause" in harness.fake.callback_answers[-1]["text"]
    with session_factory() as session:
        assert _member(session, "child").reminder_weekdays == "4"
