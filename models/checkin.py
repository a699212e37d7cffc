"""Questionnaire responses and answers, mood check-ins, and per-person conversation state."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.types import UTCDateTime


class QuestionnaireResponse(Base):
    """One person's run through one instrument in one week (ISO week, e.g. "2026-W47")."""

    __tablename__ = "questionnaire_responses"
    __table_args__ = (UniqueConstraint("member_id", "instrument_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(64))
    instrument_version: Mapped[str] = mapped_column(String(16), default="1")
    week: Mapped[str] = mapped_column(String(10))
    # in_progress | completed
    status: Mapped[str] = mapped_column(String(16), default="in_progress")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    total_score: Mapped[float | None]
    band: Mapped[str | None] = mapped_column(String(32))
    subscale_scores: Mapped[dict[str, Any] | None]

    answers: Mapped[list["Answer"]] = relationship(
        back_populates="response", order_by="Answer.id", cascade="all, delete-orphan"
    )


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_responses.id"))
    item_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    response: Mapped[QuestionnaireResponse] = relationship(back_populates="answers")


class MoodCheckin(Base):
    __tablename__ = "mood_checkins"
    __table_args__ = (Index("ix_mood_checkins_member_created", "member_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"), index=True)
    mood: Mapped[str] = mapped_column(String(16))  # key from the mood list (happy, sad, ...)
    week: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The free text the child added after choosing the emoji, if any.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))


class ConversationState(Base):
    """Where a person is in a flow; kept in the database so restarts and workers share it."""

    __tablename__ = "conversation_states"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    flow: Mapped[str] = mapped_column(String(32))  # e.g. questionnaire, mood_followup, delete
    step: Mapped[str] = mapped_column(String(64), default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
