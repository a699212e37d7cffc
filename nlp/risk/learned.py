"""The learned risk model: char n-grams of the text plus Kiwi lemmas, one logistic regression
per risk category, stored as plain arrays (no pickle).

Lemmas let a new writer's "때렸어요" meet the training set's "때린다"; measured leaving one
writer's batch of examples out at a time, they found 2 points more of the risk messages at a
5% false-positive rate than character n-grams alone (0.879 vs 0.858).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp.emotion.tfidf import TfidfClassifier, char_vectorizer, ordered_vocabulary, tfidf_rows
from nlp.lang import read_by_models
from nlp.normalize import Morpheme

_CONTENT_TAGS = ("N", "V", "M", "X")  # nouns, verbs/adjectives, adverbs, roots and affixes


def lemma_text(morphs: list[Morpheme]) -> str:
    """The message's content lemmas, space-separated ("아빠 때리다 멍")."""
    return " ".join(m.lemma or m.form for m in morphs if m.tag.startswith(_CONTENT_TAGS))


def lemma_vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    """Lemma uni- and bigrams seen in at least two texts. Those seen once were 64% of the
    lemma vocabulary (about 59,000 of it), and leaving each of the last six writer rounds out
    in turn they found no more risk messages (recall at 5% false positives 0.947 either way)."""
    return TfidfVectorizer(
        analyzer="word",
        token_pattern=r"\S+",
        ngram_range=(1, 2),
        min_df=2,
        sublinear_tf=True,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


class RiskClassifier:
    """Independent logistic regressions over char TF-IDF and lemma TF-IDF side by side."""

    def __init__(
        self,
        chars: TfidfVectorizer,
        lemmas: TfidfVectorizer,
        coef: np.ndarray,
        intercept: np.ndarray,
    ):
        self.chars = chars
        self.lemmas = lemmas
        self.coef = coef.astype(np.float32)  # (n_char_features + n_lemma_features, n_labels)
        self.intercept = intercept.astype(np.float32)

    def _features(self, texts: list[str], lemmas: list[str]) -> csr_matrix:
        return hstack([tfidf_rows(self.chars, texts), tfidf_rows(self.lemmas, lemmas)]).tocsr()

    @classmethod
    def fit(
        cls,
        texts: list[str],
        lemmas: list[str],
        targets: np.ndarray,
        c: float = 4.0,
        sample_weight: np.ndarray | None = None,
    ) -> RiskClassifier:
        """Fit both vectorisers and one balanced logistic regression per category."""
        chars, lemma_vec = char_vectorizer(3), lemma_vectorizer()
        chars.fit(texts)
        lemma_texts = [t or "_" for t in lemmas]  # "_": a text without lemmas still counts
        try:
            lemma_vec.fit(lemma_texts)
        except ValueError as error:
            # no lemma in two texts (a corpus of a few messages): keep them all
            if "no terms remain" not in str(error):
                raise
            lemma_vec.set_params(min_df=1).fit(lemma_texts)
        model = cls(chars, lemma_vec, np.zeros((0, targets.shape[1])), np.zeros(targets.shape[1]))
        x = model._features(texts, lemmas)
        columns = TfidfClassifier.fit_columns(x, targets, c, sample_weight)
        model.coef = np.stack([coef for coef, _ in columns], axis=1).astype(np.float32)
        model.intercept = np.asarray([b for _, b in columns], dtype=np.float32)
        return model

    def predict_proba(self, texts: list[str], lemmas: list[str]) -> np.ndarray:
        """Independent probabilities, shape (n, n_labels)."""
        logits = np.asarray(self._features(texts, lemmas) @ self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def save(self, directory: Path, prefix: str = "risk_tfidf") -> None:
        """Write {prefix}.safetensors (idfs, coef fp16, intercept) and {prefix}_vocab.json."""
        meta = {
            "ngram_max": self.chars.ngram_range[1],
            "vocab": ordered_vocabulary(self.chars.vocabulary_),
            "lemma_vocab": ordered_vocabulary(self.lemmas.vocabulary_),
        }
        (directory / f"{prefix}_vocab.json").write_text(
            json.dumps(meta, ensure_ascii=False), encoding="utf-8"
        )
        save_file(
            {
                "idf": self.chars.idf_.astype(np.float32),
                "lemma_idf": self.lemmas.idf_.astype(np.float32),
                "coef": self.coef.astype(np.float16),
                "intercept": self.intercept.astype(np.float32),
            },
            str(directory / f"{prefix}.safetensors"),
        )

    @classmethod
    def load(cls, directory: Path, prefix: str = "risk_tfidf") -> RiskClassifier:
        """Inverse of save()."""
        meta = json.loads((directory / f"{prefix}_vocab.json").read_text(encoding="utf-8"))
        arrays = load_file(str(directory / f"{prefix}.safetensors"))
        chars = char_vectorizer(int(meta["ngram_max"]), {k: i for i, k in enumerate(meta["vocab"])})
        chars.idf_ = arrays["idf"]
        lemmas = lemma_vectorizer({k: i for i, k in enumerate(meta["lemma_vocab"])})
        lemmas.idf_ = arrays["lemma_idf"]
        return cls(chars, lemmas, arrays["coef"].astype(np.float32), arrays["intercept"])


def blend(ngrams: np.ndarray, encoder: np.ndarray | None, encoder_share: float) -> np.ndarray:
    """The learned risk score: the n-gram model's probabilities, averaged with the encoder's
    risk head (nlp/risk/encoder_head.py) where there is one for these rows."""
    if encoder is None or encoder_share <= 0:
        return ngrams
    return (1.0 - encoder_share) * ngrams + encoder_share * encoder


def learned_risk(
    model: RiskClassifier,
    norm: list[str],
    lemmas: list[str],
    langs: list[str],
    head: np.ndarray | None,
    encoder_share: float,
) -> np.ndarray:
    """The learned risk score (n, categories) before context factors, as the analyzer
    computes it and training tunes it: the n-gram model for Korean and English messages (the
    written examples' languages), blended with the encoder's risk head for the messages the
    models read (`head`: those rows, in order; the encoder reads no English). Others stay 0."""
    scores = np.zeros((len(norm), model.coef.shape[1]), dtype=np.float32)
    read = [i for i, lang in enumerate(langs) if read_by_models(lang, norm[i])]
    rows = sorted(set(read) | {i for i, lang in enumerate(langs) if lang == "en"})
    if rows:
        scores[rows] = model.predict_proba([norm[i] for i in rows], [lemmas[i] for i in rows])
    if read:
        scores[read] = blend(scores[read], head, encoder_share)
    return scores
