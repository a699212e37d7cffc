"""Server-side page rendering: Jinja2 templates with the catalogue, local times and durations."""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from dashboard.accounts import SignedInOfficer
from dashboard.config import DashboardConfig
from escalation.catalogue import Catalogue
from models import utcnow

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
I18N_DIR = Path(__file__).resolve().parent / "i18n"
LANGUAGE_COOKIE = "maeum_lang"


class Texts:
    """The catalogue bound to one language, with the formatting officers see."""

    def __init__(self, catalogue: Catalogue, language: str, zone: ZoneInfo) -> None:
        self.catalogue = catalogue
        self.language = language
        self.zone = zone

    def __call__(self, key: str, **values: Any) -> str:
        return self.catalogue.text(self.language, key, **values)

    def maybe(self, key: str, fallback: str) -> str:
        """The text for a key that data may name (a mood, an audit action), else the fallback."""
        try:
            return self(key)
        except KeyError:
            return fallback

    def when(self, moment: datetime | None) -> str:
        if moment is None:
            return "–"
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    def day(self, moment: datetime | None) -> str:
        return "–" if moment is None else moment.astimezone(self.zone).strftime("%Y-%m-%d")

    def duration(self, span: timedelta | None) -> str:
        if span is None:
            return "–"
        minutes = max(int(span.total_seconds() // 60), 0)
        days, rest = divmod(minutes, 24 * 60)
        hours, minutes = divmod(rest, 60)
        if days:
            return self("duration.days_hours", days=days, hours=hours)
        if hours:
            return self("duration.hours_minutes", hours=hours, minutes=minutes)
        return self("duration.minutes", minutes=minutes)

    def sla(self, due: datetime, now: datetime | None = None) -> str:
        left = due - (now or utcnow())
        if left.total_seconds() < 0:
            return self("sla.overdue", duration=self.duration(-left))
        return self("sla.left", duration=self.duration(left))


class Pages:
    def __init__(self, config: DashboardConfig, catalogue: Catalogue) -> None:
        self.config = config
        self.catalogue = catalogue
        self.zone = ZoneInfo(config.timezone)
        self.templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

    def language(self, request: Request, officer: SignedInOfficer | None) -> str:
        if officer is not None:
            return self.catalogue.language(officer.language)
        return self.catalogue.language(request.cookies.get(LANGUAGE_COOKIE))

    def texts(self, request: Request, officer: SignedInOfficer | None) -> Texts:
        return Texts(self.catalogue, self.language(request, officer), self.zone)

    def render(
        self,
        request: Request,
        name: str,
        officer: SignedInOfficer | None,
        status_code: int = 200,
        language: str | None = None,
        **context: Any,
    ) -> HTMLResponse:
        texts = self.texts(request, officer)
        if language:
            texts = Texts(self.catalogue, self.catalogue.language(language), self.zone)
        context.update(
            t=texts,
            lang=texts.language,
            officer=officer,
            csrf_token=officer.csrf_token if officer else context.get("csrf_token", ""),
            config=self.config,
            now=utcnow(),
        )
        response: HTMLResponse = self.templates.TemplateResponse(
            request, name, context, status_code=status_code
        )
        return response


def pages(request: Request) -> Pages:
    result: Pages = request.app.state.pages
    return result
