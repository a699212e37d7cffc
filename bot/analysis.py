"""The analyser the bot calls on every free text: the project's classifier, or a named stand-in."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger(__name__)


class AnalysisLike(Protocol):
    """The shape of `nlp.Analysis` that the bot stores."""

    lang: str
    emotions: dict[str, float]
    emotion_labels: list[str]
    risk: dict[str, float]
    risk_labels: list[str]
    model: str
    evidence: dict[str, list[str]]


# (texts, speaker "child" | "parent") -> one analysis per text, in order.
Analyser = Callable[[Sequence[str], str], Sequence[AnalysisLike]]

STAND_IN_MODEL = "stand-in-empty"


@dataclass(frozen=True)
class StandInAnalysis:
    lang: str
    emotions: dict[str, float] = field(default_factory=dict)
    emotion_labels: list[str] = field(default_factory=list)
    risk: dict[str, float] = field(default_factory=dict)
    risk_labels: list[str] = field(default_factory=list)
    model: str = STAND_IN_MODEL
    evidence: dict[str, list[str]] = field(default_factory=dict)


def guess_language(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "und"
    hangul = sum(1 for c in letters if "\uac00" <= c <= "\ud7a3" or "\u3131" <= c <= "\u318e")
    return "ko" if hangul / len(letters) >= 0.3 else "en"


def stand_in_analyser(texts: Sequence[str], speaker: str) -> list[StandInAnalysis]:
    """Empty scores, clearly labelled: used only when the classifier cannot be loaded."""
    return [StandInAnalysis(lang=guess_language(text)) for text in texts]


def load_analyser(model_dir: Any = None) -> Analyser:
    """The trained classifier from `nlp`; the stand-in (with a warning) if it is unavailable."""
    try:
        from nlp import load_analyzer
    except ImportError:
        log.warning("nlp classifier not installed; using the empty stand-in analyser")
        return stand_in_analyser
    try:
        analyzer = load_analyzer(model_dir)
    except Exception as error:  # a missing or broken model must not stop the bot
        log.warning("classifier could not be loaded (%s); using the empty stand-in analyser",
                    type(error).__name__)
        return stand_in_analyser

    def analyse(texts: Sequence[str], speaker: str) -> Sequence[AnalysisLike]:
        return analyzer.analyze(list(texts), speaker=speaker)

    return analyse
