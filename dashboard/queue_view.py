"""The queue page's rows, read through the escalation room's queue service."""

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from escalation import Actor, count_cases, list_cases
from models import Case, District

# Child age bands shown instead of exact ages: enough for triage, less identifying.
AGE_BANDS = ((0, 2), (3, 5), (6, 8), (9, 12), (13, 15), (16, 18))


def age_band(age: int) -> tuple[int, int]:
    for low, high in AGE_BANDS:
        if age <= high:
            return low, high
    return AGE_BANDS[-1]


@dataclass(frozen=True)
class QueueFilters:
    status: str | None = None  # None: open and claimed
    severity: str | None = None
    mine: bool = False
    page: int = 1

    def query_string(self, **changes: object) -> str:
        """These filters as a URL query, with some values changed (e.g. page=2)."""
        values: dict[str, object] = {
            "status": self.status,
            "severity": self.severity,
            "mine": self.mine,
            "page": 1,
        } | changes
        params = {key: values[key] for key in ("status", "severity") if values[key]}
        if values["mine"]:
            params["mine"] = "1"
        if values["page"] != 1:
            params["page"] = values["page"]
        return urlencode(params)

    def url(self, path: str = "/queue", **changes: object) -> str:
        query = self.query_string(**changes)
        return f"{path}?{query}" if query else path


@dataclass(frozen=True)
class QueueRow:
    id: int
    severity: str
    status: str
    reason: str
    child_alias: str
    age_low: int
    age_high: int
    opened_at: datetime
    sla_due_at: datetime
    claimed_by_id: int | None
    claimed_by_name: str
    outcome: str | None
    district_name: str = ""  # shown to admins, who see every district


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    pages: int


def _row(case: Case, today: date, districts: dict[int, str]) -> QueueRow:
    low, high = age_band(case.family.child_age(today))
    owner = case.claimed_by
    return QueueRow(
        id=case.id,
        severity=case.severity,
        status=case.status,
        reason=case.reason,
        child_alias=case.family.child_alias,
        age_low=low,
        age_high=high,
        opened_at=case.opened_at,
        sla_due_at=case.sla_due_at,
        claimed_by_id=case.claimed_by_id,
        claimed_by_name=(owner.display_name or owner.username) if owner else "",
        outcome=case.outcome,
        district_name=districts.get(case.district_id, ""),
    )


def queue_page(
    session: Session, actor: Actor, filters: QueueFilters, page_size: int, today: date
) -> QueuePage:
    with session.begin():
        options = {"status": filters.status, "severity": filters.severity, "mine": filters.mine}
        total = count_cases(session, actor, **options)  # type: ignore[arg-type]
        cases = list_cases(
            session,
            actor,
            limit=page_size,
            offset=(max(filters.page, 1) - 1) * page_size,
            **options,  # type: ignore[arg-type]
        )
        districts: dict[int, str] = {}
        if actor.sees_all_districts:
            districts = dict(session.execute(select(District.id, District.name)).all())
        rows = [_row(case, today, districts) for case in cases]
    return QueuePage(rows=rows, total=total, pages=max(1, -(-total // page_size)))
