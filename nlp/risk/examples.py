"""The project's own labelled risk examples (examples.jsonl, fixed train/dev/test split)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.labels import RISKS, SPEAKERS

EXAMPLES_FILE = Path(__file__).with_name("examples.jsonl")
SPLITS = ("train", "dev", "test")


class ExampleFileError(ValueError):
    """A line of the examples file is malformed; the message names file and line."""


@dataclass(frozen=True)
class RiskExample:
    """One written message with its risk categories (empty: an ordinary message)."""

    id: str
    text: str
    speaker: str
    labels: tuple[str, ...]
    split: str


def read_examples(path: Path = EXAMPLES_FILE, split: str | None = None) -> list[RiskExample]:
    """All examples, or those of one split."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        raw = json.loads(line)
        ex = RiskExample(raw["id"], raw["text"], raw["speaker"], tuple(raw["labels"]), raw["split"])
        bad = [lab for lab in ex.labels if lab not in RISKS]
        if bad or ex.speaker not in SPEAKERS or ex.split not in SPLITS:
            raise ExampleFileError(f"{path}:{n}: bad labels {bad}, speaker or split in {ex.id}")
        if split is None or ex.split == split:
            out.append(ex)
    return out


def label_matrix(examples: list[RiskExample]) -> np.ndarray:
    """Multi-hot (n, 8) matrix over RISKS."""
    y = np.zeros((len(examples), len(RISKS)), dtype=np.float32)
    for i, ex in enumerate(examples):
        for lab in ex.labels:
            y[i, RISKS.index(lab)] = 1.0
    return y
