"""Families: enrolment with invite links and QR codes, consent status, pause, export, delete."""

import json
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dashboard import family_actions
from dashboard.deps import CheckedOfficer, CheckedSupervisor, Config, Db, Officer, actor_for
from dashboard.families import districts_for, family_page, list_families
from dashboard.rendering import pages
from models.enrolment import MAX_CHILD_AGE, MIN_CHILD_AGE, InvalidFamily

router = APIRouter()
PAGE_SIZE = 50
NOTICES = {
    "enrolled": "notice.enrolled",
    "paused": "notice.paused",
    "resumed": "notice.resumed",
    "invited": "notice.invited",
    "deleted": "notice.deleted",
}


@router.get("/families", response_class=HTMLResponse)
def families(
    request: Request,
    db: Db,
    officer: Officer,
    search: str = "",
    page: int = 1,
    notice: str | None = None,
) -> HTMLResponse:
    page = max(page, 1)
    rows, total = list_families(
        db, officer, search=search, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    return pages(request).render(
        request,
        "families.html",
        officer,
        section="families",
        rows=rows,
        total=total,
        search=search,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        flash=NOTICES.get(notice or ""),
    )


@router.get("/families/new", response_class=HTMLResponse)
def new_family(request: Request, db: Db, officer: Officer) -> HTMLResponse:
    return _enrol_form(request, db, officer)


def _enrol_form(
    request: Request, db: Db, officer: Officer, error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    return pages(request).render(
        request,
        "family_new.html",
        officer,
        status_code=status_code,
        section="families",
        districts=districts_for(db, officer),
        min_age=MIN_CHILD_AGE,
        max_age=MAX_CHILD_AGE,
        error=error,
    )


@router.post("/families")
def enrol(
    request: Request,
    db: Db,
    config: Config,
    officer: CheckedOfficer,
    child_alias: Annotated[str, Form()] = "",
    child_age: Annotated[int, Form()] = 0,
    district_id: Annotated[int | None, Form()] = None,
) -> Response:
    try:
        family_id = family_actions.enrol(
            db,
            officer,
            actor_for(request, officer),
            district_id=district_id,
            child_alias=child_alias,
            child_age=child_age,
            invite_ttl=timedelta(hours=config.invite_ttl_hours),
        )
    except InvalidFamily:
        return _enrol_form(request, db, officer, "family.invalid", 422)
    return RedirectResponse(f"/families/{family_id}?notice=enrolled", status_code=303)


@router.get("/families/{family_id}", response_class=HTMLResponse)
def family(
    request: Request,
    db: Db,
    config: Config,
    officer: Officer,
    family_id: int,
    notice: str | None = None,
) -> HTMLResponse:
    page = family_page(db, officer, family_id, config.bot_username)
    return pages(request).render(
        request,
        "family.html",
        officer,
        section="families",
        page=page,
        flash=NOTICES.get(notice or ""),
    )


@router.post("/families/{family_id}/pause")
def pause(request: Request, db: Db, officer: CheckedOfficer, family_id: int) -> Response:
    family_actions.set_paused(db, officer, actor_for(request, officer), family_id, True)
    return RedirectResponse(f"/families/{family_id}?notice=paused", status_code=303)


@router.post("/families/{family_id}/resume")
def resume(request: Request, db: Db, officer: CheckedOfficer, family_id: int) -> Response:
    family_actions.set_paused(db, officer, actor_for(request, officer), family_id, False)
    return RedirectResponse(f"/families/{family_id}?notice=resumed", status_code=303)


@router.post("/families/{family_id}/invites")
def invite(
    request: Request,
    db: Db,
    config: Config,
    officer: CheckedOfficer,
    family_id: int,
    role: Annotated[str, Form()] = "",
) -> Response:
    family_actions.new_invite(
        db,
        officer,
        actor_for(request, officer),
        family_id,
        role,
        timedelta(hours=config.invite_ttl_hours),
    )
    return RedirectResponse(f"/families/{family_id}?notice=invited", status_code=303)


@router.get("/families/{family_id}/export")
def export(request: Request, db: Db, officer: Officer, family_id: int) -> Response:
    data = family_actions.export(db, officer, actor_for(request, officer), family_id)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="maeum-family-{family_id}.json"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/families/{family_id}/delete")
def delete(
    request: Request,
    db: Db,
    officer: CheckedSupervisor,
    family_id: int,
    confirm: Annotated[str, Form()] = "",
) -> Response:
    if confirm != "delete":
        return RedirectResponse(f"/families/{family_id}", status_code=303)
    family_actions.delete(db, officer, actor_for(request, officer), family_id)
    return RedirectResponse("/families?notice=deleted", status_code=303)
