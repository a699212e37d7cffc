"""The periodic job: time-based rules (missed check-ins, mood streaks) and SLA breaches."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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
    trigger_for,
)
from models import (
    AuditEntry,
    Case,
    CaseTrigger,
    Family,
    Member,
    MoodCheckin,
    Officer,
    QuestionnaireResponse,
)

PERIODIC = Actor.system("periodic")
MISSED_CHECKED = "missed_checkins_counted"
# The periodic mood check looks again at check-ins this recent (the bot evaluates each one
# as it arrives; this only catches check-ins stored some other way).
MOOD_SAFETY_NET = timedelta(minutes=15)


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


def _silent_members(
    session: Session, role: str, current: str, min_weeks: int, timezone: str
) -> list[tuple[int, int, datetime, str | None]]:
    """(member, family, joined_at, last answered week) of the members who may have missed
    at least `min_weeks`: filtered in SQL, so a tick over 50,000 families stays cheap."""
    # missed >= W  <=>  the counting start is no later than `cutoff` (see `missed_weeks`).
    cutoff_monday = week_monday(current) - timedelta(weeks=min_weeks + 1)
    cutoff = iso_week(cutoff_monday)
    joined_before = datetime.combine(
        cutoff_monday + timedelta(weeks=1), datetime.min.time(), ZoneInfo(timezone)
    )
    if role == "guardian":
        answered = (
            select(
                QuestionnaireResponse.member_id.label("member_id"),
                func.max(QuestionnaireResponse.week).label("week"),
            )
            .where(QuestionnaireResponse.status == "completed")
            .group_by(QuestionnaireResponse.member_id)
        ).subquery()
    else:
        answered = (
            select(
                MoodCheckin.member_id.label("member_id"), func.max(MoodCheckin.week).label("week")
            ).group_by(MoodCheckin.member_id)
        ).subquery()
    rows = session.execute(
        select(Member.id, Member.family_id, Member.joined_at, answered.c.week)
        .join(Family, Family.id == Member.family_id)
        .outerjoin(answered, answered.c.member_id == Member.id)
        .where(
            Member.role == role,
            Member.consent == "given",
            Member.joined_at < joined_before,
            Member.paused.is_(False),
            Member.stopped.is_(False),
            Family.status == "active",
            (answered.c.week.is_(None)) | (answered.c.week <= cutoff),
        )
        .order_by(Member.id)
    ).all()
    return [(m, f, joined, week) for m, f, joined, week in rows]


def _attached_keys(session: Session, rule_ids: list[str]) -> set[tuple[int, str]]:
    """(family, key) of the time-based findings already attached to open cases."""
    rows = session.execute(
        select(Case.family_id, CaseTrigger.evidence)
        .join(CaseTrigger, CaseTrigger.case_id == Case.id)
        .where(Case.status != "resolved", CaseTrigger.rule_id.in_(rule_ids))
    ).all()
    return {(family_id, evidence.get("key")) for family_id, evidence in rows}


def _checked_today(session: Session, now: datetime, timezone: str) -> bool:
    """Missed check-ins are counted in whole weeks: once a (local) day is enough, and the
    bot's frequent ticks stay cheap. The audit log remembers the last count."""
    midnight = datetime.combine(local_date(now, timezone), time.min, ZoneInfo(timezone))
    query = select(AuditEntry.id).where(
        AuditEntry.case_id.is_(None),
        AuditEntry.at >= midnight,
        AuditEntry.at <= now,
        AuditEntry.action == MISSED_CHECKED,
    )
    return session.scalar(query.limit(1)) is not None


def _missed_checkins(
    session: Session, rules: RuleSet, now: datetime, config: EscalationConfig
) -> list[EscalationOutcome]:
    missed_rules = rules.of_kind("missed_checkins")
    if not missed_rules:
        return []
    current = iso_week(local_date(now, config.timezone))
    found: list[tuple[int, str, int, str]] = []  # family, role, missed weeks, since week
    with unit_of_work(session):
        if _checked_today(session, now, config.timezone):
            return []
        audit.record(session, PERIODIC, MISSED_CHECKED, at=now, detail={"week": current})
        attached = _attached_keys(session, [r.id for r in missed_rules])
        by_role: dict[str, int] = {}
        for rule in missed_rules:
            assert rule.when.missed_checkins is not None
            condition = rule.when.missed_checkins
            by_role[condition.role] = min(by_role.get(condition.role, 99), condition.weeks)
        for role, min_weeks in sorted(by_role.items()):
            for _member, family_id, joined_at, last in _silent_members(
                session, role, current, min_weeks, config.timezone
            ):
                joined = iso_week(local_date(joined_at, config.timezone))
                count, since = missed_weeks(last, joined, current)
                key = f"missed:{role}:{since}"
                if evaluate_missed(rules, role, count) and (family_id, key) not in attached:
                    found.append((family_id, role, count, since))
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
    """A safety net: the bot evaluates mood rules as each check-in arrives, in the same
    transaction; this looks again at the last few minutes' check-ins, newest per child."""
    mood_rules = rules.of_kind("moods")
    if not mood_rules:
        return []
    newest = (
        select(func.max(MoodCheckin.id))
        .where(MoodCheckin.created_at >= now - MOOD_SAFETY_NET)
        .group_by(MoodCheckin.member_id)
    )
    with unit_of_work(session):
        checkin_ids = list(session.scalars(newest))
        attached = {key for _, key in _attached_keys(session, [r.id for r in mood_rules])}
    outcomes = []
    for checkin_id in sorted(checkin_ids):
        if f"checkin:{checkin_id}" in attached:
            continue
        with unit_of_work(session):
            checkin = session.get(MoodCheckin, checkin_id)
            assert checkin is not None
            outcome = escalate_checkin(session, rules, checkin, now, config=config, actor=PERIODIC)
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
            supervisors = list(
                session.scalars(
                    select(Officer).where(
                        Officer.district_id == case.district_id,
                        Officer.role == "supervisor",
                        Officer.active.is_(True),
                    )
                )
            )
            sent = enqueue_sla_breach(session, case, family, supervisors, config, now)
            case.sla_breach_alerted_at = now
            audit.record(
                session,
                PERIODIC,
                "sla_breach",
                at=now,
                case_id=case.id,
                family_id=family.id,
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
