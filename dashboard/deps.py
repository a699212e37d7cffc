"""FastAPI dependencies: the database session, the signed-in officer, CSRF and role checks."""

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from dashboard.accounts import SignedInOfficer, find_session
from dashboard.config import DashboardConfig
from escalation import Actor

SESSION_COOKIE = "maeum_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class NotSignedIn(Exception):
    """No valid session cookie: the officer is sent to the login page."""


class CsrfFailed(Exception):
    """A form arrived without this session's CSRF token."""


class Forbidden(Exception):
    """The officer's role does not allow this page or action."""


def get_config(request: Request) -> DashboardConfig:
    config: DashboardConfig = request.app.state.config
    return config


def _factory(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


def db_session(request: Request) -> Iterator[Session]:
    """One session per request; services open their own transactions on it."""
    with _factory(request)() as session:
        yield session


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def current_officer(
    request: Request, session: Annotated[Session, Depends(db_session)]
) -> SignedInOfficer:
    """The officer of the session cookie; the lookup commits, leaving the session free for
    the route's own units of work (FastAPI hands both the same session per request)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise NotSignedIn()
    officer = find_session(session, token)
    if officer is None:
        raise NotSignedIn()
    request.state.officer = officer
    return officer


Officer = Annotated[SignedInOfficer, Depends(current_officer)]
Db = Annotated[Session, Depends(db_session)]
Config = Annotated[DashboardConfig, Depends(get_config)]


async def checked_officer(request: Request, officer: Officer) -> SignedInOfficer:
    """The signed-in officer, after checking the form's (or header's) CSRF token."""
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent, officer.csrf_token):
        raise CsrfFailed()
    return officer


CheckedOfficer = Annotated[SignedInOfficer, Depends(checked_officer)]


def supervisor(officer: Officer) -> SignedInOfficer:
    if not officer.is_supervisor:
        raise Forbidden()
    return officer


Supervisor = Annotated[SignedInOfficer, Depends(supervisor)]


async def checked_supervisor(officer: CheckedOfficer) -> SignedInOfficer:
    if not officer.is_supervisor:
        raise Forbidden()
    return officer


CheckedSupervisor = Annotated[SignedInOfficer, Depends(checked_supervisor)]


def actor_for(request: Request, officer: SignedInOfficer) -> Actor:
    """The escalation room's view of who acts, and from where (for its audit log)."""
    return Actor(officer.id, officer.role, officer.district_id, f"dashboard {client_ip(request)}")
