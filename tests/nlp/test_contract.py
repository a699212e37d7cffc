"""The classifier contract (DESIGN.md): labels, ranges, order, odd inputs, loading."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from nlp import EMOTIONS, RISKS, Analysis, analyze, load_analyzer
from nlp.analyzer import SHIPPED_MODEL_DIR, ModelDirError

CONTRACT_KEYS = {
    "id",
    "lang",
    "emotions",
    "emotion_labels",
    "risk",
    "risk_labels",
    "escalation",
    "model",
}


def _check(a: Analysis) -> None:
    assert tuple(a.emotions) == EMOTIONS
    assert tuple(a.risk) == RISKS
    assert all(0.0 <= p <= 1.0 for p in [*a.emotions.values(), *a.risk.values()])
    assert set(a.emotion_labels) <= set(EMOTIONS)
    assert set(a.risk_labels) <= set(RISKS)
    assert set(a.evidence) <= set(a.risk_labels)


def test_shipped_model_answers_with_every_label_in_range() -> None:
    results = analyze(["오늘 너무 행복해", "아빠가 때렸어", "I feel sad today"])
    assert len(results) == 3
    for a in results:
        _check(a)
    assert results[0].lang == "ko" and results[2].lang == "en"


def test_results_keep_input_order() -> None:
    texts = ["배고파 죽겠다", "죽고 싶어", "오늘 학교 재밌었어", "엄마한테 맞았어요"]
    results = analyze(texts)
    assert [bool(r.risk_labels) for r in results] == [False, True, False, True]
    one_by_one = [analyze([t])[0] for t in texts]
    assert [r.risk_labels for r in results] == [r.risk_labels for r in one_by_one]


def test_empty_whitespace_and_huge_input_do_not_fail() -> None:
    huge = "아빠가 때렸어 " + "가나다라마바사 " * 13_000  # about 100 kB
    results = analyze(["", "   \n\t", huge, "ㅋㅋㅋㅋㅋㅋ", "😢😢", "123"])
    for a in results:
        _check(a)
    assert results[0].lang == "und" and results[0].risk_labels == []
    assert results[1].risk_labels == [] and results[0].emotion_labels == []
    assert "abuse_physical" in results[2].risk_labels


def test_empty_batch_returns_empty_list() -> None:
    assert analyze([]) == []


def test_other_languages_are_reported_and_use_phrase_lists_only() -> None:
    fr, ja, en = analyze(
        ["Je suis très triste aujourd'hui et je pleure", "今日はとても悲しいです", "I want to die"]
    )
    assert fr.lang == "fr" and ja.lang == "ja"
    assert fr.emotion_labels == [] and fr.risk_labels == []
    assert en.lang == "en" and "self_harm" in en.risk_labels


def test_speaker_per_message_and_unknown_speaker_rejected() -> None:
    child, parent = analyze(["죽고 싶어요", "죽고 싶어요"], speaker=["child", "parent"])
    assert "self_harm" in child.risk_labels and "parent_crisis" not in child.risk_labels
    assert "parent_crisis" in parent.risk_labels
    with pytest.raises(ValueError):
        analyze(["안녕"], speaker="dog")
    with pytest.raises(ValueError):
        analyze(["안녕", "하이"], speaker=["child"])


def test_to_contract_has_exactly_the_design_shape() -> None:
    a = analyze(["아빠가 때렸어"])[0]
    line = a.to_contract("m1", {"severity": "urgent", "reasons": ["risk:abuse_physical"]})
    assert set(line) == CONTRACT_KEYS
    assert line["id"] == "m1" and line["escalation"]["severity"] == "urgent"
    assert a.to_contract("m2", None)["escalation"] is None


def test_evidence_names_the_matched_words() -> None:
    a = analyze(["어제 아빠가 나를 때렸어"])[0]
    assert any("때렸" in s for s in a.evidence["abuse_physical"])


def test_load_analyzer_is_cached_per_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_analyzer() is load_analyzer(SHIPPED_MODEL_DIR)
    monkeypatch.setenv("MAEUM_MODEL_DIR", str(SHIPPED_MODEL_DIR))
    assert load_analyzer() is load_analyzer(str(SHIPPED_MODEL_DIR))


def test_missing_model_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelDirError, match=r"config\.json"):
        load_analyzer(tmp_path / "nowhere")


def test_concurrent_analysis_from_threads_gives_same_results() -> None:
    texts = ["아빠가 때렸어", "오늘 기분 좋아", "죽고 싶다", "배고파 죽겠다"] * 5
    expected = [r.risk_labels for r in analyze(texts)]
    out: list[list[list[str]]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            out.append([r.risk_labels for r in analyze(texts)])
        except BaseException as exc:  # collected and re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(o == expected for o in out)
