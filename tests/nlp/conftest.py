"""Fixtures for the classifier tests: a tiny data folder and a model trained on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.labels import EMOTIONS

# Made-up comments, one per line, with the screener emotion they express.
_TINY_KOTE = [
    ("오늘 너무 행복하고 신나요", "joy"),
    ("정말 기쁘다 최고야", "joy"),
    ("너무 슬퍼서 눈물이 나", "sadness"),
    ("마음이 아프고 서러워요", "sadness"),
    ("진짜 화나고 짜증나네", "anger"),
    ("열받아 죽겠네 진짜", "anger"),
    ("무섭고 불안해요", "fear"),
    ("걱정돼서 잠이 안 와", "fear"),
    ("너무 지치고 힘들어", "stress"),
    ("귀찮고 피곤하다", "stress"),
    ("내 잘못이야 미안해", "guilt"),
    ("부끄럽고 죄책감 들어", "guilt"),
    ("다 끝났어 희망이 없어", "despair"),
    ("절망적이다 나는 안돼", "despair"),
    ("그냥 그래", "neutral"),
    ("별 생각 없음", "neutral"),
]


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder shaped like ../shared/data, with a few made-up rows."""
    root = tmp_path_factory.mktemp("data")
    kote = root / "kote"
    kote.mkdir()
    names = [f"label{i}" for i in range(44)]
    (kote / "labels.tsv").write_text(
        "".join(f"{i}\t{n}\n" for i, n in enumerate(names)), encoding="utf-8"
    )
    mapping = ["kote_label\tscreener_emotion"] + [
        f"{n}\t{EMOTIONS[i] if i < len(EMOTIONS) else '-'}" for i, n in enumerate(names)
    ]
    (kote / "compact_map.tsv").write_text("\n".join(mapping) + "\n", encoding="utf-8")
    rows = []
    for rep in range(4):
        for j, (text, emotion) in enumerate(_TINY_KOTE):
            rows.append(f"{rep}{j}\t{text} {'ㅋ' * rep}\t{EMOTIONS.index(emotion)},{8 + j}")
    for split in ("train", "dev"):
        (kote / f"{split}.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    plain = [t for t, _ in _TINY_KOTE] * 3
    (root / "3i4k").mkdir()
    (root / "3i4k" / "fci.txt").write_text("".join(f"1\t{t}\n" for t in plain), "utf-8")
    (root / "chatbot").mkdir()
    (root / "chatbot" / "ChatbotData.csv").write_text(
        "Q,A,label\n" + "".join(f"{t},{t},0\n" for t in plain[:10]), "utf-8"
    )
    (root / "korean-hate-speech").mkdir()
    for name in ("train.tsv", "dev.tsv"):
        (root / "korean-hate-speech" / name).write_text(
            "comments\tcontain_gender_bias\tbias\thate\n"
            + "".join(f"{t}\tFalse\tnone\tnone\n" for t in plain[:5]),
            "utf-8",
        )
    (root / "toxic-comments").mkdir()
    for name in ("train.csv", "test.csv"):
        (root / "toxic-comments" / name).write_text(
            "id,document,toxic,obscene,threat,insult,identity_hate\n"
            + "".join(f"{i},{t},0,0,0,0,0\n" for i, t in enumerate(plain[:5])),
            "utf-8",
        )
    (root / "unlabeled").mkdir()
    (root / "unlabeled" / "comments.txt").write_text("\n".join(plain) + "\n", "utf-8")
    (root / "unlabeled" / "news_titles.txt").write_text("뉴스 제목\n", "utf-8")
    return root


@pytest.fixture(scope="session")
def tiny_examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small risk examples file in the shipped format."""
    rows = [
        ("아빠가 때렸어", "child", ["abuse_physical"]),
        ("엄마한테 맞았어", "child", ["abuse_physical"]),
        ("죽고 싶어", "child", ["self_harm"]),
        ("밥을 안 줘요 며칠째", "child", ["neglect"]),
        ("오늘 학교 재밌었어", "child", []),
        ("배고파 죽겠다", "child", []),
        ("애를 때릴 것 같아요", "parent", ["harm_to_child_urge"]),
        ("더는 못 키우겠어요", "parent", ["parent_crisis"]),
        ("오늘 공원에 갔어요", "parent", []),
    ]
    path = tmp_path_factory.mktemp("examples") / "examples.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i, (text, speaker, labels) in enumerate(rows * 2):
            split = "train" if i < len(rows) else "test"
            fh.write(
                json.dumps(
                    {
                        "id": f"t{i}",
                        "text": text,
                        "speaker": speaker,
                        "labels": labels,
                        "split": split,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    return path


@pytest.fixture(scope="session")
def tiny_model(
    tiny_data: Path, tiny_examples: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A model directory trained end to end on the fixtures (TF-IDF and a tiny encoder)."""
    from nlp.train import TrainConfig, train

    out = tmp_path_factory.mktemp("model")
    train(
        TrainConfig(
            data=str(tiny_data),
            out=str(out),
            examples=str(tiny_examples),
            folds=2,
            encoder=True,
            encoder_preset="tiny",
            pretrain_minutes=0.02,
            finetune_epochs=2,
        )
    )
    return out
