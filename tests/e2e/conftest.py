"""Fixtures for conversations over the real PTB Application against the fake Bot API server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.app import build_application
from bot.composition import build_services
from bot.outbox_queue import enqueue
from bot.services import Services
from bot.settings import Settings
from models import Member, Message, make_engine, make_session_factory
from models.enrolment import add_district, enrol_family
from nlp import Analysis
from tests.fake_telegram import FakeTelegram, Sent

# 2026-11-23 is a Monday; 01:00 UTC is 10:00 in Seoul (outside quiet hours).
START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
GUARDIAN_ID, CHILD_ID = 501, 502
# What the family wrote (the bot's own answers are stored too, as direction "out").
INCOMING = Message.direction == "in"


class FakeClock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


RISK_WORDS = {"때려": "abuse_physical", "hit me": "abuse_physical", "죽고 싶": "self_harm"}
SAD_WORDS = ("슬퍼", "힘들", "sad", "tired")


def keyword_analyser(texts: Sequence[str], speaker: str) -> list[Analysis]:
    """A small deterministic analyser for tests: a few words mean risk or sadness."""
    results = []
    for text in texts:
        risks = sorted({label for word, label in RISK_WORDS.items() if word in text})
        sad = any(word in text for word in SAD_WORDS)
        results.append(
            Analysis(
                lang="ko" if any("\uac00" <= c <= "\ud7a3" for c in text) else "en",
                emotions={"sadness": 0.9 if sad else 0.1, "fear": 0.8 if risks else 0.0},
                emotion_labels=["sadness"] if sad else [],
                risk={label: 0.95 for label in risks},
                risk_labels=risks,
                model="test-keywords",
            )
        )
    return results


@dataclass
class Escalations:
    """Stands in for the escalation room: urgent on any risk label, with a safety reply."""

    calls: list[tuple[int, list[str]]]
    questionnaires: list[int]

    def on_message(self, session: Any, message: Any, analysis: Any, now: datetime) -> Any:
        self.calls.append((message.id, list(analysis.risk_labels)))
        if not analysis.risk_labels:
            return None
        member = session.get(Member, message.member_id)
        enqueue(
            session,
            dedupe_key=f"safety:{message.family_id}",
            chat_id=member.chat_id,
            text="SAFETY 112 109 1388",
            kind="safety",
            family_id=message.family_id,
            due_at=now,  # the harness clock, not the wall clock
        )
        return {"severity": "urgent", "reasons": [f"risk:{r}" for r in analysis.risk_labels]}

    def on_questionnaire(self, session: Any, response: Any, now: datetime) -> None:
        self.questionnaires.append(response.id)


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator[FakeTelegram]:
    server = FakeTelegram()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake(fake_telegram: FakeTelegram) -> FakeTelegram:
    fake_telegram.reset()
    return fake_telegram


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def escalations() -> Escalations:
    return Escalations(calls=[], questionnaires=[])


class BotHarness:
    """Runs the real Application (polling the fake server) and waits for updates to finish."""

    def __init__(
        self,
        fake: FakeTelegram,
        database_url: str,
        clock: FakeClock,
        escalations: Escalations,
        tick_seconds: float = 3600,
    ) -> None:
        self.fake, self.database_url, self.clock = fake, database_url, clock
        self.escalations = escalations
        self.tick_seconds = tick_seconds
        self.done: set[int] = set()
        self.application: Application | None = None
        self.engine: Engine | None = None
        self.services: Services | None = None

    def _services(self) -> Services:
        settings = Settings(
            DATABASE_URL=self.database_url,
            TELEGRAM_BOT_TOKEN="123:TEST",
            TELEGRAM_API_URL=self.fake.base_url,
            TELEGRAM_BOT_USERNAME="MaeumTestBot",
        )
        self.engine = make_engine(self.database_url)
        services = build_services(
            settings,
            session_factory=make_session_factory(self.engine),
            analyser=keyword_analyser,
            clock=self.clock,
            escalation=False,
        )
        services.escalate_message = self.escalations.on_message
        services.escalate_questionnaire = self.escalations.on_questionnaire
        return services

    async def start(self) -> None:
        self.services = self._services()
        application = build_application(
            self.services, tick_seconds=self.tick_seconds, rate_limit=False
        )

        async def finished(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
            self.done.add(update.update_id)

        application.add_handler(TypeHandler(Update, finished), group=99)
        await application.initialize()
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        self.application = application

    async def stop(self) -> None:
        application = self.application
        if application is None:
            return
        assert application.updater is not None
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        self.application = None
        if self.engine is not None:
            self.engine.dispose()

    async def restart(self) -> None:
        """A new Application and new services over the same database (a process restart)."""
        await self.stop()
        await self.start()

    async def settle(self, update_id: int) -> None:
        await self.fake.wait_for(lambda: update_id in self.done)

    async def say(self, user_id: int, text: str, **kwargs: Any) -> list[Sent]:
        before = len(self.fake.sent_to(user_id))
        await self.settle(self.fake.send_text(user_id, text, **kwargs))
        return self.fake.sent_to(user_id)[before:]

    async def press(
        self, user_id: int, label_or_data: str, message: Sent | None = None, raw: bool = False
    ) -> list[Sent]:
        message = message or self.fake.last(user_id)
        data = label_or_data if raw else message.button(label_or_data)
        before = len(self.fake.sent_to(user_id))
        await self.settle(self.fake.press(user_id, data, message))
        return self.fake.sent_to(user_id)[before:]

    async def push(self, update_id: int) -> None:
        await self.settle(update_id)


@pytest.fixture
async def harness(
    fake: FakeTelegram, database_url: str, clock: FakeClock, escalations: Escalations
) -> AsyncIterator[BotHarness]:
    bot = BotHarness(fake, database_url, clock, escalations)
    await bot.start()
    yield bot
    await bot.stop()


@pytest.fixture
async def ticking(
    fake: FakeTelegram, database_url: str, clock: FakeClock, escalations: Escalations
) -> AsyncIterator[BotHarness]:
    """The harness with the periodic jobs (reminders, outbox) running every 50 ms."""
    bot = BotHarness(fake, database_url, clock, escalations, tick_seconds=0.05)
    await bot.start()
    yield bot
    await bot.stop()


@dataclass
class EnrolledCodes:
    family_id: int
    guardian: str
    child: str


def enrol(session_factory: Any, child_age: int = 9, now: datetime = START) -> EnrolledCodes:
    with session_factory() as session, session.begin():
        add_district(session, "gangnam", "강남구")
        enrolled = enrol_family(
            session,
            district_code="gangnam",
            child_alias="Min",
            child_age=child_age,
            now=now - timedelta(hours=1),
            invite_ttl=timedelta(days=7),
        )
        return EnrolledCodes(
            enrolled.family.id, enrolled.guardian_invite.code, enrolled.child_invite.code
        )


async def join(bot: BotHarness, codes: EnrolledCodes, *, child: bool = False) -> None:
    """Guardian (and optionally child) open their links and agree."""
    await bot.say(GUARDIAN_ID, f"/start {codes.guardian}")
    await bot.press(GUARDIAN_ID, "동의해요")
    if child:
        await bot.say(CHILD_ID, f"/start {codes.child}")
        await bot.press(CHILD_ID, "동의해요")
