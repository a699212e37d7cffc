"""Supervisors' overview: open cases, SLA breaches, time to claim and resolve, response rates."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from dashboard.accounts import SignedInOfficer
from dashboard.scope import in_district
from models import Case, Family, Member, MoodCheckin, QuestionnaireResponse, utcnow
from questionnaires import iso_week

WINDOW_DAYS = 30
WEEKS = 8


@dataclass(frozen=True)
class WeekRate:
    week: str
    guardians: float | None  # share of consenting guardians who completed the check-in
    children: float | None  # share of consenting children who checked their mood


@dataclass(frozen=True)
class Overview:
    open_by_severity: dict[str, int]
    overdue_by_severity: dict[str, int]
    window_days: int
    opened_in_window: int
    breached_in_window: int
    pending_in_window: int  # unclaimed and not yet due: neither kept nor breached so far
    median_claim: timedelta | None
    median_resolve: timedelta | None
    weekly: list[WeekRate]


def _weeks(now: datetime, count: int, timezone: str) -> list[str]:
    return [iso_week(now - timedelta(weeks=n), timezone) for n in range(count - 1, -1, -1)]


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def overview(
    session: Session, officer: SignedInOfficer, timezone: str, now: datetime | None = None
) -> Overview:
    """The figures for the officer's district (admins: all), over the last WINDOW_DAYS.

    Weekly response rates divide by the members consenting now: a good approximation for
    recent weeks, less so far back when many families joined or left since.
    """
    now = now or utcnow()
    since = now - timedelta(days=WINDOW_DAYS)
    with session.begin():
        open_rows = session.execute(
            in_district(
                select(Case.severity, func.count(Case.id)).where(Case.status != "resolved"),
                officer,
                Case.district_id,
            ).group_by(Case.severity)
        ).all()
        overdue_rows = session.execute(
            in_district(
                select(Case.severity, func.count(Case.id)).where(
                    Case.status == "open", Case.sla_due_at < now
                ),
                officer,
                Case.district_id,
            ).group_by(Case.severity)
        ).all()
        timings = session.execute(
            in_district(
                select(Case.opened_at, Case.claimed_at, Case.resolved_at, Case.sla_due_at).where(
                    Case.opened_at >= since
                ),
                officer,
                Case.district_id,
            )
        ).all()
        claims = [c - o for o, c, _r, _d in timings if c is not None]
        resolves = [r - o for o, _c, r, _d in timings if r is not None]
        # A case breaches its SLA when nobody claimed it before the deadline.
        breached = sum(
            1 for _o, c, _r, d in timings if (c is None and d < now) or (c is not None and c > d)
        )
        pending = sum(1 for _o, c, _r, d in timings if c is None and d >= now)
        weeks = _weeks(now, WEEKS, timezone)
        weekly = _weekly(session, officer, weeks)
    return Overview(
        open_by_severity=dict(open_rows),
        overdue_by_severity=dict(overdue_rows),
        window_days=WINDOW_DAYS,
        opened_in_window=len(timings),
        breached_in_window=breached,
        pending_in_window=pending,
        median_claim=median(claims) if claims else None,
        median_resolve=median(resolves) if resolves else None,
        weekly=weekly,
    )


def _weekly(session: Session, officer: SignedInOfficer, weeks: list[str]) -> list[WeekRate]:
    consenting = in_district(
        select(Member.role, func.count(Member.id))
        .join(Family, Family.id == Member.family_id)
        .where(Member.consent == "given", Family.status.in_(("active", "paused"))),
        officer,
        Family.district_id,
    ).group_by(Member.role)
    enrolled = dict(session.execute(consenting).all())
    completed = dict(
        session.execute(
            in_district(
                select(
                    QuestionnaireResponse.week,
                    func.count(distinct(QuestionnaireResponse.member_id)),
                )
                .join(Family, Family.id == QuestionnaireResponse.family_id)
                .where(
                    QuestionnaireResponse.status == "completed",
                    QuestionnaireResponse.week.in_(weeks),
                ),
                officer,
                Family.district_id,
            ).group_by(QuestionnaireResponse.week)
        ).all()
    )
    moods = dict(
        session.execute(
            in_district(
                select(MoodCheckin.week, func.count(distinct(MoodCheckin.member_id)))
                .join(Family, Family.id == MoodCheckin.family_id)
                .where(MoodCheckin.week.in_(weeks)),
                officer,
                Family.district_id,
            ).group_by(MoodCheckin.week)
        ).all()
    )
    return [
        WeekRate(
            week=week,
            guardians=_rate(int(completed.get(week, 0)), int(enrolled.get("guardian", 0))),
            children=_rate(int(moods.get(week, 0)), int(enrolled.get("child", 0))),
        )
        for week in weeks
    ]
