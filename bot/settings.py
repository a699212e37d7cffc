"""Typed settings, read once from the environment by the composition root."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every knob of a running Maeum. Secrets come only from the environment."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'maeum.sqlite3'}", alias="DATABASE_URL"
    )
    telegram_bot_token: str | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str = Field(default="https://api.telegram.org/bot", alias="TELEGRAM_API_URL")
    # Used for invite deep links when the bot is not reachable to ask its name (getMe).
    telegram_bot_username: str = Field(default="MaeumBot", alias="TELEGRAM_BOT_USERNAME")
    # Set to receive updates by webhook instead of polling (public HTTPS URL).
    webhook_url: str | None = Field(default=None, alias="MAEUM_WEBHOOK_URL")
    webhook_listen: str = Field(default="127.0.0.1", alias="MAEUM_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, alias="MAEUM_WEBHOOK_PORT")
    webhook_secret: str | None = Field(default=None, alias="MAEUM_WEBHOOK_SECRET")
    # Updates of different chats handled at once (one chat's updates stay in order).
    bot_concurrency: int = Field(default=8, ge=1, alias="MAEUM_BOT_CONCURRENCY")

    model_dir: Path | None = Field(default=None, alias="MAEUM_MODEL_DIR")
    rules_path: Path = Field(
        default=PROJECT_ROOT / "escalation" / "rules.yaml", alias="MAEUM_RULES_PATH"
    )

    timezone: str = Field(default="Asia/Seoul", alias="MAEUM_TIMEZONE")
    quiet_hours: str = Field(default="21:00-08:00", alias="MAEUM_QUIET_HOURS")
    # Weekday numbers: Monday = 0 ... Sunday = 6.
    guardian_reminder_weekday: int = Field(default=6, alias="MAEUM_GUARDIAN_REMINDER_WEEKDAY")
    guardian_reminder_time: str = Field(default="19:00", alias="MAEUM_GUARDIAN_REMINDER_TIME")
    child_reminder_weekdays: str = Field(default="0,2,4", alias="MAEUM_CHILD_REMINDER_WEEKDAYS")
    child_reminder_time: str = Field(default="16:00", alias="MAEUM_CHILD_REMINDER_TIME")
    second_reminder_after_hours: int = Field(default=24, alias="MAEUM_SECOND_REMINDER_HOURS")
    invite_ttl_hours: int = Field(default=168, alias="MAEUM_INVITE_TTL_HOURS")

    sla_urgent_minutes: int = Field(default=60, alias="MAEUM_SLA_URGENT_MINUTES")
    sla_concern_hours: int = Field(default=72, alias="MAEUM_SLA_CONCERN_HOURS")

    dashboard_host: str = Field(default="127.0.0.1", alias="MAEUM_DASHBOARD_HOST")
    dashboard_port: int = Field(default=8000, alias="MAEUM_DASHBOARD_PORT")
    # Public address of the dashboard, for links sent to officers.
    dashboard_url: str | None = Field(default=None, alias="MAEUM_DASHBOARD_URL")
    secret_key: str | None = Field(default=None, alias="MAEUM_SECRET_KEY")
    cookie_secure: bool = Field(default=False, alias="MAEUM_COOKIE_SECURE")

    def public_dashboard_url(self) -> str:
        return self.dashboard_url or f"http://{self.dashboard_host}:{self.dashboard_port}"


def load_settings() -> Settings:
    return Settings()
