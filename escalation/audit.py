"""The append-only audit log: every action on a case is recorded, and nothing is ever changed."""

from datetime import datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Mapper, Session

from escalation.actor import Actor
from models import AuditEntry


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    at: datetime,
    case_id: int | None = None,
    family_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=at,
        actor=actor.label(),
        action=action,
        source=actor.source[:100],
        case_id=case_id,
        family_id=family_id,
        detail=detail or {},
    )
    session.add(entry)
    return entry


def entries_for_case(session: Session, case_id: int) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
    return list(session.scalars(query))


class AuditLogIsAppendOnly(RuntimeError):
    pass


def _refuse_change(_mapper: Mapper[Any], _connection: Any, entry: AuditEntry) -> None:
    raise AuditLogIsAppendOnly(f"audit entry {entry.id} may not be changed or deleted")


# The ORM refuses to update or delete an audit entry, whichever room tries.
if not event.contains(AuditEntry, "before_update", _refuse_change):
    event.listen(AuditEntry, "before_update", _refuse_change)
    event.listen(AuditEntry, "before_delete", _refuse_change)
