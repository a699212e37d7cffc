"""Bot benchmarks: updates handled end to end on SQLite, and weekly reminders to 50,000 families.

Prints: updates/s and latency percentiles through the flows (handler logic + database) and
through PTB's `Application.process_update` (plus the reply over loopback HTTP to a fake Bot
API server); time to schedule and queue 50,000 weekly reminders, with a simulated crash
half-way (nothing lost or doubled); and the outbox's sending rate under the rate limiter.
The analyser is the empty stand-in, so the figures are the bot's own (see bench_nlp for the
classifier).
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select
from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, TypeHandler

from bot.analysis import stand_in_analyser
from bot.app import build_application
from bot.composition import build_services
from bot.flows import Identity, handle_button, handle_command, handle_start, handle_text
from bot.jobs import run_reminders
from bot.outbox import deliver_pending
from bot.reminders import schedule_reminders, send_due_reminders
from bot.services import Services
from bot.settings import Settings
from models import (
    Family,
    Member,
    OutboxMessage,
    Reminder,
    make_engine,
    make_session_factory,
)
from models.enrolment import add_district, enrol_family
from models.migrate import upgrade

MONDAY = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
SUNDAY_7PM_SEOUL = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"median {statistics.median(ordered) * 1000:.2f} ms, "
        f"p99 {p99 * 1000:.2f} ms, max {ordered[-1] * 1000:.2f} ms"
    )


def _database(directory: Path, name: str) -> str:
    url = f"sqlite:///{directory / name}"
    upgrade(url)
    return url


def _services(url: str, **settings: str) -> Services:
    engine = make_engine(url)
    return build_services(
        Settings(DATABASE_URL=url, **settings),
        session_factory=make_session_factory(engine),
        analyser=stand_in_analyser,
        clock=lambda: MONDAY,
        escalation=False,
    )


def _enrol_guardians(services: Services, count: int) -> list[Identity]:
    people = []
    with services.session_factory() as session, session.begin():
        add_district(session, "bench")
        codes = [
            enrol_family(
                session,
                district_code="bench",
                child_alias=f"c{n}",
                child_age=8,
                now=MONDAY - timedelta(hours=1),
                invite_ttl=timedelta(days=7),
            ).guardian_invite.code
            for n in range(count)
        ]
    for n, code in enumerate(codes):
        who = Identity(user_id=100_000 + n, chat_id=100_000 + n, language_code="ko")
        handle_start(services, who, code)
        handle_button(services, who, "c:yes")
        people.append(who)
    return people


def bench_flows(directory: Path, updates: int = 3000) -> None:
    services = _services(_database(directory, "flows.sqlite3"))
    people = _enrol_guardians(services, 100)
    latencies: list[float] = []
    update_id = 1
    pending: dict[int, str] = {}
    start = time.perf_counter()
    for n in range(updates):
        who = people[n % len(people)]
        t0 = time.perf_counter()
        if n % 3 == 0:
            outcome = handle_text(services, who, f"오늘은 조금 힘들었어요 {n}", update_id=update_id)
        elif who.user_id not in pending:
            outcome = handle_command(services, who, "checkin", update_id=update_id)
        else:
            outcome = handle_button(services, who, pending[who.user_id], update_id=update_id)
        latencies.append(time.perf_counter() - t0)
        update_id += 1
        buttons = [r for r in outcome.replies if r.buttons]
        if buttons and buttons[-1].buttons[0][0].data.startswith("q:"):
            rows = buttons[-1].buttons
            # Answer "3" on rated items; skip the free-text item.
            pending[who.user_id] = (rows[2] if len(rows) > 3 else rows[0])[0].data
        else:
            pending.pop(who.user_id, None)
    elapsed = time.perf_counter() - start
    print(
        f"flows (handler logic + SQLite), {updates} updates, one worker: "
        f"{updates / elapsed:.0f} updates/s; {_percentiles(latencies)}"
    )
    services.session_factory.kw["bind"].dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _bench_ptb(directory: Path, updates: int) -> None:
    # The fake Bot API server runs as its own process, as Telegram would be.
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_telegram", str(port)],
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        base_url = f"http://127.0.0.1:{port}/bot"
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                    break
            except OSError:
                time.sleep(0.05)
        url = _database(directory, "ptb.sqlite3")
        services = _services(url, TELEGRAM_BOT_TOKEN="1:BENCH", TELEGRAM_API_URL=base_url)
        people = _enrol_guardians(services, 100)
        application = build_application(services, tick_seconds=3600, rate_limit=False)
        enqueued: dict[int, float] = {}
        latencies: list[float] = []
        finished = asyncio.Event()

        async def done(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
            latencies.append(time.perf_counter() - enqueued[update.update_id])
            if len(latencies) == updates:
                finished.set()

        application.add_handler(TypeHandler(Update, done), group=99)
        bot_user = {"id": 1, "is_bot": False, "first_name": "p", "language_code": "ko"}

        async def offer(first_id: int, rate: float | None) -> float:
            """Put `updates` updates in the queue (all at once, or `rate` a second)."""
            latencies.clear()
            finished.clear()
            start = time.perf_counter()
            for n in range(updates):
                who = people[n % len(people)]
                data = {
                    "update_id": first_id + n,
                    "message": {
                        "message_id": n + 1,
                        "date": int(time.time()),
                        "chat": {"id": who.chat_id, "type": "private"},
                        "from": dict(bot_user, id=who.user_id),
                        "text": f"오늘 이야기 {n}",
                    },
                }
                if rate is not None:
                    await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
                enqueued[first_id + n] = time.perf_counter()
                await application.update_queue.put(Update.de_json(data, application.bot))
            await asyncio.wait_for(finished.wait(), timeout=300)
            return time.perf_counter() - start

        async with application:
            await application.start()
            elapsed = await offer(10_000, None)
            print(
                f"PTB Application, saturated (update queue, per-chat ordered concurrency, "
                f"handler + SQLite + reply over loopback HTTP to a fake Bot API process): "
                f"{updates} free-text updates from 100 people in {elapsed:.1f} s = "
                f"{updates / elapsed:.0f} updates/s"
            )
            await offer(20_000, 50.0)
            print(
                f"PTB Application at 50 updates/s offered: time from arrival to reply sent "
                f"{_percentiles(latencies)}"
            )
            await application.stop()
        services.session_factory.kw["bind"].dispose()
    finally:
        server.terminate()
        server.wait(timeout=10)


def _bulk_families(services: Services, count: int) -> None:
    with services.session_factory() as session, session.begin():
        district = add_district(session, "bulk")
        session.flush()
        first = (session.scalar(select(func.max(Family.id))) or 0) + 1
        session.execute(
            insert(Family),
            [
                {
                    "id": first + n,
                    "district_id": district.id,
                    "child_alias": f"c{n}",
                    "child_age_years": 8,
                    "child_age_on": date(2026, 11, 1),
                    "status": "active",
                    "created_at": MONDAY,
                    "created_by": "bench",
                }
                for n in range(count)
            ],
        )
        session.execute(
            insert(Member),
            [
                {
                    "family_id": first + n,
                    "role": "guardian",
                    "telegram_user_id": 5_000_000 + n,
                    "chat_id": 5_000_000 + n,
                    "language": "ko",
                    "consent": "given",
                    "consent_at": MONDAY - timedelta(days=1),
                    "paused": False,
                    "stopped": False,
                    "joined_at": MONDAY - timedelta(days=1),
                    "created_at": MONDAY,
                }
                for n in range(count)
            ],
        )


class _Crash(Exception):
    pass


def bench_reminders(directory: Path, families: int = 50_000) -> None:
    services = _services(
        _database(directory, "reminders.sqlite3"), MAEUM_CHILD_REMINDER_WEEKDAYS=""
    )
    _bulk_families(services, families)
    factory, settings, catalogue = services.session_factory, services.settings, services.catalogue
    t0 = time.perf_counter()
    with factory() as session, session.begin():
        created = schedule_reminders(session, settings, SUNDAY_7PM_SEOUL)
    scheduled = time.perf_counter() - t0
    with factory() as session, session.begin():
        again = schedule_reminders(session, settings, SUNDAY_7PM_SEOUL)
    print(
        f"scheduled {created} weekly reminders in {scheduled:.2f} s "
        f"(a second pass after a restart added {again})"
    )

    t0 = time.perf_counter()
    with factory() as session, session.begin():
        send_due_reminders(session, settings, catalogue, SUNDAY_7PM_SEOUL, limit=10_000)
    try:  # a worker dies in the middle of the next batch: its transaction never commits
        with factory() as session, session.begin():
            send_due_reminders(session, settings, catalogue, SUNDAY_7PM_SEOUL, limit=10_000)
            raise _Crash
    except _Crash:
        pass
    services.clock = lambda: SUNDAY_7PM_SEOUL
    run_reminders(services)  # the restarted worker finishes the job
    queued = time.perf_counter() - t0
    with factory() as session:
        outbox = session.scalar(select(func.count()).select_from(OutboxMessage))
        distinct_chats = session.scalar(select(func.count(func.distinct(OutboxMessage.chat_id))))
        sent = session.scalar(
            select(func.count()).select_from(Reminder).where(Reminder.status == "sent")
        )
    print(
        f"queued reminders for {families} families in {queued:.2f} s with a crash half-way: "
        f"{outbox} outbox messages to {distinct_chats} chats, {sent} reminders sent "
        f"({'none lost or doubled' if outbox == distinct_chats == families else 'MISMATCH'})"
    )
    services.session_factory.kw["bind"].dispose()


async def _bench_outbox_rate(directory: Path, messages: int) -> None:
    from tests.fake_telegram import FakeTelegram

    fake = FakeTelegram()
    fake.start()
    try:
        services = _services(_database(directory, "outbox.sqlite3"))
        services.clock = lambda: datetime.now(UTC)
        with services.session_factory() as session, session.begin():
            session.execute(
                insert(OutboxMessage),
                [
                    {
                        "dedupe_key": f"bench:{n}",
                        "chat_id": 9_000_000 + n,
                        "text": "안녕하세요",
                        "options": {},
                        "kind": "reminder",
                        "status": "pending",
                        "attempts": 0,
                        "due_at": datetime.now(UTC) - timedelta(seconds=1),
                        "created_at": datetime.now(UTC),
                    }
                    for n in range(messages)
                ],
            )
        application = (
            ApplicationBuilder()
            .token("1:BENCH")
            .base_url(fake.base_url)
            .rate_limiter(AIORateLimiter(max_retries=2))
            .build()
        )
        async with application:
            t0 = time.perf_counter()
            delivered = await deliver_pending(application.bot, services)
            elapsed = time.perf_counter() - t0
        rate = delivered / elapsed
        # The limiter lets a first burst of 30 through, then holds a steady 30 a second.
        steady = (delivered - 30) / elapsed
        print(
            f"outbox through AIORateLimiter: {delivered} messages in {elapsed:.1f} s = "
            f"{rate:.1f} messages/s overall, {steady:.1f}/s after the first burst of 30 "
            f"(Telegram allows ~30/s); 50,000 reminders take {50_000 / steady / 60:.0f} min"
        )
        services.session_factory.kw["bind"].dispose()
    finally:
        fake.stop()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        bench_flows(directory)
        asyncio.run(_bench_ptb(directory, 1000))
        bench_reminders(directory)
        asyncio.run(_bench_outbox_rate(directory, 300))


if __name__ == "__main__":
    main()
