"""Evaluate a model directory: KOTE dev emotions against a baseline, and held-out risk examples.

python -m nlp.cli evaluate --model nlp/model --data ../shared/data
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import KFold

from nlp.analyzer import load_analyzer
from nlp.data import data_dir, read_kote
from nlp.emotion.tfidf import TfidfClassifier
from nlp.labels import EMOTIONS, RISKS, URGENT_RISKS
from nlp.metrics import report, tune_thresholds
from nlp.normalize import normalize_text
from nlp.risk.examples import EXAMPLES_FILE, label_matrix, read_examples


def baseline_emotions(root: Path, seed: int = 13) -> tuple[np.ndarray, np.ndarray]:
    """Char TF-IDF + LR on KOTE train, thresholds from 5-fold out-of-fold predictions.

    Returns (dev probabilities, thresholds).
    """
    train = read_kote(root, "train")
    dev = read_kote(root, "dev")
    texts = [normalize_text(t) for t in train.texts]
    oof = np.zeros_like(train.coarse)
    for tr, va in KFold(5, shuffle=True, random_state=seed).split(texts):
        m = TfidfClassifier.fit([texts[i] for i in tr], train.coarse[tr], 4, 4.0, 120_000)
        oof[va] = m.predict_proba([texts[i] for i in va])
    model = TfidfClassifier.fit(texts, train.coarse, 4, 4.0, 120_000)
    return model.predict_proba([normalize_text(t) for t in dev.texts]), tune_thresholds(
        train.coarse, oof
    )


def evaluate_emotions(model_dir: str | Path | None, root: Path) -> dict[str, object]:
    """KOTE dev macro/micro-F1 and per-label F1 of the model (its shipped path) and baseline."""
    dev = read_kote(root, "dev")
    analyzer = load_analyzer(model_dir)
    norm = [normalize_text(t) for t in dev.texts]
    prob = analyzer.emotion_proba(norm)
    model = report(dev.coarse, prob, analyzer.config.emotion_thresholds)
    base_prob, base_thr = baseline_emotions(root)
    base = report(dev.coarse, base_prob, base_thr)
    # An optimistic reference only: thresholds tuned on dev itself.
    model_devtuned = report(dev.coarse, prob, tune_thresholds(dev.coarse, prob))
    print(f"KOTE dev ({len(dev.texts)} texts), 8 screener emotions, F1 per label")
    print(f"{'label':10s} {'model':>7s} {'baseline':>9s} {'support':>8s}")
    for j, e in enumerate(EMOTIONS):
        m_f1 = float(model["per_label"][j])  # type: ignore[index]
        b_f1 = float(base["per_label"][j])  # type: ignore[index]
        print(f"{e:10s} {m_f1:7.3f} {b_f1:9.3f} {int(dev.coarse[:, j].sum()):8d}")
    print(f"{'macro-F1':10s} {model['macro_f1']:7.3f} {base['macro_f1']:9.3f}")
    print(f"{'micro-F1':10s} {model['micro_f1']:7.3f} {base['micro_f1']:9.3f}")
    print(
        f"(model with thresholds tuned on dev itself, optimistic: macro-F1 "
        f"{model_devtuned['macro_f1']:.3f})"
    )
    return {
        "model_macro_f1": model["macro_f1"],
        "model_micro_f1": model["micro_f1"],
        "baseline_macro_f1": base["macro_f1"],
        "baseline_micro_f1": base["micro_f1"],
        "model_macro_f1_dev_tuned": model_devtuned["macro_f1"],
        "model_per_label": dict(zip(EMOTIONS, map(float, model["per_label"]), strict=True)),  # type: ignore[arg-type]
        "baseline_per_label": dict(zip(EMOTIONS, map(float, base["per_label"]), strict=True)),  # type: ignore[arg-type]
    }


def evaluate_risk(
    model_dir: str | Path | None,
    examples: Path = EXAMPLES_FILE,
    split: str = "test",
    show_errors: bool = False,
) -> dict[str, float]:
    """Recall (urgent, overall, per category) and false-positive rate on one split."""
    exs = read_examples(examples, split if split != "all" else None)
    analyzer = load_analyzer(model_dir)
    results = analyzer.analyze([e.text for e in exs], [e.speaker for e in exs])
    y = label_matrix(exs)
    flagged = np.array([bool(r.risk_labels) for r in results])
    pos, neg = y.sum(1) > 0, y.sum(1) == 0
    urgent = y[:, [RISKS.index(r) for r in URGENT_RISKS]].sum(1) > 0
    pred = np.array([[r in a.risk_labels for r in RISKS] for a in results], dtype=np.float32)
    out = {
        "n_risk": int(pos.sum()),
        "n_ordinary": int(neg.sum()),
        "recall_overall": float(flagged[pos].mean()) if pos.any() else float("nan"),
        "recall_urgent": float(flagged[urgent].mean()) if urgent.any() else float("nan"),
        "recall_urgent_as_urgent": float(
            (pred[:, [RISKS.index(r) for r in URGENT_RISKS]].sum(1) > 0)[urgent].mean()
        )
        if urgent.any()
        else float("nan"),
        "false_positive_rate": float(flagged[neg].mean()) if neg.any() else float("nan"),
    }
    print(f"risk examples, split {split}: {out['n_risk']} risk, {out['n_ordinary']} ordinary")
    print(f"{'category':20s} {'recall':>7s} {'precision':>9s} {'support':>8s}")
    for j, r in enumerate(RISKS):
        sup = int(y[:, j].sum())
        rec = float((pred[:, j] * y[:, j]).sum() / max(sup, 1))
        prec = float((pred[:, j] * y[:, j]).sum() / max(pred[:, j].sum(), 1))
        out[f"recall_{r}"] = rec
        print(f"{r:20s} {rec:7.3f} {prec:9.3f} {sup:8d}")
    print(
        f"escalated (any risk label): urgent {out['recall_urgent']:.3f}, overall "
        f"{out['recall_overall']:.3f}; urgent flagged as an urgent category "
        f"{out['recall_urgent_as_urgent']:.3f}"
    )
    print(f"false positives on ordinary messages: {out['false_positive_rate']:.3f}")
    if show_errors:  # written examples only, never users' messages
        for e, a, f in zip(exs, results, flagged, strict=True):
            if bool(e.labels) != f:
                print(
                    f"  {'MISS' if e.labels else 'FP  '} {e.id} {list(e.labels)} "
                    f"{a.risk_labels} {e.text}"
                )
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `maeum evaluate`."""
    parser.add_argument("--model", default=None, help="model directory (default: shipped)")
    parser.add_argument("--data", default=None, help="data folder (default ../shared/data)")
    parser.add_argument("--examples", default=str(EXAMPLES_FILE))
    parser.add_argument("--split", default="test", choices=["train", "dev", "test", "all"])
    parser.add_argument("--skip-emotions", action="store_true", help="risk examples only")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--json", default=None, help="also write the figures to this file")


def run(args: argparse.Namespace) -> dict[str, object]:
    """Run the evaluation described by args; prints tables, returns the figures."""
    t0 = time.perf_counter()
    figures: dict[str, object] = {}
    figures["risk"] = evaluate_risk(args.model, Path(args.examples), args.split, args.show_errors)
    if not args.skip_emotions:
        root = data_dir(args.data)
        if not (root / "kote" / "dev.tsv").is_file():
            print(f"no KOTE data under {root}; emotion evaluation skipped")
        else:
            figures["emotions"] = evaluate_emotions(args.model, root)
    print(f"evaluation took {time.perf_counter() - t0:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return figures
