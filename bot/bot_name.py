"""The bot's Telegram username for invite deep links: asked of Telegram, else configured."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from telegram import Bot
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bot.settings import Settings

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class BotName:
    username: str
    # Why the configured TELEGRAM_BOT_USERNAME is used instead of Telegram's answer; None
    # when Telegram answered getMe.
    fallback_reason: str | None = None


async def _ask(settings: Settings) -> str:
    """getMe (PTB's `initialize` asks it) through the configured Bot API server."""
    assert settings.telegram_bot_token
    request = HTTPXRequest(connect_timeout=TIMEOUT_SECONDS, read_timeout=TIMEOUT_SECONDS)
    async with Bot(
        settings.telegram_bot_token, base_url=settings.telegram_api_url, request=request
    ) as bot:
        username = bot.username
    if not username:
        raise ValueError("getMe answered without a username")
    return username


def bot_name(settings: Settings) -> BotName:
    """Telegram's own answer (getMe) when a token is set and the API answers; else the setting."""
    configured = settings.telegram_bot_username.lstrip("@")
    if not settings.telegram_bot_token:
        return BotName(configured, "TELEGRAM_BOT_TOKEN is not set")
    try:
        return BotName(asyncio.run(_ask(settings)))
    except (TelegramError, ValueError, OSError) as error:
        log.warning("getMe failed: %s", type(error).__name__)
        return BotName(configured, f"Telegram did not answer getMe ({type(error).__name__})")


def with_bot_name(settings: Settings) -> Settings:
    """The settings with TELEGRAM_BOT_USERNAME replaced by Telegram's answer, when it answers:
    the dashboard started beside the bot then prints invite links to the right bot."""
    name = bot_name(settings)
    if name.fallback_reason is not None:
        return settings
    return settings.model_copy(update={"telegram_bot_username": name.username})
