"""What the families pages show: enrolment and consent status, invites as links and QR codes."""

from dataclasses import dataclass, field
from datetime import date, datetime

import qrcode
import qrcode.image.svg
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.accounts import SignedInOfficer
from dashboard.scope import family_in_scope, in_district
from models import Case, District, Family, Invite, Member, utcnow


@dataclass(frozen=True)
class MemberStatus:
    role: str  # guardian | child
    joined: bool
    consent: str  # pending | given | declined
    paused: bool
    stopped: bool
    language: str


@dataclass(frozen=True)
class FamilyRow:
    id: int
    child_alias: str
    child_age: int
    district_name: str
    status: str
    created_at: datetime
    members: dict[str, MemberStatus]
    open_cases: int


@dataclass(frozen=True)
class InviteLink:
    role: str
    url: str
    expires_at: datetime
    qr_svg: Markup


@dataclass
class FamilyPage:
    row: FamilyRow
    invites: list[InviteLink] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def qr_svg(data: str) -> Markup:
    """A printable QR code as inline SVG (no image files, nothing fetched)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    # Drop the XML declaration so the SVG can sit inside HTML.
    return Markup(svg[svg.index("<svg") :])


def _member_status(member: Member) -> MemberStatus:
    return MemberStatus(
        role=member.role,
        joined=member.telegram_user_id is not None,
        consent=member.consent,
        paused=member.paused,
        stopped=member.stopped,
        language=member.language,
    )


def _rows(session: Session, families: list[tuple[Family, str]], today: date) -> list[FamilyRow]:
    ids = [family.id for family, _ in families]
    members: dict[int, dict[str, MemberStatus]] = {family_id: {} for family_id in ids}
    for member in session.scalars(select(Member).where(Member.family_id.in_(ids))):
        members[member.family_id][member.role] = _member_status(member)
    open_cases = dict(
        session.execute(
            select(Case.family_id, func.count(Case.id))
            .where(Case.family_id.in_(ids), Case.status != "resolved")
            .group_by(Case.family_id)
        ).all()
    )
    return [
        FamilyRow(
            id=family.id,
            child_alias=family.child_alias,
            child_age=family.child_age(today),
            district_name=district_name,
            status=family.status,
            created_at=family.created_at,
            members=members[family.id],
            open_cases=int(open_cases.get(family.id, 0)),
        )
        for family, district_name in families
    ]


def list_families(
    session: Session,
    officer: SignedInOfficer,
    *,
    search: str = "",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[FamilyRow], int]:
    """A page of the officer's families (newest first) and how many there are in all."""
    with session.begin():
        query = (
            select(Family, District.name)
            .join(District, District.id == Family.district_id)
            .where(Family.status != "deleted")
        )
        query = in_district(query, officer, Family.district_id)
        if search:
            query = query.where(Family.child_alias.contains(search.strip(), autoescape=True))
        total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        page = session.execute(query.order_by(Family.id.desc()).limit(limit).offset(offset))
        return _rows(session, [(f, name) for f, name in page], utcnow().date()), total


def family_page(
    session: Session, officer: SignedInOfficer, family_id: int, bot_username: str
) -> FamilyPage:
    with session.begin():
        family = family_in_scope(session, officer, family_id)
        district_name = family.district.name or family.district.code
        row = _rows(session, [(family, district_name)], utcnow().date())[0]
        now = utcnow()
        invites = [
            InviteLink(
                role=invite.role,
                url=deep_link(bot_username, invite.code),
                expires_at=invite.expires_at,
                qr_svg=qr_svg(deep_link(bot_username, invite.code)),
            )
            for invite in session.scalars(
                select(Invite)
                .where(
                    Invite.family_id == family.id,
                    Invite.used_at.is_(None),
                    Invite.expires_at > now,
                )
                .order_by(Invite.role.desc(), Invite.id)
            )
            if invite.role not in row.members or not row.members[invite.role].joined
        ]
        cases = list(
            session.scalars(
                select(Case).where(Case.family_id == family.id).order_by(Case.id.desc()).limit(20)
            )
        )
        return FamilyPage(row=row, invites=invites, cases=cases)


def districts_for(session: Session, officer: SignedInOfficer) -> list[District]:
    """The districts an officer may enrol families into."""
    with session.begin():
        query = in_district(select(District), officer, District.id).order_by(District.name)
        return list(session.scalars(query))
