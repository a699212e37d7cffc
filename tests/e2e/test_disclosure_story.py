"""The whole story over the real PTB Application and the loopback Bot API server:
a child's disclosure → safety reply → urgent case → officer group notified → claim → note →
message to the family and its reply → resolve. The real escalation rules run throughout."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select

from bot.composition import build_services
from bot.outbox import deliver_pending
from bot.services import Services
from bot.settings import Settings
from models import AuditEntry, Case, CaseNote, District, Message, Officer, make_engine
from models import make_session_factory as make_factory
from tests.e2e.conftest import CHILD_ID, BotHarness, enrol, join, keyword_analyser
from tests.fake_telegram import FakeTelegram, Sent

OFFICER_CHAT = -100_500
KIM, LEE, STRANGER, MAPO_OFFICER = 9001, 9002, 9003, 9004


class EscalatingHarness(BotHarness):
    """The bot with the escalation room wired in, as `maeum run` builds it."""

    def _services(self) -> Services:
        settings = Settings(
            DATABASE_URL=self.database_url,
            TELEGRAM_BOT_TOKEN="123:TEST",
            TELEGRAM_API_URL=self.fake.base_url,
            TELEGRAM_BOT_USERNAME="MaeumTestBot",
            MAEUM_DASHBOARD_URL="https://maeum.example",
        )
        self.engine = make_engine(self.database_url)
        return build_services(
            settings,
            session_factory=make_factory(self.engine),
            analyser=keyword_analyser,
            clock=self.clock,
        )


def group_command(fake: FakeTelegram, user_id: int, text: str, chat_id: int = OFFICER_CHAT) -> int:
    """An officer types a command in a group chat."""
    command = text.split()[0]
    return fake.send_raw(
        {
            "message": {
                "message_id": int(time.time() * 1000) % 1_000_000,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "supergroup", "title": "officers"},
                "from": {
                    "id": user_id,
                    "is_bot": False,
                    "first_name": f"user{user_id}",
                    "language_code": "ko",
                },
                "text": text,
                "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
            }
        }
    )


def _officers(session_factory: Any) -> None:
    with session_factory() as session, session.begin():
        gangnam = session.scalars(select(District).where(District.code == "gangnam")).one()
        gangnam.officer_chat_id = OFFICER_CHAT
        mapo = District(code="mapo", name="마포구", officer_chat_id=-100_600)
        session.add(mapo)
        session.flush()
        session.add_all(
            [
                Officer(
                    username="kim",
                    display_name="김담당",
                    district_id=gangnam.id,
                    telegram_user_id=KIM,
                ),
                Officer(
                    username="lee",
                    display_name="이담당",
                    district_id=gangnam.id,
                    telegram_user_id=LEE,
                ),
                Officer(
                    username="park",
                    display_name="박담당",
                    district_id=mapo.id,
                    telegram_user_id=MAPO_OFFICER,
                ),
            ]
        )


async def test_disclosure_to_resolution_through_telegram(
    fake: FakeTelegram, database_url: str, clock: Any, escalations: Any, session_factory: Any
) -> None:
    harness = EscalatingHarness(fake, database_url, clock, escalations)
    await harness.start()
    try:
        await _story(harness, fake, session_factory)
    finally:
        await harness.stop()


async def _story(harness: EscalatingHarness, fake: FakeTelegram, session_factory: Any) -> None:
    codes = enrol(session_factory, child_age=8)
    _officers(session_factory)
    await join(harness, codes, child=True)

    # 1. The child discloses; the bot answers at once and the help lines follow.
    replies = await harness.say(CHILD_ID, "아빠가 술 마시면 때려서 무서워")
    texts = [r.text for r in replies]
    assert any("1388" in t and "109" in t and "112" in t for t in texts), texts

    # 2. One urgent case, safety reply recorded, evidence attached.
    with session_factory() as session:
        case = session.scalars(select(Case)).one()
        assert (case.severity, case.status, case.reason_id) == ("urgent", "open", "abuse")
        assert case.safety_reply_at is not None
        assert case.triggers[0].evidence["risk"] == {"abuse_physical": 0.95}
        # What the bot answered is kept beside the disclosure, for the officer's case page.
        around = session.execute(
            select(Message.direction, Message.kind, Message.text)
            .where(Message.id >= case.triggers[0].message_id)
            .order_by(Message.id)
        ).all()
    assert [tuple(line[:2]) for line in around] == [
        ("in", "free_text"),
        ("out", "safety"),
        ("out", "reply"),
    ]
    assert {line[2] for line in around[1:]} <= set(texts)
    case_id = case.id

    # 3. The district's officer group sees it, without the child's words, with buttons.
    alert = await fake.wait_for(lambda: fake.sent_to(OFFICER_CHAT))
    alert = alert[-1]
    assert f"#{case_id}" in alert.text and "긴급" in alert.text and "Min (8세)" in alert.text
    assert "때려" not in alert.text
    assert alert.labels == ["담당하기", "대시보드에서 열기"]
    assert alert.buttons[0][1]["url"] == f"https://maeum.example/cases/{case_id}"

    # 4. Strangers and officers of other districts get nowhere.
    await harness.settle(fake.press(STRANGER, alert.button("담당하기"), alert))
    assert "등록된 담당자만" in fake.callback_answers[-1]["text"]
    before = len(fake.sent_to(MAPO_OFFICER))
    await harness.settle(fake.send_text(MAPO_OFFICER, f"/case {case_id}"))
    assert "찾을 수 없어요" in fake.sent_to(MAPO_OFFICER)[before].text
    await harness.settle(group_command(fake, MAPO_OFFICER, "/queue"))
    assert "단체방" in fake.last(OFFICER_CHAT).text

    # 5. Kim claims it from the group alert; the alert now names the owner; Lee is too late.
    await harness.settle(fake.press(KIM, alert.button("담당하기"), alert))
    assert fake.callback_answers[-1]["text"] == "맡았어요"
    edited = next(m for m in fake.sent_to(OFFICER_CHAT) if m.message_id == alert.message_id)
    assert "✅ 담당: 김담당" in edited.text and edited.labels == ["대시보드에서 열기"]
    lee_replies = await harness.say(LEE, f"/claim {case_id}")
    assert "이미 김담당 님이 맡았어요" in lee_replies[-1].text

    # 6. The queue in the group shows it as Kim's.
    await harness.settle(group_command(fake, KIM, "/queue"))
    queue_text = fake.last(OFFICER_CHAT).text
    assert f"#{case_id} [긴급]" in queue_text and "김담당" in queue_text

    # 7. A note, in Kim's private chat with the bot.
    noted = await harness.say(KIM, f"/note {case_id} 학교 담임과 통화, 오늘 가정 방문 예정")
    assert "메모를 남겼어요" in noted[-1].text

    # 8. Kim writes to the child; the child sees it as from their counsellor.
    sent = await harness.say(KIM, f"/msg {case_id} 안녕, 선생님이야. 지금은 안전한 곳에 있니?")
    assert "메시지를 보냈어요" in sent[-1].text
    counsellor: Sent = await fake.wait_for(
        lambda: next((m for m in fake.sent_to(CHILD_ID) if "선생님이야" in m.text), None)
    )
    assert counsellor.text.startswith("💬 담당 선생님의 메시지")

    # 9. The child answers; the reply joins the case and is forwarded to Kim.
    await harness.say(CHILD_ID, "네 지금은 할머니 집이에요")
    assert harness.application is not None and harness.services is not None
    await deliver_pending(harness.application.bot, harness.services)
    forwarded = fake.last(KIM)
    assert f"#{case_id}" in forwarded.text and "할머니 집" in forwarded.text

    # 10. Lee may not close Kim's case; Kim resolves it with an outcome.
    refused = await harness.say(LEE, f"/resolve {case_id} no_concern")
    assert "할 수 없는 작업" in refused[-1].text
    wrong = await harness.say(KIM, f"/resolve {case_id} solved")
    assert "no_concern" in wrong[-1].text
    resolved = await harness.say(KIM, f"/resolve {case_id} referred_agency")
    assert "종결했어요" in resolved[-1].text and "아동보호전문기관" in resolved[-1].text
    shown = await harness.say(KIM, f"/case {case_id}")
    assert "종결" in shown[-1].text and "메모 1건" in shown[-1].text

    # What the database holds: the story, in the append-only audit log.
    with session_factory() as session:
        case = session.get(Case, case_id)
        assert case is not None
        assert (case.status, case.outcome) == ("resolved", "referred_agency")
        kim = session.scalars(select(Officer).where(Officer.username == "kim")).one()
        assert case.claimed_by_id == kim.id
        assert session.scalars(select(CaseNote.text)).all() == [
            "학교 담임과 통화, 오늘 가정 방문 예정"
        ]
        linked = session.scalars(
            select(Message.kind).where(Message.case_id == case_id).order_by(Message.id)
        ).all()
        assert linked == ["safety", "counsellor", "free_text"]
        audit = session.execute(
            select(AuditEntry.action, AuditEntry.actor, AuditEntry.source)
            .where(AuditEntry.case_id == case_id)
            .order_by(AuditEntry.id)
        ).all()
    officer = f"officer:{kim.id}"
    assert [tuple(row) for row in audit] == [
        ("open", "system", "bot"),
        ("safety_reply", "system", "bot"),
        ("claim", officer, "telegram group"),
        ("note", officer, "telegram"),
        ("message_family", officer, "telegram"),
        ("family_reply", "system", "bot"),
        ("resolve", officer, "telegram"),
    ]
