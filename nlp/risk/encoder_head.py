"""Teach the shipped encoder the risk categories without losing its emotions.

A risk head is added to the emotion encoder and the whole encoder is fine-tuned on the risk
examples, while its emotion outputs are held to what they were before (distillation: the
squared difference of the 8 + 44 emotion logits, on the risk texts and on KOTE train). So
the emotion thresholds tuned earlier stay valid, and one forward pass serves both.

Why: the encoder has read 150k Korean texts and generalises to a new writer's wording
where character and lemma n-grams do not. Leaving three writer rounds of train/dev
examples out (rounds 7, 8 and 10), the learned risk model found 0.856 of their risk
messages at a 5% false-positive rate; averaged half and half with this head after 6 epochs,
0.900 (0.880 with 0.3 of the head), while KOTE dev macro-F1 of the emotion average moved
0.557 -> 0.556.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from nlp.emotion.encoder import (
    EncoderClassifier,
    encode_texts,
    length_batches,
    lr_at,
    pad_batch,
    save_encoder,
)


@dataclasses.dataclass(frozen=True)
class RiskHeadConfig:
    """How the risk head is fine-tuned (stored with the model's training configuration)."""

    epochs: int = 6
    peak_lr: float = 2e-4
    distill_weight: float = 1.0
    batch_size: int = 32
    seed: int = 13


def fit_risk_head(
    directory: Path,
    texts: list[str],
    targets: np.ndarray,
    sample_weight: np.ndarray,
    kote_texts: list[str],
    cfg: RiskHeadConfig,
    log: Callable[[str], None],
) -> None:
    """Fine-tune the encoder in `directory` for risk and write it back with its risk head.

    `texts` are normalised; `targets` (n, n_risk) 0/1; rows weighted by `sample_weight`.
    Positive labels are up-weighted by the square root of their rarity.
    """
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    loaded = EncoderClassifier.load(directory)
    n_risk = targets.shape[1]
    spec = dataclasses.replace(loaded.spec, n_risk=n_risk)
    student = loaded.model
    risk = student.risk = nn.Linear(spec.hidden, n_risk)  # a fresh head, also when one was there
    teacher = copy.deepcopy(student).eval()
    seqs = encode_texts(loaded.tok, texts, spec.max_len)
    kote_seqs = encode_texts(loaded.tok, kote_texts, spec.max_len)
    positives = targets.sum(0)
    rarity = (len(targets) - positives) / np.maximum(positives, 1.0)
    bce = nn.BCEWithLogitsLoss(
        reduction="none",
        pos_weight=torch.tensor(np.clip(rarity, 1.0, 30.0) ** 0.5, dtype=torch.float32),
    )
    y = torch.tensor(targets, dtype=torch.float32)
    w = torch.tensor(sample_weight, dtype=torch.float32)
    opt = torch.optim.AdamW(student.parameters(), lr=cfg.peak_lr, weight_decay=0.01)
    steps_per_epoch = -(-len(seqs) // cfg.batch_size)
    total, step = steps_per_epoch * cfg.epochs, 0
    cpu = torch.device("cpu")

    def distill(batch: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        """The student's pooled vectors and its emotion logits' distance from the teacher's."""
        ids, att = pad_batch(batch, cpu)
        pooled = student.pool(ids, att)
        with torch.no_grad():
            target = teacher.emotion_logits(teacher.pool(ids, att))
        return pooled, ((student.emotion_logits(pooled) - target) ** 2).mean()

    student.train()
    for epoch in range(cfg.epochs):
        kote_batches = length_batches([len(s) for s in kote_seqs], cfg.batch_size, rng)
        for n, idx in enumerate(length_batches([len(s) for s in seqs], cfg.batch_size, rng)):
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total, cfg.peak_lr, int(total * 0.06))
            pooled, held = distill([seqs[i] for i in idx])
            risk_loss = (bce(risk(student.dropout(pooled)), y[idx]).mean(1) * w[idx]).mean()
            loss = risk_loss + cfg.distill_weight * held
            if kote_batches:
                _, kote_held = distill([kote_seqs[i] for i in kote_batches[n % len(kote_batches)]])
                loss = loss + cfg.distill_weight * kote_held
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(student.parameters(), 1.0)
            opt.step()
            step += 1
        log(f"risk head: epoch {epoch + 1}/{cfg.epochs}, last loss {loss.item():.4f}")
    save_encoder(directory, student.eval(), loaded.tok, spec)
