"""`maeum family add` takes the bot's username for deep links from Telegram's getMe."""

import json
import socket

from sqlalchemy import select

from bot.cli import main
from models import Invite
from tests.fake_telegram import BOT_USERNAME


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _family_add(monkeypatch, capsys, database_url, **env):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "ConfiguredBot")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["district", "add", "--code", "mapo"]) == 0
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
    out, err = capsys.readouterr()
    return json.loads(out), err


def test_links_use_the_name_telegram_answers(
    fake, database_url, session_factory, monkeypatch, capsys
):
    printed, err = _family_add(
        monkeypatch,
        capsys,
        database_url,
        TELEGRAM_BOT_TOKEN="123:TEST",
        TELEGRAM_API_URL=fake.base_url,
    )
    with session_factory() as session:
        code = session.scalars(select(Invite.code).where(Invite.role == "guardian")).one()
    assert printed["guardian_link"] == f"https://t.me/{BOT_USERNAME}?start={code}"
    assert [method for method, _ in fake.calls] == ["getMe"]
    assert err == ""


def test_without_an_answer_the_configured_name_is_used_and_said(database_url, monkeypatch, capsys):
    nobody = f"http://127.0.0.1:{_free_port()}/bot"  # nothing listens there
    printed, err = _family_add(
        monkeypatch, capsys, database_url, TELEGRAM_BOT_TOKEN="123:TEST", TELEGRAM_API_URL=nobody
    )
    assert printed["child_link"].startswith("https://t.me/ConfiguredBot?start=")
    assert "Telegram did not answer getMe" in err and "TELEGRAM_BOT_USERNAME" in err


def test_without_a_token_the_configured_name_is_used_and_said(database_url, monkeypatch, capsys):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    printed, err = _family_add(monkeypatch, capsys, database_url)
    assert printed["guardian_link"].startswith("https://t.me/ConfiguredBot?start=")
    assert "TELEGRAM_BOT_TOKEN is not set" in err


def test_the_dashboard_beside_the_bot_gets_the_name_telegram_answers(fake, monkeypatch):
    from bot.bot_name import with_bot_name
    from bot.settings import Settings

    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "ConfiguredBot")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:TEST")
    monkeypatch.setenv("TELEGRAM_API_URL", fake.base_url)
    assert with_bot_name(Settings()).telegram_bot_username == BOT_USERNAME
    nobody = f"http://127.0.0.1:{_free_port()}/bot"
    monkeypatch.setenv("TELEGRAM_API_URL", nobody)
    assert with_bot_name(Settings()).telegram_bot_username == "ConfiguredBot"
