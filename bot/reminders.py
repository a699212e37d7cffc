"""Reminders: due times kept in the database, scheduled per period and sent through the outbox.

`schedule_reminders` creates this week's first reminders (idempotent: the unique key
member/kind/period/attempt means a restart or a second worker adds nothing twice);
`send_due_reminders` turns due ones into outbox messages, honouring quiet hours, /pause,
/stop and check-ins already done, and schedules one gentle second reminder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.catalogue import Catalogue
from bot.outbox_queue import enqueue_many
from bot.settings import Settings
from models import Family, Member, Message, MoodCheckin, QuestionnaireResponse, Reminder
from models.message import outgoing_values

QUESTIONNAIRE, MOOD = "questionnaire", "mood"


def _hhmm(value: str) -> time:
    hours, minutes = value.strip().split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class ReminderPolicy:
    zone: ZoneInfo
    quiet_start: time
    quiet_end: time
    second_after: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> ReminderPolicy:
        start, _, end = settings.quiet_hours.partition("-")
        return cls(
            zone=ZoneInfo(settings.timezone),
            quiet_start=_hhmm(start),
            quiet_end=_hhmm(end),
            second_after=timedelta(hours=settings.second_reminder_after_hours),
        )

    def in_quiet_hours(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone).time()
        if self.quiet_start == self.quiet_end:
            return False
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= local < self.quiet_end
        return local >= self.quiet_start or local < self.quiet_end

    def outside_quiet_hours(self, moment: datetime) -> datetime:
        """`moment`, or the end of the quiet hours it falls in."""
        if not self.in_quiet_hours(moment):
            return moment
        local = moment.astimezone(self.zone)
        end = datetime.combine(local.date(), self.quiet_end, tzinfo=self.zone)
        if end <= local:
            end = datetime.combine(
                local.date() + timedelta(days=1), self.quiet_end, tzinfo=self.zone
            )
        return end.astimezone(moment.tzinfo)

    def at(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.zone)


def _week_monday(now: datetime, zone: ZoneInfo) -> date:
    local = now.astimezone(zone).date()
    return local - timedelta(days=local.weekday())


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _insert_ignore(session: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for start in range(0, len(rows), 1000):
        session.execute(insert(Reminder).on_conflict_do_nothing(), rows[start : start + 1000])


def _eligible_members(session: Session) -> Any:
    return (
        select(
            Member.id, Member.role, Member.joined_at, Member.reminder_weekdays, Member.reminder_time
        )
        .join(Family, Family.id == Member.family_id)
        .where(
            Member.consent == "given",
            Member.paused.is_(False),
            Member.stopped.is_(False),
            Member.chat_id.is_not(None),
            Family.status == "active",
        )
    )


def schedule_reminders(session: Session, settings: Settings, now: datetime) -> int:
    """Create the first reminders of the current local week; returns how many were new."""
    policy = ReminderPolicy.from_settings(settings)
    monday = _week_monday(now, policy.zone)
    week = _iso_week(monday)
    periods = {week} | {(monday + timedelta(days=d)).isoformat() for d in range(7)}
    existing = set(
        session.execute(
            select(Reminder.member_id, Reminder.kind, Reminder.period).where(
                Reminder.attempt == 1, Reminder.period.in_(periods)
            )
        ).all()
    )
    rows: list[dict[str, Any]] = []
    for member_id, role, joined_at, weekdays, clock in session.execute(_eligible_members(session)):
        chosen = preference(settings, role, weekdays, clock)
        for kind, period, due in _wanted(policy, monday, role, chosen):
            if (member_id, kind, period) in existing:
                continue
            if joined_at is not None and due <= joined_at:
                continue  # joined after this one was due: start with the next period
            rows.append(_first(member_id, kind, period, policy.outside_quiet_hours(due), now))
    _insert_ignore(session, rows)
    return len(rows)


@dataclass(frozen=True)
class Preference:
    """When a member's reminders come: local weekdays (0 = Monday) and a local time."""

    weekdays: tuple[int, ...]
    time: str  # "HH:MM"


def preference(
    settings: Settings, role: str, weekdays: str | None, clock: str | None
) -> Preference:
    """The member's own choice (`Member.reminder_weekdays`, `reminder_time`), else the defaults.

    Parents get one weekly reminder: the first chosen day counts.
    """
    if role == "guardian":
        days = _days(weekdays)[:1] or (settings.guardian_reminder_weekday,)
        return Preference(days, clock or settings.guardian_reminder_time)
    return Preference(
        _days(weekdays) or _days(settings.child_reminder_weekdays),
        clock or settings.child_reminder_time,
    )


def _days(weekdays: str | None) -> tuple[int, ...]:
    return tuple(sorted({int(d) for d in (weekdays or "").split(",") if d.strip()}))


def _wanted(
    policy: ReminderPolicy, monday: date, role: str, chosen: Preference
) -> list[tuple[str, str, datetime]]:
    """(kind, period, due) of a member's first reminders in the week starting `monday`."""
    at = _hhmm(chosen.time)
    weekly = role == "guardian"
    return [
        (
            QUESTIONNAIRE if weekly else MOOD,
            _iso_week(monday) if weekly else (monday + timedelta(days=d)).isoformat(),
            policy.at(monday + timedelta(days=d), at),
        )
        for d in chosen.weekdays
    ]


def _first(
    member_id: int, kind: str, period: str, due: datetime, now: datetime, status: str = "pending"
) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "kind": kind,
        "period": period,
        "attempt": 1,
        "due_at": due,
        "status": status,
        "created_at": now,
    }


def reschedule_member(session: Session, settings: Settings, member: Member, now: datetime) -> None:
    """Apply a member's new reminder days and time to this week at once.

    Their pending first reminders of this week are replaced. One whose new time has already
    passed is recorded as skipped, so it neither fires at once nor comes back later.
    """
    policy = ReminderPolicy.from_settings(settings)
    monday = _week_monday(now, policy.zone)
    chosen = preference(settings, member.role, member.reminder_weekdays, member.reminder_time)
    wanted = _wanted(policy, monday, member.role, chosen)
    periods = {_iso_week(monday)} | {(monday + timedelta(days=d)).isoformat() for d in range(7)}
    this_week = and_(
        Reminder.member_id == member.id, Reminder.attempt == 1, Reminder.period.in_(periods)
    )
    session.execute(
        delete(Reminder)
        .where(this_week, Reminder.status == "pending")
        .execution_options(synchronize_session=False)
    )
    existing = set(session.scalars(select(Reminder.period).where(this_week)))
    rows = [
        _first(
            member.id,
            kind,
            period,
            policy.outside_quiet_hours(due),
            now,
            "pending" if due > now else "skipped",
        )
        for kind, period, due in wanted
        if period not in existing
    ]
    _insert_ignore(session, rows)


def _done(
    session: Session, reminders: list[Reminder], policy: ReminderPolicy, now: datetime
) -> set[int]:
    """Ids of reminders whose check-in has already happened."""
    done: set[int] = set()
    weekly = [r for r in reminders if r.kind == QUESTIONNAIRE]
    if weekly:
        completed = set(
            session.execute(
                select(QuestionnaireResponse.member_id, QuestionnaireResponse.week).where(
                    QuestionnaireResponse.member_id.in_({r.member_id for r in weekly}),
                    QuestionnaireResponse.status == "completed",
                )
            ).all()
        )
        # A late (second) reminder is also answered by a check-in for the current week.
        current = _iso_week(now.astimezone(policy.zone).date())
        done |= {
            r.id
            for r in weekly
            if (r.member_id, r.period) in completed or (r.member_id, current) in completed
        }
    daily = [r for r in reminders if r.kind == MOOD]
    if daily:
        earliest = min(policy.at(date.fromisoformat(r.period), time(0)) for r in daily)
        moods: dict[int, list[datetime]] = {}
        for member_id, created_at in session.execute(
            select(MoodCheckin.member_id, MoodCheckin.created_at).where(
                MoodCheckin.member_id.in_({r.member_id for r in daily}),
                MoodCheckin.created_at >= earliest,
            )
        ):
            moods.setdefault(member_id, []).append(created_at)
        for r in daily:
            start = policy.at(date.fromisoformat(r.period), time(0))
            if any(start <= at for at in moods.get(r.member_id, [])):
                done.add(r.id)
    return done


def _stale(reminder: Reminder, now: datetime, policy: ReminderPolicy) -> bool:
    """Reminders more than one period late are not worth sending any more.

    One period of grace lets the gentle second reminder (due a day after the first) go out
    even when the first came on the period's last day.
    """
    local_today = now.astimezone(policy.zone).date()
    if reminder.kind == QUESTIONNAIRE:
        return reminder.period not in (
            _iso_week(local_today),
            _iso_week(local_today - timedelta(days=7)),
        )
    return date.fromisoformat(reminder.period) < local_today - timedelta(days=1)


@dataclass(frozen=True)
class ReminderPass:
    handled: int  # due reminders looked at (sent or skipped)
    queued: int  # put into the outbox


def send_due_reminders(
    session: Session,
    settings: Settings,
    catalogue: Catalogue,
    now: datetime,
    limit: int = 1000,
) -> ReminderPass:
    """Turn up to `limit` due reminders into outbox messages (or skip them)."""
    policy = ReminderPolicy.from_settings(settings)
    if policy.in_quiet_hours(now):
        return ReminderPass(0, 0)
    due = list(
        session.scalars(
            select(Reminder)
            .where(Reminder.status == "pending", Reminder.due_at <= now)
            .order_by(Reminder.due_at, Reminder.id)
            .limit(limit)
        )
    )
    if not due:
        return ReminderPass(0, 0)
    members = {
        m.id: m
        for m in session.scalars(select(Member).where(Member.id.in_({r.member_id for r in due})))
    }
    families = {
        f.id: f
        for f in session.scalars(
            select(Family).where(Family.id.in_({m.family_id for m in members.values()}))
        )
    }
    done = _done(session, due, policy, now)
    queued = 0
    seconds: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []  # what the family is sent, kept like every outgoing text
    for reminder in due:
        member = members[reminder.member_id]
        family = families[member.family_id]
        skip = (
            reminder.id in done
            or _stale(reminder, now, policy)
            or member.paused
            or member.stopped
            or member.consent != "given"
            or member.chat_id is None
            or family.status != "active"
        )
        if skip:
            reminder.status = "skipped"
            continue
        order = "first" if reminder.attempt == 1 else "second"
        start = "start_questionnaire" if reminder.kind == QUESTIONNAIRE else "start_mood"
        action = "go:checkin" if reminder.kind == QUESTIONNAIRE else "go:mood"
        text = catalogue.text(member.language, f"reminder.{reminder.kind}_{order}")
        records.append(
            outgoing_values(
                family_id=member.family_id,
                member_id=member.id,
                text=text,
                kind="reminder",
                lang=member.language,
                created_at=now,
            )
        )
        messages.append(
            {
                "dedupe_key": f"reminder:{reminder.id}",
                "chat_id": member.chat_id,
                "text": text,
                "kind": "reminder",
                "family_id": member.family_id,
                "buttons": [
                    [
                        {
                            "label": catalogue.text(member.language, f"reminder.{start}"),
                            "data": action,
                        }
                    ]
                ],
                "due_at": now,
            }
        )
        reminder.status, reminder.sent_at = "sent", now
        queued += 1
        if reminder.attempt == 1:
            seconds.append(
                {
                    "member_id": member.id,
                    "kind": reminder.kind,
                    "period": reminder.period,
                    "attempt": 2,
                    "due_at": policy.outside_quiet_hours(now + policy.second_after),
                    "status": "pending",
                    "created_at": now,
                }
            )
    session.flush()
    if records:
        session.execute(insert(Message), records)
    enqueue_many(session, messages)
    _insert_ignore(session, seconds)
    return ReminderPass(len(due), queued)


def cancel_reminders(session: Session, member_id: int) -> None:
    """Drop a member's pending reminders (used when they stop)."""
    session.execute(
        update(Reminder)
        .where(and_(Reminder.member_id == member_id, Reminder.status == "pending"))
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )
