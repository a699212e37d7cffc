"""District scoping: an officer reaches only their district's families (admins reach all)."""

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from dashboard.accounts import SignedInOfficer
from dashboard.errors import NotFound
from models import Family


def in_district(query: Select[Any], officer: SignedInOfficer, column: Any) -> Select[Any]:
    """Narrow a query to the officer's district; admins see every district."""
    if officer.is_admin:
        return query
    return query.where(column == officer.district_id)


def family_in_scope(session: Session, officer: SignedInOfficer, family_id: int) -> Family:
    """The family, or NotFound when it does not exist, is deleted or is another district's."""
    family = session.get(Family, family_id)
    if family is None or family.status == "deleted":
        raise NotFound()
    if not officer.is_admin and family.district_id != officer.district_id:
        raise NotFound()
    return family
