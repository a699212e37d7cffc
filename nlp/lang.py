"""Language detection: share of Hangul first, then seeded langdetect."""

from __future__ import annotations

import re
import threading

UNDETERMINED = "und"
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN = re.compile(r"[a-zA-Z]")
_LETTER = re.compile(r"[^\W\d_]")
_ENGLISH_WORDS = frozenset(
    [
        "i",
        "me",
        "my",
        "you",
        "he",
        "she",
        "it",
        "we",
        "they",
        "is",
        "am",
        "are",
        "was",
        "were",
        "be",
        "been",
        "do",
        "does",
        "did",
        "not",
        "no",
        "yes",
        "ok",
        "okay",
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "so",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "my",
        "mom",
        "dad",
        "hate",
        "love",
        "want",
        "feel",
        "sad",
        "happy",
        "hi",
        "hello",
        "thanks",
        "thank",
        "please",
        "help",
        "what",
        "why",
        "how",
        "when",
        "hurt",
        "scared",
        "tired",
    ]
)
_LOCK = threading.Lock()


def detect_language(text: str) -> str:
    """ISO 639-1 code ("ko", "en", ...) or "und" when there is nothing to judge."""
    letters = _LETTER.findall(text)
    if not letters:
        return UNDETERMINED
    hangul = len(_HANGUL.findall(text))
    if hangul / len(letters) >= 0.3:
        return "ko"
    latin = _LATIN.findall(text)
    words = re.findall(r"[a-z']+", text.lower())
    common = sum(w in _ENGLISH_WORDS for w in words)
    mostly_latin = bool(latin) and len(latin) / len(letters) > 0.7
    # langdetect is unreliable on short Latin text ("ok" -> sk); trust common English words.
    if mostly_latin and ((len(words) <= 3 and common >= 1) or common >= 2):
        return "en"
    if mostly_latin and len(words) <= 2 and common == 0 and len("".join(words)) <= 4:
        return "en"  # "lol", "k", "thx": too short to judge; English is the better guess
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    try:
        with _LOCK:  # DetectorFactory is shared state; seeded for deterministic answers
            DetectorFactory.seed = 0
            langs = detect_langs(text)
    except LangDetectException:
        return UNDETERMINED
    return langs[0].lang if langs else UNDETERMINED


# Languages the trained models read (Korean; "und" is mostly emoji and jamo chat).
MODEL_LANGS = frozenset({"ko", UNDETERMINED})


def read_by_models(lang: str, normalised: str) -> bool:
    """Whether the emotion models and the encoder's risk head read this message."""
    return lang in MODEL_LANGS and bool(normalised)
