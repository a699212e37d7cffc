"""Districts, enrolled families, their members (guardian and child) and invites."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.types import UTCDateTime

if TYPE_CHECKING:
    from models.officer import Officer


class District(Base):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # Telegram group chat where this district's officers are notified of urgent cases.
    officer_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    families: Mapped[list["Family"]] = relationship(back_populates="district")
    officers: Mapped[list["Officer"]] = relationship(back_populates="district")


class Family(Base):
    """One enrolled family: one child (by alias, never a real name required) and their guardian."""

    __tablename__ = "families"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    child_alias: Mapped[str] = mapped_column(String(100))
    child_age_years: Mapped[int]
    # The day the age was recorded, so the current age can be derived later.
    child_age_on: Mapped[date]
    # active | paused | stopped | deleted
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="cli")

    district: Mapped[District] = relationship(back_populates="families")
    members: Mapped[list["Member"]] = relationship(back_populates="family")
    invites: Mapped[list["Invite"]] = relationship(back_populates="family")

    def child_age(self, today: date) -> int:
        years = today.year - self.child_age_on.year
        if (today.month, today.day) < (self.child_age_on.month, self.child_age_on.day):
            years -= 1
        return self.child_age_years + max(years, 0)


class Member(Base):
    """A person of a family who talks to the bot: the guardian or the child."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("family_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # guardian | child
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(8), default="ko")
    # pending | given | declined
    consent: Mapped[str] = mapped_column(String(16), default="pending")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused: Mapped[bool] = mapped_column(default=False)
    stopped: Mapped[bool] = mapped_column(default=False)
    # Reminder preferences; None means the configured default for the role.
    reminder_weekdays: Mapped[str | None] = mapped_column(String(32))  # e.g. "0,3" (Mon, Thu)
    reminder_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM" local time
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    family: Mapped[Family] = relationship(back_populates="members")


class Invite(Base):
    """A single-use, expiring code carried by a Telegram deep link (t.me/<bot>?start=<code>)."""

    __tablename__ = "invites"
    __table_args__ = (Index("ix_invites_family_role", "family_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"))
    role: Mapped[str] = mapped_column(String(16))  # guardian | child
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))

    family: Mapped[Family] = relationship(back_populates="invites")
