"""Small builders of districts, families, officers and cases for the escalation tests."""

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from escalation import Actor, EscalationConfig
from escalation.cases import CaseChange, Trigger, open_or_merge
from models import Case, District, Family, Member, Message, Officer

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # a Friday, 12:00 in Seoul
SYSTEM = Actor.system("bot")


def district(session: Session, code: str = "gangnam", chat_id: int | None = -1001) -> District:
    row = District(code=code, name=code.title(), officer_chat_id=chat_id)
    session.add(row)
    session.flush()
    return row


def family(
    session: Session,
    district_row: District,
    *,
    age: int = 9,
    alias: str = "하늘",
    child_chat: int | None = None,
    guardian_chat: int | None = None,
    language: str = "ko",
) -> Family:
    row = Family(
        district_id=district_row.id,
        child_alias=alias,
        child_age_years=age,
        child_age_on=date(2026, 1, 1),
    )
    session.add(row)
    session.flush()
    for role, chat in (("child", child_chat), ("guardian", guardian_chat)):
        session.add(
            Member(
                family_id=row.id,
                role=role,
                telegram_user_id=chat,
                chat_id=chat,
                language=language,
                consent="given",
                joined_at=datetime(2026, 10, 1, tzinfo=UTC),
            )
        )
    session.flush()
    return row


def officer(
    session: Session,
    district_row: District | None,
    username: str,
    *,
    role: str = "officer",
    telegram_user_id: int | None = None,
) -> Officer:
    row = Officer(
        username=username,
        display_name=username.title(),
        role=role,
        district_id=district_row.id if district_row else None,
        telegram_user_id=telegram_user_id,
    )
    session.add(row)
    session.flush()
    return row


def actor(row: Officer, source: str = "test") -> Actor:
    return Actor.for_officer(row, source)


def case(
    session: Session,
    family_row: Family,
    rule_id: str = "risk:abuse_physical",
    severity: str = "urgent",
    *,
    now: datetime = NOW,
    message_id: int | None = None,
    config: EscalationConfig | None = None,
) -> CaseChange:
    trigger = Trigger(
        rule_id=rule_id,
        severity=severity,
        reason=f"reason for {rule_id}",
        evidence={"risk": {"abuse_physical": 0.9}},
        message_id=message_id,
    )
    return open_or_merge(session, family_row, trigger, now, config or EscalationConfig(), SYSTEM)


def load(session: Session, case_id: int) -> Case:
    row = session.get(Case, case_id, populate_existing=True)
    assert row is not None
    return row


def member(session: Session, family_row: Family, role: str) -> Member:
    return next(m for m in family_row.members if m.role == role)


def message(
    session: Session,
    family_row: Family,
    role: str = "child",
    text: str = "…",
    *,
    now: datetime = NOW,
) -> Message:
    row = Message(
        family_id=family_row.id,
        member_id=member(session, family_row, role).id,
        direction="in",
        sender=role,
        kind="free_text",
        text=text,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row
