"""English emotions from a small word list (the learned model reads Korean)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from nlp.labels import EMOTIONS

LEXICON_FILE = Path(__file__).with_name("english.yaml")


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, re.Pattern[str]]:
    raw = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    return {
        emotion: re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")")
        for emotion, words in raw.items()
    }


def english_emotions(texts: list[str]) -> np.ndarray:
    """Probability-like scores (n, 8): 0.8 per matched emotion, neutral when none matched."""
    out = np.zeros((len(texts), len(EMOTIONS)), dtype=np.float32)
    lex = _lexicon()
    for i, text in enumerate(texts):
        for emotion, rx in lex.items():
            if rx.search(text):
                out[i, EMOTIONS.index(emotion)] = 0.8
        if not out[i].any():
            out[i, EMOTIONS.index("neutral")] = 0.8
    return out
