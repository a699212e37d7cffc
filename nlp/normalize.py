"""Chat-text normalisation and Korean morphemes (one Kiwi per process, reused)."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

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
# Young children spell the past tense as they hear it: 던저써 (던졌어), 와써 (왔어), 해써요.
_HEARD_PAST = re.compile(r"([가-힣])써(?=$|[\s.,!?~ㅠㅜ요])")
# "새 아 빠 가 밤 에": letters spaced out to dodge filters; Kiwi re-spaces the joined run.
_SPACED_LETTERS = re.compile(r"(?<![가-힣])((?:[가-힣] ){4,}[가-힣])(?![가-힣])")
_SSANG_SIOT = 20  # the final-consonant index of ㅆ in a precomposed Hangul syllable
# "ㄴ ㅏ ㅈ ㅜ ㄱ ㅇ ㅡ ㄹ ㄹ ㅐ": a word typed letter by letter, also to dodge filters.
_JAMO_RUN = re.compile(r"(?<![ㄱ-ㅣ])[ㄱ-ㅣ](?: ?[ㄱ-ㅣ]){3,}(?![ㄱ-ㅣ])")
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_FINALS = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"  # index 0: none
# two letters typed apart for one: a double vowel (ㅗ ㅏ: ㅘ) or a double final (ㅂ ㅅ: ㅄ)
_DOUBLES = (
    "ㅗㅏㅘ ㅗㅐㅙ ㅗㅣㅚ ㅜㅓㅝ ㅜㅔㅞ ㅜㅣㅟ ㅡㅣㅢ "
    "ㄱㅅㄳ ㄴㅈㄵ ㄴㅎㄶ ㄹㄱㄺ ㄹㅁㄻ ㄹㅂㄼ ㄹㅅㄽ ㄹㅌㄾ ㄹㅍㄿ ㄹㅎㅀ ㅂㅅㅄ"
)
_PAIRS = {triple[:2]: triple[2] for triple in _DOUBLES.split()}


def _spelled_past(match: re.Match[str]) -> str:
    syllable = match.group(1)
    offset = ord(syllable) - 0xAC00
    if offset % 28 or syllable == "다":  # has a final consonant already, or 다 써 ("all used")
        return match.group(0)
    return chr(ord(syllable) + _SSANG_SIOT) + "어"


def _composed(match: re.Match[str]) -> str:
    """Letters joined into syllables when they spell whole syllables, else left as typed
    (so ㅋㅋ, ㅠㅠ and abbreviations such as ㅈㅅ stay)."""
    letters, out, i = match.group(0).replace(" ", ""), [], 0
    while i < len(letters):
        if i + 1 >= len(letters) or letters[i] not in _INITIALS or letters[i + 1] not in _VOWELS:
            return match.group(0)
        initial, vowel, i = letters[i], letters[i + 1], i + 2
        double = _PAIRS.get(vowel + letters[i : i + 1], "")
        if double and double in _VOWELS:  # ㅗ + ㅏ typed apart: ㅘ
            vowel, i = double, i + 1
        final = ""
        starts_next = i + 1 < len(letters) and letters[i + 1] in _VOWELS
        if i < len(letters) and letters[i] in _FINALS[1:] and not starts_next:
            pair = letters[i : i + 2]
            if pair in _PAIRS and not (i + 2 < len(letters) and letters[i + 2] in _VOWELS):
                final, i = _PAIRS[pair], i + 2
            else:
                final, i = letters[i], i + 1
        final_index = _FINALS.index(final) if final else 0
        code = (_INITIALS.index(initial) * 21 + _VOWELS.index(vowel)) * 28 + final_index
        out.append(chr(0xAC00 + code))
    return "".join(out)


SPELLING_FILE = Path(__file__).with_name("chat_spelling.yaml")


@lru_cache(maxsize=1)
def _spelling() -> tuple[re.Pattern[str], dict[str, str]] | None:
    table = yaml.safe_load(SPELLING_FILE.read_text(encoding="utf-8")) or {}
    if not table:
        return None
    keys = sorted(table, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys)), {k: str(v) for k, v in table.items()}


def normalize_text(text: str) -> str:
    """Light normalisation: NFC, lower case, repeats capped, chat spellings, spaces collapsed."""
    text = unicodedata.normalize("NFC", text[:MAX_CHARS]).lower()
    text = _REPEAT.sub(r"\1\1", text)
    text = _REPEAT_PAIR.sub(r"\1\1", text)
    text = _SPACED_LETTERS.sub(lambda m: m.group(1).replace(" ", ""), text)
    text = _JAMO_RUN.sub(_composed, text)
    text = _HEARD_PAST.sub(_spelled_past, text)
    spelling = _spelling()
    if spelling is not None:
        rx, table = spelling
        text = rx.sub(lambda m: table[m.group(0)], text)
    return _SPACE.sub(" ", text).strip()


def strip_emoji(text: str) -> str:
    """Text with emoji blanked, same length (emoji are dropped before morpheme analysis)."""
    return _EMOJI.sub(lambda m: " " * len(m.group(0)), text)


def laughter_spans(text: str) -> list[tuple[int, int]]:
    """Where the message laughs (ㅋㅋ, ㅎㅎ, lol): a hint of hyperbole."""
    return [m.span() for m in _LAUGH.finditer(text)]


@dataclass(frozen=True)
class Morpheme:
    """One Kiwi token: surface form, POS tag and lemma."""

    form: str
    tag: str
    lemma: str
    start: int = 0
    end: int = 0


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
    return [
        [Morpheme(t.form, t.tag, t.lemma, t.start, t.start + t.len) for t in tokens]
        for tokens in results
    ]
