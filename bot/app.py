"""Builds the Telegram `Application`: handlers, error handler and periodic jobs over `Services`."""

from __future__ import annotations

from telegram import BotCommand
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot import jobs
from bot.errors import on_error
from bot.handlers import fallbacks, family, officers
from bot.handlers.common import SERVICES_KEY
from bot.services import Services
from bot.updates import PerChatUpdateProcessor

# Registration order matters: earlier modules see an update first. Specific handlers
# (e.g. officers' commands) go before `family`; `fallbacks` catches what is left.
HANDLER_MODULES = [
    officers,
    family,
    fallbacks,
]

MENU = (
    "checkin",
    "mood",
    "reminders",
    "help",
    "privacy",
    "language",
    "pause",
    "resume",
    "stop",
    "delete",
)


def build_application(
    services: Services, *, tick_seconds: float = 30.0, rate_limit: bool = True
) -> Application:
    settings = services.settings
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    file_url = settings.telegram_api_url.removesuffix("/bot") + "/file/bot"
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_url)
        .base_file_url(file_url)
        .post_init(_post_init)
        .concurrent_updates(PerChatUpdateProcessor(settings.bot_concurrency))
    )
    if rate_limit:
        # Telegram allows about 30 messages/s overall; retry a flood-control answer twice.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=2))
    application = builder.build()
    application.bot_data[SERVICES_KEY] = services
    for module in HANDLER_MODULES:
        module.register(application, services)
    application.add_error_handler(on_error)
    jobs.register(application, services, tick_seconds=tick_seconds)
    return application


async def _post_init(application: Application) -> None:
    """The command menu, in Korean by default and in English for English clients."""
    catalogue = application.bot_data[SERVICES_KEY].catalogue
    for language, code in (("ko", None), ("en", "en")):
        await application.bot.set_my_commands(
            [BotCommand(name, catalogue.text(language, f"menu.{name}")) for name in MENU],
            language_code=code,
        )
