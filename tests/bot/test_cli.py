"""The bot room's CLI: district add, family add (text and JSON), chat."""

import io
import json

from sqlalchemy import select

from bot.analysis import stand_in_analyser
from bot.cli import main
from models import District, Invite


def test_family_add_prints_deep_links_as_json(database_url, session_factory, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "MaeumBot")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)  # no getMe over the network
    assert (
        main(
            [
                "district",
                "add",
                "--code",
                "mapo",
                "--name",
                "마포구",
                "--officer-chat-id",
                "-100123",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert (
        main(
            [
                "family",
                "add",
                "--district",
                "mapo",
                "--child-name",
                "Min",
                "--child-age",
                "7",
                "--json",
            ]
        )
        == 0
    )
    printed = json.loads(capsys.readouterr().out)
    with session_factory() as session:
        codes = {i.role: i.code for i in session.scalars(select(Invite))}
        district = session.scalars(select(District)).one()
    assert printed["guardian_link"] == f"https://t.me/MaeumBot?start={codes['guardian']}"
    assert printed["child_link"] == f"https://t.me/MaeumBot?start={codes['child']}"
    assert (district.name, district.officer_chat_id) == ("마포구", -100123)


def test_family_add_refuses_an_unknown_district(database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert (
        main(["family", "add", "--district", "nowhere", "--child-name", "Min", "--child-age", "7"])
        == 1
    )
    assert "DistrictNotFound" in capsys.readouterr().err


def test_chat_as_parent_runs_in_the_terminal(database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("1\n/checkin\n/quit\n"))
    monkeypatch.setattr("bot.composition.load_analyser", lambda _dir: stand_in_analyser)
    assert main(["chat", "--as", "parent"]) == 0
    output = capsys.readouterr().out
    assert "1/11" in output
