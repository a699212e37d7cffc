"""Officer accounts: list, create, deactivate, reactivate, reset a password (supervisors+)."""

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dashboard import officer_admin
from dashboard.accounts import OfficerExists, UnknownDistrict
from dashboard.deps import CheckedSupervisor, Db, Supervisor
from dashboard.families import districts_for
from dashboard.rendering import pages

router = APIRouter()
log = logging.getLogger(__name__)
NOTICES = {"deactivated": "officers.notice.deactivated", "activated": "officers.notice.activated"}


def _list_page(
    request: Request,
    db: Db,
    manager: Supervisor,
    *,
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return pages(request).render(
        request,
        "officers.html",
        manager,
        status_code=status_code,
        section="officers",
        rows=officer_admin.list_officers(db, manager),
        roles=officer_admin.roles_for(manager),
        districts=districts_for(db, manager),
        error=error,
        flash=NOTICES.get(notice or ""),
    )


def _password_page(
    request: Request, manager: Supervisor, username: str, password: str, created: bool
) -> HTMLResponse:
    response = pages(request).render(
        request,
        "officer_password.html",
        manager,
        section="officers",
        username=username,
        password=password,
        created=created,
    )
    response.headers["Cache-Control"] = "no-store"  # a password on the page: keep no copy
    return response


@router.get("/officers", response_class=HTMLResponse)
def officers(request: Request, db: Db, manager: Supervisor, notice: str | None = None) -> Response:
    return _list_page(request, db, manager, notice=notice)


@router.post("/officers")
def add(
    request: Request,
    db: Db,
    manager: CheckedSupervisor,
    username: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "officer",
    district_id: Annotated[int | None, Form()] = None,
) -> Response:
    try:
        password = officer_admin.add_officer(
            db,
            manager,
            username=username,
            display_name=display_name,
            role=role,
            district_id=district_id,
        )
    except OfficerExists:
        return _list_page(request, db, manager, error="officers.error.exists", status_code=409)
    except (officer_admin.NotAllowed, UnknownDistrict, ValueError):
        return _list_page(request, db, manager, error="officers.error.invalid", status_code=422)
    log.info("officer %s created an account (role %s)", manager.id, role)
    return _password_page(request, manager, username.strip().lower(), password, created=True)


@router.post("/officers/{officer_id}/deactivate")
def deactivate(db: Db, manager: CheckedSupervisor, officer_id: int) -> Response:
    officer_admin.set_active(db, manager, officer_id, active=False)
    log.info("officer %s deactivated account %s", manager.id, officer_id)
    return RedirectResponse("/officers?notice=deactivated", status_code=303)


@router.post("/officers/{officer_id}/activate")
def activate(db: Db, manager: CheckedSupervisor, officer_id: int) -> Response:
    officer_admin.set_active(db, manager, officer_id, active=True)
    log.info("officer %s reactivated account %s", manager.id, officer_id)
    return RedirectResponse("/officers?notice=activated", status_code=303)


@router.post("/officers/{officer_id}/password", response_class=HTMLResponse)
def reset(request: Request, db: Db, manager: CheckedSupervisor, officer_id: int) -> Response:
    username, password = officer_admin.reset_password(db, manager, officer_id)
    log.info("officer %s reset the password of account %s", manager.id, officer_id)
    return _password_page(request, manager, username, password, created=False)
