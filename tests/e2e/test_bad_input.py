"""Kind answers to the unexpected: media, edits, unknown commands, strangers, forged buttons."""

from sqlalchemy import func, select

from models import Message, ProcessedUpdate
from tests.e2e.conftest import GUARDIAN_ID, INCOMING, enrol, join

STRANGER = 999


async def test_stickers_photos_and_voice_get_a_kind_answer(harness, session_factory):
    await join(harness, enrol(session_factory))
    for send in (harness.fake.send_sticker, harness.fake.send_photo, harness.fake.send_voice):
        before = len(harness.fake.sent_to(GUARDIAN_ID))
        await harness.push(send(GUARDIAN_ID))
        assert "글자만 읽을 수" in harness.fake.sent_to(GUARDIAN_ID)[before].text
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Message).where(INCOMING)) == 0


async def test_edited_message_is_not_stored_twice(harness, session_factory):
    await join(harness, enrol(session_factory))
    await harness.say(GUARDIAN_ID, "처음 글")
    before = len(harness.fake.sent_to(GUARDIAN_ID))
    await harness.push(harness.fake.edit_text(GUARDIAN_ID, "고친 글"))
    assert "고치셨네요" in harness.fake.sent_to(GUARDIAN_ID)[before].text
    with session_factory() as session:
        assert session.scalars(select(Message.text).where(INCOMING)).all() == ["처음 글"]


async def test_unknown_command_points_to_help(harness, session_factory):
    await join(harness, enrol(session_factory))
    replies = await harness.say(GUARDIAN_ID, "/dance")
    assert "/help" in replies[-1].text


async def test_stranger_is_told_how_to_join_and_nothing_is_stored(harness, session_factory):
    replies = await harness.say(STRANGER, "안녕하세요 저 좀 도와주세요")
    assert "초대 링크" in replies[-1].text and "1388" in replies[-1].text
    replies = await harness.say(STRANGER, "/checkin")
    assert "초대 링크" in replies[-1].text
    replies = await harness.say(STRANGER, "/start not-a-code")
    assert "찾을 수 없어요" in replies[-1].text
    replies = await harness.say(STRANGER, "hello", language="en")
    assert "invite link" in replies[-1].text
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Message).where(INCOMING)) == 0


async def test_forged_and_stale_buttons_are_refused_kindly(harness, session_factory):
    await join(harness, enrol(session_factory))
    await harness.say(GUARDIAN_ID, "/checkin")
    question = harness.fake.last(GUARDIAN_ID)
    await harness.press(GUARDIAN_ID, "3 ", question)
    # Pressing the first item's button again (an old message) is stale.
    stale = question.button("3 ").replace("ps02", "ps01")
    await harness.press(GUARDIAN_ID, stale, question, raw=True)
    # Forged: another response id, garbage, an unknown prefix, a too-short payload.
    for forged in (
        "q:99999:ps02:3",
        "q:abc:ps02:3",
        "zz:top",
        "q:1",
        "m:rocket",
        "d:yes",
        "c:yes",
        "l:xx",
    ):
        await harness.press(GUARDIAN_ID, forged, question, raw=True)
    answers = harness.fake.callback_answers
    assert sum("더 이상 쓸 수 없어요" in (a.get("text") or "") for a in answers) >= 8
    # The check-in itself is intact: the current item is still item 2.
    replies = await harness.say(GUARDIAN_ID, "/checkin")
    assert replies[-1].text.startswith("2/11")


async def test_very_long_text_is_stored_cut_to_telegram_size(harness, session_factory):
    await join(harness, enrol(session_factory))
    replies = await harness.say(GUARDIAN_ID, "가" * 100_000)
    assert "앞부분만" in replies[-1].text
    with session_factory() as session:
        assert session.scalar(select(func.length(Message.text)).where(INCOMING)) == 4096


async def test_the_same_update_twice_is_handled_once(harness, session_factory):
    await join(harness, enrol(session_factory))
    before = len(harness.fake.sent_to(GUARDIAN_ID))
    harness.fake.send_text(GUARDIAN_ID, "한 번만", update_id=777)
    await harness.push(harness.fake.send_text(GUARDIAN_ID, "한 번만", update_id=777))
    await harness.say(GUARDIAN_ID, "/help")  # a later update: the duplicate is done by now
    with session_factory() as session:
        assert session.scalars(select(Message.text).where(INCOMING)).all() == ["한 번만"]
        assert session.get(ProcessedUpdate, 777) is not None
    assert len(harness.fake.sent_to(GUARDIAN_ID)) - before == 2  # one ack, one help


async def test_a_failing_update_does_not_stop_the_bot(harness, session_factory):
    await join(harness, enrol(session_factory))
    clock = harness.services.clock
    failures = iter([RuntimeError("clock exploded")])

    def flaky_clock():
        error = next(failures, None)
        if error is not None:
            raise error
        return clock()

    harness.services.clock = flaky_clock
    replies = await harness.say(GUARDIAN_ID, "오늘 이야기")
    assert "문제가 생겼어요" in replies[-1].text and "112" in replies[-1].text
    replies = await harness.say(GUARDIAN_ID, "다시 이야기")
    assert "고마워요" in replies[-1].text
    with session_factory() as session:
        assert session.scalars(select(Message.text).where(INCOMING)).all() == ["다시 이야기"]
        # the apology is kept with the conversation, like every answer the family gets
        said = session.scalars(select(Message.text).where(Message.direction == "out")).all()
        assert any("문제가 생겼어요" in text for text in said)


async def test_failing_rules_keep_the_message_and_show_help(harness, session_factory):
    await join(harness, enrol(session_factory))

    def broken(session, message, analysis, now):
        raise RuntimeError("rules exploded")

    harness.services.escalate_message = broken
    replies = await harness.say(GUARDIAN_ID, "꼭 읽어 주세요")
    assert "112" in replies[-1].text
    with session_factory() as session:
        assert session.scalars(select(Message.text).where(INCOMING)).all() == ["꼭 읽어 주세요"]


async def test_a_classifier_failure_still_stores_the_message(harness, session_factory):
    await join(harness, enrol(session_factory))

    def broken(texts, speaker):
        raise RuntimeError("classifier exploded")

    harness.services.analyser = broken
    replies = await harness.say(GUARDIAN_ID, "꼭 전해 주세요")
    assert "고마워요" in replies[-1].text
    with session_factory() as session:
        stored = session.scalars(select(Message).where(INCOMING)).one()
        assert (stored.text, stored.analysis.model) == ("꼭 전해 주세요", "unanalysed")


async def test_message_text_never_reaches_the_logs(harness, session_factory, caplog):
    await join(harness, enrol(session_factory))
    caplog.set_level("INFO")  # production level (PTB's own DEBUG output shows updates)
    caplog.set_level("DEBUG", logger="bot")

    def broken(session, message, analysis, now):
        raise RuntimeError("rules exploded")

    await harness.say(GUARDIAN_ID, "비밀-문장-7731")
    harness.services.escalate_message = broken
    await harness.say(GUARDIAN_ID, "비밀-문장-7732")
    harness.services.analyser = None  # not callable: the classifier path fails too
    await harness.say(GUARDIAN_ID, "비밀-문장-7733")
    assert "escalation failed" in caplog.text
    assert "비밀-문장" not in caplog.text
