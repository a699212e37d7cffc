"""A first conversation over HTTP: enrol by deep link, consent, help."""

from sqlalchemy import func, select

from models import Member, Message, ProcessedUpdate
from tests.e2e.conftest import CHILD_ID, GUARDIAN_ID, enrol, join


async def test_guardian_enrols_by_deep_link_and_consents(harness, session_factory):
    codes = enrol(session_factory)
    replies = await harness.say(GUARDIAN_ID, f"/start {codes.guardian}")
    assert "개인정보 안내" in replies[-1].text
    assert replies[-1].labels == ["동의해요", "동의하지 않아요"]
    await harness.press(GUARDIAN_ID, "동의해요")
    notice = harness.fake.last(GUARDIAN_ID)
    assert notice.edits == 1 and "/checkin" in notice.text
    with session_factory() as session:
        member = session.scalars(select(Member)).one()
        assert (member.role, member.consent, member.telegram_user_id) == (
            "guardian",
            "given",
            GUARDIAN_ID,
        )
        assert session.scalar(select(ProcessedUpdate).limit(1)) is not None


async def test_child_link_waits_for_guardian_consent(harness, session_factory):
    codes = enrol(session_factory)
    replies = await harness.say(CHILD_ID, f"/start {codes.child}")
    assert "보호자님이 먼저" in replies[-1].text
    await join(harness, codes, child=True)
    with session_factory() as session:
        consents = dict(session.execute(select(Member.role, Member.consent)).all())
    assert consents == {"guardian": "given", "child": "given"}


async def test_declining_stores_only_the_refusal(harness, session_factory):
    codes = enrol(session_factory)
    await harness.say(GUARDIAN_ID, f"/start {codes.guardian}")
    await harness.press(GUARDIAN_ID, "동의하지 않아요")
    assert "저장하지 않았어요" in harness.fake.last(GUARDIAN_ID).text
    replies = await harness.say(GUARDIAN_ID, "그래도 한마디")
    assert "초대 링크" in replies[-1].text
    with session_factory() as session:
        member = session.scalars(select(Member)).one()
        assert (member.consent, member.telegram_user_id) == ("declined", None)
        assert session.scalar(select(func.count()).select_from(Message)) == 0
    replies = await harness.say(GUARDIAN_ID, f"/start {codes.guardian}")
    assert "이미 사용" in replies[-1].text


async def test_pending_consent_stores_no_text(harness, session_factory):
    codes = enrol(session_factory)
    await harness.say(GUARDIAN_ID, f"/start {codes.guardian}")
    replies = await harness.say(GUARDIAN_ID, "먼저 말해도 되나요")
    assert "동의 여부" in replies[0].text and replies[-1].labels == ["동의해요", "동의하지 않아요"]
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 0


async def test_english_client_gets_english_and_language_can_change(harness, session_factory):
    codes = enrol(session_factory)
    replies = await harness.say(GUARDIAN_ID, f"/start {codes.guardian}", language="en")
    assert "Do you agree?" in replies[-1].text
    await harness.press(GUARDIAN_ID, "I agree")
    replies = await harness.say(GUARDIAN_ID, "/language")
    await harness.press(GUARDIAN_ID, "한국어")
    assert "한국어로" in harness.fake.last(GUARDIAN_ID).text
    replies = await harness.say(GUARDIAN_ID, "/help")
    assert "마음 사용법" in replies[-1].text and "1577-0199" in replies[-1].text


async def test_stop_and_start_again(harness, session_factory):
    await join(harness, enrol(session_factory))
    replies = await harness.say(GUARDIAN_ID, "/stop")
    assert "/start" in replies[-1].text
    with session_factory() as session:
        assert session.scalars(select(Member.stopped)).one() is True
    replies = await harness.say(GUARDIAN_ID, "/start")
    assert "다시 시작" in replies[-1].text
    with session_factory() as session:
        assert session.scalars(select(Member.stopped)).one() is False
