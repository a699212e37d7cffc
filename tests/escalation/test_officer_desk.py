"""The officers' chat desk without Telegram: who may act where, and repeated updates."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from escalation import EscalationConfig
from escalation.officer_desk import Where, handle_claim_button, handle_officer_command
from models import CaseNote, Message, ProcessedUpdate
from tests.escalation import factories as f
from tests.escalation.factories import NOW

CONFIG = EscalationConfig()
GANGNAM_CHAT, MAPO_CHAT = -1001, -1002


@pytest.fixture
def case_id(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session, session.begin():
        gangnam = f.district(session, "gangnam", GANGNAM_CHAT)
        mapo = f.district(session, "mapo", MAPO_CHAT)
        f.officer(session, gangnam, "kim", telegram_user_id=11)
        f.officer(session, mapo, "park", telegram_user_id=22)
        f.officer(session, None, "root", role="admin", telegram_user_id=33)
        return f.case(session, f.family(session, gangnam, child_chat=501)).case_id


def _run(factory: sessionmaker[Session], where: Where, line: str) -> str:
    command, *words = line.split()
    return handle_officer_command(factory, CONFIG, where, command, words, NOW).text


def test_only_registered_officers_in_their_own_group_or_privately_may_act(
    session_factory: sessionmaker[Session], case_id: int
) -> None:
    assert "등록된 담당자만" in _run(session_factory, Where(99, 99, False), "queue")
    assert "단체방" in _run(session_factory, Where(11, MAPO_CHAT, True), "queue")
    assert f"#{case_id}" in _run(session_factory, Where(11, GANGNAM_CHAT, True), "queue")
    assert f"#{case_id}" in _run(session_factory, Where(11, 11, False), f"case {case_id}")
    assert "찾을 수 없어요" in _run(session_factory, Where(22, 22, False), f"case {case_id}")
    # Admins see every district, from any district's officer group.
    assert f"#{case_id}" in _run(session_factory, Where(33, MAPO_CHAT, True), "queue")


def test_bad_commands_get_usage_and_bad_numbers_get_an_example(
    session_factory: sessionmaker[Session], case_id: int
) -> None:
    assert "/resolve 번호 결과" in _run(session_factory, Where(11, 11, False), "note")
    assert "/claim 12" in _run(session_factory, Where(11, 11, False), "claim abc")
    assert "no_concern" in _run(session_factory, Where(11, 11, False), f"resolve {case_id} done")
    assert "찾을 수 없어요" in _run(session_factory, Where(11, 11, False), "claim 999")


def test_a_repeated_update_adds_one_note(
    session_factory: sessionmaker[Session], case_id: int
) -> None:
    where = Where(11, 11, False, update_id=777)
    first = handle_officer_command(
        session_factory, CONFIG, where, "note", [str(case_id), "전화", "완료"], NOW
    )
    again = handle_officer_command(
        session_factory, CONFIG, where, "note", [str(case_id), "전화", "완료"], NOW
    )
    assert "메모를 남겼어요" in first.text and again.duplicate
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(CaseNote)) == 1
        assert session.get(ProcessedUpdate, 777) is not None


def test_a_refused_action_still_records_its_update(
    session_factory: sessionmaker[Session], case_id: int
) -> None:
    where = Where(22, 22, False, update_id=778)
    reply = handle_officer_command(session_factory, CONFIG, where, "claim", [str(case_id)], NOW)
    assert "찾을 수 없어요" in reply.text
    with session_factory() as session:
        assert session.get(ProcessedUpdate, 778) is not None


def test_the_claim_button_marks_the_alert_with_its_owner(
    session_factory: sessionmaker[Session], case_id: int
) -> None:
    where = Where(11, GANGNAM_CHAT, True)
    reply = handle_claim_button(
        session_factory, CONFIG, where, case_id, "🚨 alert", NOW + timedelta(minutes=3)
    )
    assert reply.notice == "맡았어요"
    assert reply.edit_text == "🚨 alert\n✅ 담당: Kim"
    assert [b["text"] for b in reply.edit_buttons[0]] == ["대시보드에서 열기"]
    again = handle_claim_button(session_factory, CONFIG, where, case_id, "🚨 alert", NOW)
    assert again.notice is not None and "이미 맡고 계세요" in again.notice


def test_msg_can_name_the_guardian_and_refuses_one_who_never_joined(
    session_factory: sessionmaker[Session], case_id: int
) -> None:
    reply = _run(session_factory, Where(11, 11, False), f"msg {case_id} 보호자 안녕하세요")
    assert "아직 봇에 연결되지 않았어요" in reply
    sent = _run(session_factory, Where(11, 11, False), f"msg {case_id} 아이 안녕, 선생님이야")
    assert "메시지를 보냈어요" in sent
    with session_factory() as session:
        message = session.scalars(select(Message).where(Message.kind == "counsellor")).one()
        assert message.text == "안녕, 선생님이야"
