"""Two bot workers on one database: an update delivered to both is handled once."""

import threading

from sqlalchemy import select

from bot.analysis import stand_in_analyser
from bot.composition import build_services
from bot.flows import Identity, handle_button, handle_command, handle_text
from bot.settings import Settings
from models import Answer, Message, make_engine, make_session_factory
from tests.e2e.conftest import START, enrol

WHO = Identity(user_id=42, chat_id=42, language_code="ko")


def _worker(database_url):
    engine = make_engine(database_url)
    return engine, build_services(Settings(DATABASE_URL=database_url),
                                  session_factory=make_session_factory(engine),
                                  analyser=stand_in_analyser, clock=lambda: START,
                                  escalation=False)


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
            assert session.scalars(select(Message.text)).all() == ["한 번만 저장"]
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
                "ps01": 4, "ps02": 2}
    finally:
        engine_a.dispose()
        engine_b.dispose()
