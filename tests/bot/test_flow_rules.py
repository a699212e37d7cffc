"""Small rules of the conversations: age bands, language guesses."""

import pytest

from bot.analysis import ClassifierUnavailable, load_analyser, stand_in_analyser
from bot.flows.mood import age_band
from bot.flows.turn import guess_language_code


@pytest.mark.parametrize(
    ("age", "band"),
    [(3, "young"), (6, "young"), (7, "middle"), (12, "middle"), (13, "teen"), (17, "teen")],
)
def test_age_bands(age, band):
    assert age_band(age) == band


@pytest.mark.parametrize(
    ("code", "language"),
    [(None, "ko"), ("ko", "ko"), ("ko-KR", "ko"), ("en", "en"), ("en-US", "en"), ("ru", "en")],
)
def test_korean_by_default_english_for_other_clients(code, language):
    assert guess_language_code(code) == language


def test_stand_in_analyser_is_clearly_named_and_empty():
    result = stand_in_analyser(["오늘 너무 슬퍼", "ok", "ㅋㅋㅋ"], "child")
    assert [r.lang for r in result] == ["ko", "en", "ko"]
    assert all(r.model == "stand-in-empty" and not r.risk_labels for r in result)
    assert stand_in_analyser(["123 !!"], "child")[0].lang == "und"


def test_a_missing_classifier_stops_start_up_instead_of_running_blind(tmp_path):
    with pytest.raises(ClassifierUnavailable, match="MAEUM_MODEL_DIR"):
        load_analyser(tmp_path / "no-model-here")
