"""Enrolling families, invite links and QR codes, pausing, exporting and deleting."""

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEntry, Family, Invite, Member, Message
from tests.dashboard.world import World, login


def test_enrolling_a_family_shows_both_invite_links_and_qr_codes(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, "kim")
    response = client.post(
        "/families", data={"csrf_token": csrf, "child_alias": "해님반 지우", "child_age": "6"}
    )
    assert response.status_code == 200
    assert "가족을 등록했습니다" in response.text
    links = re.findall(r'href="(https://t\.me/MaeumTestBot\?start=[\w-]+)"', response.text)
    assert len(links) == 2
    assert response.text.count("<svg") >= 2 and "<?xml" not in response.text
    with session_factory() as session:
        family = session.scalars(select(Family).where(Family.child_alias == "해님반 지우")).one()
        assert family.district_id == world.districts["gangnam"]  # the officer's own district
        codes = session.scalars(select(Invite.code).where(Invite.family_id == family.id)).all()
    assert sorted(link.rsplit("=", 1)[1] for link in links) == sorted(codes)


def test_an_officer_cannot_enrol_into_another_district(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, "kim")
    client.post(
        "/families",
        data={
            "csrf_token": csrf,
            "child_alias": "가람",
            "child_age": "8",
            "district_id": str(world.districts["mapo"]),
        },
    )
    with session_factory() as session:
        family = session.scalars(select(Family).where(Family.child_alias == "가람")).one()
    assert family.district_id == world.districts["gangnam"]


def test_an_invalid_age_is_explained_on_the_form(client: TestClient, world: World) -> None:
    csrf = login(client, "kim")
    response = client.post(
        "/families", data={"csrf_token": csrf, "child_alias": "가람", "child_age": "40"}
    )
    assert response.status_code == 422
    assert "연령은 3–18세여야 합니다" in response.text


def test_the_family_list_shows_consent_status_and_open_cases(
    client: TestClient, world: World
) -> None:
    login(client, "kim")
    page = client.get("/families").text
    assert "하늘반 민이" in page and "바다반 서아" not in page
    assert "동의함" in page
    assert "2가족" in page


def _paused(session_factory: sessionmaker[Session], family_id: int) -> list[bool]:
    with session_factory() as session:
        query = select(Member.paused).where(Member.family_id == family_id)
        return list(session.scalars(query))


def test_pausing_and_resuming_check_ins(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, "kim")
    family_id = world.families["gangnam"]
    page = client.post(f"/families/{family_id}/pause", data={"csrf_token": csrf}).text
    assert "체크인을 일시 중지했습니다" in page
    assert _paused(session_factory, family_id) == [True, True]
    with session_factory() as session:
        assert session.get(Family, family_id).status == "paused"  # type: ignore[union-attr]
    client.post(f"/families/{family_id}/resume", data={"csrf_token": csrf})
    assert _paused(session_factory, family_id) == [False, False]


def test_exporting_a_familys_data_as_json_is_audited(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    login(client, "kim")
    family_id = world.families["gangnam"]
    response = client.get(f"/families/{family_id}/export")
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    data = json.loads(response.text)
    assert data["family"]["child_alias"] == "하늘반 민이"
    assert any("때려서" in m["text"] for m in data["messages"])
    assert len(data["questionnaires"]) == 4
    with session_factory() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.family_id == family_id)
        ).all()
    assert "family.export" in actions


def test_a_supervisor_deletes_a_family_keeping_what_the_open_case_needs(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, "park")
    family_id = world.families["gangnam"]
    response = client.post(
        f"/families/{family_id}/delete", data={"csrf_token": csrf, "confirm": "delete"}
    )
    assert "가족의 기록을 삭제했습니다" in response.text
    assert client.get(f"/families/{family_id}").status_code == 404
    with session_factory() as session:
        texts = session.scalars(select(Message.text).where(Message.family_id == family_id)).all()
        members = session.scalars(select(Member).where(Member.family_id == family_id)).all()
    assert texts == ["아빠가 술 마시면 때려서 무서워"]  # the open case's evidence stays
    assert all(m.telegram_user_id is None and m.stopped for m in members)


def test_deleting_needs_the_confirmation_box(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, "park")
    family_id = world.families["gangnam"]
    client.post(f"/families/{family_id}/delete", data={"csrf_token": csrf})
    assert client.get(f"/families/{family_id}").status_code == 200


def test_a_new_invite_replaces_an_expired_one(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, "kim")
    family_id = world.families["gangnam"]
    assert "유효한 초대 링크가 없습니다" in client.get(f"/families/{family_id}").text
    page = client.post(
        f"/families/{family_id}/invites", data={"csrf_token": csrf, "role": "guardian"}
    ).text
    assert "새 초대 링크를 만들었습니다" in page
    assert len(re.findall(r'href="https://t\.me/MaeumTestBot\?start=', page)) == 1
