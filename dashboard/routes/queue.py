"""The queue: cases by priority with filters, refreshing itself."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from dashboard.deps import Config, Db, Officer, actor_for
from dashboard.queue_view import QueueFilters, queue_page
from dashboard.rendering import pages
from escalation import SEVERITIES, STATUSES
from models import utcnow

router = APIRouter()
# Short notices after an action, named in the redirect's query (never free text).
NOTICES = {
    "claimed": "notice.claimed",
    "released": "notice.released",
    "already_claimed": "notice.already_claimed",
    "not_allowed": "notice.not_allowed",
    "password_changed": "notice.password_changed",
}


def _filters(
    status: str | None = None,
    severity: str | None = None,
    mine: str | None = None,
    page: int = 1,
) -> QueueFilters:
    """The queue's filters from the query string; unknown values mean "no filter"."""
    return QueueFilters(
        status=status if status in (*STATUSES, "all") else None,
        severity=severity if severity in SEVERITIES else None,
        mine=mine in ("1", "true", "on"),
        page=max(page, 1),
    )


Filters = Annotated[QueueFilters, Depends(_filters)]


@router.get("/queue", response_class=HTMLResponse)
def queue(
    request: Request,
    db: Db,
    config: Config,
    officer: Officer,
    filters: Filters,
    notice: str | None = None,
) -> HTMLResponse:
    result = queue_page(
        db, actor_for(request, officer), filters, config.queue_page_size, utcnow().date()
    )
    flash = NOTICES.get(notice or "")
    return pages(request).render(
        request,
        "queue.html",
        officer,
        section="queue",
        filters=filters,
        queue=result,
        flash=flash,
        flash_kind="warning" if notice in ("already_claimed", "not_allowed") else "info",
        statuses=STATUSES,
        severities=SEVERITIES,
    )


@router.get("/queue/rows", response_class=HTMLResponse)
def queue_rows(
    request: Request,
    db: Db,
    config: Config,
    officer: Officer,
    filters: Filters,
) -> HTMLResponse:
    """Only the table body, for the page's periodic refresh."""
    result = queue_page(
        db, actor_for(request, officer), filters, config.queue_page_size, utcnow().date()
    )
    response = pages(request).render(
        request, "_queue_rows.html", officer, filters=filters, queue=result
    )
    response.headers["X-Queue-Total"] = str(result.total)
    return response
