"""Every form carries the session's CSRF token; a POST without it changes nothing."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from models import Case
from tests.dashboard.world import PASSWORD, World, csrf_from, login


def _status(session_factory: sessionmaker[Session], case_id: int) -> str:
    with session_factory() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case.status


def test_a_claim_without_the_csrf_token_is_refused_and_changes_nothing(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    login(client, "kim")
    case_id = world.cases["gangnam"]
    response = client.post(f"/cases/{case_id}/claim", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert _status(session_factory, case_id) == "open"


def test_a_claim_with_a_wrong_csrf_token_is_refused(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    login(client, "kim")
    case_id = world.cases["gangnam"]
    response = client.post(
        f"/cases/{case_id}/claim", data={"csrf_token": "forged"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert _status(session_factory, case_id) == "open"


def test_another_sessions_csrf_token_does_not_work(
    app: object, client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    with TestClient(app) as other:  # type: ignore[arg-type]
        others_token = login(other, "lee")
    login(client, "kim")
    case_id = world.cases["gangnam"]
    response = client.post(
        f"/cases/{case_id}/claim", data={"csrf_token": others_token}, follow_redirects=False
    )
    assert response.status_code == 403
    assert _status(session_factory, case_id) == "open"


def test_the_session_token_works_in_the_form_and_in_the_header(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, "kim")
    case_id = world.cases["gangnam"]
    response = client.post(
        f"/cases/{case_id}/claim", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    assert _status(session_factory, case_id) == "claimed"
    response = client.post(
        f"/cases/{case_id}/release", headers={"X-CSRF-Token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    assert _status(session_factory, case_id) == "open"


def test_every_form_on_the_pages_carries_the_token(client: TestClient, world: World) -> None:
    csrf = login(client, "park")
    for path in (
        "/queue",
        f"/cases/{world.cases['gangnam']}",
        "/families/new",
        f"/families/{world.families['gangnam']}",
    ):
        html = client.get(path).text
        forms = html.count('method="post"')
        assert forms > 0, path
        assert html.count(f'name="csrf_token" value="{csrf}"') == forms, path


def test_login_without_the_login_forms_token_is_refused(client: TestClient, world: World) -> None:
    response = client.post(
        "/login",
        data={"username": "kim", "password": PASSWORD, "csrf_token": "x"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "maeum_session" not in response.cookies


def test_logout_needs_the_token_too(client: TestClient, world: World) -> None:
    csrf = login(client, "kim")
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert client.get("/queue", follow_redirects=False).status_code == 200
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/queue", follow_redirects=False).status_code == 303
    # A fresh login page still works after logging out.
    assert csrf_from(client.get("/login").text)


def test_a_login_form_pairs_only_with_its_own_signed_cookie(
    client: TestClient, world: World
) -> None:
    client.get("/login")  # sets this browser's nonce cookie
    planted = "planted-nonce"
    client.cookies.set("maeum_login_csrf", planted, path="/login")
    response = client.post(
        "/login",
        data={"username": "kim", "password": PASSWORD, "csrf_token": planted},
        follow_redirects=False,
    )
    assert response.status_code == 403
