"""An officer works a case from login to resolution in real headless Chromium."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dashboard import DashboardConfig
from models import AuditEntry, Case, CaseNote
from tests.dashboard.live import CHROMIUM, CHROMIUM_ARGS, serving
from tests.dashboard.world import PASSWORD, World, add_family_with_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian chromium"),
]


@pytest.fixture
def config() -> DashboardConfig:
    # The queue refreshes itself every 2 s here, so a test can watch it happen.
    return DashboardConfig(secret_key="test", bot_username="MaeumTestBot", queue_refresh_seconds=2)


@pytest.fixture
def base_url(app: FastAPI) -> Iterator[str]:
    with serving(app) as url:
        yield url


@pytest.fixture
def page(base_url: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, base_url=base_url, locale="ko-KR"
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        context.close()
        browser.close()


def _shot(page: object, artifacts_dir: Path, name: str) -> None:
    page.screenshot(path=str(artifacts_dir / f"dashboard-{name}.png"), full_page=True)  # type: ignore[attr-defined]


def _sign_in(p: object, username: str) -> None:
    """Fill in the login form already on the page and wait for the queue."""
    p.fill("input[name=username]", username)  # type: ignore[attr-defined]
    p.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    p.click("button[type=submit]")  # type: ignore[attr-defined]
    p.wait_for_url("**/queue")  # type: ignore[attr-defined]


def test_officer_claims_notes_and_resolves_a_case_in_the_browser(
    page: object,
    world: World,
    session_factory: sessionmaker[Session],
    artifacts_dir: Path,
) -> None:
    p = page  # playwright Page
    p.goto("/login")  # type: ignore[attr-defined]
    _shot(p, artifacts_dir, "01-login")
    _sign_in(p, "kim")
    rows = p.locator("#queue-body tr")  # type: ignore[attr-defined]
    assert rows.count() == 2  # only kim's district: the urgent case first, then the concern
    assert "하늘반 민이" in rows.nth(0).inner_text()
    assert "바다반 서아" not in p.content()  # type: ignore[attr-defined]
    _shot(p, artifacts_dir, "02-queue")

    case_id = world.cases["gangnam"]
    rows.nth(0).locator("button[data-action=claim]").click()
    p.wait_for_url("**/queue?notice=claimed")  # type: ignore[attr-defined]
    assert "김지현" in rows.nth(0).inner_text()

    p.click(f"a[href='/cases/{case_id}']")  # type: ignore[attr-defined]
    p.wait_for_url(f"**/cases/{case_id}")  # type: ignore[attr-defined]
    marks = p.locator(".trigger mark").all_inner_texts()  # type: ignore[attr-defined]
    assert marks == ["때려서", "무서워"]
    assert p.locator("svg.chart .cutoff").count() == 2  # type: ignore[attr-defined]
    _shot(p, artifacts_dir, "03-case")

    p.fill(".note-form textarea[name=text]", "보호자와 통화함. 내일 가정 방문 예정.")  # type: ignore[attr-defined]
    p.click("button[data-action=note]")  # type: ignore[attr-defined]
    p.wait_for_url("**notice=noted")  # type: ignore[attr-defined]
    assert "내일 가정 방문 예정" in p.locator(".notes").inner_text()  # type: ignore[attr-defined]

    p.select_option("select[name=outcome]", "referred_agency")  # type: ignore[attr-defined]
    p.click("button[data-action=resolve]")  # type: ignore[attr-defined]
    p.wait_for_url("**notice=resolved")  # type: ignore[attr-defined]
    assert "종결" in p.locator(".facts").inner_text()  # type: ignore[attr-defined]
    _shot(p, artifacts_dir, "04-resolved")

    with session_factory() as session:
        case = session.get(Case, case_id)
        assert case is not None
        assert (case.status, case.outcome) == ("resolved", "referred_agency")
        assert case.claimed_by_id == world.officers["kim"]
        notes = session.scalars(select(CaseNote.text).where(CaseNote.case_id == case_id)).all()
        assert notes == ["보호자와 통화함. 내일 가정 방문 예정."]
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
        ).all()
        assert [a for a in actions if a != "view"] == ["open", "claim", "note", "resolve"]
        assert "view" in actions


def test_supervisor_enrols_a_family_and_reads_the_overview_in_the_browser(
    page: object, world: World, artifacts_dir: Path
) -> None:
    p = page
    p.goto("/login?lang=en")  # type: ignore[attr-defined]
    _sign_in(p, "park")
    p.click("a[href='/families']")  # type: ignore[attr-defined]
    p.click("a[href='/families/new']")  # type: ignore[attr-defined]
    p.fill("input[name=child_alias]", "해님반 지우")  # type: ignore[attr-defined]
    p.fill("input[name=child_age]", "6")  # type: ignore[attr-defined]
    p.click("button[type=submit]")  # type: ignore[attr-defined]
    p.wait_for_url("**notice=enrolled")  # type: ignore[attr-defined]
    assert p.locator(".invite-card svg").count() == 2  # type: ignore[attr-defined]
    links = p.locator(".invite-link a").all_inner_texts()  # type: ignore[attr-defined]
    assert all(link.startswith("https://t.me/MaeumTestBot?start=") for link in links)
    _shot(p, artifacts_dir, "05-family-invites")

    p.click("a[href='/overview']")  # type: ignore[attr-defined]
    p.wait_for_url("**/overview")  # type: ignore[attr-defined]
    assert p.locator("svg.chart").count() == 3  # type: ignore[attr-defined]
    assert "Open urgent cases" in p.content()  # type: ignore[attr-defined]
    _shot(p, artifacts_dir, "06-overview")

    p.goto(f"/cases/{world.cases['gangnam_concern']}")  # type: ignore[attr-defined]
    assert "Conversation around it" in p.content()  # type: ignore[attr-defined]
    _shot(p, artifacts_dir, "07-case-english")


def test_the_queue_shows_a_new_case_without_reloading(
    page: object, world: World, session_factory: sessionmaker[Session]
) -> None:
    p = page
    p.goto("/login")  # type: ignore[attr-defined]
    _sign_in(p, "kim")
    assert p.locator("#queue-body tr").count() == 2  # type: ignore[attr-defined]
    p.evaluate("window.__same_page = true")  # type: ignore[attr-defined]
    with session_factory() as session, session.begin():
        add_family_with_case(
            session,
            "gangnam",
            "새싹반 하윤",
            4,
            "집에 아무도 없어 배고파",
            severity="urgent",
            rule_id="risk_neglect",
            reason="방임 신호",
        )
    p.locator("#queue-body tr").nth(2).wait_for(timeout=8000)  # type: ignore[attr-defined]
    assert "새싹반 하윤" in p.locator("#queue-body").inner_text()  # type: ignore[attr-defined]
    assert p.locator("#queue-total").inner_text() == "3건"  # type: ignore[attr-defined]
    assert p.evaluate("window.__same_page") is True  # type: ignore[attr-defined]
