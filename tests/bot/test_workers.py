"""Two bot workers on one database: an update delivered to both is handled once."""

import threading

from sqlalchemy import select

from bot.analysis import stand_in_analyser
from bot.composition import build_services
from bot.flows import Identity, handle_button, handle_command, handle_text
from bot.settings import Settings
from models import Answer, Message, make_engine, make_session_factory
from tests.e2e.conftest import INCOMING, START, enrol

WHO = Identity(user_id=42, chat_id=42, language_code="ko")


def _worker(database_url):
    engine = make_engine(database_url)
    return engine, build_services(
        Settings(DATABASE_URL=database_url),
        session_factory=make_session_factory(engine),
        analyser=stand_in_analyser,
        clock=lambda: START,
        escalation=False,
    )


def _join(services, session_factory):
    from bot.flows import handle_start

    codes = enrol(session_factory)
    handle_start(services, WHO, codes.guardian)
    handle_button(services, WHO, "c:yes")


def test_same_update_on_two_workers_is_handled_once(session_factory, database_url):
    (engine_a, worker_a), (engine_b, worker_b) = _worker(database_url), _worker(database_url)
    try:
        _join(worker_a, session_factory)
        outcomes = []
        barrier = threading.Barrier(2)

        def run(services):
            barrier.wait()
            outcomes.append(handle_text(services, WHO, "한 번만 저장", update_id=9001))

        threads = [threading.Thread(target=run, args=(w,)) for w in (worker_a, worker_b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(o.duplicate for o in outcomes) == [False, True]
        with session_factory() as session:
            assert session.scalars(select(Message.text).where(INCOMING)).all() == ["한 번만 저장"]
    finally:
        engine_a.dispose()
        engine_b.dispose()


def test_a_checkin_moves_between_workers(session_factory, database_url):
    (engine_a, worker_a), (engine_b, worker_b) = _worker(database_url), _worker(database_url)
    try:
        _join(worker_a, session_factory)
        outcome = handle_command(worker_a, WHO, "checkin", update_id=1)
        data = outcome.replies[-1].buttons[3][0].data  # "4 ..." on item 1
        handle_button(worker_a, WHO, data, update_id=2)
        outcome = handle_text(worker_b, WHO, "2", update_id=3)  # a typed answer on worker B
        assert outcome.replies[-1].text.startswith("3/11")
        with session_factory() as session:
            assert dict(session.execute(select(Answer.item_id, Answer.value)).all()) == {
                "ps01": 4,
                "ps02": 2,
            }
    finally:
        engine_a.dispose()
        engine_b.dispose()


def test_two_workers_queue_each_reminder_once(session_factory, database_url):
    from datetime import timedelta

    from sqlalchemy import func

    from bot.jobs import run_reminders
    from models import OutboxMessage, Reminder
    from models.enrolment import add_district, enrol_family, give_consent, redeem_invite

    with session_factory() as session, session.begin():
        add_district(session, "gangnam")
        for n in range(60):
            enrolled = enrol_family(
                session,
                district_code="gangnam",
                child_alias=f"c{n}",
                child_age=8,
                now=START - timedelta(days=1),
                invite_ttl=timedelta(days=7),
            )
            member = redeem_invite(
                session,
                enrolled.guardian_invite.code,
                telegram_user_id=1000 + n,
                chat_id=1000 + n,
                language="ko",
                now=START - timedelta(days=1),
            )
            give_consent(session, member, START - timedelta(days=1))
    sunday_evening = START + timedelta(days=6, hours=9, minutes=1)  # 19:01 in Seoul
    workers = [_worker(database_url), _worker(database_url)]
    try:
        for _, services in workers:
            services.clock = lambda: sunday_evening
        barrier = threading.Barrier(2)

        def run(services):
            barrier.wait()
            run_reminders(services)

        threads = [threading.Thread(target=run, args=(s,)) for _, s in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with session_factory() as session:
            assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 60
            assert (
                session.scalar(
                    select(func.count()).select_from(Reminder).where(Reminder.attempt == 1)
                )
                == 60
            )
            assert (
                session.scalar(
                    select(func.count()).select_from(Reminder).where(Reminder.attempt == 2)
                )
                == 60
            )
    finally:
        for engine, _ in workers:
            engine.dispose()


def test_two_outbox_senders_never_claim_the_same_message(session_factory, database_url):
    from bot.outbox_queue import claim_due, enqueue

    with session_factory() as session, session.begin():
        for n in range(200):
            enqueue(
                session,
                dedupe_key=f"m:{n}",
                chat_id=n + 1,
                text="hi",
                kind="reminder",
                due_at=START,
            )
    engines = [make_engine(database_url) for _ in range(2)]
    claimed: list[list[int]] = [[], []]
    barrier = threading.Barrier(2)

    def run(index):
        factory = make_session_factory(engines[index])
        barrier.wait()
        while batch := claim_due(factory, START, 25):
            claimed[index].extend(c.id for c in batch)

    try:
        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for engine in engines:
            engine.dispose()
    both = claimed[0] + claimed[1]
    assert len(both) == len(set(both)) == 200
