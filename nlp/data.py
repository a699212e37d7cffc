"""Readers for the public Korean datasets in ../shared/data (never shipped)."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.labels import EMOTIONS

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def data_dir(path: str | Path | None = None) -> Path:
    """The data folder: the argument, else $MAEUM_DATA_DIR, else ../shared/data."""
    if path is not None:
        return Path(path)
    env = os.environ.get("MAEUM_DATA_DIR")
    return Path(env) if env else DEFAULT_DATA_DIR


@dataclass(frozen=True)
class KoteSplit:
    """KOTE texts with 44 fine labels and the 8 screener emotions (multi-hot)."""

    texts: list[str]
    fine: np.ndarray  # (n, 44) float32
    coarse: np.ndarray  # (n, 8) float32


def read_compact_map(root: Path) -> tuple[list[str], list[int]]:
    """Fine label names and, per fine label, the screener index (-1 = unmapped)."""
    names = [
        line.split("\t")[1]
        for line in (root / "kote" / "labels.tsv").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    mapping: dict[str, str] = {}
    rows = (root / "kote" / "compact_map.tsv").read_text(encoding="utf-8").splitlines()
    for line in rows[1:]:
        if line.strip():
            fine, coarse = line.split("\t")
            mapping[fine] = coarse
    index = [EMOTIONS.index(mapping[n]) if mapping.get(n, "-") != "-" else -1 for n in names]
    return names, index


def read_kote(root: Path, split: str) -> KoteSplit:
    """Read kote/{split}.tsv into texts and label matrices."""
    names, index = read_compact_map(root)
    texts: list[str] = []
    fine_rows: list[np.ndarray] = []
    path = root / "kote" / f"{split}.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        row = np.zeros(len(names), dtype=np.float32)
        for label in parts[2].split(","):
            if label.strip():
                row[int(label)] = 1.0
        texts.append(parts[1])
        fine_rows.append(row)
    fine = np.stack(fine_rows)
    coarse = np.zeros((len(texts), len(EMOTIONS)), dtype=np.float32)
    for j, k in enumerate(index):
        if k >= 0:
            coarse[:, k] = np.maximum(coarse[:, k], fine[:, j])
    return KoteSplit(texts=texts, fine=fine, coarse=coarse)


CHATBOT_FILE = Path("chatbot") / "ChatbotData.csv"


def read_chat_questions(root: Path) -> list[str]:
    """The everyday questions of the chatbot data, in file order ([] when it is absent).

    Not labelled for risk, but ordinary chat: the risk model learns from one share of them
    as ordinary messages, tunes on another, and `bench escalation` counts a third
    (every third question from the first; see `chat_share`).
    """
    if not (root / CHATBOT_FILE).exists():
        return []
    return [row.get("Q") or "" for row in _chat_rows(root)]


def _chat_rows(root: Path) -> list[dict[str, str]]:
    with (root / CHATBOT_FILE).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def chat_share(questions: list[str], share: int) -> list[str]:
    """Share 0 (bench), 1 (risk training) or 2 (risk tuning): every third question."""
    return [q for i, q in enumerate(questions) if i % 3 == share and q.strip()]


def read_unlabeled(root: Path) -> list[str]:
    """All Korean text in the data folder except KOTE dev (kept out for honest evaluation)."""
    out: list[str] = []
    for line in (root / "3i4k" / "fci.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t", 1)
        if len(parts) == 2:
            out.append(parts[1])
    for row in _chat_rows(root):
        out.extend([row.get("Q") or "", row.get("A") or ""])
    for name in ("train.tsv", "dev.tsv"):
        lines = (root / "korean-hate-speech" / name).read_text(encoding="utf-8").splitlines()
        out.extend(line.split("\t")[0] for line in lines[1:])
    for name in ("train.csv", "test.csv"):
        with (root / "toxic-comments" / name).open(encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            out.extend(row[1] for row in reader if len(row) > 1)
    for name in ("comments.txt", "news_titles.txt"):
        out.extend((root / "unlabeled" / name).read_text(encoding="utf-8").splitlines())
    out.extend(read_kote(root, "train").texts)
    return [t.strip() for t in out if t and t.strip()]
