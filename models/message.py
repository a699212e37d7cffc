"""Messages exchanged with families, their analyses, and processed Telegram updates."""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.types import UTCDateTime


class Message(Base):
    """A message from or to a family member. Text is the most sensitive data held: never log it."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_family_created", "family_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    # in (from the family) | out (to the family)
    direction: Mapped[str] = mapped_column(String(4))
    # guardian | child | bot | officer
    sender: Mapped[str] = mapped_column(String(16))
    # in: free_text | mood_note | questionnaire; out: reply | reminder | counsellor | safety
    kind: Mapped[str] = mapped_column(String(16), default="free_text")
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(8))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    analysis: Mapped["MessageAnalysis | None"] = relationship(back_populates="message")


def outgoing_values(
    *,
    family_id: int,
    member_id: int,
    text: str,
    kind: str,
    lang: str | None,
    created_at: datetime,
    sender: str = "bot",
    officer_id: int | None = None,
    case_id: int | None = None,
) -> dict[str, Any]:
    """The columns of a message the bot sends a family member: `Message(**outgoing_values(...))`,
    or rows of a bulk insert.

    Every outgoing text is recorded this way: turn replies (`reply`), reminders (`reminder`),
    safety replies (`safety`) and counsellors' messages (`counsellor`, sender `officer`).
    """
    return {
        "family_id": family_id,
        "member_id": member_id,
        "direction": "out",
        "sender": sender,
        "kind": kind,
        "text": text,
        "lang": lang,
        "officer_id": officer_id,
        "case_id": case_id,
        "created_at": created_at,
    }


class MessageAnalysis(Base):
    __tablename__ = "message_analyses"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    model: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8))
    emotions: Mapped[dict[str, Any]]
    emotion_labels: Mapped[list[Any]]
    risk: Mapped[dict[str, Any]]
    risk_labels: Mapped[list[Any]]
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    severity: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    message: Mapped[Message] = relationship(back_populates="analysis")


class ProcessedUpdate(Base):
    """Telegram may deliver an update twice; a row here means it was handled."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
