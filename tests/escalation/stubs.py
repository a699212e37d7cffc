"""Deterministic classifier results for the rules: `nlp.Analysis` with the scores a test picks."""

from nlp import EMOTIONS, RISKS, Analysis


def analysis(
    risk: dict[str, float] | None = None,
    emotions: dict[str, float] | None = None,
    phrases: dict[str, list[str]] | None = None,
) -> Analysis:
    risk_scores = dict.fromkeys(RISKS, 0.0) | (risk or {})
    emotion_scores = dict.fromkeys(EMOTIONS, 0.0) | (emotions or {})
    return Analysis(
        lang="ko",
        emotions=emotion_scores,
        emotion_labels=[e for e, p in emotion_scores.items() if p >= 0.5],
        risk=risk_scores,
        risk_labels=[r for r, p in risk_scores.items() if p >= 0.5],
        model="test-chosen-scores",
        evidence=phrases or {},
    )
