"""The one outbox sender: delivers pending `OutboxMessage` rows through Telegram, with retries.

Anyone may enqueue (reminders, escalation's safety replies and officer alerts) with
`enqueue(...)`; `deliver_pending` claims due rows (safe with several workers), sends them and
records the result. Delivery is at least once: a worker that dies mid-send leaves a lease that
expires, and the row is sent again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.services import Services
from models import OutboxMessage

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(hours=1)


def enqueue(
    session: Session, *, dedupe_key: str, chat_id: int, text: str, kind: str,
    family_id: int | None = None, buttons: list[list[dict[str, str]]] | None = None,
    due_at: datetime | None = None,
) -> None:
    """Queue a message once per dedupe_key (a second call with the same key does nothing).

    `buttons` rows of {"label": ..., "data": ...} become an inline keyboard.
    """
    values: dict[str, Any] = {
        "dedupe_key": dedupe_key, "chat_id": chat_id, "text": text, "kind": kind,
        "family_id": family_id, "options": {"buttons": buttons} if buttons else {},
    }
    if due_at is not None:
        values["due_at"] = due_at
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(OutboxMessage).values(**values).on_conflict_do_nothing(
            index_elements=["dedupe_key"]
        )
    )


@dataclass(frozen=True)
class Claimed:
    id: int
    chat_id: int
    text: str
    options: dict[str, Any]
    attempts: int


def claim_due(factory: sessionmaker[Session], now: datetime, limit: int) -> list[Claimed]:
    """Lease up to `limit` due rows to this worker (pending, or sending with an expired lease)."""
    with factory() as session, session.begin():
        due = (
            select(OutboxMessage.id)
            .where(
                OutboxMessage.due_at <= now,
                or_(
                    OutboxMessage.status == "pending",
                    (OutboxMessage.status == "sending") & (OutboxMessage.locked_until < now),
                ),
            )
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit)
            .scalar_subquery()
        )
        rows = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(due),
                or_(
                    OutboxMessage.status == "pending",
                    (OutboxMessage.status == "sending") & (OutboxMessage.locked_until < now),
                ),
            )
            .values(status="sending", locked_until=now + LEASE,
                    attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage.id, OutboxMessage.chat_id, OutboxMessage.text,
                       OutboxMessage.options, OutboxMessage.attempts)
            .execution_options(synchronize_session=False)
        ).all()
    return sorted((Claimed(*row) for row in rows), key=lambda c: c.id)


def record_sent(factory: sessionmaker[Session], ids: list[int], now: datetime) -> None:
    if not ids:
        return
    with factory() as session, session.begin():
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids))
            .values(status="sent", sent_at=now, locked_until=None, last_error=None)
            .execution_options(synchronize_session=False)
        )


def record_failure(
    factory: sessionmaker[Session], claimed: Claimed, error: str, retry_at: datetime | None
) -> None:
    """Back off and retry later, or give up (retry_at None: the chat is gone or blocked us)."""
    with factory() as session, session.begin():
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == claimed.id)
            .values(status="pending" if retry_at else "failed", due_at=retry_at or
                    OutboxMessage.due_at, locked_until=None, last_error=error[:500])
            .execution_options(synchronize_session=False)
        )


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def markup(options: dict[str, Any]) -> InlineKeyboardMarkup | None:
    rows = options.get("buttons")
    if rows:
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(b["label"], callback_data=b["data"]) for b in row]
             for row in rows]
        )
    raw = options.get("reply_markup")
    return InlineKeyboardMarkup.de_json(raw, None) if raw else None


async def deliver_pending(bot: Bot, services: Services, limit: int = 200) -> int:
    """Send every due row (in batches of `limit`); returns how many were delivered."""
    delivered = 0
    while True:
        now = services.now()
        batch = await asyncio.to_thread(claim_due, services.session_factory, now, limit)
        if not batch:
            return delivered
        sent: list[int] = []
        for claimed in batch:
            try:
                await bot.send_message(claimed.chat_id, claimed.text,
                                       reply_markup=markup(claimed.options))
            except RetryAfter as error:
                retry = services.now() + timedelta(seconds=float(
                    error.retry_after.total_seconds() if isinstance(error.retry_after, timedelta)
                    else error.retry_after))
                await asyncio.to_thread(record_failure, services.session_factory, claimed,
                                        "RetryAfter", retry)
            except (Forbidden, BadRequest) as error:
                log.warning("outbox %s undeliverable: %s", claimed.id, type(error).__name__)
                await asyncio.to_thread(record_failure, services.session_factory, claimed,
                                        type(error).__name__, None)
            except (TelegramError, OSError) as error:
                await asyncio.to_thread(record_failure, services.session_factory, claimed,
                                        type(error).__name__,
                                        services.now() + backoff(claimed.attempts))
            else:
                sent.append(claimed.id)
        await asyncio.to_thread(record_sent, services.session_factory, sent, services.now())
        delivered += len(sent)
        if len(batch) < limit:
            return delivered
