"""The outbox table as a queue: enqueue once per key, lease due rows, record the result.

No Telegram here: reminders, escalation and the console use it; `bot.outbox` delivers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from models import OutboxMessage

LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(hours=1)


def enqueue(
    session: Session,
    *,
    dedupe_key: str,
    chat_id: int,
    text: str,
    kind: str,
    family_id: int | None = None,
    buttons: list[list[dict[str, str]]] | None = None,
    due_at: datetime | None = None,
) -> None:
    """Queue a message once per dedupe_key (a second call with the same key does nothing).

    `buttons` rows of {"label": ..., "data": ...} become an inline keyboard.
    """
    values: dict[str, Any] = {
        "dedupe_key": dedupe_key,
        "chat_id": chat_id,
        "text": text,
        "kind": kind,
        "family_id": family_id,
        "options": {"buttons": buttons} if buttons else {},
    }
    if due_at is not None:
        values["due_at"] = due_at
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(OutboxMessage).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    )


def enqueue_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Queue many messages at once (same fields as `enqueue`; duplicates by key are ignored)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = [
        {
            "dedupe_key": r["dedupe_key"],
            "chat_id": r["chat_id"],
            "text": r["text"],
            "kind": r["kind"],
            "family_id": r.get("family_id"),
            "options": {"buttons": r["buttons"]} if r.get("buttons") else {},
            "due_at": r["due_at"],
            "status": "pending",
            "attempts": 0,
            "created_at": r["due_at"],
        }
        for r in rows
    ]
    for start in range(0, len(values), 1000):
        session.execute(
            insert(OutboxMessage).on_conflict_do_nothing(index_elements=["dedupe_key"]),
            values[start : start + 1000],
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
            # Safety replies and officer alerts go before a backlog of reminders.
            .order_by(OutboxMessage.kind == "reminder", OutboxMessage.due_at, OutboxMessage.id)
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
            .values(status="sending", locked_until=now + LEASE, attempts=OutboxMessage.attempts + 1)
            .returning(
                OutboxMessage.id,
                OutboxMessage.chat_id,
                OutboxMessage.text,
                OutboxMessage.options,
                OutboxMessage.attempts,
            )
            .execution_options(synchronize_session=False)
        ).all()
    return sorted((Claimed(*row) for row in rows), key=lambda c: c.id)


def record_sent(factory: sessionmaker[Session], ids: list[int], now: datetime) -> None:
    if not ids:
        return
    with factory() as session, session.begin():
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status="sent", sent_at=now, locked_until=None, last_error=None)
            .execution_options(synchronize_session=False)
        )


def record_failure(
    factory: sessionmaker[Session], claimed: Claimed, error: str, retry_at: datetime | None
) -> None:
    """Back off and retry later, or give up (retry_at None: the chat is gone or blocked us)."""
    with factory() as session, session.begin():
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == claimed.id)
            .values(
                status="pending" if retry_at else "failed",
                due_at=retry_at or OutboxMessage.due_at,
                locked_until=None,
                last_error=error[:500],
            )
            .execution_options(synchronize_session=False)
        )


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)
