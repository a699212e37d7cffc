"""Reminders due to families and the outbox of messages the bot must deliver."""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow
from models.types import UTCDateTime


class Reminder(Base):
    """A reminder due at a time; the unique key makes scheduling idempotent across restarts."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("member_id", "kind", "period", "attempt"),
        Index("ix_reminders_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(32))  # questionnaire | mood
    # The period the reminder is for: ISO week for weekly ones, a date for daily ones.
    period: Mapped[str] = mapped_column(String(16))
    attempt: Mapped[int] = mapped_column(default=1)  # 1 = first, 2 = the gentle second one
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # pending | sent | skipped | cancelled
    status: Mapped[str] = mapped_column(String(16), default="pending")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OutboxMessage(Base):
    """A message to send through Telegram, retried until delivered (safety replies, reminders)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Same key twice means the same message: enqueueing is idempotent.
    dedupe_key: Mapped[str] = mapped_column(String(128), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    # Extra send options (inline keyboard etc.) as plain JSON.
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    kind: Mapped[str] = mapped_column(String(32))
    family_id: Mapped[int | None] = mapped_column(ForeignKey("families.id"))
    # pending | sending | sent | failed
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
