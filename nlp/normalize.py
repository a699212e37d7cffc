"""Chat-text normalisation and Korean morphemes (one Kiwi per process, reused)."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

MAX_CHARS = 2000  # longer input is cut: models read far less, phrase search stays bounded
_REPEAT = re.compile(r"(.)\1{2,}")
_REPEAT_PAIR = re.compile(r"(..)\1{2,}")
_SPACE = re.compile(r"\s+")
_EMOJI = re.compile(
    "[\U0001f300-\U0001faff\U00002600-\U000027bf\U0001f000-\U0001f2ff\U0000fe0f\U0000200d]+"
)
_LAUGH = re.compile(r"[ㅋㅎ]{2,}|lol|lmao|haha")


def normalize_text(text: str) -> str:
    """Light normalisation for the models: NFC, lower case, repeats capped, spaces collapsed."""
    text = unicodedata.normalize("NFC", text[:MAX_CHARS]).lower()
    text = _REPEAT.sub(r"\1\1", text)
    text = _REPEAT_PAIR.sub(r"\1\1", text)
    return _SPACE.sub(" ", text).strip()


def strip_emoji(text: str) -> str:
    """Text without emoji (kept for the models, dropped before morpheme analysis)."""
    return _EMOJI.sub(" ", text)


def has_laughter(text: str) -> bool:
    """Whether the message laughs (ㅋㅋ, ㅎㅎ, lol): a hint of hyperbole."""
    return bool(_LAUGH.search(text))


@dataclass(frozen=True)
class Morpheme:
    """One Kiwi token: surface form, POS tag and lemma."""

    form: str
    tag: str
    lemma: str


_KIWI_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def get_kiwi() -> Kiwi:
    """The process's one Kiwi instance (about 1 s and 500 MB to build)."""
    from kiwipiepy import Kiwi

    return Kiwi()


def morphemes(texts: list[str]) -> list[list[Morpheme]]:
    """Morphemes of each normalised text, with spacing errors corrected by Kiwi."""
    kiwi = get_kiwi()
    cleaned = [strip_emoji(t) or " " for t in texts]
    with _KIWI_LOCK:  # Kiwi is not documented as thread-safe
        results = kiwi.tokenize(cleaned)
    return [[Morpheme(t.form, t.tag, t.lemma) for t in tokens] for tokens in results]
