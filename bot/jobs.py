"""The periodic job: schedule and queue reminders, run periodic rules, deliver the outbox."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram.ext import Application, ContextTypes

from bot.handlers.common import services_of
from bot.outbox import deliver_pending
from bot.reminders import schedule_reminders, send_due_reminders
from bot.services import Services

log = logging.getLogger(__name__)

OUTBOX_BATCH = 50
SCHEDULE_EVERY = timedelta(minutes=10)


def run_reminders(services: Services) -> int:
    """One pass over the reminders (blocking; own transaction). Returns how many were queued."""
    now = services.now()
    # Scheduling reads every member: once per SCHEDULE_EVERY is plenty (it covers the week).
    last = services.extras.get("reminders_scheduled_at")
    if last is None or not (last <= now < last + SCHEDULE_EVERY):
        with services.session_factory() as session, session.begin():
            schedule_reminders(session, services.settings, now)
        services.extras["reminders_scheduled_at"] = now
    queued = 0
    while True:
        with services.session_factory() as session, session.begin():
            result = send_due_reminders(session, services.settings, services.catalogue, now)
        queued += result.queued
        if result.handled == 0:
            return queued


def run_periodic_rules(services: Services) -> None:
    if services.periodic_rules is None:
        return
    with services.session_factory() as session, session.begin():
        services.periodic_rules(session, services.now())


async def reminders_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Schedule and queue reminders, then the escalation room's periodic rules."""
    services = services_of(context)
    for step in (run_reminders, run_periodic_rules):
        try:
            await asyncio.to_thread(step, services)
        except Exception as error:  # one failing step must not stop the others or the bot
            log.error("periodic %s failed: %s", step.__name__, type(error).__name__, exc_info=error)


async def outbox_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """One batch per run: about 30 messages a second, so a run ends before the next starts."""
    try:
        await deliver_pending(context.bot, services_of(context), limit=OUTBOX_BATCH, max_batches=1)
    except Exception as error:
        log.error("outbox delivery failed: %s", type(error).__name__, exc_info=error)


def register(application: Application, services: Services, *, tick_seconds: float) -> None:
    assert application.job_queue is not None, "install python-telegram-bot[job-queue]"
    first = min(tick_seconds, 1.0)
    application.job_queue.run_repeating(
        reminders_tick, interval=tick_seconds, first=first, name="maeum-reminders"
    )
    application.job_queue.run_repeating(
        outbox_tick, interval=min(tick_seconds, 2.0), first=first, name="maeum-outbox"
    )
