"""The learned risk model: lemmas across conjugations, and a save/load round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nlp.normalize import morphemes, normalize_text
from nlp.risk.learned import RiskClassifier, lemma_text


def _lemmas(texts: list[str]) -> list[str]:
    return [lemma_text(m) for m in morphemes([normalize_text(t) for t in texts])]


def test_conjugations_share_their_lemma() -> None:
    past, present = _lemmas(["아빠가 나를 때렸어요", "아빠가 맨날 때린다"])
    assert "때리다" in past.split() and "때리다" in present.split()


def test_a_saved_model_loads_with_the_same_answers(tmp_path: Path) -> None:
    texts = ["아빠가 때렸어", "오늘 급식 맛있었어", "엄마가 허리띠로 때렸어요", "친구랑 놀았어"]
    targets = np.array([[1.0], [0.0], [1.0], [0.0]], dtype=np.float32)
    norm = [normalize_text(t) for t in texts]
    model = RiskClassifier.fit(norm, _lemmas(texts), targets)
    model.save(tmp_path)
    loaded = RiskClassifier.load(tmp_path)
    probe = ["삼촌이 때렸어", "급식 맛있다"]
    before = model.predict_proba([normalize_text(t) for t in probe], _lemmas(probe))
    after = loaded.predict_proba([normalize_text(t) for t in probe], _lemmas(probe))
    np.testing.assert_allclose(before, after, atol=1e-2)  # coefficients are stored in fp16
    assert before[0, 0] > before[1, 0]
