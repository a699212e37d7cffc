"""The services every channel (Telegram, console, tests) shares, passed in explicitly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from bot.analysis import Analyser
from bot.catalogue import Catalogue
from bot.settings import Settings
from models import Message, MoodCheckin, QuestionnaireResponse, utcnow
from questionnaires import Instrument

if TYPE_CHECKING:
    from nlp import Analysis

# Called after a family member's free text is stored with its analysis, inside the same
# transaction: (session, message, analysis, now) -> an escalation outcome or None.
EscalateMessage = Callable[[Session, Message, "Analysis", datetime], Any]
# Called after a questionnaire is finished and scored: (session, response, now) -> outcome.
EscalateQuestionnaire = Callable[[Session, QuestionnaireResponse, datetime], Any]
# Called after a child's mood check-in is stored: (session, checkin, now) -> outcome.
EscalateCheckin = Callable[[Session, MoodCheckin, datetime], Any]
# Called by the periodic job: (session, now) -> anything (missed check-ins, SLA breaches).
PeriodicRules = Callable[[Session, datetime], Any]


def no_message_escalation(
    session: Session, message: Message, analysis: Analysis, now: datetime
) -> None:
    return None


def no_questionnaire_escalation(
    session: Session, response: QuestionnaireResponse, now: datetime
) -> None:
    return None


def no_checkin_escalation(session: Session, checkin: MoodCheckin, now: datetime) -> None:
    return None


@dataclass
class Services:
    settings: Settings
    session_factory: sessionmaker[Session]
    catalogue: Catalogue
    analyser: Analyser
    guardian_instrument: Instrument
    clock: Callable[[], datetime] = utcnow
    escalate_message: EscalateMessage = no_message_escalation
    escalate_questionnaire: EscalateQuestionnaire = no_questionnaire_escalation
    escalate_checkin: EscalateCheckin = no_checkin_escalation
    periodic_rules: PeriodicRules | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock()
