"""The dashboard's own settings, built once from `bot.settings.Settings` by the composition root."""

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings


@dataclass(frozen=True)
class DashboardConfig:
    secret_key: str
    cookie_secure: bool = False
    bot_username: str = "MaeumBot"
    dashboard_url: str = "http://127.0.0.1:8000"
    sla_urgent_minutes: int = 60
    sla_concern_hours: int = 72
    timezone: str = "Asia/Seoul"
    invite_ttl_hours: int = 168
    session_hours: int = 12
    queue_page_size: int = 50
    queue_refresh_seconds: int = 30
    # Login throttling: failed attempts inside the window, per username and per address.
    login_window_minutes: int = 15
    login_max_failures_per_username: int = 5
    login_max_failures_per_ip: int = 20
    default_language: str = "ko"

    @classmethod
    def from_settings(cls, settings: "Settings") -> "DashboardConfig":
        # Sessions live in the database; the key only signs the login form's CSRF token,
        # so a per-process random key is safe when none is configured (a restart only
        # invalidates login forms that are open at that moment).
        return cls(
            secret_key=settings.secret_key or secrets.token_urlsafe(32),
            cookie_secure=settings.cookie_secure,
            bot_username=settings.telegram_bot_username,
            dashboard_url=settings.public_dashboard_url(),
            sla_urgent_minutes=settings.sla_urgent_minutes,
            sla_concern_hours=settings.sla_concern_hours,
            timezone=settings.timezone,
            invite_ttl_hours=settings.invite_ttl_hours,
        )
