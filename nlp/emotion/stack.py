"""A per-emotion logistic regression over all components' outputs (8 emotions + 44 KOTE labels).

Stored as plain arrays (stack.safetensors): feature order is the sorted component names.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold


def _features(outputs: dict[str, np.ndarray]) -> np.ndarray:
    """Logits of every component's probabilities, components in sorted order."""
    parts = [np.clip(outputs[k], 1e-4, 1 - 1e-4) for k in sorted(outputs)]
    x = np.concatenate(parts, axis=1)
    return np.log(x / (1 - x)).astype(np.float32)


class Stacker:
    """Independent logistic regressions, one per screener emotion."""

    def __init__(self, coef: np.ndarray, intercept: np.ndarray):
        self.coef = coef.astype(np.float32)  # (n_features, 8)
        self.intercept = intercept.astype(np.float32)

    def predict_proba(self, outputs: dict[str, np.ndarray]) -> np.ndarray:
        z = _features(outputs) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def save(self, directory: Path) -> None:
        save_file(
            {"coef": self.coef, "intercept": self.intercept}, str(directory / "stack.safetensors")
        )

    @classmethod
    def load(cls, directory: Path) -> Stacker:
        arrays = load_file(str(directory / "stack.safetensors"))
        return cls(arrays["coef"], arrays["intercept"])


def fit_stacker(outputs: dict[str, np.ndarray], y: np.ndarray, c: float = 0.5) -> Stacker:
    """Fit on out-of-fold component outputs."""
    x = _features(outputs)
    coefs, intercepts = [], []
    for j in range(y.shape[1]):
        lr = LogisticRegression(C=c, max_iter=3000)
        lr.fit(x, y[:, j])
        coefs.append(lr.coef_[0])
        intercepts.append(float(lr.intercept_[0]))
    return Stacker(np.stack(coefs, axis=1), np.asarray(intercepts))


def stack_oof(
    outputs: dict[str, np.ndarray], y: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    """Second-level out-of-fold probabilities: the stacker's honest training-data score."""
    out = np.zeros_like(y)
    for tr, va in KFold(len(folds), shuffle=True, random_state=7).split(y):
        st = fit_stacker({k: v[tr] for k, v in outputs.items()}, y[tr])
        out[va] = st.predict_proba({k: v[va] for k, v in outputs.items()})
    return out
