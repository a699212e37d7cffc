"""Test data for the dashboard: two districts, their officers, families, messages and cases."""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from dashboard.passwords import hash_password
from escalation import Actor, EscalationConfig
from escalation.cases import Trigger, open_or_merge
from models import (
    Family,
    Member,
    Message,
    MessageAnalysis,
    MoodCheckin,
    Officer,
    QuestionnaireResponse,
    utcnow,
)
from models.enrolment import add_district, enrol_family

PASSWORD = "correct horse battery staple"
_HASH: list[str] = []


def password_hash() -> str:
    # argon2 is slow on purpose; one hash serves every test account.
    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    return _HASH[0]


@dataclass
class World:
    districts: dict[str, int] = field(default_factory=dict)
    officers: dict[str, int] = field(default_factory=dict)
    families: dict[str, int] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)


def add_officer(
    session: Session, username: str, role: str, district_id: int | None, **extra: object
) -> int:
    officer = Officer(
        username=username,
        display_name=extra.pop("display_name", username.title()),  # type: ignore[arg-type]
        role=role,
        district_id=district_id,
        password_hash=password_hash(),
        **extra,
    )
    session.add(officer)
    session.flush()
    return officer.id


def add_family_with_case(
    session: Session,
    district_code: str,
    alias: str,
    age: int,
    text: str,
    *,
    severity: str = "urgent",
    rule_id: str = "risk_abuse_physical",
    reason: str = "아동이 신체 학대를 말함",
    evidence: list[str] | None = None,
    minutes_ago: int = 30,
) -> tuple[int, int]:
    """A family whose child joined, wrote `text`, and raised a case; returns (family, case)."""
    now = utcnow()
    enrolled = enrol_family(
        session,
        district_code=district_code,
        child_alias=alias,
        child_age=age,
        now=now - timedelta(days=60),
        invite_ttl=timedelta(days=7),
    )
    family = enrolled.family
    guardian = Member(
        family_id=family.id, role="guardian", telegram_user_id=None, consent="given", chat_id=None
    )
    child = Member(
        family_id=family.id,
        role="child",
        telegram_user_id=family.id * 1000 + 2,
        chat_id=family.id * 1000 + 2,
        consent="given",
    )
    session.add_all([guardian, child])
    session.flush()
    opened_at = now - timedelta(minutes=minutes_ago)
    before = Message(
        family_id=family.id,
        member_id=child.id,
        direction="in",
        sender="child",
        text="오늘 학교 끝나고 집에 왔어",
        created_at=opened_at - timedelta(minutes=3),
    )
    bot = Message(
        family_id=family.id,
        member_id=child.id,
        direction="out",
        sender="bot",
        text="그랬구나. 집에서는 어땠어?",
        created_at=opened_at - timedelta(minutes=2),
    )
    message = Message(
        family_id=family.id,
        member_id=child.id,
        direction="in",
        sender="child",
        text=text,
        created_at=opened_at,
    )
    session.add_all([before, bot, message])
    session.flush()
    session.add(
        MessageAnalysis(
            message_id=message.id,
            model="test",
            lang="ko",
            emotions={"fear": 0.82, "sadness": 0.64, "joy": 0.02, "neutral": 0.05},
            emotion_labels=["fear", "sadness"],
            risk={"abuse_physical": 0.91, "abuse_emotional": 0.12, "neglect": 0.03},
            risk_labels=["abuse_physical"],
            evidence={"abuse_physical": evidence or []},
            severity=severity,
        )
    )
    for week, total, sub in (
        ("2026-W40", 22, (8, 7, 7)),
        ("2026-W41", 27, (10, 8, 9)),
        ("2026-W42", 31, (12, 9, 10)),
        ("2026-W43", 36, (14, 11, 11)),
    ):
        session.add(
            QuestionnaireResponse(
                member_id=guardian.id,
                family_id=family.id,
                instrument_id="parenting_stress",
                week=week,
                status="completed",
                completed_at=now,
                total_score=total,
                band="high" if total >= 35 else ("elevated" if total >= 25 else "low"),
                subscale_scores={
                    "parental_distress": sub[0],
                    "parent_child_interaction": sub[1],
                    "child_difficulty": sub[2],
                },
            )
        )
    for days_ago, mood in ((1, "scared"), (3, "sad"), (6, "tired"), (9, "happy"), (12, "calm")):
        session.add(
            MoodCheckin(
                member_id=child.id,
                family_id=family.id,
                mood=mood,
                week="2026-W47",
                created_at=now - timedelta(days=days_ago),
            )
        )
    change = open_or_merge(
        session,
        family,
        Trigger(
            rule_id=rule_id,
            severity=severity,
            reason=reason,
            message_id=message.id,
            evidence={"risk": "abuse_physical", "score": 0.91},
        ),
        opened_at,
        EscalationConfig(),
        Actor.system("bot"),
    )
    return family.id, change.case_id


def build_world(session_factory: sessionmaker[Session]) -> World:
    world = World()
    with session_factory() as session, session.begin():
        for code, name in (("gangnam", "강남구"), ("mapo", "마포구")):
            world.districts[code] = add_district(session, code, name).id
        world.officers["kim"] = add_officer(
            session, "kim", "officer", world.districts["gangnam"], display_name="김지현"
        )
        world.officers["lee"] = add_officer(
            session, "lee", "officer", world.districts["gangnam"], display_name="이서준"
        )
        world.officers["park"] = add_officer(
            session, "park", "supervisor", world.districts["gangnam"], display_name="박민영"
        )
        world.officers["choi"] = add_officer(
            session, "choi", "officer", world.districts["mapo"], display_name="최유나"
        )
        world.officers["jung"] = add_officer(
            session, "jung", "supervisor", world.districts["mapo"], display_name="정하늘"
        )
        world.officers["admin"] = add_officer(
            session, "admin", "admin", None, display_name="관리자"
        )
        family, case = add_family_with_case(
            session,
            "gangnam",
            "하늘반 민이",
            7,
            "아빠가 술 마시면 때려서 무서워",
            evidence=["때려서", "무서워"],
        )
        world.families["gangnam"], world.cases["gangnam"] = family, case
        family, case = add_family_with_case(
            session,
            "gangnam",
            "별반 도윤",
            12,
            "요즘 엄마가 밥을 안 줘",
            severity="concern",
            rule_id="risk_neglect",
            reason="방임 신호",
            evidence=["밥을 안 줘"],
            minutes_ago=60 * 26,
        )
        world.families["gangnam_2"], world.cases["gangnam_concern"] = family, case
        family, case = add_family_with_case(
            session,
            "mapo",
            "바다반 서아",
            5,
            "엄마가 소리 지르고 때렸어",
            evidence=["때렸어"],
        )
        world.families["mapo"], world.cases["mapo"] = family, case
    return world


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token for later forms."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    return csrf_from(client.get("/queue").text)


def family_row(session_factory: sessionmaker[Session], family_id: int) -> Family:
    with session_factory() as session:
        family = session.get(Family, family_id)
        assert family is not None
        return family
