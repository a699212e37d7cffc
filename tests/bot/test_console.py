"""The console channel runs the same flows in a terminal, without a token."""

import io

from sqlalchemy import select

from bot.analysis import stand_in_analyser
from bot.composition import build_services
from bot.console import chat
from bot.settings import Settings
from models import District, Member, MoodCheckin, QuestionnaireResponse


def _services(session_factory, database_url):
    return build_services(
        Settings(DATABASE_URL=database_url),
        session_factory=session_factory,
        analyser=stand_in_analyser,
        escalation=False,
    )


def _run(services, role, lines, family_id=None):
    pending = iter(lines)

    def read():
        try:
            return next(pending)
        except StopIteration:
            raise EOFError from None

    out = io.StringIO()
    assert chat(services, role, family_id=family_id, read=read, out=out) == 0
    return out.getvalue()


def test_console_parent_completes_a_checkin_on_a_fresh_database(session_factory, database_url):
    services = _services(session_factory, database_url)
    answers = ["1", "/checkin"] + ["3"] * 10 + ["1"]  # consent, ten items, skip free text
    output = _run(services, "guardian", answers)
    assert "개인정보 안내" in output and "1/11" in output and "11/11" in output
    assert "꽤 버거운 순간들" in output  # the elevated band's supportive summary
    with session_factory() as session:
        assert session.scalars(select(District.code)).one() == "demo"
        response = session.scalars(select(QuestionnaireResponse)).one()
        assert (response.status, response.total_score, response.band) == (
            "completed",
            30,
            "elevated",
        )


def test_console_child_after_parent_reuses_the_demo_family(session_factory, database_url):
    services = _services(session_factory, database_url)
    _run(services, "guardian", ["1"])
    output = _run(services, "child", ["1", "/mood", "1", "축구 이겼어", "/quit"])
    assert "나는 마음이야" in output and "😊" in output
    # A second session continues as the same people, without asking for consent again.
    output = _run(services, "child", ["/help"])
    assert "동의" not in output and "/mood" in output
    with session_factory() as session:
        assert session.scalars(select(MoodCheckin.mood)).all() == ["happy"]
        assert len(session.scalars(select(Member)).all()) == 2


def test_console_never_speaks_for_a_real_family(session_factory, database_url):
    from datetime import timedelta

    import pytest

    from bot.console import ConsoleError
    from models.enrolment import add_district, enrol_family

    services = _services(session_factory, database_url)
    with session_factory() as session, session.begin():
        add_district(session, "gangnam")
        family_id = enrol_family(
            session,
            district_code="gangnam",
            child_alias="Min",
            child_age=8,
            now=services.now(),
            invite_ttl=timedelta(days=7),
        ).family.id
    with pytest.raises(ConsoleError, match="not a demo family"):
        _run(services, "child", ["/help"], family_id=family_id)
    with session_factory() as session:
        assert session.scalars(select(Member)).all() == []
