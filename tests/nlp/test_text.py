"""Language detection and chat-text normalisation."""

from __future__ import annotations

import pytest

from nlp.lang import detect_language
from nlp.normalize import morphemes, normalize_text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("안녕", "ko"),
        ("ㅋㅋㅋ", "ko"),
        ("hello 선생님", "ko"),
        ("ok", "en"),
        ("I want to go home", "en"),
        ("123", "und"),
        ("😢", "und"),
        ("", "und"),
        ("今日はとても悲しいです", "ja"),
    ],
)
def test_language_detection_is_robust_on_short_and_mixed_text(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_language_detection_is_deterministic() -> None:
    text = "Je suis très triste aujourd'hui"
    assert len({detect_language(text) for _ in range(5)}) == 1


def test_normalisation_caps_repeats_and_spaces() -> None:
    assert normalize_text("ㅋㅋㅋㅋㅋㅋ  너무   좋아ㅠㅠㅠㅠ") == "ㅋㅋ 너무 좋아ㅠㅠ"
    assert normalize_text("HELLO") == "hello"
    assert normalize_text("   ") == ""


def test_normalisation_fixes_common_chat_spellings() -> None:
    assert normalize_text("엄마가 떄렸어") == "엄마가 때렸어"
    assert normalize_text("죽고시퍼") == "죽고싶어"


def test_morphemes_give_lemmas_across_conjugations() -> None:
    hit, got_hit = morphemes(["때렸어", "맞았어요"])
    assert "때리다" in [m.lemma for m in hit]
    assert "맞다" in [m.lemma for m in got_hit]


def test_morphemes_survive_emoji_and_keep_offsets() -> None:
    (ms,) = morphemes(["😢 아빠가 때렸어"])
    text = "😢 아빠가 때렸어"
    assert any(text[m.start : m.end] == "아빠" for m in ms)


def test_words_typed_letter_by_letter_are_composed() -> None:
    assert normalize_text("ㄴ ㅏ ㅈ ㅜ ㄱ ㅇ ㅡ ㄹ ㄹ ㅐ") == "나죽을래"
    assert normalize_text("ㅇ ㅓ ㅂ ㅅ ㅇ ㅓ") == "없어"  # a double final consonant
    assert normalize_text("ㄷ ㅗ ㅣ ㄱ ㅗ ㅏ") == "되과"  # a double vowel typed apart
    # runs that do not spell syllables stay as typed: laughter, crying, abbreviations
    assert normalize_text("ㄹㅇ ㅋㅋ ㅇㅈ ㅇㅈ") == "ㄹㅇ ㅋㅋ ㅇㅈ ㅇㅈ"
    assert normalize_text("ㅠ ㅠ ㅠ") == "ㅠ ㅠ ㅠ"


def test_young_childrens_heard_past_tense_is_respelled() -> None:
    assert normalize_text("아빠가 벽에 부디쳐써 혹나써") == "아빠가 벽에 부디쳤어 혹났어"
    assert normalize_text("해써요") == "했어요"
    assert normalize_text("돈 다써") == "돈 다써"  # 다 써: "all used", not a past tense
    assert normalize_text("모자 써") == "모자 써"
