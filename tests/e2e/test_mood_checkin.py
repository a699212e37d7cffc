"""Children's mood check-ins per age band, and children writing at any time."""

import pytest
from sqlalchemy import select

from models import Message, MoodCheckin, OutboxMessage
from tests.e2e.conftest import CHILD_ID, INCOMING, enrol, join


async def test_young_child_gets_emoji_buttons_only(harness, session_factory):
    codes = enrol(session_factory, child_age=5)
    await join(harness, codes, child=True)
    replies = await harness.say(CHILD_ID, "/mood")
    prompt = replies[-1]
    assert "읽어 주세요" in prompt.text  # meant for a parent reading aloud
    assert len(prompt.labels) == 6
    replies = await harness.press(CHILD_ID, "😢")
    assert replies == []  # the prompt is edited into the answer; no follow-up question
    assert "슬픈 마음" in harness.fake.last(CHILD_ID).text
    with session_factory() as session:
        checkin = session.scalars(select(MoodCheckin)).one()
        assert (checkin.mood, checkin.message_id) == ("sad", None)


@pytest.mark.parametrize(("age", "prompt_word"), [(9, "하나 골라 줘"), (15, "글로 적어")])
async def test_older_child_is_invited_to_say_more(harness, session_factory, age, prompt_word):
    codes = enrol(session_factory, child_age=age)
    await join(harness, codes, child=True)
    replies = await harness.say(CHILD_ID, "/mood")
    assert prompt_word in replies[-1].text
    replies = await harness.press(CHILD_ID, "😨")
    assert "무서운 마음" in harness.fake.last(CHILD_ID).text or "무슨 일" in replies[-1].text
    assert "무슨 일이 있었는지" in replies[-1].text
    replies = await harness.say(CHILD_ID, "시험이 무서워")
    assert "고마워" in replies[-1].text
    with session_factory() as session:
        checkin = session.scalars(select(MoodCheckin)).one()
        note = session.get(Message, checkin.message_id)
        assert (checkin.mood, note.kind, note.text) == ("scared", "mood_note", "시험이 무서워")


async def test_child_can_decline_to_say_more(harness, session_factory):
    codes = enrol(session_factory, child_age=10)
    await join(harness, codes, child=True)
    await harness.say(CHILD_ID, "/mood")
    await harness.press(CHILD_ID, "😊")
    await harness.press(CHILD_ID, "괜찮아")
    assert "언제든" in harness.fake.last(CHILD_ID).text
    replies = await harness.say(CHILD_ID, "오늘 축구했어")
    assert "고마워" in replies[-1].text
    with session_factory() as session:
        assert session.scalars(select(Message.kind).where(INCOMING)).all() == ["free_text"]


async def test_disclosure_gets_safety_reply_through_the_outbox(harness, session_factory):
    codes = enrol(session_factory, child_age=11)
    await join(harness, codes, child=True)
    replies = await harness.say(CHILD_ID, "아빠가 때려")
    texts = [r.text for r in replies]
    assert any("112" in t for t in texts)
    assert "SAFETY 112 109 1388" in texts  # queued by escalation, delivered by the outbox
    with session_factory() as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert (row.status, row.kind) == ("sent", "safety")
    assert harness.escalations.calls[-1][1] == ["abuse_physical"]
