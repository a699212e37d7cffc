"""Rules at work on the database: cases opened and merged, safety replies, alerts, SLA."""

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from escalation import (
    Actor,
    EscalationConfig,
    claim_case,
    escalate_checkin,
    escalate_message,
    escalate_questionnaire,
    load_rules,
    message_family,
    run_periodic_rules,
)
from escalation.periodic import iso_week
from escalation.policy import local_date
from escalation.rules import RuleSet
from models import (
    AuditEntry,
    Case,
    CaseTrigger,
    Message,
    MoodCheckin,
    OutboxMessage,
    QuestionnaireResponse,
    make_engine,
    make_session_factory,
)
from tests.escalation import factories as f
from tests.escalation.factories import NOW
from tests.escalation.stubs import analysis

DEFAULT_RULES = Path(__file__).resolve().parents[2] / "escalation" / "rules.yaml"
CONFIG = EscalationConfig(dashboard_url="https://maeum.example/")
HIT = analysis({"abuse_physical": 0.95}, phrases={"abuse_physical": ["아빠가 때렸어"]})


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules(DEFAULT_RULES)


@pytest.fixture
def family_id(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session, session.begin():
        district = f.district(session, chat_id=-100777)
        f.officer(session, district, "boss", role="supervisor", telegram_user_id=9001)
        return f.family(session, district, age=8, child_chat=501, guardian_chat=502).id


def _family(session: Session, family_id: int) -> f.Family:
    family = session.get(f.Family, family_id)
    assert family is not None
    return family


def _outbox(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _cases(session: Session) -> list[Case]:
    return list(session.scalars(select(Case).order_by(Case.id)))


def test_child_disclosure_opens_an_urgent_case_replies_with_help_lines_and_alerts_officers(
    session_factory: sessionmaker[Session], rules: RuleSet, family_id: int
) -> None:
    with session_factory() as session, session.begin():
        family = _family(session, family_id)
        message = f.message(session, family, "child", "아빠가 때렸어")
        outcome = escalate_message(session, rules, message, HIT, NOW, config=CONFIG)
    assert outcome is not None
    assert (outcome.opened, outcome.merged, outcome.severity) == (True, False, "urgent")
    assert outcome.safety_reply and outcome.safety_text and "1388" in outcome.safety_text
    with session_factory() as session:
        [case] = _cases(session)
        assert (case.reason_id, case.severity, case.status) == ("abuse", "urgent", "open")
        assert case.sla_due_at == NOW + timedelta(minutes=60)
        assert case.safety_reply_at == NOW
        [trigger] = session.scalars(select(CaseTrigger)).all()
        assert trigger.message_id == message.id
        assert trigger.evidence["phrases"] == {"abuse_physical": ["아빠가 때렸어"]}
        safety, alert = _outbox(session)
        assert (safety.chat_id, safety.kind) == (501, "safety")
        assert "112" in safety.text and "109" in safety.text and "1577-0199" in safety.text
        assert (alert.chat_id, alert.kind) == (-100777, "officer_alert")
        assert f"#{case.id}" in alert.text and "하늘" in alert.text
        assert "때렸어" not in alert.text  # the group never sees what the child wrote
        buttons = alert.options["reply_markup"]["inline_keyboard"][0]
        assert buttons[0]["callback_data"] == f"case:claim:{case.id}"
        assert buttons[1]["url"] == f"https://maeum.example/cases/{case.id}"
        stored = session.scalars(select(Message).where(Message.kind == "safety")).one()
        assert (stored.direction, stored.case_id) == ("out", case.id)


def test_repeated_disclosures_merge_into_one_case_with_one_safety_reply(
    session_factory: sessionmaker[Session], rules: RuleSet, family_id: int
) -> None:
    for minute in range(4):
        with session_factory() as session, session.begin():
            family = _family(session, family_id)
            message = f.message(session, family, "child", now=NOW + timedelta(minutes=minute))
            outcome = escalate_message(
                session, rules, message, HIT, NOW + timedelta(minutes=minute), config=CONFIG
            )
            assert outcome is not None
            assert outcome.opened == (minute == 0)
            assert outcome.safety_reply == (minute == 0)
    with session_factory() as session:
        assert len(_cases(session)) == 1
        assert session.scalar(select(func.count()).select_from(CaseTrigger)) == 4
        assert [o.kind for o in _outbox(session)] == ["safety", "officer_alert"]


def test_the_same_message_escalated_twice_attaches_one_trigger(
    session_factory: sessionmaker[Session], rules: RuleSet, family_id: int
) -> None:
    with session_factory() as session, session.begin():
        family = _family(session, family_id)
        message = f.message(session, family, "child")
        escalate_message(session, rules, message, HIT, NOW, config=CONFIG)
        again = escalate_message(session, rules, message, HIT, NOW, config=CONFIG)
    assert again is not None and again.changes[0].duplicate and not again.safety_reply
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(CaseTrigger)) == 1


def test_a_concern_case_is_raised_to_urgent_by_a_later_disclosure(
    session_factory: sessionmaker[Session], rules: RuleSet, family_id: int
) -> None:
    with session_factory() as session, session.begin():
        family = _family(session, family_id)
        first = f.message(session, family, "child")
        emotional = analysis({"abuse_emotional": 0.9})
        opened = escalate_message(session, rules, first, emotional, NOW, config=CONFIG)
        assert opened is not None and opened.severity == "concern" and not opened.safety_reply
        later = NOW + timedelta(hours=2)
        second = f.message(session, family, "child", now=later)
        raised = escalate_message(session, rules, second, HIT, later, config=CONFIG)
    assert raised is not None
    assert raised.case_id == opened.case_id
    assert raised.changes[0].raised and raised.severity == "urgent" and raised.safety_reply
    with session_factory() as session:
        [case] = _cases(session)
        assert case.severity == "urgent"
        assert case.sla_due_at == NOW + timedelta(hours=2, minutes=60)
        assert "신체 학대" in case.reason
        assert [o.kind for o in _outbox(session)] == ["safety", "officer_alert"]
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["open", "raise", "safety_reply"]


def test_a_message_below_every_threshold_opens_nothing_and_records_no_severity(
    session_factory: sessionmaker[Session], rules: RuleSet, family_id: int
) -> None:
    from models import MessageAnalysis

    with session_factory() as session, session.begin():
        family = _family(session, family_id)
        message = f.message(session, family, "child", "배고파 죽겠다")
        stored = MessageAnalysis(
            message_id=message.id,
            model="stub",
            lang="ko",
            emotions={"sadness": 0.2},
            emotion_labels=[],
            risk={"self_harm": 0.1},
            risk_labels=[],
        )
        session.add(stored)
        assert escalate_message(session, rules, message, stored, NOW) is None
        assert stored.severity is None
    with session_factory() as session:
        assert _cases(session) == [] and _outbox(session) == []


def _response(session: Session, family_id: int, week: str, total: float, band: str) -> int:
    family = _family(session, family_id)
    row = QuestionnaireResponse(
        member_id=f.member(session, family, "guardian").id,
        family_id=family_id,
        instrument_id="parenting_stress",
        week=week,
        status="completed",
        total_score=total,
        band=band,
        subscale_scores={"parental_distress": 10},
        completed_at=NOW,
    )
    session.add(row)
    session.flush()
    return row.id


def test_finished_questionnaires_open_and_then_merge_into_the_guardian_strain_case(
    session_factory: sessionmaker[Session], rules: RuleSet, family_id: int
) -> None:
    with session_factory() as session, session.begin():
        _response(session, family_id, "2026-W45", 20, "low")
        high_id = _response(session, family_id, "2026-W46", 36, "high")
        high = session.get(QuestionnaireResponse, high_id)
        assert high is not None
        outcome = escalate_questionnaire(session, rules, high, NOW, config=CONFIG)
    assert outcome is not None
    assert [c.rule_id for c in outcome.changes] == [
        "questionnaire:high_stress",
        "questionnaire:sharp_rise",
    ]
    assert len(set(outcome.case_ids)) == 1 and not outcome.safety_reply
    with session_factory() as session:
        [case] = _cases(session)
        assert (case.reason_id, case.severity) == ("guardian_strain", "concern")
        assert case.sla_due_at == NOW + timedelta(hours=72)
        triggers = session.scalars(select(CaseTrigger)).all()
        assert {t.response_id for t in triggers} == {high.id}
        assert _outbox(session) == []  # concerns wait in the queue; no group alert


def _checkin(session: Session, family_id: int, mood: str, at: datetime) -> MoodCheckin:
    family = _family(session, family_id)
    row = MoodCheckin(
        member_id=f.member(session, family, "child").id,
        family_id=family_id,
        mood=mood,
        week=iso_week(local_date(at, "Asia/Seoul")),
        created_at=at,
    )
    session.add(row)
    session.flush()
    return row


def test_mood_streak_opens_one_child_distress_case(
    session_factory: sessionmaker[Session], rules: RuleSet, family_id: int
) -> None:
    outcomes = []
    for day, mood in enumerate(["sad", "happy", "scared", "sad", "sad"]):
        with session_factory() as session, session.begin():
            checkin = _checkin(session, family_id, mood, NOW + timedelta(days=day))
            outcomes.append(escalate_checkin(session, rules, checkin, NOW + timedelta(days=day)))
    assert outcomes[:3] == [None, None, None]
    assert outcomes[3] is not None and outcomes[3].opened
    assert outcomes[4] is not None and outcomes[4].merged
    with session_factory() as session:
        [case] = _cases(session)
        assert case.reason_id == "child_distress"
        triggers = session.scalars(select(CaseTrigger).order_by(CaseTrigger.id)).all()
        assert [t.evidence["moods"] for t in triggers] == [
            ["sad", "scared", "happy", "sad"],
            ["sad", "sad", "scared", "happy"],
        ]
    # The periodic run sees the same newest check-in: nothing new is attached.
    with session_factory() as session:
        report = run_periodic_rules(session, rules, NOW + timedelta(days=5), config=CONFIG)
        rule_ids = [c.rule_id for o in report.outcomes for c in o.changes]
        assert "moods:sad_or_scared" not in rule_ids
        assert (
            session.scalar(
                select(func.count()).select_from(CaseTrigger).where(CaseTrigger.case_id == case.id)
            )
            == 2
        )


def test_periodic_run_opens_one_case_per_silent_member_and_no_duplicates(
    session_factory: sessionmaker[Session], rules: RuleSet, family_id: int
) -> None:
    # Joined 2026-10-01 (W40); the guardian answered W43; the child checked in during W46.
    with session_factory() as session, session.begin():
        _response(session, family_id, "2026-W43", 20, "low")
        _checkin(session, family_id, "happy", datetime(2026, 11, 10, 3, tzinfo=UTC))
    monday_w48 = datetime(2026, 11, 23, 1, tzinfo=UTC)  # 10:00 Monday in Seoul
    with session_factory() as session:
        first = run_periodic_rules(session, rules, monday_w48, config=CONFIG)
    assert [c.rule_id for o in first.outcomes for c in o.changes] == ["missed:guardian"]
    with session_factory() as session:
        again = run_periodic_rules(session, rules, monday_w48 + timedelta(days=14), config=CONFIG)
        assert [c.rule_id for o in again.outcomes for c in o.changes] == ["missed:child"]
        [guardian_case, child_case] = _cases(session)
        assert guardian_case.reason_id == "missed:guardian"
        triggers = session.scalars(
            select(CaseTrigger).where(CaseTrigger.case_id == guardian_case.id)
        ).all()
        assert len(triggers) == 1  # the same silence (since W43) is one finding
        assert triggers[0].evidence["since_week"] == "2026-W43"
        assert triggers[0].evidence["missed_weeks"] == 4
        assert child_case.reason_id == "missed:child"


def test_sla_breach_alerts_the_district_chat_and_supervisors_once(
    session_factory: sessionmaker[Session], rules: RuleSet, family_id: int
) -> None:
    with session_factory() as session, session.begin():
        family = _family(session, family_id)
        message = f.message(session, family, "child")
        outcome = escalate_message(session, rules, message, HIT, NOW, config=CONFIG)
        assert outcome is not None
    with session_factory() as session:
        early = run_periodic_rules(session, rules, NOW + timedelta(minutes=59), config=CONFIG)
        assert early.sla_breaches == []
        late = run_periodic_rules(session, rules, NOW + timedelta(minutes=61), config=CONFIG)
        assert late.sla_breaches == [outcome.case_id]
        later = run_periodic_rules(session, rules, NOW + timedelta(minutes=90), config=CONFIG)
        assert later.sla_breaches == []
        alerts = [o for o in _outbox(session) if o.kind == "sla_breach"]
        assert sorted(o.chat_id for o in alerts) == [-100777, 9001]
        assert all(f"#{outcome.case_id}" in o.text for o in alerts)
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "sla_breach")).one()
        assert (entry.case_id, entry.actor) == (outcome.case_id, "system")


def test_a_claimed_case_past_its_deadline_is_not_a_breach(
    session_factory: sessionmaker[Session], rules: RuleSet, family_id: int
) -> None:
    with session_factory() as session, session.begin():
        family = _family(session, family_id)
        officer = f.officer(session, family.district, "kim")
        outcome = escalate_message(session, rules, f.message(session, family), HIT, NOW)
        assert outcome is not None
    with session_factory() as session:
        claim_case(session, f.actor(officer), outcome.case_id)
        report = run_periodic_rules(session, rules, NOW + timedelta(hours=3), config=CONFIG)
        assert report.sla_breaches == []


def test_a_family_reply_to_the_counsellor_joins_the_case_and_reaches_its_officer(
    session_factory: sessionmaker[Session], rules: RuleSet, family_id: int
) -> None:
    with session_factory() as session, session.begin():
        family = _family(session, family_id)
        officer = f.officer(session, family.district, "kim", telegram_user_id=8001)
        outcome = escalate_message(session, rules, f.message(session, family), HIT, NOW)
        assert outcome is not None
    kim = Actor.for_officer(officer, "telegram")
    with session_factory() as session:
        claim_case(session, kim, outcome.case_id)
        message_family(session, kim, outcome.case_id, "선생님이야. 지금 안전하니?")
    with session_factory() as session, session.begin():
        family = _family(session, family_id)
        reply = f.message(session, family, "child", "응 괜찮아", now=datetime.now(UTC))
        assert escalate_message(session, rules, reply, analysis(), datetime.now(UTC)) is None
        assert reply.case_id == outcome.case_id
    with session_factory() as session:
        notice = [o for o in _outbox(session) if o.kind == "officer_reply"]
        assert [(o.chat_id, "응 괜찮아" in o.text) for o in notice] == [(8001, True)]


def _escalate_concurrently(url: str, workers: int) -> None:
    engine = make_engine(url, pool_size=workers, max_overflow=0)
    factory = make_session_factory(engine)
    rules = load_rules(DEFAULT_RULES)
    with factory() as session, session.begin():
        district = f.district(session)
        family = f.family(session, district, child_chat=501)
        message_ids = [f.message(session, family).id for _ in range(workers)]
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def escalate(message_id: int) -> None:
        try:
            with factory() as session:
                barrier.wait()
                with session.begin():
                    message = session.get(Message, message_id)
                    assert message is not None
                    escalate_message(session, rules, message, HIT, NOW)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=escalate, args=(m,)) for m in message_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with factory() as session:
        cases = _cases(session)
        triggers = session.scalar(select(func.count()).select_from(CaseTrigger))
        safety = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "safety")
        )
    engine.dispose()
    assert errors == []
    assert len(cases) == 1 and triggers == workers and safety == 1


def test_concurrent_disclosures_on_sqlite_open_exactly_one_case(sqlite_url: str) -> None:
    _escalate_concurrently(sqlite_url, 8)


@pytest.mark.postgres
def test_concurrent_disclosures_on_postgres_open_exactly_one_case(postgres_url: str) -> None:
    _escalate_concurrently(postgres_url, 8)


def test_periodic_run_catches_a_mood_streak_stored_without_the_hook(
    session_factory: sessionmaker[Session], rules: RuleSet, family_id: int
) -> None:
    with session_factory() as session, session.begin():
        for day, mood in enumerate(["scared", "sad", "happy", "sad"]):
            _checkin(session, family_id, mood, NOW + timedelta(days=day))
    soon = NOW + timedelta(days=3, minutes=5)
    with session_factory() as session:
        report = run_periodic_rules(session, rules, soon, config=CONFIG)
        rule_ids = [c.rule_id for o in report.outcomes for c in o.changes]
        assert rule_ids.count("moods:sad_or_scared") == 1
        again = run_periodic_rules(session, rules, soon + timedelta(minutes=1), config=CONFIG)
        assert "moods:sad_or_scared" not in [c.rule_id for o in again.outcomes for c in o.changes]
        [case] = [c for c in _cases(session) if c.reason_id == "child_distress"]
        assert len(case.triggers) == 1


def test_periodic_missed_checkins_skip_paused_members_and_recent_joiners(
    session_factory: sessionmaker[Session], rules: RuleSet, family_id: int
) -> None:
    with session_factory() as session, session.begin():
        family = _family(session, family_id)
        f.member(session, family, "guardian").paused = True
        child = f.member(session, family, "child")
        child.joined_at = datetime(2026, 11, 4, tzinfo=UTC)  # W45: W46, W47 missed by W48
    monday_w48 = datetime(2026, 11, 23, 1, tzinfo=UTC)
    with session_factory() as session:
        assert run_periodic_rules(session, rules, monday_w48, config=CONFIG).outcomes == []
        later = run_periodic_rules(session, rules, monday_w48 + timedelta(weeks=1), config=CONFIG)
        assert [c.rule_id for o in later.outcomes for c in o.changes] == ["missed:child"]


def test_the_safety_reply_speaks_the_members_language(
    session_factory: sessionmaker[Session], rules: RuleSet
) -> None:
    with session_factory() as session, session.begin():
        district = f.district(session, chat_id=None)
        family = f.family(session, district, child_chat=601, language="en")
        message = f.message(session, family, "child", "my dad hits me")
        outcome = escalate_message(session, rules, message, HIT, NOW, config=CONFIG)
    assert outcome is not None and outcome.safety_text is not None
    assert outcome.safety_text.startswith("Thank you for telling me")
    with session_factory() as session:
        [safety] = _outbox(session)  # no officer group in this district: no alert
        assert (safety.chat_id, safety.kind) == (601, "safety")
        assert "Youth counselling: 1388" in safety.text
