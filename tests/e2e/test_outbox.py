"""The outbox sender against the Bot API: link buttons Telegram refuses, blocked users."""

from sqlalchemy import select

from bot.outbox import deliver_pending
from bot.outbox_queue import enqueue
from models import OutboxMessage

OFFICERS_CHAT = -100_555


async def test_alert_with_a_local_dashboard_link_still_goes_out(harness, session_factory):
    with session_factory() as session, session.begin():
        session.add(
            OutboxMessage(
                dedupe_key="alert:1",
                chat_id=OFFICERS_CHAT,
                text="urgent case 1",
                kind="alert",
                due_at=harness.services.now(),  # the harness clock, not the wall clock
                options={
                    "reply_markup": {
                        "inline_keyboard": [
                            [
                                {"text": "claim", "callback_data": "claim:1"},
                                {"text": "open", "url": "http://127.0.0.1:8000/cases/1"},
                            ]
                        ]
                    }
                },
            )
        )
    assert await deliver_pending(harness.application.bot, harness.services) == 1
    sent = harness.fake.last(OFFICERS_CHAT)
    assert (sent.text, sent.labels) == ("urgent case 1", ["claim"])


async def test_blocked_user_is_not_retried_and_others_still_get_theirs(harness, session_factory):
    harness.fake.blocked.add(77)
    now = harness.services.now()  # the harness clock: rows due by the wall clock would wait
    with session_factory() as session, session.begin():
        for chat in (77, 78):
            enqueue(
                session,
                dedupe_key=f"r:{chat}",
                chat_id=chat,
                text="hello",
                kind="reminder",
                buttons=[[{"label": "start", "data": "go:checkin"}]],
                due_at=now,
            )
        enqueue(
            session, dedupe_key="r:78", chat_id=78, text="hello again", kind="reminder", due_at=now
        )
    assert await deliver_pending(harness.application.bot, harness.services) == 1
    assert [m.labels for m in harness.fake.sent_to(78)] == [["start"]]
    with session_factory() as session:
        rows = dict(session.execute(select(OutboxMessage.chat_id, OutboxMessage.status)).all())
    assert rows == {77: "failed", 78: "sent"}
    assert await deliver_pending(harness.application.bot, harness.services) == 0
