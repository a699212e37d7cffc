"""Free text from a family member: stored, analysed, the analysis stored, handed to escalation."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.analysis import empty_analysis
from bot.flows.turn import Turn
from models import Message, MessageAnalysis

log = logging.getLogger(__name__)

UNANALYSED = "unanalysed"  # the model name stored when the classifier failed on a message
MESSAGE_LIMIT = 4096  # Telegram's own limit; longer input (other channels) is cut
HARD_EMOTIONS = frozenset({"sadness", "anger", "fear", "stress", "guilt", "despair"})


@dataclass
class Intake:
    message: Message
    analysis: MessageAnalysis
    outcome: Any
    urgent: bool
    truncated: bool
    escalation_failed: bool = False

    @property
    def hard(self) -> bool:
        return bool(self.analysis.risk_labels) or bool(
            HARD_EMOTIONS.intersection(self.analysis.emotion_labels)
        )


def severity_of(outcome: Any) -> str | None:
    if outcome is None:
        return None
    if isinstance(outcome, dict):
        return outcome.get("severity")
    return getattr(outcome, "severity", None)


def take_in(
    turn: Turn, text: str, kind: str = "free_text", telegram_message_id: int | None = None
) -> Intake:
    member = turn.member
    assert member is not None
    truncated = len(text) > MESSAGE_LIMIT
    text = text[:MESSAGE_LIMIT]
    speaker = "child" if member.role == "child" else "parent"
    try:
        result = turn.services.analyser([text], speaker)[0]
    except Exception as error:  # never lose what a family member wrote: store it unanalysed
        log.error("analyser failed: %s; message stored without analysis", type(error).__name__)
        result = empty_analysis(text, UNANALYSED)
    message = Message(
        family_id=member.family_id,
        member_id=member.id,
        direction="in",
        sender=member.role,
        kind=kind,
        text=text,
        lang=result.lang,
        telegram_message_id=telegram_message_id,
        created_at=turn.now,
    )
    turn.session.add(message)
    turn.session.flush()  # the message id, for the analysis and for escalation
    analysis = MessageAnalysis(
        message_id=message.id,
        model=result.model,
        lang=result.lang,
        emotions=dict(result.emotions),
        emotion_labels=list(result.emotion_labels),
        risk=dict(result.risk),
        risk_labels=list(result.risk_labels),
        evidence=dict(result.evidence),
        created_at=turn.now,
    )
    turn.session.add(analysis)
    failed = False
    try:
        # A savepoint: if the rules fail, the message is still kept for officers to read.
        with turn.session.begin_nested():
            outcome = turn.services.escalate_message(turn.session, message, result, turn.now)
    except Exception as error:
        log.error(
            "escalation failed for message %s: %s", message.id, type(error).__name__, exc_info=error
        )
        outcome, failed = None, True
    severity = severity_of(outcome)
    if severity and analysis.severity is None:
        analysis.severity = severity
    return Intake(message, analysis, outcome, severity == "urgent", truncated, failed)


def acknowledgement(turn: Turn, intake: Intake) -> str:
    """A warm, brief answer that fits what was written."""
    assert turn.member is not None
    if intake.urgent:
        return turn.t("reply.urgent_ack")
    if intake.escalation_failed:  # kept, but not yet looked at: point to the help lines
        return turn.t("error.generic")
    role = "child" if turn.member.role == "child" else "guardian"
    key = f"reply.{role}_hard" if intake.hard else f"reply.{role}_warm"
    text = turn.t(key)
    if intake.truncated:
        text = f"{text}\n{turn.t('unsupported.too_long')}"
    return text
