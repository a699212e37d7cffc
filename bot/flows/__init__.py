"""Conversations, channel-neutral: the Telegram handlers and the console call these."""

from bot.flows.router import (
    COMMANDS,
    error_reply,
    handle_button,
    handle_command,
    handle_start,
    handle_text,
    handle_unsupported,
)
from bot.flows.types import Button, Identity, Outcome, Reply

__all__ = [
    "COMMANDS",
    "Button",
    "Identity",
    "Outcome",
    "Reply",
    "error_reply",
    "handle_button",
    "handle_command",
    "handle_start",
    "handle_text",
    "handle_unsupported",
]
