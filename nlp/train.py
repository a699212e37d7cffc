"""Train a model directory: emotion components on KOTE, the learned risk model, thresholds.

python -m nlp.cli train --data ../shared/data --out nlp/model --device cpu
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import KFold

from nlp.data import data_dir, read_kote
from nlp.emotion.tfidf import TfidfClassifier
from nlp.labels import EMOTIONS, RISKS
from nlp.metrics import report, tune_thresholds
from nlp.normalize import normalize_text
from nlp.risk.examples import EXAMPLES_FILE, label_matrix, read_examples

MODEL_NAME = "maeum-ko-0.1"


@dataclass
class TrainConfig:
    """Everything that decides a trained model (printed and stored with it)."""

    data: str
    out: str
    examples: str = str(EXAMPLES_FILE)
    device: str = "cpu"
    seed: int = 13
    folds: int = 5
    tfidf_ngram_max: int = 3
    tfidf_c: float = 2.0
    encoder: bool = False
    encoder_preset: str = "small"
    pretrain_minutes: float = 0.0
    pretrain_steps: int = 0  # exact step count (reproducible); 0 = use the time budget
    finetune_epochs: int = 6
    finetune_lr: float = 2e-4
    fine_weight: float = 0.5  # weight of the 44 KOTE labels as auxiliary targets
    init_body: str = ""  # folder with body.safetensors + tokenizer.json: skip pretraining
    save_body: str = ""  # where to keep the pretrained body
    max_kote: int = 0  # 0 = all rows; a small number for smoke tests
    risk_learned_weight: float = 0.6
    risk_threshold: float = 0.5


def seed_everything(seed: int) -> None:
    """Fixed seeds for python, numpy and torch (when present)."""
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch

        torch.manual_seed(seed)
    except ImportError:  # pragma: no cover - torch is a dependency
        pass


def _log(msg: str) -> None:
    print(f"[train {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _subset(texts: list[str], idx: np.ndarray) -> list[str]:
    return [texts[i] for i in idx]


def train(cfg: TrainConfig) -> dict[str, object]:
    """Train, tune, write the model directory; returns the metrics written to metrics.json."""
    seed_everything(cfg.seed)
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    root = data_dir(cfg.data)
    kote = read_kote(root, "train")
    texts = [normalize_text(t) for t in kote.texts]
    y, fine = kote.coarse, kote.fine
    if cfg.max_kote:
        texts, y, fine = texts[: cfg.max_kote], y[: cfg.max_kote], fine[: cfg.max_kote]
    folds = list(KFold(cfg.folds, shuffle=True, random_state=cfg.seed).split(texts))

    # Out-of-fold probabilities of each component: thresholds and weights are tuned on
    # training data only, so KOTE dev stays an honest measurement.
    _log(f"tfidf: {cfg.folds}-fold out-of-fold predictions on {len(texts)} texts")
    oof: dict[str, np.ndarray] = {"tfidf": np.zeros_like(y)}
    for tr, va in folds:
        m = TfidfClassifier.fit(_subset(texts, tr), y[tr], cfg.tfidf_ngram_max, cfg.tfidf_c, None)
        oof["tfidf"][va] = m.predict_proba(_subset(texts, va))
    TfidfClassifier.fit(texts, y, cfg.tfidf_ngram_max, cfg.tfidf_c, None).save(out, "emotion_tfidf")

    if cfg.encoder:
        from nlp.emotion.encoder import train_encoder

        oof["encoder"] = train_encoder(cfg, root, texts, y, fine, folds, out, _log)

    weights = _tune_weights(y, oof)
    prob = sum(w * oof[k] for k, w in weights.items()) / sum(weights.values())
    thresholds = tune_thresholds(y, prob)
    oof_metrics = {k: report(y, p, tune_thresholds(y, p))["macro_f1"] for k, p in oof.items()}
    _log(f"out-of-fold macro-F1 per component {oof_metrics}; weights {weights}")

    risk_cfg = _train_risk(cfg, out)
    config = {
        "name": MODEL_NAME,
        "emotion": {
            "weights": weights,
            "thresholds": {
                e: round(float(t), 3) for e, t in zip(EMOTIONS, thresholds, strict=True)
            },
        },
        "risk": risk_cfg,
        "train_config": asdict(cfg),
    }
    (out / "config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False), "utf-8")
    np.savez_compressed(out / "train_oof.npz", y=y, **oof)  # for analysis; not shipped
    metrics = {"oof_macro_f1": oof_metrics, "weights": weights}
    _log(f"wrote {out}")
    return metrics


def _tune_weights(y: np.ndarray, oof: dict[str, np.ndarray]) -> dict[str, float]:
    """Weight of each component's probabilities, by out-of-fold macro-F1 on a grid."""
    if len(oof) == 1:
        return {next(iter(oof)): 1.0}
    best, best_w = -1.0, 0.5
    for w in np.linspace(0.0, 1.0, 11):
        p = w * oof["encoder"] + (1 - w) * oof["tfidf"]
        score = float(report(y, p, tune_thresholds(y, p))["macro_f1"])  # type: ignore[arg-type]
        if score > best:
            best, best_w = score, float(w)
    return {"tfidf": round(1 - best_w, 2), "encoder": round(best_w, 2)}


def _train_risk(cfg: TrainConfig, out: Path) -> dict[str, object]:
    """Learned risk model (char TF-IDF + LR) on the train split of the written examples."""
    train_ex = read_examples(Path(cfg.examples), "train")
    texts = [normalize_text(e.text) for e in train_ex]
    model = TfidfClassifier.fit(
        texts, label_matrix(train_ex), ngram_max=3, c=1.0, max_features=None
    )
    model.save(out, "risk_tfidf")
    _log(f"risk: learned model on {len(train_ex)} written examples (train split)")
    return {
        "learned_weight": cfg.risk_learned_weight,
        "thresholds": dict.fromkeys(RISKS, cfg.risk_threshold),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `maeum train`."""
    parser.add_argument("--data", default=None, help="data folder (default ../shared/data)")
    parser.add_argument("--out", default="nlp/model", help="model directory to write")
    parser.add_argument("--examples", default=str(EXAMPLES_FILE), help="risk examples jsonl")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--encoder", action="store_true", help="also train the transformer")
    parser.add_argument("--encoder-preset", default="small", help="tiny | small")
    parser.add_argument("--pretrain-minutes", type=float, default=0.0, help="masked-LM budget")
    parser.add_argument("--pretrain-steps", type=int, default=0, help="exact masked-LM steps")
    parser.add_argument("--finetune-epochs", type=int, default=6)
    parser.add_argument("--finetune-lr", type=float, default=2e-4)
    parser.add_argument("--fine-weight", type=float, default=0.5, help="44-label auxiliary loss")
    parser.add_argument("--init-body", default="", help="folder of a pretrained body")
    parser.add_argument("--save-body", default="", help="keep the pretrained body here")
    parser.add_argument("--max-kote", type=int, default=0, help="use only the first N rows")


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """TrainConfig from parsed arguments."""
    return TrainConfig(
        data=str(data_dir(args.data)),
        out=args.out,
        examples=args.examples,
        device=args.device,
        seed=args.seed,
        folds=args.folds,
        encoder=args.encoder,
        encoder_preset=args.encoder_preset,
        pretrain_minutes=args.pretrain_minutes,
        pretrain_steps=args.pretrain_steps,
        finetune_epochs=args.finetune_epochs,
        finetune_lr=args.finetune_lr,
        fine_weight=args.fine_weight,
        init_body=args.init_body,
        save_body=args.save_body,
        max_kote=args.max_kote,
    )
