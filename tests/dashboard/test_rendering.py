"""The small pure parts: evidence highlighting, SVG charts, the text catalogue, queue filters."""

from pathlib import Path

import pytest

from dashboard.charts import Bar, CutOff, Series, bar_chart, line_chart, nice_step
from dashboard.evidence import highlight, phrases_from
from dashboard.queue_view import QueueFilters, age_band
from dashboard.rendering import I18N_DIR
from escalation.catalogue import CatalogueError, load_catalogue


def test_highlight_escapes_the_text_and_marks_every_phrase() -> None:
    html = highlight("<b>아빠가</b> 때려서 또 때려서", ["때려서"])
    assert str(html) == "&lt;b&gt;아빠가&lt;/b&gt; <mark>때려서</mark> 또 <mark>때려서</mark>"


def test_overlapping_phrases_make_one_mark() -> None:
    assert (
        str(highlight("엄마가 밥을 안 줘", ["밥을 안", "안 줘"]))
        == "엄마가 <mark>밥을 안 줘</mark>"
    )


def test_phrases_come_from_any_list_of_strings_in_the_evidence() -> None:
    phrases = phrases_from(
        {"abuse_physical": ["때려서"], "score": 0.9}, {"terms": ["무서워"]}, None
    )
    assert phrases == ["때려서", "무서워"]


def test_line_chart_draws_cut_offs_and_skips_missing_points() -> None:
    svg = str(
        line_chart(
            ["W1", "W2", "W3"],
            [Series("total", [20, None, 36])],
            [CutOff("high", 35)],
            y_max=50,
            title="t",
        )
    )
    assert svg.count('class="cutoff"') == 1 and "high ≥ 35" in svg
    assert svg.count("<circle") == 2
    assert svg.startswith("<svg") and svg.endswith("</svg>")


def test_chart_labels_are_escaped() -> None:
    svg = str(bar_chart([Bar("<script>", 3)], title="x"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_nice_steps_are_round() -> None:
    assert [nice_step(s) for s in (50, 100, 7)] == [10, 20, 2]


def test_both_catalogues_have_the_same_keys() -> None:
    catalogue = load_catalogue(I18N_DIR)
    assert set(catalogue.texts["ko"]) == set(catalogue.texts["en"])
    assert catalogue.text("en", "sla.left", duration="5 min") == "5 min left"


def test_a_catalogue_missing_a_key_is_named_in_the_error(tmp_path: Path) -> None:
    (tmp_path / "ko.yaml").write_text("a: 가\nb: 나\n", encoding="utf-8")
    (tmp_path / "en.yaml").write_text("a: A\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="b"):
        load_catalogue(tmp_path)


def test_age_bands_and_filter_urls() -> None:
    assert age_band(4) == (3, 5) and age_band(13) == (13, 15) and age_band(30) == (16, 18)
    assert QueueFilters().url() == "/queue"
    assert QueueFilters(severity="urgent", mine=True).url(page=2) == (
        "/queue?severity=urgent&mine=1&page=2"
    )
