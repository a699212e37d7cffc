"""Distillation: what teachers learnt from labelled texts reaches a student through
unlabelled text alone."""

from __future__ import annotations

import numpy as np
import torch

from nlp.emotion.encoder import (
    PRESETS,
    EmotionEncoder,
    EncoderSpec,
    distilled_start,
    encode_texts,
    predict_seqs,
    train_tokenizer,
)
from nlp.labels import EMOTIONS
from nlp.train import TrainConfig

_HAPPY = ["정말 좋아 최고야", "너무 좋아 행복해", "좋아 좋아 신난다", "기분 좋아 최고"]
_OTHER = ["버스가 늦게 왔다", "숙제를 하고 있다", "내일은 월요일이다", "창문을 닫았다"]


def test_the_student_learns_the_teachers_labels_from_unlabelled_text() -> None:
    tok = train_tokenizer((_HAPPY + _OTHER) * 10, 200)
    spec = EncoderSpec(**PRESETS["tiny"])
    labelled = encode_texts(tok, _HAPPY + _OTHER, spec.max_len)
    y = np.zeros((len(labelled), len(EMOTIONS)), np.float32)
    y[: len(_HAPPY), EMOTIONS.index("joy")] = 1.0
    fine = np.zeros((len(labelled), spec.n_fine), np.float32)
    corpus = encode_texts(tok, ["좋아 행복해 최고", "좋아 신난다", "버스 숙제", "월요일 창문"], 64)
    cfg = TrainConfig(
        data="",
        out="",
        distill_teachers=2,
        distill_teacher_epochs=100,
        distill_epochs=150,
        finetune_lr=3e-3,
    )
    state = distilled_start(
        cfg,
        spec,
        tok.get_vocab_size(),
        None,
        (labelled * 4, np.tile(y, (4, 1)), np.tile(fine, (4, 1))),
        corpus * 8,
        torch.device("cpu"),
        seed=1,
    )
    student = EmotionEncoder(spec, tok.get_vocab_size())
    student.load_state_dict(state)
    joy = predict_seqs(student, corpus[:4], torch.device("cpu"))[:, EMOTIONS.index("joy")]
    assert min(joy[:2]) > 0.7 and max(joy[2:]) < 0.5
