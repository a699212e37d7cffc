"""`maeum run` with a token runs the bot as a process against the Bot API address it is given."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Member
from tests.e2e.conftest import GUARDIAN_ID, enrol

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
async def test_maeum_run_polls_the_configured_api_and_answers(fake, database_url,
                                                             session_factory, tmp_path):
    codes = enrol(session_factory)
    env = dict(os.environ, DATABASE_URL=database_url, TELEGRAM_BOT_TOKEN="42:RUN",
               TELEGRAM_API_URL=fake.base_url, MAEUM_MODEL_DIR=str(tmp_path / "no-model"),
               PYTHONUNBUFFERED="1")
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run", "--no-dashboard"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        fake.send_text(GUARDIAN_ID, f"/start {codes.guardian}")
        notice = await fake.wait_for(lambda: fake.sent_to(GUARDIAN_ID), timeout=60)
        assert "개인정보 안내" in notice[0].text
        menu = [params for method, params in fake.calls if method == "setMyCommands"]
        assert any(c["command"] == "checkin" for c in menu[0]["commands"])
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
    output = (tmp_path / "run.log").read_text()
    assert "42:RUN" not in output  # the token never reaches the log
    with session_factory() as session:
        assert session.scalars(select(Member.telegram_user_id)).one() == GUARDIAN_ID
