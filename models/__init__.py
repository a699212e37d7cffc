"""The database: typed ORM models, the engine and session factory, migrations."""

from models.base import Base, utcnow
from models.case import AuditEntry, Case, CaseNote, CaseTrigger
from models.checkin import Answer, ConversationState, MoodCheckin, QuestionnaireResponse
from models.db import make_engine, make_session_factory, session_scope
from models.family import District, Family, Invite, Member
from models.message import Message, MessageAnalysis, ProcessedUpdate
from models.officer import LoginAttempt, Officer, OfficerSession
from models.outbox import OutboxMessage, Reminder

__all__ = [
    "Answer",
    "AuditEntry",
    "Base",
    "Case",
    "CaseNote",
    "CaseTrigger",
    "ConversationState",
    "District",
    "Family",
    "Invite",
    "LoginAttempt",
    "Member",
    "Message",
    "MessageAnalysis",
    "MoodCheckin",
    "Officer",
    "OfficerSession",
    "OutboxMessage",
    "ProcessedUpdate",
    "QuestionnaireResponse",
    "Reminder",
    "make_engine",
    "make_session_factory",
    "session_scope",
    "utcnow",
]
