"""Officer accounts in the browser: supervisors manage their district's officers, admins all."""

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import District, Officer
from tests.dashboard.world import World, csrf_from, login


def _one_time_password(html: str) -> str:
    found = re.search(r'data-testid="one-time-password">([^<]+)<', html)
    assert found, html[:500]
    return found.group(1)


def _login_status(app: FastAPI, username: str, password: str) -> int:
    with TestClient(app) as other:
        page = other.get("/login")
        response = other.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
            follow_redirects=False,
        )
        return response.status_code


def _officer(session_factory: sessionmaker[Session], username: str) -> Officer:
    with session_factory() as session:
        officer = session.scalars(select(Officer).where(Officer.username == username)).one()
        session.expunge(officer)
        return officer


def test_a_supervisor_creates_an_officer_of_their_own_district(
    app: FastAPI,
    client: TestClient,
    world: World,
    session_factory: sessionmaker[Session],
) -> None:
    csrf = login(client, "jung")  # supervisor of Mapo
    response = client.post(
        "/officers",
        data={
            "csrf_token": csrf,
            "username": "Han",
            "display_name": "한가람",
            "role": "officer",
            "district_id": str(world.districts["gangnam"]),  # forged: ignored for supervisors
        },
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    password = _one_time_password(response.text)
    han = _officer(session_factory, "han")
    with session_factory() as session:
        district = session.get(District, han.district_id)
        assert district is not None and district.code == "mapo"
    assert (han.role, han.display_name, han.must_change_password) == ("officer", "한가람", True)
    assert _login_status(app, "han", password) == 303
    listing = client.get("/officers").text
    assert "han" in listing and "choi" in listing and "kim" not in listing  # Mapo only


def test_supervisors_give_no_admin_role_and_usernames_stay_unique(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, "jung")
    admin = client.post("/officers", data={"csrf_token": csrf, "username": "boss", "role": "admin"})
    assert admin.status_code == 422
    taken = client.post("/officers", data={"csrf_token": csrf, "username": "choi"})
    assert taken.status_code == 409
    with session_factory() as session:
        assert session.scalars(select(Officer).where(Officer.username == "boss")).first() is None


def test_officers_may_not_manage_accounts(client: TestClient, world: World) -> None:
    csrf = login(client, "kim")
    assert client.get("/officers").status_code == 403
    assert 'href="/officers"' not in client.get("/queue").text
    response = client.post(
        f"/officers/{world.officers['lee']}/deactivate",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_deactivating_ends_every_login_of_the_account_until_reactivated(
    app: FastAPI, client: TestClient, world: World
) -> None:
    with TestClient(app) as kims:
        login(kims, "kim")
        csrf = login(client, "admin")
        response = client.post(
            f"/officers/{world.officers['kim']}/deactivate",
            data={"csrf_token": csrf},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert kims.get("/queue", follow_redirects=False).status_code == 303  # to the login
    assert _login_status(app, "kim", "correct horse battery staple") != 303
    client.post(f"/officers/{world.officers['kim']}/activate", data={"csrf_token": csrf})
    assert _login_status(app, "kim", "correct horse battery staple") == 303


def test_a_reset_password_replaces_the_old_one(
    app: FastAPI, client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, "park")  # supervisor of Gangnam
    response = client.post(f"/officers/{world.officers['lee']}/password", data={"csrf_token": csrf})
    assert response.status_code == 200
    password = _one_time_password(response.text)
    assert _officer(session_factory, "lee").must_change_password
    assert _login_status(app, "lee", "correct horse battery staple") != 303
    assert _login_status(app, "lee", password) == 303


def test_nobody_manages_their_own_account_and_supervisors_no_admin(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "park")
    for target in ("park", "admin", "choi"):  # self, an admin, another district's officer
        response = client.post(
            f"/officers/{world.officers[target]}/password", data={"csrf_token": csrf}
        )
        assert response.status_code == 404, target
