"""Enrolment services: register a family with invites, consent, erase a member's data, export."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from models.case import AuditEntry, Case, CaseTrigger
from models.checkin import Answer, ConversationState, MoodCheckin, QuestionnaireResponse
from models.family import District, Family, Invite, Member
from models.message import Message, MessageAnalysis
from models.outbox import OutboxMessage, Reminder

ROLES = ("guardian", "child")
MIN_CHILD_AGE, MAX_CHILD_AGE = 3, 18


class EnrolmentError(Exception):
    """Base of the enrolment domain errors."""


class DistrictNotFound(EnrolmentError):
    pass


class InvalidFamily(EnrolmentError):
    pass


class InviteNotFound(EnrolmentError):
    pass


class InviteExpired(EnrolmentError):
    pass


class InviteUsed(EnrolmentError):
    pass


class GuardianConsentMissing(EnrolmentError):
    """A child's invite works only after the guardian has consented."""


class AlreadyEnrolled(EnrolmentError):
    """This Telegram account already belongs to a member."""


@dataclass(frozen=True)
class EnrolledFamily:
    family: Family
    guardian_invite: Invite
    child_invite: Invite


def invite_link(bot_username: str, code: str) -> str:
    """The Telegram deep link that opens the bot and sends `/start <code>`."""
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


def add_district(session: Session, code: str, name: str = "") -> District:
    district = session.scalar(select(District).where(District.code == code))
    if district is None:
        district = District(code=code, name=name or code)
        session.add(district)
        session.flush()
    return district


def enrol_family(
    session: Session,
    *,
    district_code: str,
    child_alias: str,
    child_age: int,
    now: datetime,
    invite_ttl: timedelta,
    created_by: str = "cli",
) -> EnrolledFamily:
    """Register a family and issue two single-use invites (guardian, child) expiring after ttl."""
    district = session.scalar(select(District).where(District.code == district_code))
    if district is None:
        raise DistrictNotFound(district_code)
    alias = child_alias.strip()
    if not alias or len(alias) > 100:
        raise InvalidFamily("the child's alias must be 1-100 characters")
    if not MIN_CHILD_AGE <= child_age <= MAX_CHILD_AGE:
        raise InvalidFamily(f"the child's age must be {MIN_CHILD_AGE}-{MAX_CHILD_AGE}")
    family = Family(
        district_id=district.id,
        child_alias=alias,
        child_age_years=child_age,
        child_age_on=now.date(),
        created_at=now,
        created_by=created_by,
    )
    session.add(family)
    session.flush()
    invites = [_new_invite(session, family, role, now, invite_ttl) for role in ROLES]
    session.add(
        AuditEntry(
            at=now,
            actor=created_by,
            action="family.enrol",
            source=created_by.split(":")[0],
            family_id=family.id,
            detail={"district": district.code},
        )
    )
    session.flush()
    return EnrolledFamily(family=family, guardian_invite=invites[0], child_invite=invites[1])


def reissue_invite(
    session: Session, family: Family, role: str, now: datetime, invite_ttl: timedelta
) -> Invite:
    """A fresh invite for a role (e.g. the first one expired); older unused ones stop working."""
    session.execute(
        update(Invite)
        .where(Invite.family_id == family.id, Invite.role == role, Invite.used_at.is_(None))
        .values(expires_at=now)
    )
    return _new_invite(session, family, role, now, invite_ttl)


def _new_invite(
    session: Session, family: Family, role: str, now: datetime, ttl: timedelta
) -> Invite:
    # 12 random bytes: 16 URL-safe characters, well inside Telegram's 64-character start limit.
    invite = Invite(
        code=secrets.token_urlsafe(12),
        family_id=family.id,
        role=role,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(invite)
    session.flush()
    return invite


def redeem_invite(
    session: Session,
    code: str,
    *,
    telegram_user_id: int,
    chat_id: int,
    language: str,
    now: datetime,
) -> Member:
    """Bind a Telegram account to the invited role; consent is asked next (status pending)."""
    invite = session.scalar(select(Invite).where(Invite.code == code).with_for_update())
    if invite is None:
        raise InviteNotFound(code)
    existing = member_by_telegram_user(session, telegram_user_id)
    if invite.used_at is not None:
        if existing is not None and existing.id == invite.used_by_member_id:
            return existing  # the same person tapping the link again
        raise InviteUsed(code)
    if invite.expires_at <= now:
        raise InviteExpired(code)
    if existing is not None:
        raise AlreadyEnrolled(str(existing.id))
    if invite.role == "child":
        guardian = session.scalar(
            select(Member).where(Member.family_id == invite.family_id, Member.role == "guardian")
        )
        if guardian is None or guardian.consent != "given":
            raise GuardianConsentMissing(code)
    member = session.scalar(
        select(Member).where(Member.family_id == invite.family_id, Member.role == invite.role)
    )
    if member is None:
        member = Member(family_id=invite.family_id, role=invite.role, created_at=now)
        session.add(member)
    member.telegram_user_id = telegram_user_id
    member.chat_id = chat_id
    member.language = language
    member.consent = "pending"
    member.consent_at = None
    member.stopped = False
    member.paused = False
    session.flush()
    invite.used_at = now
    invite.used_by_member_id = member.id
    session.flush()
    return member


def member_by_telegram_user(session: Session, telegram_user_id: int) -> Member | None:
    return session.scalar(select(Member).where(Member.telegram_user_id == telegram_user_id))


def give_consent(session: Session, member: Member, now: datetime) -> Member:
    member.consent = "given"
    member.consent_at = now
    member.joined_at = member.joined_at or now
    _audit(session, member, "member.consent", now)
    session.flush()
    return member


def decline_consent(session: Session, member: Member, now: datetime) -> Member:
    """Store the refusal only: the Telegram account is unbound, nothing else is kept."""
    member.consent = "declined"
    member.consent_at = now
    member.telegram_user_id = None
    member.chat_id = None
    _audit(session, member, "member.decline", now)
    session.flush()
    return member


@dataclass(frozen=True)
class DeletionReport:
    messages_deleted: int
    messages_kept_for_open_case: int
    messages_redacted: int
    responses_deleted: int
    responses_kept_for_open_case: int
    mood_checkins_deleted: int


def delete_member_data(session: Session, member: Member, now: datetime) -> DeletionReport:
    """Erase a member's messages, answers and check-ins, and end their participation.

    Kept: what an open (not yet resolved) case points to, because officers must be able to
    act on a disclosure; it is erased by a later request once the case is resolved. Messages
    that only resolved cases point to keep their row (the audit trail refers to it) with the
    text erased.
    """
    open_case_ids = select(Case.id).where(
        Case.family_id == member.family_id, Case.status != "resolved"
    )
    open_trigger_messages = select(CaseTrigger.message_id).where(
        CaseTrigger.case_id.in_(open_case_ids), CaseTrigger.message_id.is_not(None)
    )
    open_trigger_responses = select(CaseTrigger.response_id).where(
        CaseTrigger.case_id.in_(open_case_ids), CaseTrigger.response_id.is_not(None)
    )
    any_trigger_messages = select(CaseTrigger.message_id).where(CaseTrigger.message_id.is_not(None))
    mine = select(Message.id).where(Message.member_id == member.id)
    kept_ids = set(
        session.scalars(
            mine.where(
                (Message.id.in_(open_trigger_messages)) | (Message.case_id.in_(open_case_ids))
            )
        )
    )
    referenced = set(session.scalars(mine.where(Message.id.in_(any_trigger_messages))))
    redact_ids = referenced - kept_ids
    all_ids = set(session.scalars(mine))
    delete_ids = all_ids - kept_ids - redact_ids

    moods = session.execute(
        delete(MoodCheckin)
        .where(MoodCheckin.member_id == member.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if redact_ids | delete_ids:
        session.execute(
            delete(MessageAnalysis)
            .where(MessageAnalysis.message_id.in_(redact_ids | delete_ids))
            .execution_options(synchronize_session=False)
        )
    if redact_ids:
        session.execute(
            update(Message)
            .where(Message.id.in_(redact_ids))
            .values(text="")
            .execution_options(synchronize_session=False)
        )
    if delete_ids:
        session.execute(
            delete(Message)
            .where(Message.id.in_(delete_ids))
            .execution_options(synchronize_session=False)
        )
    kept_responses = set(session.scalars(open_trigger_responses))
    response_ids = set(
        session.scalars(
            select(QuestionnaireResponse.id).where(QuestionnaireResponse.member_id == member.id)
        )
    )
    kept_mine = response_ids & kept_responses
    other_triggers = set(
        session.scalars(select(CaseTrigger.response_id).where(CaseTrigger.response_id.is_not(None)))
    )
    erase = response_ids - kept_mine
    # Responses only resolved cases point to keep their row (scores) but lose every answer.
    drop = erase - other_triggers
    if erase:
        session.execute(
            delete(Answer)
            .where(Answer.response_id.in_(erase))
            .execution_options(synchronize_session=False)
        )
    if drop:
        session.execute(
            delete(QuestionnaireResponse)
            .where(QuestionnaireResponse.id.in_(drop))
            .execution_options(synchronize_session=False)
        )
    session.execute(
        delete(Reminder)
        .where(Reminder.member_id == member.id)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(ConversationState)
        .where(ConversationState.member_id == member.id)
        .execution_options(synchronize_session=False)
    )
    if member.chat_id is not None:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id == member.chat_id, OutboxMessage.status == "pending")
            .values(status="failed", last_error="member data deleted")
            .execution_options(synchronize_session=False)
        )
    report = DeletionReport(
        messages_deleted=len(delete_ids),
        messages_kept_for_open_case=len(kept_ids),
        messages_redacted=len(redact_ids),
        responses_deleted=len(erase),
        responses_kept_for_open_case=len(kept_mine),
        mood_checkins_deleted=moods or 0,
    )
    member.telegram_user_id = None
    member.chat_id = None
    member.consent = "withdrawn"
    member.consent_at = now
    member.stopped = True
    _audit(session, member, "member.delete_data", now, detail=report.__dict__)
    session.flush()
    session.expire_all()
    return report


def export_family(session: Session, family_id: int) -> dict[str, Any]:
    """Everything held about a family as plain JSON-ready data (for a subject access request)."""
    family = session.get(Family, family_id)
    if family is None:
        raise InvalidFamily(f"no family {family_id}")
    members = list(session.scalars(select(Member).where(Member.family_id == family_id)))
    responses = session.scalars(
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.family_id == family_id)
        .order_by(QuestionnaireResponse.week, QuestionnaireResponse.id)
    )
    moods = session.scalars(
        select(MoodCheckin).where(MoodCheckin.family_id == family_id).order_by(MoodCheckin.id)
    )
    messages = session.scalars(
        select(Message).where(Message.family_id == family_id).order_by(Message.id)
    )
    return {
        "family": {
            "id": family.id,
            "district": family.district.code,
            "child_alias": family.child_alias,
            "child_age": family.child_age(date.today()),
            "status": family.status,
            "created_at": family.created_at.isoformat(),
        },
        "members": [
            {
                "id": m.id,
                "role": m.role,
                "language": m.language,
                "consent": m.consent,
                "paused": m.paused,
                "stopped": m.stopped,
                "joined_at": m.joined_at.isoformat() if m.joined_at else None,
            }
            for m in members
        ],
        "questionnaires": [
            {
                "id": r.id,
                "member_id": r.member_id,
                "instrument": r.instrument_id,
                "week": r.week,
                "status": r.status,
                "total": r.total_score,
                "band": r.band,
                "subscales": r.subscale_scores,
                "answers": [
                    {"item": a.item_id, "value": a.value, "text": a.text} for a in r.answers
                ],
            }
            for r in responses
        ],
        "mood_checkins": [
            {
                "id": c.id,
                "member_id": c.member_id,
                "mood": c.mood,
                "week": c.week,
                "created_at": c.created_at.isoformat(),
            }
            for c in moods
        ],
        "messages": [
            {
                "id": m.id,
                "member_id": m.member_id,
                "direction": m.direction,
                "sender": m.sender,
                "kind": m.kind,
                "text": m.text,
                "created_at": m.created_at.isoformat(),
            }
            for m in messages
        ],
    }


def _audit(
    session: Session,
    member: Member,
    action: str,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            at=now,
            actor=f"member:{member.id}",
            action=action,
            source="bot",
            family_id=member.family_id,
            detail={"role": member.role, **(detail or {})},
        )
    )
