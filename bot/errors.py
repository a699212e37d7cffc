"""The error handler: one failed update never stops the bot; the person gets a kind answer."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.flows import error_reply
from bot.handlers.common import identity_of, services_of

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    # Never the message text: only the kind of failure and where.
    log.error(
        "update %s failed: %s",
        update_id,
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return
    who = identity_of(update)
    if who is None:
        return
    if update.callback_query is not None:
        # Stop the button's spinner (it may have been answered already).
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    try:
        reply = await asyncio.to_thread(error_reply, services_of(context), who)
        await context.bot.send_message(update.effective_chat.id, reply.text)
    except TelegramError as send_error:
        log.error(
            "could not send the error reply for update %s: %s", update_id, type(send_error).__name__
        )
