"""Opening cases and merging later triggers into them: one open case per family and reason."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from escalation import audit
from escalation.actor import Actor
from escalation.policy import EscalationConfig, higher, priority
from models import Case, CaseTrigger, Family


@dataclass(frozen=True)
class Trigger:
    """One firing of a rule for a family, with the evidence officers will read."""

    rule_id: str
    severity: str
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict)
    message_id: int | None = None
    response_id: int | None = None
    # Time-based rules fire again on every periodic run; the same key in the open case
    # means the same finding, so it is not attached twice.
    key: str | None = None
    # The case reason it feeds (`Rule.case`); default: the rule id.
    case_reason: str | None = None

    @property
    def reason_id(self) -> str:
        return self.case_reason or self.rule_id


@dataclass(frozen=True)
class CaseChange:
    """What one trigger did to the queue."""

    case_id: int
    rule_id: str
    reason_id: str
    severity: str  # the case's, after this trigger
    opened: bool  # a new case; False: merged into the family's open case for the reason
    raised: bool  # the merge raised the case's severity
    duplicate: bool  # the same evidence was already attached: nothing changed


def _open_case(session: Session, family_id: int, reason_id: str) -> Case | None:
    query = select(Case).where(
        Case.family_id == family_id, Case.reason_id == reason_id, Case.status != "resolved"
    )
    return session.scalars(
        query.with_for_update().execution_options(populate_existing=True)
    ).one_or_none()


def _already_attached(session: Session, case: Case, trigger: Trigger) -> bool:
    triggers = session.scalars(
        select(CaseTrigger).where(
            CaseTrigger.case_id == case.id, CaseTrigger.rule_id == trigger.rule_id
        )
    )
    for existing in triggers:
        if trigger.message_id is not None and existing.message_id == trigger.message_id:
            return True
        if trigger.response_id is not None and existing.response_id == trigger.response_id:
            return True
        if trigger.key is not None and existing.evidence.get("key") == trigger.key:
            return True
    return False


def open_or_merge(
    session: Session,
    family: Family,
    trigger: Trigger,
    now: datetime,
    config: EscalationConfig,
    actor: Actor,
) -> CaseChange:
    """Attach `trigger` to the family's open case for its rule, opening one if none is.

    Safe under concurrent workers: the partial unique index on open cases lets only one
    insert win; the loser merges into the winner's case.
    """
    case = _open_case(session, family.id, trigger.reason_id)
    opened = False
    if case is None:
        candidate = Case(
            family_id=family.id,
            district_id=family.district_id,
            reason_id=trigger.reason_id,
            reason=trigger.reason[:500],
            severity=trigger.severity,
            status="open",
            priority=priority(trigger.severity, family.child_age(now.date()), now),
            opened_at=now,
            updated_at=now,
            sla_due_at=now + config.sla(trigger.severity),
        )
        try:
            with session.begin_nested():
                session.add(candidate)
                session.flush()
        except IntegrityError:
            case = _open_case(session, family.id, trigger.reason_id)
            if case is None:
                raise
        else:
            case, opened = candidate, True
    duplicate = not opened and _already_attached(session, case, trigger)
    raised = False
    if not duplicate:
        evidence = dict(trigger.evidence)
        if trigger.key is not None:
            evidence["key"] = trigger.key
        session.add(
            CaseTrigger(
                case_id=case.id,
                rule_id=trigger.rule_id,
                severity=trigger.severity,
                message_id=trigger.message_id,
                response_id=trigger.response_id,
                evidence=evidence,
                created_at=now,
            )
        )
        if not opened and higher(trigger.severity, case.severity) != case.severity:
            raised = True
            case.severity = trigger.severity
            case.reason = trigger.reason[:500]  # the case reads as its most severe trigger
            case.priority = priority(case.severity, family.child_age(now.date()), case.opened_at)
            case.sla_due_at = min(case.sla_due_at, now + config.sla(case.severity))
            case.sla_breach_alerted_at = None
        case.updated_at = now
        action = "open" if opened else ("raise" if raised else "merge")
        audit.record(
            session,
            actor,
            action,
            at=now,
            case_id=case.id,
            family_id=family.id,
            detail={"rule_id": trigger.rule_id, "severity": trigger.severity},
        )
        session.flush()
    return CaseChange(
        case.id, trigger.rule_id, trigger.reason_id, case.severity, opened, raised, duplicate
    )
