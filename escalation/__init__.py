"""Escalation: rules over what is known about a family, cases, and the officers' queue."""

from escalation.actor import Actor
from escalation.audit import record as record_audit
from escalation.cases import CaseChange
from escalation.errors import (
    CaseAlreadyClaimed,
    CaseNotFound,
    EscalationError,
    InvalidOutcome,
    InvalidRules,
    NotAllowed,
)
from escalation.notify import CLAIM_CALLBACK_PREFIX
from escalation.officer_desk import COMMANDS as OFFICER_COMMANDS
from escalation.officer_desk import DeskReply, Where, handle_claim_button, handle_officer_command
from escalation.periodic import PeriodicReport, detect_sla_breaches, run_periodic_rules
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
from escalation.rules import Rule, RuleSet, load_rules
from escalation.service import (
    EscalationOutcome,
    attach_family_reply,
    escalate_checkin,
    escalate_message,
    escalate_questionnaire,
    message_escalator,
)

__all__ = [
    "CLAIM_CALLBACK_PREFIX",
    "OFFICER_COMMANDS",
    "OUTCOMES",
    "SEVERITIES",
    "STATUSES",
    "Actor",
    "CaseAlreadyClaimed",
    "CaseChange",
    "CaseNotFound",
    "DeskReply",
    "EscalationConfig",
    "EscalationError",
    "EscalationOutcome",
    "InvalidOutcome",
    "InvalidRules",
    "NotAllowed",
    "PeriodicReport",
    "Rule",
    "RuleSet",
    "Where",
    "add_note",
    "attach_family_reply",
    "case_audit",
    "case_messages",
    "case_triggers",
    "claim_case",
    "count_cases",
    "detect_sla_breaches",
    "escalate_checkin",
    "escalate_message",
    "escalate_questionnaire",
    "get_case",
    "handle_claim_button",
    "handle_officer_command",
    "list_cases",
    "load_rules",
    "message_escalator",
    "message_family",
    "officer_by_telegram_user",
    "priority_now",
    "reassign_case",
    "record_audit",
    "release_case",
    "reopen_case",
    "resolve_case",
    "run_periodic_rules",
]
