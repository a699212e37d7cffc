"""Scoring: reverse items, subscales, bands, incomplete sets."""

import pytest

from questionnaires import InvalidAnswer, load_instrument, score


@pytest.fixture(scope="module")
def instrument():
    return load_instrument("parenting_stress")


def test_instrument_has_eleven_items_and_one_free_text(instrument):
    assert len(instrument.items) == 11
    assert [i.id for i in instrument.items if not i.is_rated] == ["hardest_moment"]
    assert {i.subscale for i in instrument.rated_items} == {
        "parental_distress",
        "parent_child_interaction",
        "child_difficulty",
    }


def test_reverse_items_count_the_other_way(instrument):
    all_ones = {item.id: 1 for item in instrument.rated_items}
    result = score(instrument, all_ones)
    reversed_count = sum(1 for item in instrument.rated_items if item.reverse)
    assert reversed_count == 3
    assert result.total == 7 * 1 + reversed_count * 5


def test_subscales_sum_their_items(instrument):
    answers = {item.id: 3 for item in instrument.rated_items}
    answers["ps05"] = 1  # reverse-scored: counts 5
    result = score(instrument, answers)
    assert result.subscales == {
        "parental_distress": 12.0,
        "parent_child_interaction": 11.0,
        "child_difficulty": 9.0,
    }
    assert result.total == 32.0


@pytest.mark.parametrize(
    ("value", "band"), [(1, "low"), (2, "low"), (3, "elevated"), (4, "high"), (5, "high")]
)
def test_bands_follow_the_cut_offs(instrument, value, band):
    # Answer every item so that each one scores `value` after reversing.
    answers = {item.id: (6 - value if item.reverse else value) for item in instrument.rated_items}
    result = score(instrument, answers)
    assert result.total == 10 * value
    assert result.band == band
    assert result.complete


def test_band_edges(instrument):
    answers = {item.id: (5 if item.reverse else 1) for item in instrument.rated_items}
    assert score(instrument, answers).total == 10
    # Raise items one point at a time until the total crosses 24 -> 25.
    for item in instrument.rated_items[:4]:
        answers[item.id] = 4 if not item.reverse else 2
    result = score(instrument, answers)
    assert result.total == 22
    answers["ps10"] = 4
    assert score(instrument, answers).total == 25
    assert score(instrument, answers).band == "elevated"


def test_incomplete_answers_have_partial_sums_and_no_band(instrument):
    result = score(instrument, {"ps01": 5, "ps05": 5})
    assert result.complete is False
    assert result.band is None
    assert result.answered == 2
    assert result.total == 6
    assert result.subscales["parental_distress"] == 5


def test_out_of_scale_and_unknown_items_are_refused(instrument):
    with pytest.raises(InvalidAnswer, match="ps01"):
        score(instrument, {"ps01": 6})
    with pytest.raises(InvalidAnswer, match="nope"):
        score(instrument, {"nope": 3})
    with pytest.raises(InvalidAnswer, match="hardest_moment"):
        score(instrument, {"hardest_moment": 3})
