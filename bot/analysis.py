"""The analyser the bot calls on every free text: the project's classifier from `nlp`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # nlp imports torch: loaded only when an analyser is built
    from nlp import Analysis

# (texts, speaker "child" | "parent") -> one analysis per text, in order.
Analyser = Callable[[Sequence[str], str], Sequence["Analysis"]]

STAND_IN_MODEL = "stand-in-empty"


class ClassifierUnavailable(RuntimeError):
    """The classifier could not be loaded; the bot refuses to run without risk detection."""


def empty_analysis(text: str, model: str) -> Analysis:
    """No scores, only the language: for a message whose analysis failed, named by `model`."""
    from nlp import Analysis, detect_language

    return Analysis(
        lang=detect_language(text),
        emotions={},
        emotion_labels=[],
        risk={},
        risk_labels=[],
        model=model,
    )


def stand_in_analyser(texts: Sequence[str], speaker: str) -> list[Analysis]:
    """Empty scores, clearly labelled: for tests and demos that need no classifier."""
    return [empty_analysis(text, STAND_IN_MODEL) for text in texts]


def load_analyser(model_dir: Any = None) -> Analyser:
    """The trained classifier. A missing or broken model stops start-up with a clear error:
    running without risk detection would silently leave disclosures unescalated."""
    from nlp import load_analyzer

    try:
        analyzer = load_analyzer(model_dir)
    except Exception as error:
        raise ClassifierUnavailable(
            f"the classifier could not be loaded from {model_dir or 'nlp/model'} "
            f"({type(error).__name__}); check MAEUM_MODEL_DIR"
        ) from error

    def analyse(texts: Sequence[str], speaker: str) -> Sequence[Analysis]:
        return analyzer.analyze(list(texts), speaker=speaker)

    return analyse
