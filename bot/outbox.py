"""The one outbox sender: delivers pending `OutboxMessage` rows through Telegram, with retries.

Anyone may enqueue (reminders, escalation's safety replies and officer alerts) with
`bot.outbox_queue.enqueue(...)` (re-exported here); `deliver_pending` leases due rows (safe
with several workers), sends them and records the result. Delivery is at least once: a worker
that dies mid-send leaves a lease that expires, and the row is sent again.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.outbox_queue import (
    Claimed,
    backoff,
    claim_due,
    enqueue,
    record_failure,
    record_sent,
)
from bot.services import Services

__all__ = ["Claimed", "deliver_pending", "enqueue", "markup"]

log = logging.getLogger(__name__)


def markup(options: dict[str, Any]) -> InlineKeyboardMarkup | None:
    rows = options.get("buttons")
    if rows:
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(b["label"], callback_data=b["data"]) for b in row]
                for row in rows
            ]
        )
    raw = options.get("reply_markup")
    return InlineKeyboardMarkup.de_json(raw, None) if raw else None


def _without_links(keyboard: InlineKeyboardMarkup) -> InlineKeyboardMarkup | None:
    rows = [[b for b in row if b.url is None] for row in keyboard.inline_keyboard]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


async def _send(bot: Bot, claimed: Claimed) -> None:
    keyboard = markup(claimed.options)
    try:
        await bot.send_message(claimed.chat_id, claimed.text, reply_markup=keyboard)
    except BadRequest:
        # Telegram refuses link buttons to addresses it cannot reach (a dashboard on
        # 127.0.0.1): the message itself matters more, so send it without them.
        if keyboard is None or _without_links(keyboard) == keyboard:
            raise
        await bot.send_message(claimed.chat_id, claimed.text, reply_markup=_without_links(keyboard))


async def deliver_pending(
    bot: Bot, services: Services, limit: int = 200, max_batches: int | None = None
) -> int:
    """Send due rows in batches of `limit` (all, or `max_batches`); returns how many were sent."""
    delivered = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        now = services.now()
        batch = await asyncio.to_thread(claim_due, services.session_factory, now, limit)
        if not batch:
            return delivered
        sent: list[int] = []
        for claimed in batch:
            try:
                await _send(bot, claimed)
            except RetryAfter as error:
                retry = services.now() + timedelta(
                    seconds=float(
                        error.retry_after.total_seconds()
                        if isinstance(error.retry_after, timedelta)
                        else error.retry_after
                    )
                )
                await asyncio.to_thread(
                    record_failure, services.session_factory, claimed, "RetryAfter", retry
                )
            except (Forbidden, BadRequest) as error:
                log.warning("outbox %s undeliverable: %s", claimed.id, type(error).__name__)
                await asyncio.to_thread(
                    record_failure, services.session_factory, claimed, type(error).__name__, None
                )
            except Exception as error:  # network trouble or a bad answer: back off, retry
                await asyncio.to_thread(
                    record_failure,
                    services.session_factory,
                    claimed,
                    type(error).__name__,
                    services.now() + backoff(claimed.attempts),
                )
            else:
                sent.append(claimed.id)
        await asyncio.to_thread(record_sent, services.session_factory, sent, services.now())
        delivered += len(sent)
        if len(batch) < limit:
            return delivered
    return delivered
