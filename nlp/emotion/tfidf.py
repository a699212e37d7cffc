"""Character n-gram TF-IDF + logistic regression, stored as plain arrays (no pickle)."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from safetensors.numpy import load_file, save_file
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlp.normalize import normalize_text


def char_vectorizer(ngram_max: int, vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    """The char_wb n-gram TF-IDF space (on normalised text) that both linear models use."""
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(1, ngram_max),
        min_df=2,
        sublinear_tf=True,
        preprocessor=normalize_text,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


def tfidf_rows(vectorizer: TfidfVectorizer, texts: list[str]) -> csr_matrix:
    """`vectorizer.transform(texts)` for a fitted sublinear, l2-normalised TF-IDF, without
    scikit-learn's per-call validation (about 0.5 ms, most of one message's cost)."""
    if not (vectorizer.sublinear_tf and vectorizer.use_idf and vectorizer.norm == "l2"):
        raise ValueError("tfidf_rows computes sublinear, idf-weighted, l2-normalised rows only")
    analyze, vocabulary = vectorizer.build_analyzer(), vectorizer.vocabulary_
    columns: list[int] = []
    counts: list[int] = []
    indptr = [0]
    for text in texts:
        terms = Counter(term for term in analyze(text) if term in vocabulary)
        columns.extend(vocabulary[term] for term in terms)
        counts.extend(terms.values())
        indptr.append(len(columns))
    col = np.asarray(columns, dtype=np.int32)
    weight = (np.log(np.asarray(counts, dtype=np.float32)) + 1.0) * vectorizer.idf_[col]
    ptr = np.asarray(indptr)
    row = np.repeat(np.arange(len(texts)), np.diff(ptr))
    norms = np.sqrt(np.bincount(row, weights=weight * weight, minlength=len(texts)))
    weight /= np.where(norms > 0, norms, 1.0).astype(np.float32)[row]
    return csr_matrix((weight, col, ptr), shape=(len(texts), len(vectorizer.idf_)))


def _fit_column(
    x: Any, y: np.ndarray, c: float, sample_weight: np.ndarray | None
) -> tuple[np.ndarray, float]:
    """One balanced logistic regression; a constant column gets a constant answer."""
    if y.min() == y.max():
        return np.zeros(x.shape[1], dtype=np.float32), (10.0 if y.max() > 0 else -10.0)
    lr = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    lr.fit(x, y, sample_weight=sample_weight)
    return lr.coef_[0], float(lr.intercept_[0])


class TfidfClassifier:
    """Independent binary logistic regressions over one shared char TF-IDF space."""

    def __init__(self, vectorizer: TfidfVectorizer, coef: np.ndarray, intercept: np.ndarray):
        self.vectorizer = vectorizer
        self.coef = coef.astype(np.float32)  # (n_features, n_labels)
        self.intercept = intercept.astype(np.float32)

    @classmethod
    def fit(
        cls,
        texts: list[str],
        targets: np.ndarray,
        ngram_max: int = 4,
        c: float = 4.0,
        max_features: int | None = 120_000,
        sample_weight: np.ndarray | None = None,
    ) -> TfidfClassifier:
        """Fit the vectoriser and one balanced logistic regression per label column."""
        vec = char_vectorizer(ngram_max)
        vec.max_features = max_features
        jobs = cls.fit_columns(vec.fit_transform(texts), targets, c, sample_weight)
        coefs = [coef for coef, _ in jobs]
        intercepts = [b for _, b in jobs]
        return cls(vec, np.stack(coefs, axis=1), np.asarray(intercepts))

    @staticmethod
    def fit_columns(
        x: Any, targets: np.ndarray, c: float, sample_weight: np.ndarray | None
    ) -> list[tuple[np.ndarray, float]]:
        """(coef, intercept) of one balanced logistic regression per target column."""
        return list(
            Parallel(n_jobs=min(8, os.cpu_count() or 1), prefer="threads")(
                delayed(_fit_column)(x, targets[:, j], c, sample_weight)
                for j in range(targets.shape[1])
            )
        )

    def decision(self, texts: list[str]) -> np.ndarray:
        """Logits, shape (n, n_labels)."""
        x = tfidf_rows(self.vectorizer, texts)
        return np.asarray(x @ self.coef) + self.intercept

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Independent probabilities, shape (n, n_labels)."""
        return 1.0 / (1.0 + np.exp(-self.decision(texts)))

    def save(self, directory: Path, prefix: str) -> None:
        """Write {prefix}.safetensors (idf, coef fp16, intercept) and {prefix}_vocab.json."""
        meta = {
            "ngram_max": self.vectorizer.ngram_range[1],
            "vocab": ordered_vocabulary(self.vectorizer.vocabulary_),
        }
        (directory / f"{prefix}_vocab.json").write_text(
            json.dumps(meta, ensure_ascii=False), encoding="utf-8"
        )
        save_file(
            {
                "idf": self.vectorizer.idf_.astype(np.float32),
                "coef": self.coef.astype(np.float16),
                "intercept": self.intercept.astype(np.float32),
            },
            str(directory / f"{prefix}.safetensors"),
        )

    @classmethod
    def load(cls, directory: Path, prefix: str) -> TfidfClassifier:
        """Inverse of save()."""
        meta = json.loads((directory / f"{prefix}_vocab.json").read_text(encoding="utf-8"))
        arrays = load_file(str(directory / f"{prefix}.safetensors"))
        vec = char_vectorizer(int(meta["ngram_max"]), {k: i for i, k in enumerate(meta["vocab"])})
        vec.idf_ = arrays["idf"]
        return cls(vec, arrays["coef"].astype(np.float32), arrays["intercept"])


def ordered_vocabulary(vocabulary: dict[str, int]) -> list[str]:
    """A fitted vectoriser's terms in column order (what the _vocab.json files store)."""
    return [term for term, _ in sorted(vocabulary.items(), key=lambda kv: kv[1])]
