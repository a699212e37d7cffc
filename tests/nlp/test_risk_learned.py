"""The learned risk model: lemmas across conjugations, a save/load round trip, TF-IDF rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlp.emotion.tfidf import char_vectorizer, tfidf_rows
from nlp.normalize import morphemes, normalize_text
from nlp.risk.learned import RiskClassifier, blend, learned_risk, lemma_text, lemma_vectorizer


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


def test_a_few_texts_that_share_no_lemma_still_fit() -> None:
    texts = ["아빠가 때렸어", "오늘 급식 맛있었어"]
    targets = np.array([[1.0], [0.0]], dtype=np.float32)
    model = RiskClassifier.fit([normalize_text(t) for t in texts], _lemmas(texts), targets)
    assert "때리다" in model.lemmas.vocabulary_  # seen once, kept: nothing is seen twice


def test_learned_risk_reads_korean_and_english_and_blends_the_head_only_where_it_read() -> None:
    texts = ["아빠가 때렸어", "오늘 급식 맛있었어", "dad hit me", "my dad hit me again"]
    targets = np.array([[1.0], [0.0], [1.0], [1.0]], dtype=np.float32)
    norm = [normalize_text(t) for t in texts]
    model = RiskClassifier.fit(norm, _lemmas(texts), targets)
    probe = ["삼촌이 때렸어", "dad hit me", "パパが叩いた", ""]
    norm, lemmas = [normalize_text(t) for t in probe], _lemmas(probe)
    langs = ["ko", "en", "ja", "ko"]  # the empty Korean message is read by no model
    head = np.array([[0.9]], dtype=np.float32)  # one row: the only message the encoder read
    scores = learned_risk(model, norm, lemmas, langs, head, 0.5)
    ngrams = model.predict_proba(norm[:2], lemmas[:2])
    np.testing.assert_allclose(scores[0], blend(ngrams[:1], head, 0.5)[0], atol=1e-6)
    np.testing.assert_allclose(scores[1], ngrams[1], atol=1e-6)
    assert not scores[2:].any() and scores[0, 0] != ngrams[0, 0]


def test_tfidf_rows_equal_scikit_learns_transform() -> None:
    texts = ["아빠가 때렸어요 ㅠㅠ", "급식 급식 급식 맛있다", "", "   ", "zzzz 🙂", "I'm scared"]
    chars = char_vectorizer(3)
    chars.fit([*texts[:2], "때렸어 맛있어", "scared tired"])
    lemma_vec = lemma_vectorizer()
    lemma_vec.fit(["아빠 때리다", "급식 맛있다 급식", "아빠 급식"])
    for vec, rows in ((chars, texts), (lemma_vec, ["아빠 때리다 아빠", "", "모르다 말"])):
        ours = tfidf_rows(vec, rows).toarray()
        assert ours.any()  # some known terms, so the comparison is not between zeros
        np.testing.assert_allclose(ours, vec.transform(rows).toarray(), atol=1e-6)
    chars.sublinear_tf = False  # raw counts would need other arithmetic: refused, not wrong
    with pytest.raises(ValueError):
        tfidf_rows(chars, texts)
