"""Cases in the officers' queue, what triggered them, notes, and the append-only audit log."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.types import UTCDateTime

if TYPE_CHECKING:
    from models.family import Family
    from models.officer import Officer


class Case(Base):
    """One per family and reason while open; new triggers merge into it."""

    __tablename__ = "cases"
    __table_args__ = (
        # One open case per family and reason (resolved cases may repeat).
        Index(
            "uq_cases_open_family_reason",
            "family_id",
            "reason_id",
            unique=True,
            sqlite_where=text("status != 'resolved'"),
            postgresql_where=text("status != 'resolved'"),
        ),
        Index("ix_cases_district_status_priority", "district_id", "status", "priority"),
        # The queue page's orderings and filters, so a page of 50 out of 100,000 cases
        # reads about 50 rows instead of sorting them all (bench/bench_dashboard.py).
        Index("ix_cases_district_priority", "district_id", "priority"),
        Index("ix_cases_district_severity", "district_id", "severity", "status", "priority"),
        Index("ix_cases_district_owner", "district_id", "claimed_by_id", "status", "priority"),
        Index("ix_cases_district_status_resolved", "district_id", "status", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    reason_id: Mapped[str] = mapped_column(String(64))  # the rule id
    reason: Mapped[str] = mapped_column(String(500))  # human-readable, for officers
    severity: Mapped[str] = mapped_column(String(16))  # urgent | concern
    # open | claimed | resolved
    status: Mapped[str] = mapped_column(String(16), default="open")
    priority: Mapped[float] = mapped_column(default=0.0)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    sla_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sla_breach_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # no_concern | monitoring | referred_agency | reported_police
    outcome: Mapped[str | None] = mapped_column(String(32))
    safety_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    family: Mapped["Family"] = relationship()
    claimed_by: Mapped["Officer | None"] = relationship()
    triggers: Mapped[list["CaseTrigger"]] = relationship(
        back_populates="case", order_by="CaseTrigger.id"
    )
    notes: Mapped[list["CaseNote"]] = relationship(back_populates="case", order_by="CaseNote.id")


class CaseTrigger(Base):
    """One firing of a rule, with its evidence (message, scores)."""

    __tablename__ = "case_triggers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    rule_id: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_responses.id"))
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="triggers")


class CaseNote(Base):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="notes")


class AuditEntry(Base):
    """Append-only: who did what, when, from where. Never updated or deleted."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))  # "officer:12", "system", "cli"
    action: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(100))  # dashboard 1.2.3.4 | telegram | cli | bot
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    family_id: Mapped[int | None] = mapped_column(ForeignKey("families.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
