"""`maeum run` with a token runs the bot as a process against the Bot API address it is given."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from models import Member
from tests.e2e.conftest import GUARDIAN_ID, enrol

ROOT = Path(__file__).resolve().parents[2]


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C, as a person would; killed if it does not end within 20 s."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.slow
async def test_maeum_run_polls_the_configured_api_and_answers(
    fake, database_url, session_factory, tmp_path
):
    codes = enrol(session_factory)
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN="42:RUN",
        TELEGRAM_API_URL=fake.base_url,
        PYTHONUNBUFFERED="1",
    )
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--no-dashboard"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        fake.send_text(GUARDIAN_ID, f"/start {codes.guardian}")
        notice = await fake.wait_for(lambda: fake.sent_to(GUARDIAN_ID), timeout=60)
        assert "개인정보 안내" in notice[0].text
        menu = [params for method, params in fake.calls if method == "setMyCommands"]
        assert any(c["command"] == "checkin" for c in menu[0]["commands"])
    finally:
        _stop(process)
        log.close()
    output = (tmp_path / "run.log").read_text()
    assert "42:RUN" not in output  # the token never reaches the log
    with session_factory() as session:
        assert session.scalars(select(Member.telegram_user_id)).one() == GUARDIAN_ID


def test_maeum_run_refuses_to_start_without_its_classifier(database_url, tmp_path):
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN="42:RUN",
        MAEUM_MODEL_DIR=str(tmp_path / "no-model"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--no-dashboard"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "classifier could not be loaded" in done.stderr
    assert "Traceback" not in done.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
async def test_maeum_run_takes_updates_by_webhook(fake, database_url, session_factory, tmp_path):
    codes = enrol(session_factory)
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN="42:HOOK",
        TELEGRAM_API_URL=fake.base_url,
        MAEUM_WEBHOOK_URL=f"http://127.0.0.1:{port}",
        MAEUM_WEBHOOK_PORT=str(port),
        MAEUM_WEBHOOK_SECRET="s3cret",
        PYTHONUNBUFFERED="1",
    )
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--no-dashboard"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        hook = await fake.wait_for(
            lambda: [p for m, p in fake.calls if m == "setWebhook"], timeout=60
        )
        assert hook[0]["url"] == f"http://127.0.0.1:{port}/telegram"
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "text": f"/start {codes.guardian}",
                "chat": {"id": GUARDIAN_ID, "type": "private"},
                "from": {"id": GUARDIAN_ID, "is_bot": False, "first_name": "p"},
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        }
        async with httpx.AsyncClient() as client:
            for _ in range(100):  # the listener may start a moment after setWebhook
                try:
                    forged = await client.post(f"http://127.0.0.1:{port}/telegram", json=update)
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            assert forged.status_code == 403  # no secret: refused
            answer = await client.post(
                f"http://127.0.0.1:{port}/telegram",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"},
            )
            assert answer.status_code == 200
        notice = await fake.wait_for(lambda: fake.sent_to(GUARDIAN_ID), timeout=30)
        assert "개인정보 안내" in notice[0].text
    finally:
        _stop(process)
        log.close()
