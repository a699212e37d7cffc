"""Reminder scheduling and queuing on a real database, with an injected clock."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.catalogue import load_messages
from bot.reminders import ReminderPolicy, schedule_reminders, send_due_reminders
from bot.settings import Settings
from models import Member, MoodCheckin, OutboxMessage, QuestionnaireResponse, Reminder
from models.enrolment import add_district, enrol_family, give_consent, redeem_invite

MONDAY = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 10:00 in Seoul
SUNDAY_7PM_SEOUL = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
SETTINGS = Settings()
CATALOGUE = load_messages()


@pytest.fixture
def family(session_factory):
    with session_factory() as session, session.begin():
        add_district(session, "gangnam")
        enrolled = enrol_family(
            session,
            district_code="gangnam",
            child_alias="Min",
            child_age=8,
            now=MONDAY - timedelta(days=1),
            invite_ttl=timedelta(days=7),
        )
        guardian = redeem_invite(
            session,
            enrolled.guardian_invite.code,
            telegram_user_id=1,
            chat_id=1,
            language="ko",
            now=MONDAY - timedelta(days=1),
        )
        give_consent(session, guardian, MONDAY - timedelta(days=1))
        child = redeem_invite(
            session,
            enrolled.child_invite.code,
            telegram_user_id=2,
            chat_id=2,
            language="en",
            now=MONDAY - timedelta(days=1),
        )
        give_consent(session, child, MONDAY - timedelta(days=1))
        return guardian.id, child.id


def _tick(session_factory, now, settings=SETTINGS):
    with session_factory() as session, session.begin():
        schedule_reminders(session, settings, now)
    with session_factory() as session, session.begin():
        return send_due_reminders(session, settings, CATALOGUE, now).queued


def _outbox(session_factory):
    with session_factory() as session:
        return list(
            session.execute(
                select(OutboxMessage.chat_id, OutboxMessage.text).order_by(OutboxMessage.id)
            )
        )


def test_quiet_hours_wrap_midnight_in_local_time():
    policy = ReminderPolicy.from_settings(SETTINGS)
    assert policy.in_quiet_hours(datetime(2026, 11, 23, 13, 0, tzinfo=UTC))  # 22:00 Seoul
    assert not policy.in_quiet_hours(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))  # 10:00
    late = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)  # 23:30 Seoul
    assert policy.outside_quiet_hours(late) == datetime(2026, 11, 23, 23, 0, tzinfo=UTC)


def test_scheduling_is_idempotent_across_restarts(session_factory, family):
    with session_factory() as session, session.begin():
        first = schedule_reminders(session, SETTINGS, MONDAY)
    with session_factory() as session, session.begin():
        again = schedule_reminders(session, SETTINGS, MONDAY + timedelta(hours=1))
    assert (first, again) == (4, 0)  # guardian weekly + child Mon/Wed/Fri
    with session_factory() as session:
        rows = session.execute(
            select(Reminder.kind, Reminder.period, Reminder.due_at).order_by(Reminder.due_at)
        ).all()
    assert rows[0] == ("mood", "2026-11-23", datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    assert rows[-1] == ("questionnaire", "2026-W48", SUNDAY_7PM_SEOUL)


def test_due_reminders_go_to_the_outbox_once_with_one_gentle_second(session_factory, family):
    guardian_id, _ = family
    assert _tick(session_factory, MONDAY) == 0
    # On Sunday the child's Mon/Wed/Fri reminders are too late to be worth sending.
    assert _tick(session_factory, SUNDAY_7PM_SEOUL) == 1
    assert _tick(session_factory, SUNDAY_7PM_SEOUL) == 0  # a second pass sends nothing
    texts = [text for chat, text in _outbox(session_factory) if chat == 1]
    assert texts == [CATALOGUE.text("ko", "reminder.questionnaire_first")]
    # Monday 19:00 in Seoul: the gentle second reminder, once.
    assert _tick(session_factory, SUNDAY_7PM_SEOUL + timedelta(days=1)) >= 1
    _tick(session_factory, SUNDAY_7PM_SEOUL + timedelta(days=2))
    texts = [text for chat, text in _outbox(session_factory) if chat == 1]
    assert texts[-1] == CATALOGUE.text("ko", "reminder.questionnaire_second")
    assert len(texts) == 2
    with session_factory() as session:
        attempts = session.scalars(
            select(Reminder.attempt)
            .where(Reminder.member_id == guardian_id, Reminder.period == "2026-W48")
            .order_by(Reminder.attempt)
        ).all()
        assert attempts == [1, 2]


def test_quiet_hours_hold_reminders_until_morning(session_factory, family):
    late_evening = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)  # 22:30 in Seoul
    assert _tick(session_factory, late_evening) == 0
    assert _tick(session_factory, datetime(2026, 11, 23, 23, 5, tzinfo=UTC)) == 1  # 08:05


def test_paused_stopped_and_answered_get_no_reminder(session_factory, family):
    guardian_id, child_id = family
    with session_factory() as session, session.begin():
        session.get(Member, guardian_id).paused = True
        session.add(
            MoodCheckin(
                member_id=child_id,
                family_id=session.get(Member, child_id).family_id,
                mood="happy",
                week="2026-W48",
                created_at=datetime(2026, 11, 23, 2, 0, tzinfo=UTC),
            )
        )
    assert _tick(session_factory, datetime(2026, 11, 23, 7, 0, tzinfo=UTC)) == 0
    with session_factory() as session, session.begin():
        session.get(Member, child_id).stopped = True
    assert _tick(session_factory, SUNDAY_7PM_SEOUL) == 0
    assert _outbox(session_factory) == []


def test_completed_checkin_skips_the_weekly_reminder(session_factory, family):
    guardian_id, _ = family
    with session_factory() as session, session.begin():
        session.get(Member, family[1]).stopped = True
        session.add(
            QuestionnaireResponse(
                member_id=guardian_id,
                family_id=session.get(Member, guardian_id).family_id,
                instrument_id="parenting_stress",
                week="2026-W48",
                status="completed",
            )
        )
    assert _tick(session_factory, SUNDAY_7PM_SEOUL) == 0


def test_member_joining_after_the_due_time_starts_next_period(session_factory, family):
    with session_factory() as session, session.begin():
        for member in session.scalars(select(Member)):
            member.joined_at = SUNDAY_7PM_SEOUL + timedelta(minutes=5)
        created = schedule_reminders(session, SETTINGS, SUNDAY_7PM_SEOUL + timedelta(hours=1))
    assert created == 0


def test_reminder_text_is_in_the_member_language(session_factory, family):
    _tick(session_factory, datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    assert _outbox(session_factory) == [(2, CATALOGUE.text("en", "reminder.mood_first"))]
