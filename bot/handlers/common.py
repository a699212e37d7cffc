"""What every Telegram handler shares: who is talking, the services, and sending an outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.flows import Identity, Outcome, Reply
from bot.outbox import deliver_pending
from bot.services import Services

SERVICES_KEY = "services"


def services_of(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[SERVICES_KEY]


def identity_of(update: Update) -> Identity | None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    return Identity(user_id=user.id, chat_id=chat.id, language_code=user.language_code)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
            for row in reply.buttons
        ]
    )


async def run_flow(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    flow: Callable[..., Outcome],
    *args: Any,
    **kwargs: Any,
) -> None:
    """Run a (blocking, database-bound) flow off the event loop, then send what it answered."""
    who = identity_of(update)
    if who is None:
        return
    services = services_of(context)
    outcome = await asyncio.to_thread(
        flow, services, who, *args, update_id=update.update_id, **kwargs
    )
    await send_outcome(update, context, outcome)


async def send_outcome(
    update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: Outcome
) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer(outcome.notice)
    chat = update.effective_chat
    if chat is None:
        return
    for reply in outcome.replies:
        markup = keyboard(reply)
        if reply.replace and query is not None and query.message is not None:
            try:
                await query.edit_message_text(reply.text, reply_markup=markup)
                continue
            except BadRequest:  # too old to edit, or unchanged: send it as a new message
                pass
        await context.bot.send_message(chat.id, reply.text, reply_markup=markup)
    if outcome.deliver_outbox:  # e.g. a safety reply: out now, not at the next outbox tick
        await deliver_pending(context.bot, services_of(context), limit=20, max_batches=1)
