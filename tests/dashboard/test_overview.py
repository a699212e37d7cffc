"""The supervisors' overview: open cases, SLA, time to claim and resolve, response rates."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from dashboard.accounts import SignedInOfficer
from dashboard.overview import overview
from models import Case, utcnow
from tests.dashboard.world import World, login


def _supervisor(world: World, district: str = "gangnam") -> SignedInOfficer:
    return SignedInOfficer(
        id=world.officers["park"],
        username="park",
        display_name="박민영",
        role="supervisor",
        district_id=world.districts[district],
        district_name="",
        language="ko",
        csrf_token="",
        session_id=0,
    )


def test_overview_counts_open_and_overdue_cases_of_the_district(
    world: World, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session, session.begin():
        session.execute(
            update(Case)
            .where(Case.id == world.cases["gangnam"])
            .values(sla_due_at=utcnow() - timedelta(minutes=5))
        )
    with session_factory() as session:
        figures = overview(session, _supervisor(world), "Asia/Seoul")
    assert figures.open_by_severity == {"urgent": 1, "concern": 1}  # Mapo's case not counted
    assert figures.overdue_by_severity == {"urgent": 1}
    assert figures.breached_in_window == 1
    assert figures.pending_in_window == 1  # the concern case is not due yet


def test_median_times_to_claim_and_resolve(
    world: World, session_factory: sessionmaker[Session]
) -> None:
    now = utcnow()
    with session_factory() as session, session.begin():
        for case_id, claim_min, resolve_min in (
            (world.cases["gangnam"], 10, 70),
            (world.cases["gangnam_concern"], 30, 130),
        ):
            case = session.get(Case, case_id)
            assert case is not None
            case.opened_at = now - timedelta(hours=3)
            case.claimed_at = case.opened_at + timedelta(minutes=claim_min)
            case.resolved_at = case.opened_at + timedelta(minutes=resolve_min)
            case.status = "resolved"
    with session_factory() as session:
        figures = overview(session, _supervisor(world), "Asia/Seoul")
    assert figures.median_claim == timedelta(minutes=20)
    assert figures.median_resolve == timedelta(minutes=100)


def test_weekly_response_rates_count_consenting_members(
    world: World, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        figures = overview(session, _supervisor(world), "Asia/Seoul")
    assert len(figures.weekly) == 8
    # The test families' check-ins lie in fixed weeks; rates are shares between 0 and 1.
    assert all(w.guardians is None or 0 <= w.guardians <= 1 for w in figures.weekly)
    assert all(w.children is not None for w in figures.weekly)


def test_the_overview_page_draws_its_charts(client: TestClient, world: World) -> None:
    login(client, "park")
    page = client.get("/overview").text
    assert page.count('<svg class="chart"') == 3
    assert "맡기까지" in page and "응답률" in page
