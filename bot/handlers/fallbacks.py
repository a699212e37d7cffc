"""A kind answer to everything else in private chats: media, edits, unknown commands."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.flows import handle_command, handle_unsupported
from bot.handlers.common import run_flow
from bot.services import Services

PRIVATE = filters.ChatType.PRIVATE


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_flow(update, context, handle_unsupported, "edited")


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_flow(update, context, handle_command, "")


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_flow(update, context, handle_unsupported, "media")


def register(application: Application, services: Services) -> None:
    application.add_handler(MessageHandler(PRIVATE & filters.UpdateType.EDITED, on_edited))
    application.add_handler(
        MessageHandler(PRIVATE & filters.UpdateType.MESSAGE & filters.COMMAND, on_unknown_command)
    )
    application.add_handler(MessageHandler(PRIVATE & filters.UpdateType.MESSAGE, on_media))
