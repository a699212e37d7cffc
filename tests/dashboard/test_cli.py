"""`maeum officer add` creates accounts; the one-time password it prints logs in."""

import io

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from dashboard.accounts import ThrottlePolicy, authenticate
from models import Officer
from models.enrolment import add_district


@pytest.fixture
def cli_database(
    database_url: str, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> sessionmaker[Session]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    with session_factory() as session, session.begin():
        add_district(session, "seocho", "서초구")
    return session_factory


def test_officer_add_prints_a_one_time_password_that_logs_in(
    cli_database: sessionmaker[Session], capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "officer",
                "add",
                "--username",
                "han",
                "--district",
                "seocho",
                "--role",
                "supervisor",
                "--telegram-user-id",
                "777",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    password = out.split("one-time password: ")[1].strip()
    with cli_database() as session:
        officer = authenticate(session, "han", password, "127.0.0.1", ThrottlePolicy())
        assert (officer.role, officer.telegram_user_id) == ("supervisor", 777)
        assert officer.must_change_password


def test_officer_add_reads_a_password_from_stdin(
    cli_database: sessionmaker[Session],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a chosen passphrase\n"))
    assert (
        main(["officer", "add", "--username", "oh", "--district", "seocho", "--password-stdin"])
        == 0
    )
    assert "one-time password" not in capsys.readouterr().out
    with cli_database() as session:
        assert authenticate(session, "oh", "a chosen passphrase", "::1", ThrottlePolicy()).id


def test_officer_add_refuses_an_unknown_district_and_a_taken_username(
    cli_database: sessionmaker[Session], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["officer", "add", "--username", "kang", "--district", "nowhere"]) == 2
    assert "no district" in capsys.readouterr().err
    assert main(["officer", "add", "--username", "kang", "--district", "seocho"]) == 0
    assert main(["officer", "add", "--username", "kang", "--district", "seocho"]) == 2
    with cli_database() as session:
        assert session.scalars(select(Officer.username)).all() == ["kang"]


def test_admins_need_no_district(cli_database: sessionmaker[Session]) -> None:
    assert main(["officer", "add", "--username", "root", "--role", "admin"]) == 0
    with cli_database() as session:
        officer = session.scalars(select(Officer)).one()
    assert (officer.role, officer.district_id) == ("admin", None)
