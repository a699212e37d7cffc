"""The queue page and the case actions, through the escalation room's queue service."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEntry, Case, Message, OutboxMessage
from tests.dashboard.world import World, login


def _case(session_factory: sessionmaker[Session], case_id: int) -> Case:
    with session_factory() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case


def _claimed_by_lee(app: object, world: World) -> None:
    """Lee, kim's colleague in Gangnam, claims the Gangnam case in a browser of her own."""
    with TestClient(app) as other:  # type: ignore[arg-type]
        other_csrf = login(other, "lee")
        other.post(f"/cases/{world.cases['gangnam']}/claim", data={"csrf_token": other_csrf})


def test_the_queue_lists_the_most_pressing_case_first_with_age_band_and_sla(
    client: TestClient, world: World
) -> None:
    login(client, "kim")
    page = client.get("/queue").text
    assert page.index("하늘반 민이") < page.index("별반 도윤")  # urgent before concern
    assert "만 6–8세" in page and "만 9–12세" in page
    assert "남음" in page  # SLA countdown
    assert "2건" in page


def test_queue_filters_by_severity_status_and_mine(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, "kim")
    assert "별반 도윤" not in client.get("/queue?severity=urgent").text
    assert "하늘반 민이" not in client.get("/queue?severity=concern").text
    client.post(f"/cases/{world.cases['gangnam']}/claim", data={"csrf_token": csrf})
    mine = client.get("/queue?mine=1").text
    assert "하늘반 민이" in mine and "별반 도윤" not in mine
    claimed = client.get("/queue?status=claimed").text
    assert "하늘반 민이" in claimed and "별반 도윤" not in claimed
    assert "하늘반 민이" not in client.get("/queue?status=resolved").text


def test_the_refresh_endpoint_returns_only_the_rows(client: TestClient, world: World) -> None:
    login(client, "kim")
    rows = client.get("/queue/rows", headers={"X-Requested-With": "fetch"})
    assert rows.status_code == 200
    assert rows.text.lstrip().startswith("<tr") and "<html" not in rows.text
    assert rows.text.count("<tr") == 2


def test_a_case_claimed_by_another_officer_says_so_kindly(
    client: TestClient, app: object, world: World, session_factory: sessionmaker[Session]
) -> None:
    _claimed_by_lee(app, world)
    csrf = login(client, "kim")
    response = client.post(
        f"/cases/{world.cases['gangnam']}/claim", data={"csrf_token": csrf, "back": "/queue"}
    )
    assert "다른 담당자가 먼저 맡은 사례입니다" in response.text
    assert _case(session_factory, world.cases["gangnam"]).claimed_by_id == world.officers["lee"]


def test_opening_a_case_is_audited_with_the_officer_and_address(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    login(client, "kim")
    case_id = world.cases["gangnam"]
    client.get(f"/cases/{case_id}")
    with session_factory() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.case_id == case_id, AuditEntry.action == "view")
        ).one()
    assert entry.actor == f"officer:{world.officers['kim']}"
    assert entry.source == "dashboard testclient"


def test_the_case_page_shows_evidence_scores_conversation_chart_moods_and_audit(
    client: TestClient, world: World
) -> None:
    login(client, "kim")
    page = client.get(f"/cases/{world.cases['gangnam']}").text
    assert "아빠가 술 마시면 <mark>때려서</mark> <mark>무서워</mark>" in page
    assert "신체 학대" in page and "0.91" in page  # risk score
    assert "그랬구나. 집에서는 어땠어?" in page  # the conversation around the trigger
    assert page.count('class="cutoff"') == 2  # band cut-offs drawn on the chart
    assert "부모의 소진" in page  # a subscale line
    assert "mood-scared" in page
    assert "열람" in page  # the audit trail shows this very opening


def test_note_message_reassign_resolve_and_reopen_from_the_case_page(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, "park")  # a supervisor
    case_id = world.cases["gangnam"]
    base = f"/cases/{case_id}"
    client.post(f"{base}/note", data={"csrf_token": csrf, "text": "학교에 확인 요청"})
    client.post(
        f"{base}/message", data={"csrf_token": csrf, "text": "안녕, 선생님이야.", "to": "child"}
    )
    client.post(
        f"{base}/reassign", data={"csrf_token": csrf, "to_officer_id": str(world.officers["lee"])}
    )
    assert _case(session_factory, case_id).claimed_by_id == world.officers["lee"]
    response = client.post(f"{base}/resolve", data={"csrf_token": csrf, "outcome": "monitoring"})
    assert "사례를 종결했습니다" in response.text
    case = _case(session_factory, case_id)
    assert (case.status, case.outcome) == ("resolved", "monitoring")
    response = client.post(f"{base}/reopen", data={"csrf_token": csrf})
    assert "사례를 다시 열었습니다" in response.text
    assert _case(session_factory, case_id).status == "open"
    with session_factory() as session:
        sent = session.scalars(select(Message).where(Message.case_id == case_id)).one()
        assert (sent.direction, sent.kind, sent.officer_id) == (
            "out",
            "counsellor",
            world.officers["park"],
        )
        assert session.scalars(select(OutboxMessage.kind)).all()
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.case_id == case_id, AuditEntry.action != "view")
            .order_by(AuditEntry.id)
        ).all()
    assert actions == ["open", "note", "message_family", "reassign", "resolve", "reopen"]


def test_an_unknown_outcome_is_refused_without_closing_the_case(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, "kim")
    case_id = world.cases["gangnam"]
    response = client.post(
        f"/cases/{case_id}/resolve", data={"csrf_token": csrf, "outcome": "forgotten"}
    )
    assert "이 작업을 할 수 없습니다" in response.text
    assert _case(session_factory, case_id).status == "open"


def test_an_officer_cannot_release_a_colleagues_case(
    client: TestClient, app: object, world: World, session_factory: sessionmaker[Session]
) -> None:
    _claimed_by_lee(app, world)
    csrf = login(client, "kim")
    client.post(f"/cases/{world.cases['gangnam']}/release", data={"csrf_token": csrf})
    assert _case(session_factory, world.cases["gangnam"]).claimed_by_id == world.officers["lee"]


def test_the_dashboard_speaks_english_when_the_officer_chooses_it(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "kim")
    client.post("/language", data={"csrf_token": csrf, "language": "en", "back": "/queue"})
    page = client.get("/queue").text
    assert "Case queue" in page and "Urgent" in page and "사례 대기열" not in page
    assert "Conversation around it" in client.get(f"/cases/{world.cases['gangnam']}").text


def test_questionnaire_and_time_based_triggers_show_their_evidence(
    client: TestClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    from escalation import Actor, EscalationConfig
    from escalation.cases import Trigger, open_or_merge
    from models import Family, QuestionnaireResponse, utcnow

    with session_factory() as session, session.begin():
        family = session.get(Family, world.families["gangnam"])
        assert family is not None
        response = session.scalars(
            select(QuestionnaireResponse)
            .where(QuestionnaireResponse.week == "2026-W43")
            .where(QuestionnaireResponse.family_id == family.id)
        ).one()
        change = open_or_merge(
            session,
            family,
            Trigger(
                rule_id="questionnaire:high_stress",
                severity="concern",
                reason="양육 스트레스 높음",
                response_id=response.id,
            ),
            utcnow(),
            EscalationConfig(),
            Actor.system("bot"),
        )
        missed = open_or_merge(
            session,
            family,
            Trigger(
                rule_id="missed:guardian",
                severity="concern",
                reason="체크인 3주 없음",
                evidence={"weeks": 3},
                key="2026-W47",
            ),
            utcnow(),
            EscalationConfig(),
            Actor.system("bot"),
        )
    login(client, "kim")
    page = client.get(f"/cases/{change.case_id}").text
    assert "2026-W43 주간 체크인: 총점 36 (높음)" in page
    assert "weeks: 3" in client.get(f"/cases/{missed.case_id}").text


def test_a_hand_edited_address_gets_a_kind_page(client: TestClient, world: World) -> None:
    login(client, "kim")
    response = client.get("/queue?page=abc")
    assert response.status_code == 422
    assert "요청을 이해하지 못했습니다" in response.text
    assert client.get("/cases/abc").status_code == 422
