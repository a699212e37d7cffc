"""The encoder's risk head: trained with the model, kept emotions, blended into the score."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np

from nlp import RISKS, load_analyzer
from nlp.analyzer import Analyzer
from nlp.emotion.encoder import EncoderClassifier
from nlp.normalize import normalize_text
from nlp.risk.encoder_head import RiskHeadConfig, fit_risk_head
from nlp.risk.learned import blend

_RISKY = ["아빠가 허리띠로 때렸어", "죽고 싶어 다 끝내고 싶어", "엄마가 밥을 안 줘요"]
_ORDINARY = ["오늘 급식 맛있었어", "친구랑 축구했어", "숙제 다 했어요"]


def _emotions(directory: Path, texts: list[str]) -> np.ndarray:
    return EncoderClassifier.load(directory).predict_proba(texts)[:, :52]


def _fit(directory: Path, distill_weight: float) -> None:
    texts = [normalize_text(t) for t in _RISKY + _ORDINARY] * 4
    targets = np.zeros((len(texts), len(RISKS)), dtype=np.float32)
    targets[[i for i in range(len(texts)) if i % 6 < 3], RISKS.index("self_harm")] = 1.0
    cfg = RiskHeadConfig(epochs=8, peak_lr=3e-3, distill_weight=distill_weight, batch_size=4)
    fit_risk_head(directory, texts, targets, np.ones(len(texts)), texts, cfg, lambda _: None)


def test_the_trained_model_has_a_risk_head_and_uses_it(tiny_model: Path) -> None:
    spec = json.loads((tiny_model / "encoder_config.json").read_text("utf-8"))
    risk = json.loads((tiny_model / "config.json").read_text("utf-8"))["risk"]
    assert spec["n_risk"] == len(RISKS)
    assert risk["encoder_share"] > 0 and risk["encoder_head"]["epochs"] > 0
    analyzer = load_analyzer(tiny_model)
    columns = analyzer.encoder.predict_proba(["아빠가 때렸어"])  # type: ignore[union-attr]
    assert columns.shape == (1, 8 + 44 + len(RISKS))
    # the learned score changes when the head's share is taken away
    without = Analyzer(tiny_model)
    without.config = dataclasses.replace(without.config, risk_encoder_share=0.0)
    text = ["오늘 학교에서 혼자 밥 먹었어"]
    with_head = list(analyzer.analyze(text)[0].risk.values())
    ngrams_only = list(without.analyze(text)[0].risk.values())
    assert not np.allclose(with_head, ngrams_only)


def test_distillation_keeps_the_emotions(tiny_model: Path, tmp_path: Path) -> None:
    probe = [normalize_text(t) for t in ["오늘 너무 행복해", "무섭고 슬퍼", *_RISKY]]
    drift = {}
    for weight in (0.0, 5.0):
        copy = tmp_path / f"w{weight}"
        shutil.copytree(tiny_model, copy)
        before = _emotions(copy, probe)
        _fit(copy, weight)
        drift[weight] = float(np.abs(_emotions(copy, probe) - before).mean())
    assert drift[5.0] < drift[0.0] / 2


def test_blend_averages_only_with_a_head() -> None:
    ngrams = np.array([[0.2, 0.8]], dtype=np.float32)
    head = np.array([[0.6, 0.0]], dtype=np.float32)
    np.testing.assert_allclose(blend(ngrams, head, 0.5), [[0.4, 0.4]])
    assert blend(ngrams, None, 0.5) is ngrams
    assert blend(ngrams, head, 0.0) is ngrams
