"""Case policy: SLA deadlines per severity and the priority that orders the queue."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

SEVERITIES = ("concern", "urgent")  # ascending
OUTCOMES = ("no_concern", "monitoring", "referred_agency", "reported_police")

# Priority is "boost + hours waited". Storing `boost - hours since EPOCH` orders the queue
# exactly the same way at any moment (now is common to all cases), so the index on
# `cases.priority` serves the queue and waiting time still counts; `priority_now` adds the
# hours back for display.
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
# An urgent case always comes before every concern, however long that has waited.
SEVERITY_BOOST_HOURS = {"urgent": 100_000.0, "concern": 0.0}
# Younger children are more at risk: each year under 18 counts as 12 hours of waiting,
# so a 4-year-old's concern is seen about a week before a 17-year-old's of the same day.
AGE_BOOST_HOURS_PER_YEAR = 12.0
ADULT_AGE = 18


@dataclass(frozen=True)
class EscalationConfig:
    """The knobs of the escalation room, taken from `Settings` by the composition root."""

    sla_urgent_minutes: int = 60
    sla_concern_hours: int = 72
    timezone: str = "Asia/Seoul"
    dashboard_url: str = "http://127.0.0.1:8000"

    @classmethod
    def from_settings(cls, settings: Any) -> "EscalationConfig":
        return cls(
            sla_urgent_minutes=settings.sla_urgent_minutes,
            sla_concern_hours=settings.sla_concern_hours,
            timezone=settings.timezone,
            dashboard_url=settings.public_dashboard_url(),
        )

    def sla(self, severity: str) -> timedelta:
        if severity == "urgent":
            return timedelta(minutes=self.sla_urgent_minutes)
        return timedelta(hours=self.sla_concern_hours)

    def case_url(self, case_id: int) -> str:
        return f"{self.dashboard_url.rstrip('/')}/cases/{case_id}"


def higher(a: str, b: str) -> str:
    """The more severe of two severities."""
    return a if SEVERITIES.index(a) >= SEVERITIES.index(b) else b


def _hours_since_epoch(moment: datetime) -> float:
    return (moment - EPOCH).total_seconds() / 3600.0


def priority(severity: str, child_age: int, opened_at: datetime) -> float:
    """The stored priority: higher is seen first (see the module note on EPOCH)."""
    age_boost = max(ADULT_AGE - child_age, 0) * AGE_BOOST_HOURS_PER_YEAR
    return SEVERITY_BOOST_HOURS[severity] + age_boost - _hours_since_epoch(opened_at)


def priority_now(stored: float, now: datetime) -> float:
    """The priority as people read it: boosts plus the hours the case has waited."""
    return stored + _hours_since_epoch(now)


def local_date(moment: datetime, timezone: str) -> date:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(timezone)).date()
