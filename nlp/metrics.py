"""Multi-label metrics and per-label threshold tuning."""

from __future__ import annotations

import numpy as np


def f1_per_label(y: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """F1 of each column of 0/1 matrices."""
    tp = (y * pred).sum(0)
    fp = ((1 - y) * pred).sum(0)
    fn = (y * (1 - pred)).sum(0)
    denom = 2 * tp + fp + fn
    return np.where(denom > 0, 2 * tp / np.maximum(denom, 1e-9), 0.0)


def micro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    """Micro-averaged F1 over all cells."""
    tp = float((y * pred).sum())
    fp = float(((1 - y) * pred).sum())
    fn = float((y * (1 - pred)).sum())
    return 2 * tp / max(2 * tp + fp + fn, 1e-9)


def tune_thresholds(y: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """Per-label threshold maximising F1 on (y, prob), searched on a fixed grid."""
    grid = np.linspace(0.05, 0.95, 91)
    best = np.full(y.shape[1], 0.5)
    for j in range(y.shape[1]):
        scores = [f1_per_label(y[:, j : j + 1], (prob[:, j : j + 1] >= t)).item() for t in grid]
        best[j] = grid[int(np.argmax(scores))]
    return best


def report(y: np.ndarray, prob: np.ndarray, thresholds: np.ndarray) -> dict[str, object]:
    """Macro/micro F1 and per-label F1 at the given thresholds."""
    pred = (prob >= thresholds).astype(np.float32)
    per = f1_per_label(y, pred)
    return {"macro_f1": float(per.mean()), "micro_f1": micro_f1(y, pred), "per_label": per}
