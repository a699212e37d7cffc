"""Officer accounts: creation, login with throttling, and dashboard sessions stored by hash."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from dashboard.passwords import (
    hash_password,
    needs_rehash,
    new_password,
    new_token,
    token_hash,
    verify_password,
)
from models import District, LoginAttempt, Officer, OfficerSession, utcnow

ROLES = ("officer", "supervisor", "admin")
MIN_PASSWORD_LENGTH = 10


class InvalidCredentials(Exception):
    """Unknown username, wrong password or an inactive account (never said which)."""


class LoginThrottled(Exception):
    """Too many failed logins for this username or from this address; try again later."""


class WeakPassword(Exception):
    """A new password shorter than MIN_PASSWORD_LENGTH or the same as the old one."""


class UnknownDistrict(Exception):
    """No district has this code."""


class OfficerExists(Exception):
    """An officer with this username already exists."""


@dataclass(frozen=True)
class ThrottlePolicy:
    window: timedelta = timedelta(minutes=15)
    max_failures_per_username: int = 5
    max_failures_per_ip: int = 20


@dataclass(frozen=True)
class SignedInOfficer:
    """Who is asking, as the request handlers see it (a plain value, not an ORM row)."""

    id: int
    username: str
    display_name: str
    role: str
    district_id: int | None
    district_name: str
    language: str
    csrf_token: str
    session_id: int
    must_change_password: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_supervisor(self) -> bool:
        return self.role in ("supervisor", "admin")


def _failures_since(session: Session, column: object, value: str, since: datetime) -> int:
    query = select(func.count(LoginAttempt.id)).where(
        column == value,  # type: ignore[operator]
        LoginAttempt.success.is_(False),
        LoginAttempt.at >= since,
    )
    return int(session.scalar(query) or 0)


def authenticate(
    session: Session,
    username: str,
    password: str,
    ip: str,
    policy: ThrottlePolicy,
    now: datetime | None = None,
) -> Officer:
    """Check a password, recording the attempt; raises LoginThrottled or InvalidCredentials.

    Runs inside one transaction of its own, so a failed attempt is recorded even when
    the caller turns the exception into a page.
    """
    now = now or utcnow()
    username = username.strip().lower()[:64]
    with session.begin():
        since = now - policy.window
        throttled = (
            _failures_since(session, LoginAttempt.username, username, since)
            >= policy.max_failures_per_username
            or _failures_since(session, LoginAttempt.ip, ip, since) >= policy.max_failures_per_ip
        )
        officer = None
        if not throttled:
            officer = session.scalar(select(Officer).where(Officer.username == username))
            ok = verify_password(officer.password_hash if officer else None, password)
            if not ok or officer is None or not officer.active:
                officer = None
        session.add(
            LoginAttempt(username=username, ip=ip[:64], success=officer is not None, at=now)
        )
        if officer is not None and officer.password_hash and needs_rehash(officer.password_hash):
            officer.password_hash = hash_password(password)
    # Raised after the commit: the failed attempt must count.
    if throttled:
        raise LoginThrottled(username)
    if officer is None:
        raise InvalidCredentials(username)
    return officer


def open_session(
    session: Session, officer_id: int, ip: str, ttl: timedelta, now: datetime | None = None
) -> str:
    """Start a dashboard session and return the cookie's token (only its hash is stored)."""
    now = now or utcnow()
    token = new_token()
    with session.begin():
        session.add(
            OfficerSession(
                token_hash=token_hash(token),
                officer_id=officer_id,
                csrf_token=new_token(),
                created_at=now,
                expires_at=now + ttl,
                ip=ip[:64],
            )
        )
        # Expired sessions are useless; sweeping them here keeps the table small.
        session.execute(delete(OfficerSession).where(OfficerSession.expires_at < now))
    return token


def find_session(
    session: Session, token: str, now: datetime | None = None
) -> SignedInOfficer | None:
    """The officer a session cookie belongs to, or None when unknown, expired or inactive."""
    now = now or utcnow()
    with session.begin():
        row = session.execute(
            select(OfficerSession, Officer, District.name)
            .join(Officer, Officer.id == OfficerSession.officer_id)
            .outerjoin(District, District.id == Officer.district_id)
            .where(OfficerSession.token_hash == token_hash(token))
        ).first()
        if row is None:
            return None
        officer_session, officer, district_name = row
        if officer_session.expires_at <= now or not officer.active:
            return None
        return SignedInOfficer(
            id=officer.id,
            username=officer.username,
            display_name=officer.display_name or officer.username,
            role=officer.role,
            district_id=officer.district_id,
            district_name=district_name or "",
            language=officer.language,
            csrf_token=officer_session.csrf_token,
            session_id=officer_session.id,
            must_change_password=officer.must_change_password,
        )


def close_session(session: Session, token: str) -> None:
    with session.begin():
        session.execute(
            delete(OfficerSession).where(OfficerSession.token_hash == token_hash(token))
        )


def change_password(
    session: Session, officer_id: int, session_id: int, current: str, new: str
) -> None:
    """Set a new password after checking the current one; other sessions are signed out."""
    if len(new) < MIN_PASSWORD_LENGTH or new == current:
        raise WeakPassword()
    with session.begin():
        officer = session.get(Officer, officer_id)
        if officer is None or not verify_password(officer.password_hash, current):
            raise InvalidCredentials(str(officer_id))
        officer.password_hash = hash_password(new)
        officer.must_change_password = False
        session.execute(
            delete(OfficerSession).where(
                OfficerSession.officer_id == officer_id, OfficerSession.id != session_id
            )
        )


def set_language(session: Session, officer_id: int, language: str) -> None:
    with session.begin():
        officer = session.get(Officer, officer_id)
        if officer is not None:
            officer.language = language


def create_officer(
    session: Session,
    username: str,
    role: str,
    district_code: str | None,
    password: str,
    telegram_user_id: int | None = None,
    display_name: str = "",
    must_change_password: bool = True,
) -> Officer:
    """Create an officer account; raises UnknownDistrict, OfficerExists or ValueError."""
    username = username.strip().lower()
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not username or len(username) > 64:
        raise ValueError("username must be 1 to 64 characters")
    if role != "admin" and not district_code:
        raise ValueError("officers and supervisors belong to a district")
    with session.begin():
        district_id = None
        if district_code:
            district_id = session.scalar(select(District.id).where(District.code == district_code))
            if district_id is None:
                raise UnknownDistrict(district_code)
        if session.scalar(select(Officer.id).where(Officer.username == username)) is not None:
            raise OfficerExists(username)
        officer = Officer(
            username=username,
            display_name=display_name,
            role=role,
            district_id=district_id,
            password_hash=hash_password(password),
            must_change_password=must_change_password,
            telegram_user_id=telegram_user_id,
        )
        session.add(officer)
    return officer


def ensure_first_admin(session_factory: sessionmaker[Session]) -> str | None:
    """Create `admin` with a random password when no officer exists; return that password."""
    with session_factory() as session:
        with session.begin():
            if session.scalar(select(func.count(Officer.id))):
                return None
        password = new_password()
        try:
            create_officer(session, "admin", "admin", None, password)
        except OfficerExists:  # another process made it first
            return None
        return password
