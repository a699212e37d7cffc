"""When rules run: after a stored message, a finished questionnaire or a mood check-in.

The bot calls these inside (or right after) the unit of work that stored what arrived;
each evaluates the matching rules, opens or merges cases, and enqueues what must be sent
(a safety reply once per urgent case, the officer group alert for urgent cases).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from escalation import audit
from escalation._tx import unit_of_work
from escalation.actor import Actor
from escalation.cases import CaseChange, Trigger, open_or_merge
from escalation.evaluate import (
    AnalysisLike,
    Match,
    escalation_field,
    evaluate_message,
    evaluate_moods,
    evaluate_questionnaire,
    highest_severity,
)
from escalation.notify import (
    enqueue_family_reply_notice,
    enqueue_officer_alert,
    enqueue_safety_reply,
    safety_reply_text,
)
from escalation.policy import SEVERITIES, EscalationConfig
from escalation.rules import RuleSet, load_rules
from models import (
    Case,
    Family,
    Member,
    Message,
    MessageAnalysis,
    MoodCheckin,
    Officer,
    QuestionnaireResponse,
)

BOT = Actor.system("bot")


@dataclass(frozen=True)
class EscalationOutcome:
    """What a message, questionnaire or check-in did to the queue."""

    changes: tuple[CaseChange, ...]
    # A safety reply was queued (or, for a member without a chat, must be shown) now.
    safety_reply: bool
    safety_text: str | None = None

    @property
    def severity(self) -> str:
        return max((c.severity for c in self.changes), key=SEVERITIES.index)

    @property
    def case_id(self) -> int:
        """The most severe case touched (the first such, in rule order)."""
        return next(c.case_id for c in self.changes if c.severity == self.severity)

    @property
    def case_ids(self) -> list[int]:
        return [c.case_id for c in self.changes]

    @property
    def opened(self) -> bool:
        return any(c.opened for c in self.changes)

    @property
    def merged(self) -> bool:
        return any(not c.opened and not c.duplicate for c in self.changes)


def apply_triggers(
    session: Session,
    family: Family,
    triggers: Sequence[Trigger],
    now: datetime,
    config: EscalationConfig,
    actor: Actor,
    member: Member | None,
) -> EscalationOutcome:
    changes = tuple(open_or_merge(session, family, t, now, config, actor) for t in triggers)
    safety_text = None
    urgent_cases = [
        session.get(Case, c.case_id) for c in changes if c.severity == "urgent" and not c.duplicate
    ]
    unanswered = [c for c in urgent_cases if c is not None and c.safety_reply_at is None]
    if member is not None and unanswered:
        # One reply per message even when it opens several urgent cases.
        enqueue_safety_reply(session, member, unanswered[0].id, now)
        safety_text = safety_reply_text(member.language)
        for case in unanswered:
            case.safety_reply_at = now
            audit.record(
                session,
                actor,
                "safety_reply",
                at=now,
                case_id=case.id,
                family_id=family.id,
                detail={"member_id": member.id},
            )
    # The person hears back first; then the district's officers are told.
    for change in changes:
        if change.severity == "urgent" and (change.opened or change.raised):
            case = session.get(Case, change.case_id)
            assert case is not None
            enqueue_officer_alert(session, case, family, config, now, raised=not change.opened)
    session.flush()
    return EscalationOutcome(changes, safety_text is not None, safety_text)


def _triggers(matches: Sequence[Match], **link: Any) -> list[Trigger]:
    return [trigger_for(m, **link) for m in matches]


def trigger_for(match: Match, **link: Any) -> Trigger:
    rule = match.rule
    return Trigger(
        rule.id, rule.severity, rule.reason, match.evidence, case_reason=rule.case_reason, **link
    )


def attach_family_reply(session: Session, message: Message, now: datetime) -> int | None:
    """Link a family member's message to the open case whose counsellor last wrote to them."""
    if message.direction != "in" or message.case_id is not None or message.member_id is None:
        return None
    case = session.scalars(
        select(Case)
        .join(Message, Message.case_id == Case.id)
        .where(
            Message.member_id == message.member_id,
            Message.kind == "counsellor",
            Message.direction == "out",
            Message.id < message.id,
            Case.status != "resolved",
        )
        .order_by(Message.id.desc())
        .limit(1)
    ).first()
    if case is None:
        return None
    message.case_id = case.id
    audit.record(
        session,
        BOT,
        "family_reply",
        at=now,
        case_id=case.id,
        family_id=case.family_id,
        detail={"message_id": message.id},
    )
    if case.claimed_by_id is not None:
        officer = session.get(Officer, case.claimed_by_id)
        if officer is not None:
            enqueue_family_reply_notice(session, case, officer, message, now)
    return case.id


def escalate_message(
    session: Session,
    rules: RuleSet,
    message: Message,
    analysis: AnalysisLike,
    now: datetime,
    *,
    config: EscalationConfig | None = None,
) -> EscalationOutcome | None:
    """Evaluate the message rules for a stored incoming message and its analysis.

    Also links the message to a case when it answers a counsellor. Records the decided
    severity on a stored `MessageAnalysis`. None when no rule fires.
    """
    config = config or EscalationConfig()
    with unit_of_work(session):
        if message.id is None:
            session.flush()
        attach_family_reply(session, message, now)
        if message.direction != "in" or message.sender not in ("child", "guardian"):
            return None
        matches = evaluate_message(rules, analysis, message.sender)
        if isinstance(analysis, MessageAnalysis):
            analysis.severity = highest_severity(matches)
        if not matches:
            return None
        family = session.get(Family, message.family_id)
        member = session.get(Member, message.member_id) if message.member_id else None
        assert family is not None
        return apply_triggers(
            session, family, _triggers(matches, message_id=message.id), now, config, BOT, member
        )


def escalate_questionnaire(
    session: Session,
    rules: RuleSet,
    response: QuestionnaireResponse,
    now: datetime,
    *,
    config: EscalationConfig | None = None,
) -> EscalationOutcome | None:
    """Evaluate the questionnaire rules for a finished questionnaire (with its history)."""
    config = config or EscalationConfig()
    with unit_of_work(session):
        if response.status != "completed":
            return None
        earlier = session.scalars(
            select(QuestionnaireResponse).where(
                QuestionnaireResponse.member_id == response.member_id,
                QuestionnaireResponse.instrument_id == response.instrument_id,
                QuestionnaireResponse.status == "completed",
                QuestionnaireResponse.week < response.week,
            )
        ).all()
        matches = evaluate_questionnaire(rules, response, earlier)
        if not matches:
            return None
        family = session.get(Family, response.family_id)
        member = session.get(Member, response.member_id)
        assert family is not None
        return apply_triggers(
            session,
            family,
            _triggers(matches, response_id=response.id),
            now,
            config,
            BOT,
            member,
        )


def recent_moods(session: Session, member_id: int, limit: int) -> list[MoodCheckin]:
    query = (
        select(MoodCheckin)
        .where(MoodCheckin.member_id == member_id)
        .order_by(MoodCheckin.created_at.desc(), MoodCheckin.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def mood_window(rules: RuleSet) -> int:
    return max((r.when.moods.last for r in rules.of_kind("moods") if r.when.moods), default=0)


def escalate_checkin(
    session: Session,
    rules: RuleSet,
    checkin: MoodCheckin,
    now: datetime,
    *,
    config: EscalationConfig | None = None,
    actor: Actor = BOT,
) -> EscalationOutcome | None:
    """Evaluate the mood rules over the child's latest check-ins, this one included."""
    config = config or EscalationConfig()
    window = mood_window(rules)
    if window == 0:
        return None
    with unit_of_work(session):
        if checkin.id is None:
            session.flush()
        moods = recent_moods(session, checkin.member_id, window)
        matches = evaluate_moods(rules, [m.mood for m in moods])
        if not matches:
            return None
        family = session.get(Family, checkin.family_id)
        member = session.get(Member, checkin.member_id)
        assert family is not None
        # The newest check-in names the finding: re-evaluating it attaches nothing new.
        triggers = _triggers(matches, key=f"checkin:{moods[0].id}")
        return apply_triggers(session, family, triggers, now, config, actor, member)


def message_escalator(rules_path: str | Path) -> Callable[[Any, str], dict[str, Any] | None]:
    """For `maeum analyze`: the contract's `escalation` field of one analysed message.

    The rules are loaded (and validated) once, here.
    """
    rules = load_rules(rules_path)

    def escalate(analysis: Any, speaker: str) -> dict[str, Any] | None:
        return escalation_field(evaluate_message(rules, analysis, speaker))

    return escalate
