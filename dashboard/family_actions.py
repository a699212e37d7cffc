"""What officers do to a family from the dashboard: enrol, pause, export, delete; all audited."""

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.accounts import SignedInOfficer
from dashboard.errors import NotFound
from dashboard.scope import family_in_scope
from escalation import Actor, record_audit
from models import District, Member, utcnow
from models.enrolment import delete_member_data, enrol_family, export_family, reissue_invite


def enrol(
    session: Session,
    officer: SignedInOfficer,
    actor: Actor,
    *,
    district_id: int | None,
    child_alias: str,
    child_age: int,
    invite_ttl: timedelta,
) -> int:
    """Enrol a family in the officer's district (admins choose one); returns its id.

    Raises the enrolment room's `InvalidFamily` for a bad alias or age, NotFound for a
    district the officer may not use.
    """
    if not officer.is_admin:
        district_id = officer.district_id
    with session.begin():
        district = session.get(District, district_id) if district_id is not None else None
        if district is None:
            raise NotFound()
        enrolled = enrol_family(
            session,
            district_code=district.code,
            child_alias=child_alias,
            child_age=child_age,
            now=utcnow(),
            invite_ttl=invite_ttl,
            created_by=actor.label(),
        )
        return enrolled.family.id


def set_paused(
    session: Session, officer: SignedInOfficer, actor: Actor, family_id: int, paused: bool
) -> None:
    """Pause (or resume) every check-in and reminder for the family."""
    with session.begin():
        family = family_in_scope(session, officer, family_id)
        for member in session.scalars(select(Member).where(Member.family_id == family.id)):
            member.paused = paused
        if family.status in ("active", "paused"):
            family.status = "paused" if paused else "active"
        record_audit(
            session,
            actor,
            "family.pause" if paused else "family.resume",
            at=utcnow(),
            family_id=family.id,
        )


def export(
    session: Session, officer: SignedInOfficer, actor: Actor, family_id: int
) -> dict[str, Any]:
    """Everything held about the family, as JSON-ready data; the export itself is audited."""
    with session.begin():
        family = family_in_scope(session, officer, family_id)
        data = export_family(session, family.id)
        record_audit(session, actor, "family.export", at=utcnow(), family_id=family.id)
        return data


def delete(session: Session, officer: SignedInOfficer, actor: Actor, family_id: int) -> None:
    """Erase the family's members' data (what open cases need is kept) and retire the family."""
    with session.begin():
        family = family_in_scope(session, officer, family_id)
        now = utcnow()
        members = list(session.scalars(select(Member).where(Member.family_id == family.id)))
        for member in members:
            delete_member_data(session, member, now)
        family = family_in_scope(session, officer, family_id)
        family.status = "deleted"
        record_audit(session, actor, "family.delete", at=now, family_id=family.id)


def new_invite(
    session: Session,
    officer: SignedInOfficer,
    actor: Actor,
    family_id: int,
    role: str,
    invite_ttl: timedelta,
) -> None:
    """A fresh invite for the guardian or the child (the old unused one stops working)."""
    if role not in ("guardian", "child"):
        raise NotFound()
    with session.begin():
        family = family_in_scope(session, officer, family_id)
        reissue_invite(session, family, role, utcnow(), invite_ttl)
        record_audit(
            session, actor, "family.invite", at=utcnow(), family_id=family.id, detail={"role": role}
        )
