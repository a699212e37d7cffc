"""The officers' queue service: scoping, ordering, claims, notes, resolutions, audit."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from escalation import (
    Actor,
    CaseAlreadyClaimed,
    CaseNotFound,
    InvalidOutcome,
    NotAllowed,
    add_note,
    case_audit,
    claim_case,
    count_cases,
    get_case,
    list_cases,
    message_family,
    reassign_case,
    release_case,
    reopen_case,
    resolve_case,
)
from escalation.audit import AuditLogIsAppendOnly
from models import (
    AuditEntry,
    District,
    Message,
    Officer,
    OutboxMessage,
    make_engine,
    make_session_factory,
)
from tests.escalation import factories as f
from tests.escalation.factories import NOW


@pytest.fixture
def world(session_factory: sessionmaker[Session]) -> dict[str, int]:
    """Two districts; in the first: three families with cases and three officers."""
    with session_factory() as session, session.begin():
        gangnam, mapo = f.district(session, "gangnam"), f.district(session, "mapo", -1002)
        older = f.family(session, gangnam, age=15, alias="older", child_chat=501)
        younger = f.family(session, gangnam, age=4, alias="younger", guardian_chat=602)
        urgent = f.family(session, gangnam, age=12, alias="urgent", child_chat=701)
        far = f.family(session, mapo, age=8, alias="far")
        ids = {
            "older": f.case(session, older, "mood:sad_streak", "concern").case_id,
            "younger": f.case(session, younger, "mood:sad_streak", "concern").case_id,
            "urgent": f.case(session, urgent, now=NOW + timedelta(hours=5)).case_id,
            "far": f.case(session, far).case_id,
            "kim": f.officer(session, gangnam, "kim").id,
            "lee": f.officer(session, gangnam, "lee").id,
            "boss": f.officer(session, gangnam, "boss", role="supervisor").id,
            "park": f.officer(session, mapo, "park").id,
            "root": f.officer(session, None, "root", role="admin").id,
            "gangnam": gangnam.id,
        }
    return ids


def _actor(session_factory: sessionmaker[Session], officer_id: int) -> Actor:
    with session_factory() as session:
        officer = session.get(Officer, officer_id)
        assert officer is not None
        return Actor.for_officer(officer, "test")


def test_list_cases_puts_urgent_first_then_younger_children(
    session_factory: sessionmaker[Session], world: dict[str, int]
) -> None:
    kim = _actor(session_factory, world["kim"])
    with session_factory() as session:
        listed = [c.id for c in list_cases(session, kim)]
    assert listed == [world["urgent"], world["younger"], world["older"]]


def test_list_cases_waiting_time_outweighs_a_small_age_difference(
    session_factory: sessionmaker[Session], world: dict[str, int]
) -> None:
    with session_factory() as session, session.begin():
        gangnam = session.get(District, world["gangnam"])
        assert gangnam is not None
        late = f.family(session, gangnam, age=14, alias="late")
        # Same reason, a year younger than "older", but opened four days later.
        late_id = f.case(
            session, late, "mood:sad_streak", "concern", now=NOW + timedelta(days=4)
        ).case_id
    kim = _actor(session_factory, world["kim"])
    with session_factory() as session:
        listed = [c.id for c in list_cases(session, kim, severity="concern")]
    assert listed.index(world["older"]) < listed.index(late_id)


def test_officers_see_only_their_district_and_admins_see_all(
    session_factory: sessionmaker[Session], world: dict[str, int]
) -> None:
    park = _actor(session_factory, world["park"])
    root = _actor(session_factory, world["root"])
    with session_factory() as session:
        assert [c.id for c in list_cases(session, park)] == [world["far"]]
        assert count_cases(session, root) == 4
        assert count_cases(session, park, severity="concern") == 0
        with pytest.raises(CaseNotFound):
            get_case(session, park, world["urgent"])
        with pytest.raises(CaseNotFound):
            claim_case(session, park, world["urgent"])


def test_claim_gives_the_case_to_one_officer_and_refuses_the_second(
    session_factory: sessionmaker[Session], world: dict[str, int]
) -> None:
    kim, lee = (_actor(session_factory, world[n]) for n in ("kim", "lee"))
    with session_factory() as session:
        case = claim_case(session, kim, world["urgent"])
        assert (case.status, case.claimed_by_id) == ("claimed", world["kim"])
        with pytest.raises(CaseAlreadyClaimed) as refused:
            claim_case(session, lee, world["urgent"])
        assert refused.value.claimed_by_id == world["kim"]
        assert [c.id for c in list_cases(session, kim, mine=True)] == [world["urgent"]]
        assert list_cases(session, lee, mine=True) == []


def _claim_concurrently(url: str, claimers: int) -> list[str]:
    engine = make_engine(url, pool_size=claimers, max_overflow=0)
    factory = make_session_factory(engine)
    with factory() as session, session.begin():
        gangnam = f.district(session)
        family = f.family(session, gangnam)
        case_id = f.case(session, family).case_id
        actors = [
            Actor.for_officer(f.officer(session, gangnam, f"officer{i}"), "test")
            for i in range(claimers)
        ]
    barrier = threading.Barrier(claimers)
    results: list[str] = []

    def claim(actor: Actor) -> None:
        with factory() as session:
            barrier.wait()
            try:
                claim_case(session, actor, case_id)
                results.append(f"won:{actor.officer_id}")
            except CaseAlreadyClaimed:
                results.append("refused")

    threads = [threading.Thread(target=claim, args=(a,)) for a in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with factory() as session:
        owner = get_case(session, Actor.system(), case_id).claimed_by_id
        claims = session.scalars(
            select(AuditEntry).where(AuditEntry.case_id == case_id, AuditEntry.action == "claim")
        ).all()
    engine.dispose()
    assert len(claims) == 1
    assert f"won:{owner}" in results
    return results


@pytest.mark.parametrize("claimers", [12])
def test_concurrent_claims_on_sqlite_have_exactly_one_winner(
    sqlite_url: str, claimers: int
) -> None:
    results = _claim_concurrently(sqlite_url, claimers)
    assert sorted(results)[:-1] == ["refused"] * (claimers - 1)
    assert sum(r.startswith("won:") for r in results) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("claimers", [12])
def test_concurrent_claims_on_postgres_have_exactly_one_winner(
    postgres_url: str, claimers: int
) -> None:
    results = _claim_concurrently(postgres_url, claimers)
    assert len(results) == claimers
    assert sum(r.startswith("won:") for r in results) == 1


def test_release_is_for_the_owner_or_a_supervisor(
    session_factory: sessionmaker[Session], world: dict[str, int]
) -> None:
    kim, lee, boss = (_actor(session_factory, world[n]) for n in ("kim", "lee", "boss"))
    with session_factory() as session:
        claim_case(session, kim, world["urgent"])
        with pytest.raises(NotAllowed):
            release_case(session, lee, world["urgent"])
        released = release_case(session, boss, world["urgent"])
        assert (released.status, released.claimed_by_id) == ("open", None)
        assert claim_case(session, lee, world["urgent"]).claimed_by_id == world["lee"]


def test_reassign_only_to_an_officer_of_the_case_district(
    session_factory: sessionmaker[Session], world: dict[str, int]
) -> None:
    boss = _actor(session_factory, world["boss"])
    with session_factory() as session:
        with pytest.raises(NotAllowed):
            reassign_case(session, boss, world["urgent"], world["park"])
        case = reassign_case(session, boss, world["urgent"], world["lee"])
        assert (case.status, case.claimed_by_id) == ("claimed", world["lee"])
        entries = case_audit(session, boss, world["urgent"])
        assert entries[-1].action == "reassign"
        assert entries[-1].detail["to_officer_id"] == world["lee"]


def test_notes_are_stored_and_audited_without_their_text(
    session_factory: sessionmaker[Session], world: dict[str, int]
) -> None:
    kim = _actor(session_factory, world["kim"])
    with session_factory() as session:
        note = add_note(session, kim, world["older"], "  통화함, 다음 주 방문 예정  ")
        assert note.text == "통화함, 다음 주 방문 예정"
        with pytest.raises(NotAllowed):
            add_note(session, kim, world["older"], "   ")
        case = get_case(session, kim, world["older"])
        assert [n.text for n in case.notes] == ["통화함, 다음 주 방문 예정"]
        entry = case_audit(session, kim, world["older"])[-1]
        assert (entry.action, entry.source) == ("note", "test")
        assert entry.actor == f"officer:{world['kim']}"
        assert "방문" not in str(entry.detail)


def test_resolve_needs_a_known_outcome_and_then_closes_the_case(
    session_factory: sessionmaker[Session], world: dict[str, int]
) -> None:
    kim, lee = (_actor(session_factory, world[n]) for n in ("kim", "lee"))
    with session_factory() as session:
        claim_case(session, kim, world["urgent"])
        with pytest.raises(InvalidOutcome):
            resolve_case(session, kim, world["urgent"], "solved")
        with pytest.raises(NotAllowed):
            resolve_case(session, lee, world["urgent"], "monitoring")
        case = resolve_case(session, kim, world["urgent"], "referred_agency", note="기관 연계")
        assert (case.status, case.outcome) == ("resolved", "referred_agency")
        assert count_cases(session, kim) == 2
        assert [c.id for c in list_cases(session, kim, status="resolved")] == [world["urgent"]]
        with pytest.raises(NotAllowed):
            claim_case(session, lee, world["urgent"])
        actions = [e.action for e in case_audit(session, kim, world["urgent"])]
        assert actions == ["open", "claim", "note", "resolve"]


def test_reopen_puts_the_case_back_with_a_fresh_deadline(
    session_factory: sessionmaker[Session], world: dict[str, int]
) -> None:
    kim = _actor(session_factory, world["kim"])
    with session_factory() as session:
        resolved = resolve_case(session, kim, world["urgent"], "no_concern")
        old_due = resolved.sla_due_at
        case = reopen_case(session, kim, world["urgent"])
        assert (case.status, case.outcome, case.claimed_by_id) == ("open", None, None)
        assert case.sla_due_at > old_due


def test_reopen_is_refused_while_another_case_for_the_reason_is_open(
    session_factory: sessionmaker[Session], world: dict[str, int]
) -> None:
    kim = _actor(session_factory, world["kim"])
    with session_factory() as session:
        case = resolve_case(session, kim, world["urgent"], "monitoring")
        with session.begin():
            family = case.family
            newer = f.case(session, family, now=NOW + timedelta(days=1))
        assert newer.opened and newer.case_id != world["urgent"]
        with pytest.raises(NotAllowed):
            reopen_case(session, kim, world["urgent"])


def test_message_family_stores_the_message_and_queues_it_for_the_child(
    session_factory: sessionmaker[Session], world: dict[str, int]
) -> None:
    kim = _actor(session_factory, world["kim"])
    with session_factory() as session:
        message = message_family(session, kim, world["urgent"], "안녕, 선생님이야. 괜찮니?")
        assert (message.direction, message.kind) == ("out", "counsellor")
        assert message.case_id == world["urgent"]
        outbox = session.scalars(select(OutboxMessage)).all()
        assert [(o.chat_id, o.kind) for o in outbox] == [(701, "counsellor")]
        assert "안녕, 선생님이야. 괜찮니?" in outbox[0].text
        assert outbox[0].text != "안녕, 선생님이야. 괜찮니?"  # framed as from the counsellor
        with pytest.raises(NotAllowed):  # the older family's guardian never joined
            message_family(session, kim, world["older"], "hello", to="guardian")
        assert session.scalar(select(Message.officer_id)) == world["kim"]


def test_audit_entries_cannot_be_changed_or_deleted(
    session_factory: sessionmaker[Session], world: dict[str, int]
) -> None:
    with session_factory() as session:
        entry = session.scalars(select(AuditEntry)).first()
        assert entry is not None
        entry.action = "forged"
        with pytest.raises(AuditLogIsAppendOnly):
            session.flush()
        session.rollback()
        entry = session.scalars(select(AuditEntry)).first()
        session.delete(entry)
        with pytest.raises(AuditLogIsAppendOnly):
            session.flush()
