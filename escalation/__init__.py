"""Escalation: rules over what is known about a family, cases, and the officers' queue."""

from escalation.actor import Actor
from escalation.errors import (
    CaseAlreadyClaimed,
    CaseNotFound,
    EscalationError,
    InvalidOutcome,
    InvalidRules,
    NotAllowed,
)
from escalation.policy import OUTCOMES, SEVERITIES, EscalationConfig, priority_now
from escalation.queue import (
    STATUSES,
    add_note,
    case_audit,
    case_messages,
    case_triggers,
    claim_case,
    count_cases,
    get_case,
    list_cases,
    message_family,
    officer_by_telegram_user,
    reassign_case,
    release_case,
    reopen_case,
    resolve_case,
)

__all__ = [
    "OUTCOMES",
    "SEVERITIES",
    "STATUSES",
    "Actor",
    "CaseAlreadyClaimed",
    "CaseNotFound",
    "EscalationConfig",
    "EscalationError",
    "InvalidOutcome",
    "InvalidRules",
    "NotAllowed",
    "add_note",
    "case_audit",
    "case_messages",
    "case_triggers",
    "claim_case",
    "count_cases",
    "get_case",
    "list_cases",
    "message_family",
    "officer_by_telegram_user",
    "priority_now",
    "reassign_case",
    "release_case",
    "reopen_case",
    "resolve_case",
]
