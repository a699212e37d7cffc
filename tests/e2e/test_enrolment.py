"""A first conversation over HTTP: enrol by deep link, consent, help."""

from sqlalchemy import select

from models import Member, ProcessedUpdate
from tests.e2e.conftest import GUARDIAN_ID, enrol


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
        assert (member.role, member.consent, member.telegram_user_id) == ("guardian", "given",
                                                                          GUARDIAN_ID)
        assert session.scalar(select(ProcessedUpdate).limit(1)) is not None
