"""The periodic job: schedule and queue reminders, run periodic rules, deliver the outbox."""

from __future__ import annotations

import asyncio
import logging

from telegram.ext import Application, ContextTypes

from bot.handlers.common import services_of
from bot.outbox import deliver_pending
from bot.reminders import schedule_reminders, send_due_reminders
from bot.services import Services

log = logging.getLogger(__name__)


def run_reminders(services: Services) -> int:
    """One pass over the reminders (blocking; own transaction). Returns how many were queued."""
    now = services.now()
    with services.session_factory() as session, session.begin():
        schedule_reminders(session, services.settings, now)
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


async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    for step in (run_reminders, run_periodic_rules):
        try:
            await asyncio.to_thread(step, services)
        except Exception as error:  # one failing step must not stop the others or the bot
            log.error("periodic %s failed: %s", step.__name__, type(error).__name__,
                      exc_info=error)
    await deliver_pending(context.bot, services)


def register(application: Application, services: Services, *, tick_seconds: float) -> None:
    assert application.job_queue is not None, "install python-telegram-bot[job-queue]"
    application.job_queue.run_repeating(tick, interval=tick_seconds, first=min(tick_seconds, 1.0),
                                        name="maeum-tick")
