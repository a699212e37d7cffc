"""The periodic job: time-based rules (missed check-ins, mood streaks) and SLA breaches."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from escalation import audit
from escalation._tx import unit_of_work
from escalation.actor import Actor
from escalation.evaluate import Match, evaluate_missed
from escalation.notify import enqueue_sla_breach
from escalation.policy import EscalationConfig, local_date
from escalation.rules import RuleSet
from escalation.service import (
    EscalationOutcome,
    apply_triggers,
    escalate_checkin,
    mood_window,
    trigger_for,
)
from models import Case, Family, Member, MoodCheckin, Officer, QuestionnaireResponse

PERIODIC = Actor.system("periodic")
# Mood streaks are looked for among children who checked in this recently.
MOOD_LOOKBACK = timedelta(days=60)


@dataclass
class PeriodicReport:
    outcomes: list[EscalationOutcome] = field(default_factory=list)
    sla_breaches: list[int] = field(default_factory=list)  # case ids alerted now

    @property
    def opened(self) -> int:
        return sum(c.opened for o in self.outcomes for c in o.changes)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def missed_weeks(last_answered: str | None, joined: str, current: str) -> tuple[int, str]:
    """Full weeks in a row without an answer before the `current` (unfinished) week.

    Counting starts after the last answered week, or after the week the person joined (a
    part week is not held against them). Returns the count and the week counted from.
    """
    start = max(last_answered, joined) if last_answered else joined
    weeks = (week_monday(current) - week_monday(start)).days // 7 - 1
    return max(weeks, 0), start


def _members_with_last_answer(
    session: Session, role: str
) -> list[tuple[Member, Family, str | None]]:
    if role == "guardian":
        answered = (
            select(QuestionnaireResponse.member_id, func.max(QuestionnaireResponse.week))
            .where(QuestionnaireResponse.status == "completed")
            .group_by(QuestionnaireResponse.member_id)
        )
    else:
        answered = select(MoodCheckin.member_id, func.max(MoodCheckin.week)).group_by(
            MoodCheckin.member_id
        )
    last = {member_id: week for member_id, week in session.execute(answered)}
    members = session.execute(
        select(Member, Family)
        .join(Family, Family.id == Member.family_id)
        .where(
            Member.role == role,
            Member.consent == "given",
            Member.joined_at.is_not(None),
            Member.paused.is_(False),
            Member.stopped.is_(False),
            Family.status == "active",
        )
        .order_by(Member.id)
    ).all()
    return [(m, f, last.get(m.id)) for m, f in members]


def _missed_checkins(
    session: Session, rules: RuleSet, now: datetime, config: EscalationConfig
) -> list[EscalationOutcome]:
    current = iso_week(local_date(now, config.timezone))
    roles = {r.when.missed_checkins.role for r in rules.of_kind("missed_checkins")
             if r.when.missed_checkins}
    found: list[tuple[int, str, int, str]] = []  # family, role, missed weeks, since week
    with unit_of_work(session):
        for role in sorted(roles):
            for member, family, last in _members_with_last_answer(session, role):
                assert member.joined_at is not None
                joined = iso_week(local_date(member.joined_at, config.timezone))
                count, since = missed_weeks(last, joined, current)
                if evaluate_missed(rules, role, count):
                    found.append((family.id, role, count, since))
    outcomes = []
    for family_id, role, count, since in found:
        # One small transaction per family; the same silence keeps the same key, so
        # later runs attach nothing new.
        with unit_of_work(session):
            family = session.get(Family, family_id)
            assert family is not None
            triggers = [
                trigger_for(
                    Match(m.rule, {**m.evidence, "since_week": since}),
                    key=f"missed:{role}:{since}",
                )
                for m in evaluate_missed(rules, role, count)
            ]
            outcome = apply_triggers(session, family, triggers, now, config, PERIODIC, None)
        if not all(c.duplicate for c in outcome.changes):
            outcomes.append(outcome)
    return outcomes


def _mood_streaks(
    session: Session, rules: RuleSet, now: datetime, config: EscalationConfig
) -> list[EscalationOutcome]:
    if mood_window(rules) == 0:
        return []
    newest = (
        select(func.max(MoodCheckin.id))
        .where(MoodCheckin.created_at >= now - MOOD_LOOKBACK)
        .group_by(MoodCheckin.member_id)
    )
    with unit_of_work(session):
        checkin_ids = list(session.scalars(newest))
    outcomes = []
    for checkin_id in sorted(checkin_ids):
        with unit_of_work(session):
            checkin = session.get(MoodCheckin, checkin_id)
            assert checkin is not None
            outcome = escalate_checkin(
                session, rules, checkin, now, config=config, actor=PERIODIC
            )
        if outcome is not None and not all(c.duplicate for c in outcome.changes):
            outcomes.append(outcome)
    return outcomes


def detect_sla_breaches(
    session: Session, now: datetime, config: EscalationConfig | None = None
) -> list[int]:
    """Alert each unclaimed case past its deadline once (until its deadline changes).

    The SLA is the time to an officer taking the case: a claimed case is in hand.
    """
    config = config or EscalationConfig()
    alerted = []
    with unit_of_work(session):
        overdue = session.scalars(
            select(Case)
            .where(
                Case.status == "open",
                Case.sla_due_at <= now,
                Case.sla_breach_alerted_at.is_(None),
            )
            .order_by(Case.sla_due_at)
            .with_for_update(skip_locked=True)
        ).all()
        for case in overdue:
            family = session.get(Family, case.family_id)
            assert family is not None
            supervisors = list(session.scalars(
                select(Officer).where(
                    Officer.district_id == case.district_id,
                    Officer.role == "supervisor",
                    Officer.active.is_(True),
                )
            ))
            sent = enqueue_sla_breach(session, case, family, supervisors, config, now)
            case.sla_breach_alerted_at = now
            audit.record(
                session, PERIODIC, "sla_breach", at=now, case_id=case.id, family_id=family.id,
                detail={"due_at": case.sla_due_at.isoformat(), "alerts": sent},
            )
            alerted.append(case.id)
    return alerted


def run_periodic_rules(
    session: Session, rules: RuleSet, now: datetime, *, config: EscalationConfig | None = None
) -> PeriodicReport:
    """Missed check-ins, mood streaks, then SLA breaches (new cases may already be late)."""
    config = config or EscalationConfig()
    report = PeriodicReport()
    report.outcomes += _missed_checkins(session, rules, now, config)
    report.outcomes += _mood_streaks(session, rules, now, config)
    report.sla_breaches = detect_sla_breaches(session, now, config)
    return report
