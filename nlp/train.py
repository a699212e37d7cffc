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
from typing import TYPE_CHECKING

import numpy as np
from sklearn.model_selection import KFold

from nlp.data import chat_share, data_dir, read_chat_questions, read_kote
from nlp.emotion.stack import fit_stacker, stack_oof
from nlp.emotion.tfidf import TfidfClassifier
from nlp.labels import EMOTIONS, RISKS
from nlp.lang import detect_language, read_by_models
from nlp.metrics import report, tune_thresholds
from nlp.normalize import MAX_CHARS, morphemes, normalize_text
from nlp.risk.examples import EXAMPLES_FILE, label_matrix, read_examples
from nlp.risk.learned import RiskClassifier, learned_risk, lemma_text
from nlp.risk.phrases import match_all

if TYPE_CHECKING:  # torch is imported only where the encoder is trained or used
    from nlp.emotion.encoder import EncoderClassifier

MODEL_NAME = "maeum-ko-0.1"
HARD_NEGATIVE_WEIGHT = 3.0


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
    tfidf_features: int | None = None  # None: every n-gram seen twice
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
    risk_only: bool = False  # retrain only the risk part of an existing model directory
    risk_learned_weight: float = 0.6
    risk_threshold: float = 0.5
    risk_head_epochs: int = 6  # 0: no risk head on the encoder
    risk_encoder_share: float = 0.5  # share of the encoder's risk head in the learned score


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
    """Train, tune, write the model directory; returns a few training figures."""
    seed_everything(cfg.seed)
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    if cfg.risk_only:
        path = out / "config.json"
        config = json.loads(path.read_text(encoding="utf-8"))
        config["risk"] = _train_risk(cfg, out)
        path.write_text(json.dumps(config, indent=2, ensure_ascii=False), "utf-8")
        _log(f"rewrote the risk part of {out}")
        return {"risk": config["risk"]}
    root = data_dir(cfg.data)
    kote = read_kote(root, "train")
    texts = [normalize_text(t) for t in kote.texts]
    y, fine = kote.coarse, kote.fine
    if cfg.max_kote:
        texts, y, fine = texts[: cfg.max_kote], y[: cfg.max_kote], fine[: cfg.max_kote]
    folds = list(KFold(cfg.folds, shuffle=True, random_state=cfg.seed).split(texts))

    # Out-of-fold probabilities of each component (8 emotions, then the 44 KOTE labels):
    # weights, the stacker and thresholds are tuned on training data only, so KOTE dev
    # stays an honest measurement.
    targets = np.concatenate([y, fine], axis=1)
    _log(f"tfidf: {cfg.folds}-fold out-of-fold predictions on {len(texts)} texts")
    oof: dict[str, np.ndarray] = {"tfidf": np.zeros_like(targets)}
    for tr, va in folds:
        m = TfidfClassifier.fit(
            _subset(texts, tr), targets[tr], cfg.tfidf_ngram_max, cfg.tfidf_c, cfg.tfidf_features
        )
        oof["tfidf"][va] = m.predict_proba(_subset(texts, va))

    if cfg.encoder:
        from nlp.emotion.encoder import train_encoder

        oof["encoder"] = train_encoder(cfg, root, texts, y, fine, folds, out, _log)

    k8 = len(EMOTIONS)
    weights = _tune_weights(y, {k: v[:, :k8] for k, v in oof.items()})
    average = sum(w * oof[k][:, :k8] for k, w in weights.items()) / sum(weights.values())
    stacked = stack_oof(oof, y, folds)
    scores = {
        "average": float(report(y, average, tune_thresholds(y, average))["macro_f1"]),  # type: ignore[arg-type]
        "stack": float(report(y, stacked, tune_thresholds(y, stacked))["macro_f1"]),  # type: ignore[arg-type]
    }
    combine = "stack" if scores["stack"] > scores["average"] else "average"
    prob = stacked if combine == "stack" else average
    if combine == "stack":
        fit_stacker(oof, y).save(out)
    # The shipped TF-IDF model keeps the 44 KOTE columns only when the stacker reads them.
    final_targets = targets if combine == "stack" else y
    TfidfClassifier.fit(
        texts, final_targets, cfg.tfidf_ngram_max, cfg.tfidf_c, cfg.tfidf_features
    ).save(out, "emotion_tfidf")
    thresholds = tune_thresholds(y, prob)
    oof_metrics = {
        k: float(report(y, p[:, :k8], tune_thresholds(y, p[:, :k8]))["macro_f1"])  # type: ignore[arg-type]
        for k, p in oof.items()
    }
    _log(f"out-of-fold macro-F1 per component {oof_metrics}; weights {weights}")
    _log(f"out-of-fold macro-F1 of the combinations {scores}: using {combine}")

    risk_cfg = _train_risk(cfg, out)
    config = {
        "name": MODEL_NAME,
        "emotion": {
            "weights": weights,
            "combine": combine,
            "components": sorted(oof),
            "quantize": True,
            "thresholds": {
                e: round(float(t), 3) for e, t in zip(EMOTIONS, thresholds, strict=True)
            },
        },
        "risk": risk_cfg,
        "train_config": asdict(cfg),
    }
    (out / "config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False), "utf-8")
    np.savez_compressed(out / "train_oof.npz", y=y, **oof)  # for analysis; not shipped
    metrics = {"oof_macro_f1": oof_metrics, "weights": weights, "combine": scores}
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
    """Learned risk model (char and lemma TF-IDF + LR) on the train split of the examples.

    Everyday chat questions (`chat_share` 1) join the training as ordinary messages, except
    those the phrase lists flag (the chat data holds a few real "죽고 싶다"). The model's
    weight against the phrase lists is then tuned on the dev split and on chat share 2.
    """
    questions = read_chat_questions(data_dir(cfg.data))
    train_ex = read_examples(Path(cfg.examples), "train")
    texts = [normalize_text(e.text) for e in train_ex]
    lemmas = _lemmas(texts)
    targets = label_matrix(train_ex)
    # The written ordinary messages are the hard negatives (hyperbole, games, discipline):
    # they count three times as much as an everyday chat question.
    weights = np.where(targets.sum(1) > 0, 1.0, HARD_NEGATIVE_WEIGHT)
    chat, chat_lemmas = _ordinary_chat(cfg, chat_share(questions, 1))
    texts += chat
    lemmas += chat_lemmas
    targets = np.concatenate([targets, np.zeros((len(chat), len(RISKS)), np.float32)])
    weights = np.concatenate([weights, np.ones(len(chat))])
    model = RiskClassifier.fit(texts, lemmas, targets, c=4.0, sample_weight=weights)
    model.save(out)
    _log(
        f"risk: learned model on {len(train_ex)} written examples (train split)"
        f" and {len(chat)} everyday chat questions"
    )
    head = _fit_risk_head(cfg, out, texts, targets, weights)
    share = cfg.risk_encoder_share if head else 0.0
    weight = _tune_risk_weight(cfg, model, chat_share(questions, 2), share)
    return {
        "learned_weight": weight,
        "encoder_share": share,
        "encoder_head": head,
        "thresholds": dict.fromkeys(RISKS, cfg.risk_threshold),
    }


def _fit_risk_head(
    cfg: TrainConfig, out: Path, texts: list[str], targets: np.ndarray, weights: np.ndarray
) -> dict[str, object]:
    """Fine-tune the encoder of `out` for risk (when it has one); returns the head's settings."""
    if cfg.risk_head_epochs <= 0 or not (out / "encoder.safetensors").is_file():
        return {}
    from nlp.risk.encoder_head import RiskHeadConfig, fit_risk_head

    kote = [normalize_text(t) for t in read_kote(data_dir(cfg.data), "train").texts]
    if cfg.max_kote:
        kote = kote[: cfg.max_kote]
    head_cfg = RiskHeadConfig(epochs=cfg.risk_head_epochs, seed=cfg.seed)
    spec = json.loads((out / "encoder_config.json").read_text(encoding="utf-8"))
    if spec.get("n_risk"):
        _log(
            "risk head: this encoder was fine-tuned for risk before; doing it again moves its"
            " emotions a little further (start from the emotion encoder to reproduce a model)"
        )
    _log(f"risk head: fine-tuning the encoder on {len(texts)} texts, {len(kote)} KOTE held")
    fit_risk_head(out, texts, targets, weights, kote, head_cfg, _log)
    return asdict(head_cfg)


def _learned_scores(
    model: RiskClassifier,
    encoder: EncoderClassifier | None,
    raw: list[str],
    norm: list[str],
    view: _KiwiView,
    share: float,
) -> np.ndarray:
    """The learned risk score as the analyzer computes it (before context factors)."""
    langs = [detect_language(t[:MAX_CHARS]) for t in raw]
    read = [n for n, lang in zip(norm, langs, strict=True) if read_by_models(lang, n)]
    head = encoder.predict_proba(read)[:, -len(RISKS) :] if encoder is not None and read else None
    return learned_risk(model, norm, view.lemmas, langs, head, share)


@dataclass(frozen=True)
class _KiwiView:
    """What the phrase lists make of a batch: scores and context factors, each (n, 8), and
    the lemmas the learned model reads."""

    scores: np.ndarray
    context: np.ndarray
    lemmas: list[str]


def _kiwi_view(texts: list[str], speakers: list[str]) -> _KiwiView | None:
    """None without Kiwi (e.g. a bare GPU machine). The analyzer multiplies the learned
    scores by the same context factors."""
    try:
        analysed = morphemes(texts)
    except ImportError:
        return None
    hits = match_all(texts, speakers, analysed=analysed)
    scores = np.array([[h.scores[r] for r in RISKS] for h in hits], dtype=np.float32)
    context = np.array([[h.context[r] for r in RISKS] for h in hits], dtype=np.float32)
    return _KiwiView(
        scores.reshape(-1, len(RISKS)),
        context.reshape(-1, len(RISKS)),
        [lemma_text(m) for m in analysed],
    )


def _lemmas(texts: list[str]) -> list[str]:
    """Lemmas of each text ("" for all of them without Kiwi)."""
    try:
        return [lemma_text(m) for m in morphemes(texts)]
    except ImportError:
        return [""] * len(texts)


def _ordinary_chat(cfg: TrainConfig, questions: list[str]) -> tuple[list[str], list[str]]:
    """The normalised chat questions that the phrase lists leave alone, and their lemmas."""
    texts = [normalize_text(q) for q in questions]
    view = _kiwi_view(texts, ["child"] * len(texts)) if texts else None
    if view is None:
        return [], []
    keep = [i for i, s in enumerate(view.scores) if s.max() < cfg.risk_threshold]
    return [texts[i] for i in keep], [view.lemmas[i] for i in keep]


def _flagged_share(scores: np.ndarray, threshold: float) -> float:
    """Share of rows with any category at or above the threshold (0 for no rows)."""
    return float((scores >= threshold).any(1).mean()) if len(scores) else 0.0


def _tune_risk_weight(
    cfg: TrainConfig, model: RiskClassifier, chat_questions: list[str], share: float
) -> float:
    """The largest dev recall within the false-positive budgets; among equals, fewer
    false positives, then the larger weight (the learned model backs the phrase lists up).

    Budgets, over what the phrase lists flag alone: at most two points more ordinary dev
    messages, and at most half a point more everyday chat questions (share 2).
    """
    dev = read_examples(Path(cfg.examples), "dev")
    norm = [normalize_text(e.text) for e in dev]
    view = _kiwi_view(norm, [e.speaker for e in dev])
    if not dev or view is None:
        _log("risk: no dev split or no Kiwi, learned weight not tuned")
        return cfg.risk_learned_weight
    encoder = None
    if share > 0:
        from nlp.emotion.encoder import EncoderClassifier

        encoder = EncoderClassifier.load(Path(cfg.out), quantize=True)  # as the analyzer does
    phrase = view.scores
    raw = [e.text for e in dev]
    learned = _learned_scores(model, encoder, raw, norm, view, share) * view.context
    y = label_matrix(dev)
    pos, neg = y.sum(1) > 0, y.sum(1) == 0
    chat = [normalize_text(q) for q in chat_questions]
    chat_phrase = chat_learned = np.zeros((0, len(RISKS)), dtype=np.float32)
    chat_view = _kiwi_view(chat, ["child"] * len(chat)) if chat else None
    if chat_view is not None:
        chat_phrase = chat_view.scores
        chat_learned = (
            _learned_scores(model, encoder, chat_questions, chat, chat_view, share)
            * chat_view.context
        )
    chat_base = _flagged_share(chat_phrase, cfg.risk_threshold)
    phrase_fp = float((phrase >= cfg.risk_threshold).any(1)[neg].mean())
    best: tuple[float, float, float] = (-1.0, 0.0, 0.0)
    for w in (0.0, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9, 1.0):
        flagged = (np.maximum(phrase, w * learned) >= cfg.risk_threshold).any(1)
        recall, fp = float(flagged[pos].mean()), float(flagged[neg].mean())
        chat_rate = _flagged_share(np.maximum(chat_phrase, w * chat_learned), cfg.risk_threshold)
        _log(
            f"risk: learned weight {w:.2f}: dev recall {recall:.3f}, false positives"
            f" {fp:.3f}, everyday chat flagged {chat_rate:.3f}"
        )
        within = fp <= phrase_fp + 0.02 and chat_rate <= chat_base + 0.005
        if within and (recall, -fp, w) > best:
            best = (recall, -fp, w)
    _log(f"risk: learned weight {best[2]}")
    return best[2]


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
    parser.add_argument(
        "--risk-only", action="store_true", help="retrain only the risk part of --out"
    )
    parser.add_argument("--max-kote", type=int, default=0, help="use only the first N rows")
    parser.add_argument(
        "--risk-head-epochs", type=int, default=6, help="risk head on the encoder (0: none)"
    )


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
        risk_only=args.risk_only,
        risk_head_epochs=args.risk_head_epochs,
    )
