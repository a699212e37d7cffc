"""Channel-neutral values: who is talking, and what the bot answers (text and buttons)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Identity:
    """A person on a channel: Telegram user and chat ids (the console uses its own ids)."""

    user_id: int
    chat_id: int
    language_code: str | None = None


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # at most 64 bytes (Telegram's callback_data limit)


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    # Replace the message whose button was pressed instead of sending a new one.
    replace: bool = False


@dataclass
class Outcome:
    replies: list[Reply] = field(default_factory=list)
    # A short note shown on the pressed button (Telegram's answerCallbackQuery text).
    notice: str | None = None
    # Something was put in the outbox that should go out now (e.g. a safety reply).
    deliver_outbox: bool = False
    # The update was already handled (Telegram delivered it twice): nothing to send.
    duplicate: bool = False


def buttons(*rows: list[Button] | tuple[Button, ...]) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(row) for row in rows)
