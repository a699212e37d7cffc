"""Every route is protected: no session means the login page; another district's object is 404."""

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.dashboard.world import World, login

# The only routes anyone may reach without a session.
PUBLIC = {("GET", "/login"), ("POST", "/login")}
OBJECT_PARAMS = {"case_id": "cases", "family_id": "families", "officer_id": "officers"}


def _flatten(routes: list[Any], prefix: str = "") -> list[tuple[str, str]]:
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found += [(method, prefix + route.path) for method in sorted(route.methods)]
        elif hasattr(route, "original_router"):  # FastAPI >= 0.160 wraps included routers
            inner = prefix + getattr(route.include_context, "prefix", "")
            found += _flatten(route.original_router.routes, inner)
    return found


def routes(app: FastAPI) -> list[tuple[str, str]]:
    found = _flatten(app.routes)
    assert len(found) > 20  # the enumeration itself works
    return found


def fill(path: str, ids: dict[str, int]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in ids, f"route {path}: teach this test about {{{name}}}"
        return str(ids[name])

    return re.sub(r"\{(\w+)\}", value, path)


def test_every_route_but_login_sends_a_stranger_to_the_login_page(
    app: FastAPI, client: TestClient, world: World
) -> None:
    ids = {
        "case_id": world.cases["gangnam"],
        "family_id": world.families["gangnam"],
        "officer_id": world.officers["kim"],
    }
    for method, path in routes(app):
        if (method, path) in PUBLIC:
            continue
        response = client.request(method, fill(path, ids), follow_redirects=False)
        assert response.status_code in (303, 401), (
            f"{method} {path} answered {response.status_code}"
        )
        if response.status_code == 303:
            assert response.headers["location"].startswith("/login"), f"{method} {path}"


def test_fetch_requests_without_a_session_get_401(client: TestClient, world: World) -> None:
    response = client.get("/queue/rows", headers={"X-Requested-With": "fetch"})
    assert response.status_code == 401


def test_every_object_route_answers_404_for_another_districts_object(
    app: FastAPI, client: TestClient, world: World
) -> None:
    # A supervisor of Mapo reaches every role-gated route, so only the district can refuse.
    csrf = login(client, "jung")
    ids = {
        "case_id": world.cases["gangnam"],
        "family_id": world.families["gangnam"],
        "officer_id": world.officers["kim"],
    }
    checked = 0
    for method, path in routes(app):
        if not any(f"{{{name}}}" in path for name in OBJECT_PARAMS):
            continue
        data = {
            "csrf_token": csrf,
            "confirm": "delete",
            "role": "child",
            "text": "x",
            "outcome": "monitoring",
            "to_officer_id": str(world.officers["jung"]),
        }
        response = client.request(
            method,
            fill(path, ids),
            data=data if method == "POST" else None,
            follow_redirects=False,
        )
        assert response.status_code == 404, f"{method} {path} answered {response.status_code}"
        checked += 1
    assert checked >= 10


def test_the_same_routes_work_for_the_own_district(client: TestClient, world: World) -> None:
    login(client, "jung")
    assert client.get(f"/cases/{world.cases['mapo']}").status_code == 200
    assert client.get(f"/families/{world.families['mapo']}").status_code == 200
    assert client.get(f"/families/{world.families['mapo']}/export").status_code == 200


@pytest.mark.parametrize("username", ["kim", "park"])
def test_officers_see_only_their_districts_cases_in_the_queue(
    client: TestClient, world: World, username: str
) -> None:
    login(client, username)
    page = client.get("/queue?status=all").text
    assert "하늘반 민이" in page and "별반 도윤" in page
    assert "바다반 서아" not in page


def test_admins_see_every_district(client: TestClient, world: World) -> None:
    login(client, "admin")
    page = client.get("/queue").text
    assert "하늘반 민이" in page and "바다반 서아" in page
    assert "마포구" in page and "강남구" in page  # admins see each case's district
    assert client.get(f"/cases/{world.cases['mapo']}").status_code == 200
    assert client.get(f"/cases/{world.cases['gangnam']}").status_code == 200


def test_an_officer_may_not_open_the_supervisors_overview(client: TestClient, world: World) -> None:
    login(client, "kim")
    assert client.get("/overview").status_code == 403
    assert 'href="/overview"' not in client.get("/queue").text


def test_an_officer_may_not_delete_a_family(client: TestClient, world: World) -> None:
    csrf = login(client, "kim")
    response = client.post(
        f"/families/{world.families['gangnam']}/delete",
        data={"csrf_token": csrf, "confirm": "delete"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert client.get(f"/families/{world.families['gangnam']}").status_code == 200


def test_pages_carry_security_headers(client: TestClient, world: World) -> None:
    response = client.get("/login")
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
