"""Logins, session cookies, throttling, officer accounts and the first admin."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from dashboard import DashboardConfig, create_app, ensure_first_admin
from dashboard.accounts import (
    InvalidCredentials,
    OfficerExists,
    ThrottlePolicy,
    UnknownDistrict,
    authenticate,
    create_officer,
)
from dashboard.passwords import token_hash
from models import LoginAttempt, Officer, OfficerSession, utcnow
from tests.dashboard.world import PASSWORD, World, csrf_from, login


def _attempt(client: TestClient, username: str, password: str) -> int:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    return response.status_code


def test_a_wrong_password_shows_the_login_page_again(client: TestClient, world: World) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "kim", "password": "nope", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "아이디 또는 비밀번호가 올바르지 않습니다" in response.text
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_the_session_cookie_is_httponly_samesite_and_stored_only_as_a_hash(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": "kim", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    header = response.headers["set-cookie"]
    assert "maeum_session=" in header
    assert "HttpOnly" in header and "SameSite=lax" in header and "Secure" not in header
    cookie = response.cookies["maeum_session"]
    with session_factory() as session:
        stored = session.scalars(select(OfficerSession.token_hash)).all()
    assert stored == [token_hash(cookie)]
    assert cookie not in stored


def test_the_session_cookie_is_secure_when_configured(
    session_factory: sessionmaker[Session], world: World
) -> None:
    app = create_app(session_factory, DashboardConfig(secret_key="k", cookie_secure=True))
    with TestClient(app, base_url="https://testserver") as client:
        token = csrf_from(client.get("/login").text)
        response = client.post(
            "/login",
            data={"username": "kim", "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("maeum_session="))
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie


def test_an_expired_session_leads_back_to_the_login_page(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    login(client, "kim")
    with session_factory() as session, session.begin():
        session.execute(update(OfficerSession).values(expires_at=utcnow() - timedelta(minutes=1)))
    response = client.get("/queue", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/queue"


def test_a_deactivated_officer_is_signed_out_at_once(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    login(client, "kim")
    with session_factory() as session, session.begin():
        session.execute(update(Officer).where(Officer.username == "kim").values(active=False))
    assert client.get("/queue", follow_redirects=False).status_code == 303
    assert _attempt(client, "kim", PASSWORD) == 401


def test_login_redirects_only_to_local_paths(client: TestClient, world: World) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "username": "kim",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/queue"


def test_five_failures_throttle_the_username_even_with_the_right_password(
    client: TestClient, world: World
) -> None:
    for _ in range(5):
        assert _attempt(client, "kim", "wrong password") == 401
    assert _attempt(client, "kim", PASSWORD) == 429
    token = csrf_from(client.get("/login").text)
    page = client.post(
        "/login", data={"username": "kim", "password": PASSWORD, "csrf_token": token}
    )
    assert "15분 뒤에 다시 시도하세요" in page.text
    # Another officer from the same address is not locked out by kim's failures.
    assert _attempt(client, "lee", PASSWORD) == 303


def test_twenty_failures_from_one_address_throttle_every_username(
    client: TestClient, world: World
) -> None:
    for n in range(20):
        assert _attempt(client, f"guess{n % 4}", "wrong") == 401
    assert _attempt(client, "lee", PASSWORD) == 429


def test_throttling_ends_when_the_window_has_passed(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    for _ in range(5):
        _attempt(client, "kim", "wrong password")
    assert _attempt(client, "kim", PASSWORD) == 429
    with session_factory() as session, session.begin():
        session.execute(update(LoginAttempt).values(at=utcnow() - timedelta(minutes=16)))
    assert _attempt(client, "kim", PASSWORD) == 303


def test_every_attempt_is_recorded_by_username_and_address(
    session_factory: sessionmaker[Session], world: World
) -> None:
    with session_factory() as session, pytest.raises(InvalidCredentials):
        authenticate(session, "KIM ", "nope", "10.0.0.7", ThrottlePolicy())
    with session_factory() as session:
        authenticate(session, "kim", PASSWORD, "10.0.0.7", ThrottlePolicy())
        rows = session.execute(
            select(LoginAttempt.username, LoginAttempt.ip, LoginAttempt.success).order_by(
                LoginAttempt.id
            )
        ).all()
    assert [tuple(r) for r in rows] == [("kim", "10.0.0.7", False), ("kim", "10.0.0.7", True)]


def test_create_officer_hashes_the_password_with_argon2(
    session_factory: sessionmaker[Session], world: World
) -> None:
    with session_factory() as session:
        officer = create_officer(session, "Yoon", "officer", "mapo", "a long password 1")
    assert officer.username == "yoon"
    assert officer.password_hash and officer.password_hash.startswith("$argon2id$")
    with session_factory() as session, pytest.raises(OfficerExists):
        create_officer(session, "yoon", "officer", "mapo", "another password")
    with session_factory() as session, pytest.raises(UnknownDistrict):
        create_officer(session, "han", "officer", "nowhere", "a long password 1")
    with session_factory() as session, pytest.raises(ValueError, match="district"):
        create_officer(session, "han", "officer", None, "a long password 1")


def test_the_first_admin_is_created_once_and_can_log_in(
    session_factory: sessionmaker[Session], config: DashboardConfig
) -> None:
    password = ensure_first_admin(session_factory)
    assert password is not None and len(password) >= 12
    assert ensure_first_admin(session_factory) is None
    with session_factory() as session:
        assert session.scalar(select(func.count(Officer.id))) == 1
    with TestClient(create_app(session_factory, config)) as client:
        assert _attempt(client, "admin", password) == 303
        assert "사례 대기열" in client.get("/queue").text


def test_an_officer_replaces_the_one_time_password_and_other_sessions_end(
    client: TestClient, app: object, world: World, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session, session.begin():
        session.execute(
            update(Officer).where(Officer.username == "kim").values(must_change_password=True)
        )
    with TestClient(app) as elsewhere:  # type: ignore[arg-type]
        login(elsewhere, "kim")
        csrf = login(client, "kim")
        assert "일회용 비밀번호" in client.get("/queue").text
        weak = client.post(
            "/account/password",
            data={"csrf_token": csrf, "current": PASSWORD, "new": "short", "repeat": "short"},
        )
        assert weak.status_code == 422
        response = client.post(
            "/account/password",
            data={
                "csrf_token": csrf,
                "current": PASSWORD,
                "new": "my own passphrase",
                "repeat": "my own passphrase",
            },
        )
        assert "비밀번호를 바꿨습니다" in response.text
        assert "일회용 비밀번호" not in response.text
        assert elsewhere.get("/queue", follow_redirects=False).status_code == 303
    assert _attempt(client, "kim", "my own passphrase") == 303
