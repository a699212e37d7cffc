"""Officer accounts in the browser: supervisors manage their district's officers, admins all.

Passwords are never chosen or seen by the manager: a new account and a reset get a one-time
password shown once, and its holder must change it at the first login.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dashboard.accounts import ROLES, SignedInOfficer, create_officer
from dashboard.errors import NotFound
from dashboard.passwords import hash_password, new_password
from dashboard.scope import in_district
from models import District, Officer, OfficerSession


class NotAllowed(ValueError):
    """The manager may not give this role or this district."""


@dataclass(frozen=True)
class OfficerRow:
    id: int
    username: str
    display_name: str
    role: str
    district_name: str
    active: bool
    created_at: datetime


def roles_for(manager: SignedInOfficer) -> tuple[str, ...]:
    """Supervisors create officers and supervisors of their own district; admins any role."""
    return ROLES if manager.is_admin else ("officer", "supervisor")


def list_officers(session: Session, manager: SignedInOfficer) -> list[OfficerRow]:
    with session.begin():
        query = in_district(
            select(Officer, District.name).outerjoin(District, Officer.district_id == District.id),
            manager,
            Officer.district_id,
        ).order_by(Officer.active.desc(), Officer.username)
        return [
            OfficerRow(o.id, o.username, o.display_name, o.role, name or "", o.active, o.created_at)
            for o, name in session.execute(query)
        ]


def add_officer(
    session: Session,
    manager: SignedInOfficer,
    *,
    username: str,
    display_name: str,
    role: str,
    district_id: int | None,
) -> str:
    """Create the account; returns its one-time password. Raises NotAllowed, ValueError,
    OfficerExists or UnknownDistrict (the accounts module's errors)."""
    if role not in roles_for(manager):
        raise NotAllowed(role)
    if not manager.is_admin:
        district_id = manager.district_id  # a supervisor's officers join their district
    code = None
    if district_id is not None:
        with session.begin():
            code = session.scalar(select(District.code).where(District.id == district_id))
        if code is None:
            raise NotAllowed("district")
    password = new_password()
    create_officer(session, username, role, code, password, display_name=display_name.strip()[:100])
    return password


def _managed(session: Session, manager: SignedInOfficer, officer_id: int) -> Officer:
    """The account, or NotFound when it is another district's, an admin's for a supervisor,
    or the manager's own (nobody deactivates or resets themselves here)."""
    officer = session.get(Officer, officer_id)
    if officer is None or officer.id == manager.id:
        raise NotFound()
    if not manager.is_admin and (
        officer.district_id != manager.district_id or officer.role == "admin"
    ):
        raise NotFound()
    return officer


def _sign_out_everywhere(session: Session, officer_id: int) -> None:
    session.execute(delete(OfficerSession).where(OfficerSession.officer_id == officer_id))


def set_active(session: Session, manager: SignedInOfficer, officer_id: int, active: bool) -> str:
    """Deactivate (and sign out everywhere) or reactivate; returns the username."""
    with session.begin():
        officer = _managed(session, manager, officer_id)
        officer.active = active
        if not active:
            _sign_out_everywhere(session, officer.id)
        return officer.username


def reset_password(session: Session, manager: SignedInOfficer, officer_id: int) -> tuple[str, str]:
    """A new one-time password (signs the officer out everywhere); returns (username, password)."""
    password = new_password()
    with session.begin():
        officer = _managed(session, manager, officer_id)
        officer.password_hash = hash_password(password)
        officer.must_change_password = True
        _sign_out_everywhere(session, officer.id)
        return officer.username, password
