"""Family members in private chats: /start, commands, free text and button presses."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.flows import COMMANDS, handle_button, handle_command, handle_start, handle_text
from bot.handlers.common import run_flow
from bot.services import Services

PRIVATE = filters.ChatType.PRIVATE
NEW = filters.UpdateType.MESSAGE


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    code = context.args[0] if context.args else None
    await run_flow(update, context, handle_start, code)


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text
    name = update.effective_message.text.split()[0][1:].split("@")[0].lower()
    await run_flow(update, context, handle_command, name)


async def on_free_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    await run_flow(
        update, context, handle_text, message.text, telegram_message_id=message.message_id
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    if update.effective_chat is not None and update.effective_chat.type != "private":
        return  # buttons in group chats belong to the officers' handlers
    await run_flow(update, context, handle_button, str(query.data or ""))


def register(application: Application, services: Services) -> None:
    application.add_handler(CommandHandler("start", on_start, filters=PRIVATE & NEW))
    member_commands = [name for name in COMMANDS if name != "start"]
    application.add_handler(CommandHandler(member_commands, on_command, filters=PRIVATE & NEW))
    application.add_handler(
        MessageHandler(
            PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, on_free_text
        )
    )
    application.add_handler(CallbackQueryHandler(on_button))
