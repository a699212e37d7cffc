"""`analyze` JSON Lines, and a tiny end-to-end training and evaluation run on fixtures."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from nlp import EMOTIONS, RISKS, Analysis, load_analyzer
from nlp.cli import add_analyze_arguments, add_evaluate_arguments, run_analyze, run_evaluate
from nlp.data import DEFAULT_DATA_DIR


def _args(argv: list[str], add: object) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add(parser)  # type: ignore[operator]
    return parser.parse_args(argv)


def test_analyze_cli_keeps_order_and_reports_bad_lines() -> None:
    lines = [
        json.dumps({"id": "a", "text": "아빠가 때렸어", "speaker": "child"}, ensure_ascii=False),
        "not json",
        json.dumps({"id": "b", "text": "오늘 좋았어요", "speaker": "parent"}, ensure_ascii=False),
        json.dumps({"id": "c", "text": 5}),
        "",
        json.dumps({"id": "d", "text": "안녕", "speaker": "dog"}),
        json.dumps({"id": 7, "text": "배고파 죽겠다"}, ensure_ascii=False),
    ]
    out = io.StringIO()
    rc = run_analyze(
        _args(["--batch-size", "2"], add_analyze_arguments),
        io.StringIO("\n".join(lines) + "\n"),
        out,
    )
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert rc == 0
    assert [r.get("id") for r in rows] == ["a", None, "b", "c", "d", "7"]
    assert "error" in rows[1] and "error" in rows[3] and "error" in rows[4]
    assert rows[0]["risk_labels"] == ["abuse_physical"] and rows[0]["escalation"] is None
    assert list(rows[0]["emotions"]) == list(EMOTIONS) and list(rows[0]["risk"]) == list(RISKS)


def test_analyze_cli_uses_the_escalation_callable() -> None:
    seen: list[str] = []

    def escalate(analysis: Analysis, speaker: str) -> dict | None:
        seen.append(speaker)
        return {"severity": "urgent", "reasons": ["x"]} if analysis.risk_labels else None

    out = io.StringIO()
    stdin = io.StringIO(
        '{"id":"1","text":"죽고 싶어","speaker":"parent"}\n{"id":"2","text":"안녕"}\n'
    )
    run_analyze(_args([], add_analyze_arguments), stdin, out, escalate=escalate)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert rows[0]["escalation"] == {"severity": "urgent", "reasons": ["x"]}
    assert rows[1]["escalation"] is None and seen == ["parent", "child"]


def test_tiny_training_run_writes_a_loadable_model(tiny_model: Path) -> None:
    for name in (
        "config.json",
        "emotion_tfidf.safetensors",
        "encoder.safetensors",
        "tokenizer.json",
        "risk_tfidf.safetensors",
    ):
        assert (tiny_model / name).is_file()
    analyzer = load_analyzer(tiny_model)
    (a,) = analyzer.analyze(["오늘 너무 행복하고 신나요"])
    assert a.model == "maeum-ko-0.1" and tuple(a.emotions) == EMOTIONS


def test_evaluate_prints_metrics_on_the_tiny_model(
    tiny_model: Path, tiny_data: Path, tiny_examples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _args(
        ["--model", str(tiny_model), "--data", str(tiny_data), "--examples", str(tiny_examples)],
        add_evaluate_arguments,
    )
    assert run_evaluate(args) == 0
    printed = capsys.readouterr().out
    assert "macro-F1" in printed and "false positives" in printed


@pytest.mark.skipif(
    not (DEFAULT_DATA_DIR / "kote" / "dev.tsv").is_file(), reason="needs ../shared/data"
)
def test_real_kote_data_reads_with_the_compact_map() -> None:
    from nlp.data import read_kote

    dev = read_kote(DEFAULT_DATA_DIR, "dev")
    assert len(dev.texts) == 2500 and dev.coarse.shape == (2500, 8) and dev.fine.shape[1] == 44
