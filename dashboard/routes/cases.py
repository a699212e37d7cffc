"""The case page and every action on a case, through the escalation room's queue service."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from dashboard.case_view import case_page
from dashboard.deps import CheckedOfficer, Config, Db, Officer, actor_for
from dashboard.errors import NotFound
from dashboard.paths import safe_path
from dashboard.rendering import pages
from escalation import (
    OUTCOMES,
    CaseAlreadyClaimed,
    CaseNotFound,
    EscalationConfig,
    InvalidOutcome,
    NotAllowed,
    add_note,
    claim_case,
    message_family,
    reassign_case,
    release_case,
    reopen_case,
    resolve_case,
)

router = APIRouter()
NOTICES = {
    "claimed": "notice.claimed",
    "released": "notice.released",
    "noted": "notice.noted",
    "messaged": "notice.messaged",
    "resolved": "notice.resolved",
    "reassigned": "notice.reassigned",
    "reopened": "notice.reopened",
    "already_claimed": "notice.already_claimed",
    "not_allowed": "notice.not_allowed",
}
WARNINGS = ("already_claimed", "not_allowed")


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case(
    request: Request, db: Db, officer: Officer, case_id: int, notice: str | None = None
) -> HTMLResponse:
    view = pages(request)
    texts = view.texts(request, officer)
    try:
        page = case_page(
            db,
            actor_for(request, officer),
            case_id,
            language=texts.language,
            zone=view.zone,
            titles={"total": texts("case.chart_total"), "chart": texts("case.questionnaire")},
        )
    except CaseNotFound as error:
        raise NotFound() from error
    return view.render(
        request,
        "case.html",
        officer,
        section="queue",
        page=page,
        outcomes=OUTCOMES,
        flash=NOTICES.get(notice or ""),
        flash_kind="warning" if notice in WARNINGS else "info",
    )


def _act(
    request: Request,
    db: Session,
    officer: Any,
    case_id: int,
    back: str,
    done: str,
    action: Callable[..., Any],
    *args: Any,
    **kwargs: Any,
) -> Response:
    """Run one queue action and go back where the officer was, with a short notice."""
    try:
        action(db, actor_for(request, officer), case_id, *args, **kwargs)
        notice = done
    except CaseNotFound as error:
        raise NotFound() from error
    except CaseAlreadyClaimed:
        notice = "already_claimed"
    except (NotAllowed, InvalidOutcome):
        notice = "not_allowed"
    target = safe_path(back or f"/cases/{case_id}")
    separator = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{separator}notice={notice}", status_code=303)


Back = Annotated[str, Form()]


@router.post("/cases/{case_id}/claim")
def claim(
    request: Request, db: Db, officer: CheckedOfficer, case_id: int, back: Back = ""
) -> Response:
    return _act(request, db, officer, case_id, back, "claimed", claim_case)


@router.post("/cases/{case_id}/release")
def release(
    request: Request, db: Db, officer: CheckedOfficer, case_id: int, back: Back = ""
) -> Response:
    return _act(request, db, officer, case_id, back, "released", release_case)


@router.post("/cases/{case_id}/note")
def note(
    request: Request,
    db: Db,
    officer: CheckedOfficer,
    case_id: int,
    text: Annotated[str, Form()] = "",
) -> Response:
    return _act(request, db, officer, case_id, "", "noted", add_note, text)


@router.post("/cases/{case_id}/message")
def message(
    request: Request,
    db: Db,
    officer: CheckedOfficer,
    case_id: int,
    text: Annotated[str, Form()] = "",
    to: Annotated[str, Form()] = "",
) -> Response:
    return _act(request, db, officer, case_id, "", "messaged", message_family, text, to=to or None)


@router.post("/cases/{case_id}/resolve")
def resolve(
    request: Request,
    db: Db,
    officer: CheckedOfficer,
    case_id: int,
    outcome: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
) -> Response:
    return _act(
        request, db, officer, case_id, "", "resolved", resolve_case, outcome, note=text or None
    )


@router.post("/cases/{case_id}/reassign")
def reassign(
    request: Request,
    db: Db,
    officer: CheckedOfficer,
    case_id: int,
    to_officer_id: Annotated[int, Form()] = 0,
) -> Response:
    return _act(request, db, officer, case_id, "", "reassigned", reassign_case, to_officer_id)


@router.post("/cases/{case_id}/reopen")
def reopen(
    request: Request, db: Db, config: Config, officer: CheckedOfficer, case_id: int
) -> Response:
    escalation_config = EscalationConfig(
        sla_urgent_minutes=config.sla_urgent_minutes,
        sla_concern_hours=config.sla_concern_hours,
        timezone=config.timezone,
        dashboard_url=config.dashboard_url,
    )
    return _act(request, db, officer, case_id, "", "reopened", reopen_case, escalation_config)
