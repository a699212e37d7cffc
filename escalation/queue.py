"""The officers' queue: one service for the bot, the dashboard and the CLI.

Every function takes the session first and the acting `Actor`; it runs in its own
transaction (or joins the caller's), checks the actor's district and role, and appends an
audit entry for every change. Reads are scoped the same way: a case of another district
does not exist for the actor (`CaseNotFound`).
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, false, func, select, update
from sqlalchemy.orm import Session, selectinload

from escalation import audit
from escalation._tx import unit_of_work
from escalation.actor import Actor
from escalation.catalogue import text as catalogue_text
from escalation.errors import (
    CaseAlreadyClaimed,
    CaseNotFound,
    InvalidOutcome,
    NoRecipient,
    NotAllowed,
)
from escalation.policy import OUTCOMES, SEVERITIES, EscalationConfig, priority
from models import (
    AuditEntry,
    Case,
    CaseNote,
    CaseTrigger,
    Member,
    Message,
    Officer,
    OutboxMessage,
    utcnow,
)
from models.message import outgoing_values

STATUSES = ("open", "claimed", "resolved")
# `status=None` in listings means the cases still waiting for or in work.
ACTIVE_STATUSES = ("open", "claimed")
MAX_NOTE_CHARS = 4000
MAX_FAMILY_MESSAGE_CHARS = 3500  # Telegram allows 4096 characters with our prefix


def _scoped(query: Select[tuple[Case]], actor: Actor) -> Select[tuple[Case]]:
    if actor.sees_all_districts:
        return query
    if actor.district_id is None:
        return query.where(false())
    return query.where(Case.district_id == actor.district_id)


def _filtered(
    actor: Actor, status: str | None, severity: str | None, mine: bool
) -> Select[tuple[Case]]:
    query = _scoped(select(Case), actor)
    if status is None:
        query = query.where(Case.status.in_(ACTIVE_STATUSES))
    elif status != "all":
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        query = query.where(Case.status == status)
    if severity is not None:
        if severity not in SEVERITIES:
            raise ValueError(f"unknown severity {severity!r}")
        query = query.where(Case.severity == severity)
    if mine:
        query = query.where(Case.claimed_by_id == actor.officer_id)
    return query


def list_cases(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    severity: str | None = None,
    mine: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[Case]:
    """The actor's district's cases, most pressing first (admins see every district).

    `status`: None (open and claimed), "open", "claimed", "resolved" or "all". Resolved
    cases come newest first. `family` and `claimed_by` are loaded with each case.
    """
    query = _filtered(actor, status, severity, mine)
    if status == "resolved":
        query = query.order_by(Case.resolved_at.desc(), Case.id.desc())
    else:
        query = query.order_by(Case.priority.desc(), Case.id)
    query = query.options(selectinload(Case.family), selectinload(Case.claimed_by))
    with unit_of_work(session):
        return list(session.scalars(query.limit(limit).offset(offset)))


def count_cases(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    severity: str | None = None,
    mine: bool = False,
) -> int:
    query = _filtered(actor, status, severity, mine)
    with unit_of_work(session):
        return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def _load(session: Session, actor: Actor, case_id: int, *, lock: bool = False) -> Case:
    query = _scoped(select(Case).where(Case.id == case_id), actor).options(
        selectinload(Case.family),
        selectinload(Case.claimed_by),
        selectinload(Case.triggers),
        selectinload(Case.notes),
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    case = session.scalars(query).one_or_none()
    if case is None:
        raise CaseNotFound(case_id)
    return case


def get_case(session: Session, actor: Actor, case_id: int) -> Case:
    """One case with its family, triggers and notes; `CaseNotFound` outside the actor's view."""
    with unit_of_work(session):
        return _load(session, actor, case_id)


def case_triggers(session: Session, actor: Actor, case_id: int) -> list[CaseTrigger]:
    with unit_of_work(session):
        return list(_load(session, actor, case_id).triggers)


def case_messages(session: Session, actor: Actor, case_id: int) -> list[Message]:
    """The messages behind the case's triggers and those exchanged about it, oldest first."""
    with unit_of_work(session):
        case = _load(session, actor, case_id)
        ids = {t.message_id for t in case.triggers if t.message_id is not None}
        query = select(Message).where((Message.case_id == case.id) | Message.id.in_(ids))
        return list(session.scalars(query.order_by(Message.created_at, Message.id)))


def case_audit(session: Session, actor: Actor, case_id: int) -> list[AuditEntry]:
    """The case's audit trail, oldest first."""
    with unit_of_work(session):
        _load(session, actor, case_id)
        return audit.entries_for_case(session, case_id)


def _require_officer(actor: Actor) -> int:
    if actor.officer_id is None:
        raise NotAllowed("only an officer can own a case")
    return actor.officer_id


def _require_active(case: Case) -> None:
    if case.status == "resolved":
        raise NotAllowed(f"case {case.id} is resolved; reopen it first")


def _require_owner_or_supervisor(case: Case, actor: Actor) -> None:
    if case.claimed_by_id not in (None, actor.officer_id) and not actor.supervises:
        raise NotAllowed(f"case {case.id} belongs to another officer")


def claim_case(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    now: datetime | None = None,
) -> Case:
    """Take an open case. Atomic: of many claimers exactly one wins, the others get
    `CaseAlreadyClaimed` (also raised when the actor already owns it)."""
    officer_id = _require_officer(actor)
    now = now or utcnow()
    with unit_of_work(session):
        _load(session, actor, case_id)
        result = session.execute(
            update(Case)
            .where(Case.id == case_id, Case.status == "open", Case.claimed_by_id.is_(None))
            .values(status="claimed", claimed_by_id=officer_id, claimed_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        case = _load(session, actor, case_id, lock=True)
        if result.rowcount != 1:  # type: ignore[attr-defined]
            if case.status == "resolved":
                raise NotAllowed(f"case {case_id} is resolved; reopen it first")
            raise CaseAlreadyClaimed(case_id, case.claimed_by_id)
        audit.record(session, actor, "claim", at=now, case_id=case.id, family_id=case.family_id)
        return case


def release_case(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    now: datetime | None = None,
) -> Case:
    """Give a claimed case back to the queue (its owner, or a supervisor)."""
    now = now or utcnow()
    with unit_of_work(session):
        case = _load(session, actor, case_id, lock=True)
        _require_active(case)
        if case.status != "claimed":
            raise NotAllowed(f"case {case_id} is not claimed")
        _require_owner_or_supervisor(case, actor)
        previous = case.claimed_by_id
        case.status, case.claimed_by_id, case.claimed_at = "open", None, None
        case.updated_at = now
        audit.record(
            session,
            actor,
            "release",
            at=now,
            case_id=case.id,
            family_id=case.family_id,
            detail={"from_officer_id": previous},
        )
        session.flush()
        return case


def reassign_case(
    session: Session,
    actor: Actor,
    case_id: int,
    to_officer_id: int,
    *,
    now: datetime | None = None,
) -> Case:
    """Hand a case to another active officer of its district (its owner, or a supervisor)."""
    now = now or utcnow()
    with unit_of_work(session):
        case = _load(session, actor, case_id, lock=True)
        _require_active(case)
        _require_owner_or_supervisor(case, actor)
        officer = session.get(Officer, to_officer_id)
        if officer is None or not officer.active:
            raise NotAllowed(f"officer {to_officer_id} does not exist or is inactive")
        if officer.role != "admin" and officer.district_id != case.district_id:
            raise NotAllowed(f"officer {to_officer_id} works in another district")
        previous = case.claimed_by_id
        case.status, case.claimed_by_id, case.claimed_at = "claimed", officer.id, now
        case.updated_at = now
        audit.record(
            session,
            actor,
            "reassign",
            at=now,
            case_id=case.id,
            family_id=case.family_id,
            detail={"from_officer_id": previous, "to_officer_id": officer.id},
        )
        session.flush()
        return case


def add_note(
    session: Session,
    actor: Actor,
    case_id: int,
    text: str,
    *,
    now: datetime | None = None,
) -> CaseNote:
    """A note on the case, by anyone of its district (resolved cases included)."""
    text = text.strip()
    if not text:
        raise NotAllowed("a note needs some text")
    if len(text) > MAX_NOTE_CHARS:
        raise NotAllowed(f"a note may have at most {MAX_NOTE_CHARS} characters")
    now = now or utcnow()
    with unit_of_work(session):
        case = _load(session, actor, case_id)
        note = CaseNote(case_id=case.id, officer_id=actor.officer_id, text=text, created_at=now)
        session.add(note)
        session.flush()
        # The audit log names the note, never repeats its text.
        audit.record(
            session,
            actor,
            "note",
            at=now,
            case_id=case.id,
            family_id=case.family_id,
            detail={"note_id": note.id},
        )
        return note


def resolve_case(
    session: Session,
    actor: Actor,
    case_id: int,
    outcome: str,
    note: str | None = None,
    *,
    now: datetime | None = None,
) -> Case:
    """Close the case with one of `OUTCOMES` (its owner, anyone if unclaimed, a supervisor)."""
    if outcome not in OUTCOMES:
        raise InvalidOutcome(outcome)
    now = now or utcnow()
    with unit_of_work(session):
        case = _load(session, actor, case_id, lock=True)
        _require_active(case)
        _require_owner_or_supervisor(case, actor)
        if note and note.strip():
            add_note(session, actor, case_id, note, now=now)
        case.status, case.outcome, case.resolved_at, case.updated_at = (
            "resolved",
            outcome,
            now,
            now,
        )
        audit.record(
            session,
            actor,
            "resolve",
            at=now,
            case_id=case.id,
            family_id=case.family_id,
            detail={"outcome": outcome},
        )
        session.flush()
        return case


def reopen_case(
    session: Session,
    actor: Actor,
    case_id: int,
    config: EscalationConfig | None = None,
    *,
    now: datetime | None = None,
) -> Case:
    """Put a resolved case back in the queue, with a fresh SLA deadline.

    `NotAllowed` when the family already has another open case for the same reason (new
    triggers went there meanwhile).
    """
    config = config or EscalationConfig()
    now = now or utcnow()
    with unit_of_work(session):
        case = _load(session, actor, case_id, lock=True)
        if case.status != "resolved":
            raise NotAllowed(f"case {case_id} is not resolved")
        other = session.scalar(
            select(Case.id).where(
                Case.family_id == case.family_id,
                Case.reason_id == case.reason_id,
                Case.status != "resolved",
            )
        )
        if other is not None:
            raise NotAllowed(f"case {other} is already open for this family and reason")
        previous_outcome = case.outcome
        case.status, case.outcome, case.resolved_at = "open", None, None
        case.claimed_by_id, case.claimed_at = None, None
        case.sla_due_at = now + config.sla(case.severity)
        case.sla_breach_alerted_at = None
        case.priority = priority(case.severity, case.family.child_age(now.date()), now)
        case.updated_at = now
        audit.record(
            session,
            actor,
            "reopen",
            at=now,
            case_id=case.id,
            family_id=case.family_id,
            detail={"previous_outcome": previous_outcome},
        )
        session.flush()
        return case


def _recipient(session: Session, case: Case, to: str | None) -> Member:
    members = {m.role: m for m in case.family.members}
    if to is not None:
        if to not in ("guardian", "child"):
            raise NotAllowed(f"unknown family member {to!r}")
        member = members.get(to)
    else:
        # Whoever spoke last in the case's triggers; else the child, else the guardian.
        message_ids = [t.message_id for t in case.triggers if t.message_id is not None]
        member = None
        if message_ids:
            member_id = session.scalar(
                select(Message.member_id).where(Message.id == max(message_ids))
            )
            member = next((m for m in members.values() if m.id == member_id), None)
        if member is None or member.chat_id is None:
            member = next(
                (
                    members[r]
                    for r in ("child", "guardian")
                    if r in members and members[r].chat_id is not None
                ),
                None,
            )
    if member is None or member.chat_id is None:
        raise NoRecipient("that family member has not joined the bot")
    return member


def message_family(
    session: Session,
    actor: Actor,
    case_id: int,
    text: str,
    *,
    to: str | None = None,
    now: datetime | None = None,
) -> Message:
    """Write to the family through the bot, as their counsellor; the reply joins the case.

    `to`: "child" or "guardian"; by default whoever spoke in the case's latest message.
    Stores an outgoing `Message` (kind `counsellor`) linked to the case and enqueues it.
    """
    text = text.strip()
    if not text:
        raise NotAllowed("a message needs some text")
    if len(text) > MAX_FAMILY_MESSAGE_CHARS:
        raise NotAllowed(f"a message may have at most {MAX_FAMILY_MESSAGE_CHARS} characters")
    now = now or utcnow()
    with unit_of_work(session):
        case = _load(session, actor, case_id, lock=True)
        _require_active(case)
        _require_owner_or_supervisor(case, actor)
        member = _recipient(session, case, to)
        assert member.chat_id is not None
        message = Message(
            **outgoing_values(
                family_id=case.family_id,
                member_id=member.id,
                sender="officer",
                kind="counsellor",
                text=text,
                lang=member.language,
                officer_id=actor.officer_id,
                case_id=case.id,
                created_at=now,
            )
        )
        session.add(message)
        session.flush()
        session.add(
            OutboxMessage(
                dedupe_key=f"counsellor:{message.id}",
                chat_id=member.chat_id,
                text=catalogue_text("counsellor_message", member.language, text=text),
                kind="counsellor",
                family_id=case.family_id,
                due_at=now,
            )
        )
        audit.record(
            session,
            actor,
            "message_family",
            at=now,
            case_id=case.id,
            family_id=case.family_id,
            detail={"message_id": message.id, "to": member.role},
        )
        return message


def officer_by_telegram_user(session: Session, telegram_user_id: int) -> Officer | None:
    """The active officer registered with this Telegram account, if any."""
    with unit_of_work(session):
        return session.scalar(
            select(Officer).where(
                Officer.telegram_user_id == telegram_user_id, Officer.active.is_(True)
            )
        )


def officers_of_district(session: Session, district_id: int) -> Sequence[Officer]:
    with unit_of_work(session):
        query = (
            select(Officer)
            .where(Officer.district_id == district_id, Officer.active.is_(True))
            .order_by(Officer.id)
        )
        return list(session.scalars(query))
