"""`maeum queue`, `maeum rules check` and `maeum escalation periodic` from a shell."""

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from tests.escalation import factories as f

DEFAULT_RULES = Path(__file__).resolve().parents[2] / "escalation" / "rules.yaml"


@pytest.fixture
def case_id(
    database_url: str, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> int:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("MAEUM_RULES_PATH", str(DEFAULT_RULES))
    with session_factory() as session, session.begin():
        district = f.district(session)
        f.officer(session, district, "kim")
        return f.case(session, f.family(session, district)).case_id


def test_queue_commands_claim_note_and_resolve_a_case(
    case_id: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["queue", "list"]) == 0
    assert f"{case_id:>6}  urgent" in capsys.readouterr().out
    assert main(["queue", "claim", str(case_id), "--officer", "kim"]) == 0
    assert main(["queue", "claim", str(case_id), "--officer", "kim"]) == 1
    assert "already claimed" in capsys.readouterr().err
    assert main(["queue", "note", str(case_id), "전화 상담 완료", "--officer", "kim"]) == 0
    assert main(["queue", "resolve", str(case_id), "monitoring", "--officer", "kim"]) == 0
    capsys.readouterr()
    assert main(["queue", "show", str(case_id)]) == 0
    out = capsys.readouterr().out
    assert "outcome: monitoring" in out and "1 note(s)" in out
    assert "officer:1 claim via cli" in out and "officer:1 resolve via cli" in out


def test_rules_check_accepts_the_default_and_names_a_bad_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rules", "check", str(DEFAULT_RULES)]) == 0
    assert "rules OK" in capsys.readouterr().out
    bad = tmp_path / "rules.yaml"
    bad.write_text(
        "rules:\n  - id: mood\n    severity: urgent\n    reason: x\n"
        "    when: {moods: {last: 2, moods: [sad], at_least: 3}}\n",
        encoding="utf-8",
    )
    assert main(["rules", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and "rule 'mood'" in err and "at_least (3) is more than last (2)" in err


def test_escalation_periodic_reports_what_it_did(
    case_id: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["escalation", "periodic"]) == 0
    # The factory's case was due an hour after 2026-11-20 12:00 (Seoul): long breached.
    assert "1 SLA breach(es) alerted" in capsys.readouterr().out
