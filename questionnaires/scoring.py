"""Scoring an instrument: reverse items, subscale sums, the total and its band."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from questionnaires.instrument import Instrument


class InvalidAnswer(ValueError):
    """An answer names an unknown item or lies outside the instrument's scale."""


@dataclass(frozen=True)
class ScoreResult:
    total: float
    subscales: dict[str, float] = field(default_factory=dict)
    band: str | None = None
    complete: bool = False
    answered: int = 0


def item_score(instrument: Instrument, item_id: str, value: int) -> int:
    item = instrument.item(item_id)
    scale = instrument.scale
    if value not in scale.values:
        raise InvalidAnswer(f"item {item_id!r}: {value} is outside {scale.min}-{scale.max}")
    return scale.min + scale.max - value if item.reverse else value


def score(instrument: Instrument, answers: Mapping[str, int]) -> ScoreResult:
    """Score rated answers; an incomplete set gets partial sums and no band."""
    rated = {item.id for item in instrument.rated_items}
    unknown = sorted(set(answers) - rated)
    if unknown:
        raise InvalidAnswer(f"{instrument.id}: not rated items: {', '.join(unknown)}")
    subscales = {name: 0.0 for name in instrument.subscales}
    total = 0.0
    for item in instrument.rated_items:
        if item.id not in answers:
            continue
        points = item_score(instrument, item.id, answers[item.id])
        total += points
        if item.subscale is not None:
            subscales[item.subscale] += points
    complete = rated <= set(answers)
    band = None
    if complete:
        band = next((b.id for b in instrument.bands if b.min_total <= total <= b.max_total), None)
    return ScoreResult(
        total=total, subscales=subscales, band=band, complete=complete, answered=len(answers)
    )
