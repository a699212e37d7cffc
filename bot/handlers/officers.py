"""Officers in Telegram: /queue, /case, /claim, /note, /resolve, /msg and the claim button.

Thin: each handler parses the update, runs the escalation room's officer desk off the event
loop, and sends what it answered. Only registered officers of the case's district get
anywhere; the desk decides that.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.handlers.common import services_of
from bot.outbox import deliver_pending
from bot.services import Services
from escalation import (
    CLAIM_CALLBACK_PREFIX,
    OFFICER_COMMANDS,
    DeskReply,
    EscalationConfig,
    Where,
    handle_claim_button,
    handle_officer_command,
)


def _markup(rows: list[list[dict[str, str]]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b["text"], url=b["url"])
                if "url" in b
                else InlineKeyboardButton(b["text"], callback_data=b["callback_data"])
                for b in row
            ]
            for row in rows
        ]
    )


def _where(update: Update) -> Where | None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    return Where(user.id, chat.id, chat.type != "private", update.update_id)


def _config(services: Services) -> EscalationConfig:
    return EscalationConfig.from_settings(services.settings)


async def on_officer_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, where = update.effective_message, _where(update)
    if message is None or message.text is None or where is None:
        return
    words = message.text.split()
    command = words[0][1:].split("@")[0].lower()
    services = services_of(context)
    reply: DeskReply = await asyncio.to_thread(
        handle_officer_command,
        services.session_factory,
        _config(services),
        where,
        command,
        words[1:],
        services.now(),
    )
    if reply.duplicate:
        return
    await context.bot.send_message(where.chat_id, reply.text, reply_markup=_markup(reply.buttons))
    if reply.deliver_outbox:
        await deliver_pending(context.bot, services)


async def on_claim_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, where = update.callback_query, _where(update)
    if query is None or where is None:
        return
    case_id = int(str(query.data).removeprefix(CLAIM_CALLBACK_PREFIX))
    alert: Any = query.message
    services = services_of(context)
    reply = await asyncio.to_thread(
        handle_claim_button,
        services.session_factory,
        _config(services),
        where,
        case_id,
        getattr(alert, "text", None) or "",
        services.now(),
    )
    if reply.duplicate:
        await query.answer()
        return
    await query.answer(reply.notice or reply.text, show_alert=reply.notice is None)
    if reply.edit_text:
        # Too old to edit, or unchanged: the notice on the button said it already.
        with contextlib.suppress(BadRequest):
            await query.edit_message_text(reply.edit_text, reply_markup=_markup(reply.edit_buttons))


def register(application: Application, services: Services) -> None:
    """Before the family handlers: officer commands in private chats and officer groups."""
    application.add_handler(
        CommandHandler(
            list(OFFICER_COMMANDS), on_officer_command, filters=filters.UpdateType.MESSAGE
        )
    )
    application.add_handler(
        CallbackQueryHandler(on_claim_button, pattern=rf"^{CLAIM_CALLBACK_PREFIX}\d+$")
    )
